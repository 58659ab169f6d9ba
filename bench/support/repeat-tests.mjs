/**
 * `npm run test:repeat [N]`: runs the whole suite (`npm test`) N times in a row (default 5) and prints how many
 * runs failed, with each failed run's failing tests. A flaky test shows up here before it reaches CI.
 */
import { spawnSync } from "node:child_process";

const runs = Number(process.argv[2] ?? 5);
let failed = 0;
for (let run = 1; run <= runs; run++) {
  const started = Date.now();
  const result = spawnSync("npm", ["test", "--silent"], {
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" },
  });
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  const output = `${result.stdout}${result.stderr}`;
  const summary = output.match(/Tests\s+(.*)$/m)?.[1]?.trim() ?? "no vitest summary";
  if (result.status === 0) {
    process.stdout.write(`run ${run}/${runs}: passed in ${seconds} s (${summary})\n`);
  } else {
    failed++;
    process.stdout.write(`run ${run}/${runs}: FAILED in ${seconds} s (${summary})\n`);
    for (const failure of new Set([...output.matchAll(/FAIL\s+(.+)$/gm)].map((m) => m[1]?.trim()))) {
      process.stdout.write(`  ${failure}\n`);
    }
  }
}
process.stdout.write(`${failed} of ${runs} runs failed\n`);
process.exitCode = failed > 0 ? 1 : 0;
