/**
 * Reloading a large corpus while interactions keep arriving, on the fake Discord (127.0.0.1):
 *
 * - The real bot (`startBot`, in this process) serves a corpus folder of the shipped corpus and 500 synthetic
 *   reports of 40 paragraphs (20,000 paragraphs, from `syntheticCorpus`), started as `npm start` starts it.
 * - Idle: four streams of interactions (three of sequential `/ask`, one of `/ask` autocomplete) for a fixed
 *   count; then one more report is written into `articles/` (a temporary file renamed into place, as
 *   `talks-bot add` writes it), and the same streams run until the bot logs "corpus reloaded". The watcher
 *   notices the file, a worker thread reads and validates all 501 reports, and this thread builds the quote
 *   book, the answer engine and the suggestions in slices before the swap.
 * - The event loop: `monitorEventLoopDelay` (1 ms resolution) over each window, and a 1 ms timer probe whose
 *   longest gap is kept for each step of the reload (the hook `onPhase`), so a long block is traced to its
 *   step. The fake Discord and the interaction streams run in the same process: their work counts too.
 *
 * Run alone: `node --import tsx bench/reload.bench.ts`. Goals: the longest block of the event loop during the
 * reload ≤ 50 ms, and no interaction fails.
 */
import { cpSync, mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { monitorEventLoopDelay, PerformanceObserver } from "node:perf_hooks";
import { Writable } from "node:stream";
import { pathToFileURL } from "node:url";
import { loadConfig } from "../src/config.js";
import { loadCorpus } from "../src/corpus/load.js";
import type { Article } from "../src/corpus/types.js";
import { startBot } from "../src/discord/bot.js";
import { deployCommands } from "../src/discord/deploy.js";
import { createLogger } from "../src/logger.js";
import { DEFAULT_CORPUS_DIR } from "../src/paths.js";
import type { ReloadPhase } from "../src/runtime/live-context.js";
import { type FakeDiscord, type InteractionPayload, startFakeDiscord } from "../test/support/fake-discord.js";
import { syntheticCorpus } from "./search.bench.js";
import {
  askStream,
  benchToken,
  InteractionDriver,
  type InteractionSample,
  type LatencySummary,
  runSequential,
  summarize,
} from "./support/interactions.js";
import { markdownTable, ms, ratio, verdict } from "./support/report.js";

/** The longest the event loop may be blocked during a reload. */
export const BLOCK_GOAL_MS = 50;
/** Each stream's pause between an answer and its next interaction: four streams, at most 4 × 40 a second. */
const GAP_MS = 25;

export interface ReloadBenchOptions {
  readonly reports: number;
  readonly paragraphsPerReport: number;
  /** Interactions per stream in the idle window. */
  readonly idlePerStream: number;
  readonly seed: number;
}

export const DEFAULT_RELOAD_OPTIONS: ReloadBenchOptions = {
  reports: 500,
  paragraphsPerReport: 40,
  idlePerStream: 120,
  seed: 11,
};

/** One window of interactions, with the event loop's longest block over it. */
export interface Window {
  readonly ask: LatencySummary;
  readonly autocomplete: LatencySummary;
  readonly wallMs: number;
  /** `monitorEventLoopDelay`'s maximum (1 ms resolution). */
  readonly longestDelayMs: number;
  /** The timer probe's longest gap between two 1 ms ticks. */
  readonly longestGapMs: number;
  /** The bot's slowest interaction in the window, by its own log line. */
  readonly slowest: { readonly command: string; readonly latencyMs: number };
}

export interface PhaseTiming {
  readonly phase: ReloadPhase | "watch";
  readonly ms: number;
  readonly longestGapMs: number;
}

/** One reload: a report renamed into place, until the bot logs the swap. */
export interface ReloadRun {
  /** Rename → "corpus reloaded" logged. */
  readonly ms: number;
  readonly line: string;
  readonly phases: readonly PhaseTiming[];
  /** `monitorEventLoopDelay`'s maximum over the reload (1 ms resolution). */
  readonly longestDelayMs: number;
  /** The longest garbage-collection pause of the main thread over the reload. */
  readonly longestGcMs: number;
}

export interface ReloadBenchResult {
  readonly options: ReloadBenchOptions;
  readonly reports: number;
  readonly paragraphs: number;
  readonly startMs: number;
  readonly idle: Window;
  readonly during: Window;
  /** The reload the interactions ran through. */
  readonly loaded: ReloadRun;
  /** The next reload, with no interaction: the reload's own blocks. */
  readonly quiet: ReloadRun;
  readonly loadBefore: number;
  readonly loadAfter: number;
}

function discardingStream(): Writable {
  return new Writable({
    write(_chunk, _encoding, callback) {
      callback();
    },
  });
}

/** A report file as `talks-bot add` writes it. */
function reportFile(article: Article): string {
  return [
    "---",
    `id: ${article.id}`,
    `title: ${JSON.stringify(article.title)}`,
    `source: ${article.source}`,
    `published: ${article.published}`,
    "---",
    ...article.paragraphs.map((p) => p.text),
    "",
  ].join("\n");
}

/**
 * The synthetic paragraphs, regrouped into `reports` reports of `paragraphsPerReport` paragraphs with dates,
 * and two more reports for the reloads to add.
 */
function syntheticReports(options: ReloadBenchOptions): Article[] {
  const count = options.reports + 2;
  const texts = syntheticCorpus(
    loadCorpus(),
    count * options.paragraphsPerReport,
    options.seed,
  ).articles.flatMap((a) => a.paragraphs.map((p) => p.text));
  return Array.from({ length: count }, (_, r) => {
    const id = `synthetic-${String(r).padStart(4, "0")}`;
    const day = new Date(Date.UTC(2024, 2, 1) + r * 86_400_000).toISOString().slice(0, 10);
    const from = r * options.paragraphsPerReport;
    return {
      id,
      title: (texts[from] ?? "report").split(" ").slice(0, 8).join(" "),
      source: "Synthetic Wire",
      published: day,
      publishedInferred: false,
      byline: [],
      contributors: [],
      file: `articles/${id}.md`,
      paragraphs: texts
        .slice(from, from + options.paragraphsPerReport)
        .map((text, i) => ({ articleId: id, number: i + 1, text })),
      notes: [],
    };
  });
}

/** The longest gap between ticks of a 1 ms timer, kept per labelled stretch. */
class GapProbe {
  #last = performance.now();
  #longest = 0;
  readonly #timer: NodeJS.Timeout;
  constructor() {
    this.#timer = setInterval(() => {
      const now = performance.now();
      this.#longest = Math.max(this.#longest, now - this.#last);
      this.#last = now;
    }, 1);
  }
  /** The longest gap since the last call (counting the gap still open now), and starts afresh. */
  take(): number {
    const longest = Math.max(this.#longest, performance.now() - this.#last);
    this.#longest = 0;
    return longest;
  }
  /** Stops, and returns the longest gap since the last `take`. */
  stop(): number {
    clearInterval(this.#timer);
    return this.take();
  }
}

/** Endless autocomplete requests for `/ask`, as someone types. */
function* autocompleteStream(fake: FakeDiscord): Generator<InteractionPayload> {
  const typed = ["host", "hostages", "who is", "rafah", "ceasefire deal", "ramadan", "qatar", "what did"];
  for (let i = 0; ; i += 1) {
    const question = typed[i % typed.length] ?? "";
    yield fake.build.autocomplete("ask", { question }, "question");
  }
}

/** The first `count` items of `stream`. */
function* take<T>(stream: Iterator<T>, count: number): Generator<T> {
  for (let i = 0; i < count; i += 1) {
    const next = stream.next();
    if (next.done) return;
    yield next.value;
  }
}

async function measureWindow(
  driver: InteractionDriver,
  fake: FakeDiscord,
  until: { count: number } | { done: () => boolean },
): Promise<Omit<Window, "slowest"> & { readonly startedAt: number }> {
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  const probe = new GapProbe();
  const started = performance.now();
  const streams = [askStream(fake, 0), askStream(fake, 7), askStream(fake, 13), autocompleteStream(fake)];
  const [a = [], b = [], c = [], auto = []] = await Promise.all(
    streams.map((stream) =>
      "count" in until
        ? runSequential(driver, take(stream, until.count), { gapMs: GAP_MS })
        : runSequential(driver, stream, { until: until.done, gapMs: GAP_MS }),
    ),
  );
  histogram.disable();
  const asks: InteractionSample[] = [...a, ...b, ...c];
  return {
    ask: summarize(asks),
    autocomplete: summarize(auto),
    startedAt: started,
    wallMs: performance.now() - started,
    longestDelayMs: histogram.max / 1e6,
    longestGapMs: probe.stop(),
  };
}

export async function runReloadBench(
  options: ReloadBenchOptions = DEFAULT_RELOAD_OPTIONS,
): Promise<ReloadBenchResult> {
  const loadBefore = loadavg()[0] ?? 0;
  const dir = mkdtempSync(join(tmpdir(), "talks-bot-reload-bench-"));
  const corpusDir = join(dir, "corpus");
  cpSync(DEFAULT_CORPUS_DIR, corpusDir, { recursive: true });
  const reports = syntheticReports(options);
  const [second, first] = [reports.pop() as Article, reports.pop() as Article];
  for (const report of reports) writeFileSync(join(corpusDir, report.file), reportFile(report));
  const shippedParagraphs = loadCorpus().articles.reduce((n, a) => n + a.paragraphs.length, 0);

  const fake = await startFakeDiscord({ token: benchToken() });
  // The phase hook and the log line tell where a reload is; the probe's longest gap is kept per phase.
  let phases: { phase: PhaseTiming["phase"]; at: number; longestGapMs: number }[] = [];
  const probe = new GapProbe();
  const enter = (phase: PhaseTiming["phase"]) => {
    const previous = phases.at(-1);
    if (previous) previous.longestGapMs = probe.take();
    else probe.take();
    phases.push({ phase, at: performance.now(), longestGapMs: 0 });
  };
  /** Each interaction as the bot logged it: its command and its own latency. */
  const handled: { at: number; command: string; latencyMs: number }[] = [];
  /** The bot's slowest interaction in a window (from its log line). */
  const slowest = (from: number, to: number) =>
    handled
      .filter((h) => h.at >= from && h.at <= to)
      .reduce((a, b) => (b.latencyMs > a.latencyMs ? b : a), { at: 0, command: "none", latencyMs: 0 });
  let reloadEnded: (line: string) => void = () => undefined;
  const logger = createLogger({
    level: "info",
    write: (line) => {
      if (line.includes('"msg":"interaction"')) {
        const entry = JSON.parse(line) as { command: string; latencyMs: number };
        handled.push({ at: performance.now(), command: entry.command, latencyMs: entry.latencyMs });
        return;
      }
      if (!line.includes("corpus")) return;
      const entry = JSON.parse(line) as { level: number; msg: string };
      if (entry.msg.startsWith("corpus reloaded") || (entry.level >= 50 && entry.msg.includes("corpus")))
        reloadEnded(entry.msg);
    },
  });

  /** Renames `report` into the corpus folder and runs `meanwhile` until the bot has swapped the corpus in. */
  const reload = async <T>(report: Article, meanwhile: (done: () => boolean) => Promise<T>) => {
    let done = false;
    const ended = new Promise<string>((resolve) => {
      reloadEnded = (line) => {
        done = true;
        resolve(line);
      };
    });
    phases = [];
    let longestGcMs = 0;
    const gc = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) longestGcMs = Math.max(longestGcMs, entry.duration);
    });
    gc.observe({ entryTypes: ["gc"] });
    const histogram = monitorEventLoopDelay({ resolution: 1 });
    const temporary = join(corpusDir, "articles", ".bench.add.tmp");
    writeFileSync(temporary, reportFile(report));
    histogram.enable();
    const writtenAt = performance.now();
    enter("watch");
    renameSync(temporary, join(corpusDir, report.file));
    const during = await meanwhile(() => done);
    const line = await ended;
    const endedAt = performance.now();
    histogram.disable();
    gc.disconnect();
    const last = phases.at(-1);
    if (last) last.longestGapMs = Math.max(last.longestGapMs, probe.take());
    const run: ReloadRun = {
      ms: endedAt - writtenAt,
      line,
      phases: phases.map((p, i) => ({
        phase: p.phase,
        ms: (phases[i + 1]?.at ?? endedAt) - p.at,
        longestGapMs: p.longestGapMs,
      })),
      longestDelayMs: histogram.max / 1e6,
      longestGcMs,
    };
    return { run, during };
  };

  try {
    const config = loadConfig(
      {
        DISCORD_TOKEN: fake.token,
        DISCORD_CLIENT_ID: fake.applicationId,
        DISCORD_API_URL: fake.apiUrl,
        DATABASE_PATH: join(dir, "bot.db"),
        ASK_COOLDOWN_SECONDS: "0",
        LOG_LEVEL: "info",
        CORPUS_DIR: corpusDir,
        CACHE_DIR: join(dir, "cache"),
      },
      { requireDiscord: true },
    );
    await deployCommands(config, discardingStream());
    const startedAt = performance.now();
    const bot = await startBot({ config, logger, schedule: false, reload: { onPhase: enter } });
    const startMs = performance.now() - startedAt;
    const driver = new InteractionDriver(fake, { timeoutMs: 30_000 });
    const window = (run: Omit<Window, "slowest"> & { readonly startedAt: number }): Window => ({
      ask: run.ask,
      autocomplete: run.autocomplete,
      wallMs: run.wallMs,
      longestDelayMs: run.longestDelayMs,
      longestGapMs: run.longestGapMs,
      slowest: slowest(run.startedAt, run.startedAt + run.wallMs),
    });
    try {
      // Warm-up: the first answers and suggestions are built lazily.
      await measureWindow(driver, fake, { count: 20 });
      const idle = window(await measureWindow(driver, fake, { count: options.idlePerStream }));
      const loaded = await reload(first, async (done) => window(await measureWindow(driver, fake, { done })));
      const quiet = await reload(second, async () => undefined);
      return {
        options,
        reports: reports.length + 3,
        paragraphs: shippedParagraphs + (reports.length + 2) * options.paragraphsPerReport,
        startMs,
        idle,
        during: loaded.during,
        loaded: loaded.run,
        quiet: quiet.run,
        loadBefore,
        loadAfter: loadavg()[0] ?? 0,
      };
    } finally {
      probe.stop();
      driver.close();
      await bot.stop();
    }
  } finally {
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const PHASE_NAMES: Record<PhaseTiming["phase"], string> = {
  watch: "the watcher's quiet time (300 ms after the last change)",
  read: "read and validate every file (worker thread) and receive the corpus",
  quotes: "quote book, in slices",
  engine: "answer engine (`AnswerEngine.build`), in slices",
  suggestions: "suggested questions asked, in slices, then the swap",
};

/** The benchmark's tables, for `bench/results.md`. */
export function reloadBenchTables(r: ReloadBenchResult): string {
  const row = (label: string, w: Window, s: LatencySummary) => [
    label,
    s.count,
    s.failed,
    ms(s.p50),
    ms(s.p99),
    ms(s.max),
    ms(Math.max(w.longestDelayMs, w.longestGapMs)),
  ];
  const latency = markdownTable(
    ["window", "interactions", "failed", "p50", "p99", "max", "longest event-loop block"],
    [
      row("idle: `/ask`", r.idle, r.idle.ask),
      row("idle: autocomplete", r.idle, r.idle.autocomplete),
      row("during the reload: `/ask`", r.during, r.during.ask),
      row("during the reload: autocomplete", r.during, r.during.autocomplete),
    ],
    ["l", "r", "r", "r", "r", "r", "r"],
  );
  const failed = r.during.ask.failed + r.during.autocomplete.failed;
  const loadedBlock = Math.max(r.during.longestDelayMs, r.during.longestGapMs, r.loaded.longestDelayMs);
  const idleBlock = Math.max(r.idle.longestDelayMs, r.idle.longestGapMs);
  const quietBlock = Math.max(r.quiet.longestDelayMs, ...r.quiet.phases.map((p) => p.longestGapMs));
  const goals = markdownTable(
    ["what", "figure", "goal", "result"],
    [
      [
        "longest event-loop block during the reload, interactions arriving",
        `${ms(loadedBlock)} (idle, the same interactions alone: ${ms(idleBlock)})`,
        `≤ ${BLOCK_GOAL_MS} ms`,
        verdict(loadedBlock <= BLOCK_GOAL_MS),
      ],
      [
        "longest event-loop block during the reload alone (no interaction)",
        ms(quietBlock),
        `≤ ${BLOCK_GOAL_MS} ms`,
        verdict(quietBlock <= BLOCK_GOAL_MS),
      ],
      [
        "interactions failed during the reload",
        `${failed} of ${r.during.ask.count + r.during.autocomplete.count}`,
        "0",
        verdict(failed === 0),
      ],
      [
        "`/ask` p50 / p99 during ÷ idle",
        `${ratio(r.during.ask.p50, r.idle.ask.p50)} / ${ratio(r.during.ask.p99, r.idle.ask.p99)}`,
        "",
        "",
      ],
    ],
    ["l", "l", "l", "l"],
  );
  const phases = markdownTable(
    [
      "step of the reload",
      "took, with interactions / alone",
      "longest event-loop block, with interactions / alone",
    ],
    r.loaded.phases.map((p) => {
      const alone = r.quiet.phases.find((q) => q.phase === p.phase);
      return [
        PHASE_NAMES[p.phase],
        `${ms(p.ms)} / ${alone ? ms(alone.ms) : "–"}`,
        `${ms(p.longestGapMs)} / ${alone ? ms(alone.longestGapMs) : "–"}`,
      ];
    }),
    ["l", "r", "r"],
  );
  const errors = [...r.during.ask.errors, ...r.during.autocomplete.errors];
  const slow = (w: Window) => `${w.slowest.command}, ${ms(w.slowest.latencyMs)}`;
  const notes = [
    `- A corpus folder of the shipped corpus and ${r.options.reports} synthetic reports of ${r.options.paragraphsPerReport} paragraphs (\`syntheticCorpus\`, regrouped); each reload adds one more (${r.reports} reports, ${r.paragraphs} paragraphs at the end) and rebuilds everything. The bot started on it in ${ms(r.startMs)}. Rename → swap: ${ms(r.loaded.ms)} with interactions, ${ms(r.quiet.ms)} alone (\`${r.quiet.line}\`).`,
    `- Interactions: three streams of \`/ask\` (the project's questions) and one of \`/ask\` autocomplete, each sequential with ${GAP_MS} ms between an answer and the next, ${r.options.idlePerStream} each while idle, then until the swap. Latency is dispatch to the bot's callback, from the fake's side. The fake Discord and the streams run in the bot's process: their work is in the event loop's figures too. A block is the longest of \`monitorEventLoopDelay\`'s maximum and a 1 ms timer's longest gap; interactions that arrive together are handled in one turn of the loop, so a block can hold several.`,
    `- The longest garbage-collection pause of the main thread: ${ms(r.loaded.longestGcMs)} during the reload with interactions, ${ms(r.quiet.longestGcMs)} during the reload alone (two corpora and their indexes are in the heap until the swap).`,
    `- The bot's slowest interaction by its own log: ${slow(r.idle)} idle; ${slow(r.during)} during the reload.`,
    `- Node ${process.version}, ${availableParallelism()} cores, 1-minute load average ${r.loadBefore.toFixed(2)} before, ${r.loadAfter.toFixed(2)} after.${errors.length > 0 ? ` Failures: ${errors.join("; ")}.` : ""}`,
  ];
  return [
    "### Interaction latency, idle and during a reload",
    latency,
    goals,
    "### Where a reload spends its time",
    phases,
    notes.join("\n"),
  ].join("\n\n");
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await runReloadBench();
  // `--json`: the raw result for `bench/run.ts`, which runs each benchmark in a fresh process.
  if (process.argv.includes("--json")) process.stdout.write(`${JSON.stringify(result)}\n`);
  else console.log(reloadBenchTables(result));
}
