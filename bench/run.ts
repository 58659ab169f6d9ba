/**
 * `npm run bench`: runs every benchmark in turn (search, word vectors, Discord dispatch, start-up and memory,
 * reloading the corpus, reminders, scale-out), then prints all tables as Markdown, with each goal and
 * pass/miss beside its figure, and writes them to `bench/results.md` (overwritten on every run). Progress goes to stderr; the exit code is 1 when a
 * benchmark could not run (a missed goal is reported, not an error).
 *
 * The Discord, reload and reminders benchmarks each run in a fresh Node process (`--json`), so one benchmark's
 * heap (a 20,000-paragraph index, the fake Discord's records) cannot put its garbage collections into
 * another's timings.
 */
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { availableParallelism, cpus, loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { type DiscordBenchResult, discordBenchTables } from "./discord.bench.js";
import { type ReloadBenchResult, reloadBenchTables } from "./reload.bench.js";
import { type RemindersBenchResult, remindersBenchTables } from "./reminders.bench.js";
import { type ScaleBenchResult, scaleBenchTables } from "./scale.bench.js";
import { runSearchBench, type SearchBenchRow, searchBenchTable } from "./search.bench.js";
import { type StartupBenchResult, startupBenchTables } from "./startup.bench.js";
import { markdownTable, ms, renderSection, type Section, verdict } from "./support/report.js";
import { runVectorsBench, vectorsBenchTable } from "./vectors.bench.js";

const RESULTS = fileURLToPath(new URL("results.md", import.meta.url));

/** The search goals, from `bench/search.bench.ts`: full pipeline p99 on the shipped and the large corpus. */
const SEARCH_GOAL_SHIPPED_MS = 5;
const SEARCH_GOAL_LARGE_MS = 25;

function searchSection(rows: readonly SearchBenchRow[]): string {
  const goals = markdownTable(
    ["corpus", "paragraphs", "`ask` p99 (full pipeline)", "plain MiniSearch p99", "goal", "result"],
    rows.map((r) => {
      const goal = r.corpus === "shipped" ? SEARCH_GOAL_SHIPPED_MS : SEARCH_GOAL_LARGE_MS;
      return [
        r.corpus,
        r.paragraphs,
        ms(r.askP99Ms),
        ms(r.plainP99Ms),
        `p99 ≤ ${goal} ms`,
        verdict(r.askP99Ms <= goal),
      ];
    }),
    ["l", "r", "r", "r", "l", "l"],
  );
  return [searchBenchTable(rows), goals].join("\n\n");
}

/** Runs `bench/<file> --json` in a new Node process and returns the result it prints. */
function inFreshProcess<T>(file: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", fileURLToPath(new URL(file, import.meta.url)), "--json"],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    let output = "";
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => {
      output += chunk;
    });
    child.once("error", reject);
    child.once("close", (code, signal) => {
      const last = output.trim().split("\n").pop() ?? "";
      if (code !== 0) {
        reject(new Error(`${file} exited with ${code ?? signal}${last ? `: ${last.slice(0, 500)}` : ""}`));
        return;
      }
      try {
        resolve(JSON.parse(last) as T);
      } catch {
        reject(new Error(`${file} printed no result: ${last.slice(0, 500)}`));
      }
    });
  });
}

function loadLine(): string {
  return loadavg()
    .map((l) => l.toFixed(2))
    .join(" / ");
}

const sections: Section[] = [];
let broken = false;

async function run(title: string, work: () => Promise<string> | string): Promise<void> {
  process.stderr.write(`bench: ${title}…\n`);
  const start = performance.now();
  try {
    const body = await work();
    const seconds = ((performance.now() - start) / 1000).toFixed(0);
    sections.push({ title, body: `${body}\n\n_Took ${seconds} s._` });
    process.stderr.write(`bench: ${title} done in ${seconds} s\n`);
  } catch (error) {
    broken = true;
    const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
    sections.push({ title, body: `**Could not run:**\n\n\`\`\`\n${text}\n\`\`\`` });
    process.stderr.write(`bench: ${title} failed: ${text}\n`);
  }
}

const startedAt = new Date();
const loadBefore = loadLine();
const started = performance.now();
await run("Search", () => searchSection(runSearchBench()));
await run("Word vectors at start-up", () => vectorsBenchTable(runVectorsBench()));
await run("Discord dispatch", async () =>
  discordBenchTables(await inFreshProcess<DiscordBenchResult>("discord.bench.ts")),
);
await run("Start-up and memory", async () =>
  startupBenchTables(await inFreshProcess<StartupBenchResult>("startup.bench.ts")),
);
await run("Reloading the corpus", async () =>
  reloadBenchTables(await inFreshProcess<ReloadBenchResult>("reload.bench.ts")),
);
await run("Reminders", async () =>
  remindersBenchTables(await inFreshProcess<RemindersBenchResult>("reminders.bench.ts")),
);
await run("Past one machine: PostgreSQL and three shard processes", async () =>
  scaleBenchTables(await inFreshProcess<ScaleBenchResult>("scale.bench.ts")),
);
const totalSeconds = ((performance.now() - started) / 1000).toFixed(0);

const header = [
  "# Benchmark results",
  "",
  `Generated by \`npm run bench\` on ${startedAt.toISOString()} in ${totalSeconds} s: Node ${process.version}, ${cpus()[0]?.model.trim() ?? "unknown CPU"}, ${availableParallelism()} cores, load average (1/5/15 min) ${loadBefore} before and ${loadLine()} after. Figures in one table come from the same run; goals are beside them. Other processes on the machine add noise, mostly to the p99s.`,
  "",
].join("\n");
const report = `${header}\n${sections.map(renderSection).join("\n")}`;
writeFileSync(RESULTS, report);
process.stdout.write(`${report}\n`);
process.stderr.write(`bench: written to ${RESULTS}\n`);
process.exitCode = broken ? 1 : 0;

// Everything is closed by now; if a handle still holds the process open, say which and leave anyway.
setTimeout(() => {
  process.stderr.write(
    `bench: still open after 5 s: ${process.getActiveResourcesInfo().join(", ")}; exiting anyway\n`,
  );
  process.exit();
}, 5000).unref();
