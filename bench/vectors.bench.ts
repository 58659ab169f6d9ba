/**
 * What the word vectors add to start-up: load time and resident memory, each measured in a fresh Node
 * process (the file read, the checksum, the word index) against the same process before the load.
 * Goals: ≤ 150 ms and ≤ 30 MB.
 *
 * Run: `node --import tsx bench/vectors.bench.ts [--json]`.
 */
import { execFileSync } from "node:child_process";
import { fileURLToPath, pathToFileURL } from "node:url";
import { median } from "./support/stats.js";

export interface VectorsBenchResult {
  readonly loadMs: number;
  readonly rssMiB: number;
  readonly runs: number;
}

const MODULE = pathToFileURL(fileURLToPath(new URL("../src/search/word-vectors.ts", import.meta.url))).href;

/** One fresh process: RSS before and after loading the artifact (after a full GC each time), and the time. */
function once(): { ms: number; rss: number } {
  const script = `
    const { WordVectors } = await import(${JSON.stringify(MODULE)});
    globalThis.gc(); const before = process.memoryUsage().rss;
    const t = performance.now(); const v = WordVectors.load(); const ms = performance.now() - t;
    globalThis.gc(); const rss = process.memoryUsage().rss - before;
    console.log(JSON.stringify({ ms, rss, size: v.size }));`;
  const out = execFileSync(
    process.execPath,
    ["--expose-gc", "--import", "tsx", "--input-type=module", "-e", script],
    {
      encoding: "utf8",
    },
  );
  return JSON.parse(out.trim().split("\n").pop() ?? "{}") as { ms: number; rss: number };
}

export function runVectorsBench(runs = 5): VectorsBenchResult {
  const samples = Array.from({ length: runs }, once);
  return {
    loadMs: median(samples.map((s) => s.ms)),
    rssMiB: median(samples.map((s) => s.rss)) / 1_048_576,
    runs,
  };
}

export function vectorsBenchTable(r: VectorsBenchResult): string {
  const verdict = (ok: boolean) => (ok ? "pass" : "**miss**");
  return [
    "| what | median of fresh processes | goal | result |",
    "| --- | ---: | --- | --- |",
    `| loading the word vectors | ${r.loadMs.toFixed(1)} ms | ≤ 150 ms | ${verdict(r.loadMs <= 150)} |`,
    `| resident memory they add | ${r.rssMiB.toFixed(1)} MiB | ≤ 30 MiB | ${verdict(r.rssMiB <= 30)} |`,
    "",
    `_${r.runs} processes; each loads the artifact once after a full GC._`,
  ].join("\n");
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = runVectorsBench();
  console.log(process.argv.includes("--json") ? JSON.stringify(result) : vectorsBenchTable(result));
}
