/**
 * Discord dispatch benchmark, on the fake Discord (127.0.0.1):
 *
 * - Latency: INTERACTION_CREATE handed to the gateway socket → the bot's callback POST arriving at the fake,
 *   for sequential `/ask` on the real bot (`startBot`, in this process) against `/ping` on a minimal
 *   discord.js bot that replies with a fixed embed (the baseline). Both run on the same fake, one after the
 *   other and never together, in blocks ordered baseline, bot, bot, baseline so a slow drift weighs on both.
 * - Throughput: interactions per second with a fixed number kept in flight until all are answered.
 * - Memory: the bot as its own process, started as `npm start` starts it, RSS (`/proc/<pid>/status`) after 100,
 *   1,000 … 10,000 `/ask`; nothing forces a garbage collection. The minimal bot runs the same, with `/ping`.
 *
 * Run alone: `node --import tsx bench/discord.bench.ts`. Goals: `/ask` p99 ≤ 1.2× the baseline's p99;
 * RSS after 10,000 within 20% of RSS after 1,000 (the minimal bot's own figure is measured beside it).
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { fileURLToPath, pathToFileURL } from "node:url";
import { type APIEmbed, Client, Events, GatewayIntentBits } from "discord.js";
import { loadConfig } from "../src/config.js";
import { startBot } from "../src/discord/bot.js";
import { deployCommands } from "../src/discord/deploy.js";
import { createLogger } from "../src/logger.js";
import { type FakeDiscord, type InteractionPayload, startFakeDiscord } from "../test/support/fake-discord.js";
import {
  askPayloads,
  benchToken,
  InteractionDriver,
  type InteractionSample,
  type LatencySummary,
  runSequential,
  runWindowed,
  summarize,
} from "./support/interactions.js";
import { MINIMAL_BOT, procStatus, startScriptArgs } from "./support/processes.js";
import { markdownTable, mb, ms, ratio, verdict } from "./support/report.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** `/ask` p99 may be at most this many times the minimal bot's p99. */
export const LATENCY_GOAL_RATIO = 1.2;
/** RSS after the last checkpoint may be at most this many times RSS after 1,000 interactions. */
export const MEMORY_GOAL_RATIO = 1.2;

export interface DiscordBenchOptions {
  /** Interactions per measurement (sequential, and again with `inFlight` outstanding). */
  readonly interactions: number;
  readonly inFlight: number;
  /** Untimed interactions before each bot's measurements. */
  readonly warmup: number;
  /** Interaction counts after which the child's RSS is read. */
  readonly memoryCheckpoints: readonly number[];
  readonly memoryInFlight: number;
}

export const DEFAULT_DISCORD_OPTIONS: DiscordBenchOptions = {
  interactions: 2000,
  inFlight: 200,
  warmup: 200,
  memoryCheckpoints: [100, 1000, 2000, 4000, 6000, 8000, 10_000],
  memoryInFlight: 64,
};

export interface DispatchResult {
  readonly label: string;
  readonly command: string;
  readonly sequential: LatencySummary;
  readonly loaded: LatencySummary;
  readonly loadedWallMs: number;
  readonly perSecond: number;
  /** Sequential p99 and throughput of each block, in run order. */
  readonly blockP99: readonly number[];
  readonly blockPerSecond: readonly number[];
}

export interface MemoryPoint {
  readonly after: number;
  readonly rssKb: number;
  /** Live heap after a forced full GC, from a second run with the heap probe (bytes). */
  readonly liveHeapBytes?: number;
}

export interface MemoryResult {
  readonly pid: number;
  /** Spawn → first answered `/ask`. */
  readonly startupMs: number;
  readonly points: readonly MemoryPoint[];
  readonly hwmKb: number;
  readonly perSecond: number;
  readonly failed: number;
  readonly errors: readonly string[];
  /** Exit code after SIGTERM (null: killed), and how long the clean shutdown took. */
  readonly exitCode: number | null;
  readonly exitMs: number;
  /** The child's log lines at warn and above (first few). */
  readonly logLines: readonly string[];
  /** Sequential `/ask` latency of the child, measured after the last checkpoint. */
  readonly ownProcess: LatencySummary;
}

export interface DiscordBenchResult {
  readonly options: DiscordBenchOptions;
  readonly baseline: DispatchResult;
  readonly ours: DispatchResult;
  readonly memory: MemoryResult;
  /** The same memory run for the minimal bot (`/ping`), as its own process with Node's default flags. */
  readonly minimalMemory: MemoryResult;
}

const PONG: APIEmbed = {
  title: "Pong",
  description: "A fixed reply: the minimal bot's answer to /ping.",
  color: 0x2b6cb0,
  footer: { text: "baseline" },
};

const sleep = (milliseconds: number) => new Promise<void>((resolve) => setTimeout(resolve, milliseconds));

/** The environment the bot reads (the same keys for the in-process bot and the child). */
function botEnv(fake: FakeDiscord, databasePath: string, logLevel: string): Record<string, string> {
  return {
    DISCORD_TOKEN: fake.token,
    DISCORD_CLIENT_ID: fake.applicationId,
    DISCORD_API_URL: fake.apiUrl,
    DATABASE_PATH: databasePath,
    ASK_COOLDOWN_SECONDS: "0",
    LOG_LEVEL: logLevel,
  };
}

function discardingStream(): Writable {
  return new Writable({
    write(_chunk, _encoding, callback) {
      callback();
    },
  });
}

/**
 * The minimal discord.js 14 bot: Guilds intent, no mentions, `/ping` answered with a fixed embed. `/ping` is
 * not registered on the fake (the bot's own bulk overwrite stays in place); the fake builds it anyway.
 */
async function startBaseline(fake: FakeDiscord): Promise<Client> {
  const client = new Client({
    intents: [GatewayIntentBits.Guilds],
    allowedMentions: { parse: [] },
    rest: { api: fake.apiUrl },
  });
  client.on(Events.InteractionCreate, (interaction) => {
    if (!interaction.isChatInputCommand() || interaction.commandName !== "ping") return;
    interaction.reply({ embeds: [PONG] }).catch((error: unknown) => {
      console.error("baseline bot: reply failed:", error);
    });
  });
  const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
  await client.login(fake.token);
  await ready;
  return client;
}

/** Samples of one bot, gathered over its blocks. */
interface Collected {
  readonly sequential: InteractionSample[];
  readonly loaded: InteractionSample[];
  loadedWallMs: number;
  readonly blockP99: number[];
  readonly blockPerSecond: number[];
}

function collected(): Collected {
  return { sequential: [], loaded: [], loadedWallMs: 0, blockP99: [], blockPerSecond: [] };
}

/**
 * One block for the bot that is logged in: warm-up, `sequential` one at a time, then `interactions` with
 * `inFlight` outstanding.
 */
async function measureBlock(
  fake: FakeDiscord,
  build: (count: number, offset: number) => InteractionPayload[],
  sequentialCount: number,
  options: DiscordBenchOptions,
  into: Collected,
): Promise<void> {
  const driver = new InteractionDriver(fake);
  try {
    await runSequential(driver, build(options.warmup, 0));
    await runWindowed(driver, build(options.warmup * 5, options.warmup), options.inFlight);
    const sequential = await runSequential(driver, build(sequentialCount, 0));
    const loaded = await runWindowed(driver, build(options.interactions, 0), options.inFlight);
    into.sequential.push(...sequential);
    into.loaded.push(...loaded.samples);
    into.loadedWallMs += loaded.wallMs;
    into.blockP99.push(summarize(sequential).p99);
    into.blockPerSecond.push(loaded.samples.filter((s) => s.ok).length / (loaded.wallMs / 1000));
  } finally {
    driver.close();
  }
}

function dispatchResult(label: string, command: string, from: Collected): DispatchResult {
  return {
    label,
    command,
    sequential: summarize(from.sequential),
    loaded: summarize(from.loaded),
    loadedWallMs: from.loadedWallMs,
    perSecond: from.loaded.filter((s) => s.ok).length / (from.loadedWallMs / 1000),
    blockP99: from.blockP99,
    blockPerSecond: from.blockPerSecond,
  };
}

/**
 * Both bots on one fake Discord, never logged in at the same time, in the order baseline, talks-bot,
 * talks-bot, baseline: on a shared, noisy machine a slow drift (other processes, the fake's growing
 * records) then weighs on both alike. Each bot gets half of the sequential interactions in each block.
 */
async function runDispatch(
  options: DiscordBenchOptions,
): Promise<{ baseline: DispatchResult; ours: DispatchResult }> {
  const fake = await startFakeDiscord({ token: benchToken() });
  const dir = mkdtempSync(join(tmpdir(), "talks-bot-bench-"));
  try {
    const config = loadConfig(botEnv(fake, join(dir, "bot.db"), "silent"), { requireDiscord: true });
    await deployCommands(config, discardingStream());
    const baseline = collected();
    const ours = collected();
    const perBlock = Math.ceil(options.interactions / 2);
    for (const which of ["baseline", "ours", "ours", "baseline"] as const) {
      if (which === "baseline") {
        const client = await startBaseline(fake);
        try {
          await measureBlock(
            fake,
            (count) => Array.from({ length: count }, () => fake.build.command("ping")),
            perBlock,
            options,
            baseline,
          );
        } finally {
          await client.destroy();
        }
      } else {
        const bot = await startBot({
          config,
          logger: createLogger({ level: config.logLevel }),
          schedule: false,
        });
        try {
          await measureBlock(
            fake,
            (count, offset) => askPayloads(fake, count, offset),
            perBlock,
            options,
            ours,
          );
        } finally {
          await bot.stop();
        }
      }
    }
    return {
      baseline: dispatchResult("minimal discord.js bot (baseline)", "/ping", baseline),
      ours: dispatchResult("talks-bot (startBot)", "/ask", ours),
    };
  } finally {
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The bot as a child process; RSS read at each checkpoint once its interactions are all answered. */
async function runMemory(
  options: DiscordBenchOptions,
  probeHeap = false,
  minimal = false,
): Promise<MemoryResult> {
  const fake = await startFakeDiscord({ token: benchToken() });
  const dir = mkdtempSync(join(tmpdir(), "talks-bot-bench-mem-"));
  const env = botEnv(fake, join(dir, "bot.db"), "warn");
  const logLines: string[] = [];
  try {
    await deployCommands(loadConfig(env, { requireDiscord: true }), discardingStream());
    const inherited = Object.fromEntries(
      Object.entries(process.env).filter(
        ([key]) => !key.startsWith("DISCORD_") && !["DATABASE_PATH", "LOG_LEVEL", "CORPUS_DIR"].includes(key),
      ),
    );
    const spawnedAt = performance.now();
    // Exactly as `npm start` runs it, Node flags included.
    const probeFile = join(dir, "heap");
    const startArgs = minimal
      ? [MINIMAL_BOT]
      : probeHeap
        ? [
            "--expose-gc",
            "--import",
            fileURLToPath(new URL("support/heap-probe.mjs", import.meta.url)),
            ...startScriptArgs(),
          ]
        : startScriptArgs();
    const child = spawn(process.execPath, startArgs, {
      cwd: ROOT,
      env: { ...inherited, ...env, ...(probeHeap ? { TALKS_BOT_HEAP_PROBE: probeFile } : {}) },
      stdio: ["ignore", "ignore", "pipe"],
    });
    const pid = child.pid;
    if (pid === undefined) throw new Error("memory: could not start the bot process");
    let stderrBuffer = "";
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (chunk: string) => {
      stderrBuffer += chunk;
      const lines = stderrBuffer.split("\n");
      stderrBuffer = lines.pop() ?? "";
      for (const line of lines)
        if (line.trim() !== "" && logLines.length < 20) logLines.push(line.slice(0, 400));
    });
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    let exitCode: number | null = null;
    let exitMs = Number.NaN;
    const driver = new InteractionDriver(fake);
    try {
      const died = exited.then((code) =>
        Promise.reject(new Error(`memory: the bot exited early (code ${code})`)),
      );
      died.catch(() => undefined);
      await Promise.race([fake.waitForSessions(1, 60_000), died]);
      // Interactions sent before the client is ready are dropped by discord.js: probe until one is answered.
      const probe = new InteractionDriver(fake, { timeoutMs: 1000 });
      try {
        for (let attempt = 0; ; attempt++) {
          const sample = await Promise.race([
            probe.send(
              minimal
                ? fake.build.command("ping")
                : fake.build.command("ask", { question: "who is brokering the talks?" }),
            ),
            died,
          ]);
          if (sample.ok) break;
          if (attempt >= 60)
            throw new Error(`memory: the bot never answered (${sample.error ?? "error notice"})`);
        }
      } finally {
        probe.close();
      }
      const startupMs = performance.now() - spawnedAt;

      const points: MemoryPoint[] = [];
      const samples: InteractionSample[] = [];
      let done = 0;
      let busyMs = 0;
      for (const checkpoint of options.memoryCheckpoints) {
        const run = await runWindowed(
          driver,
          minimal
            ? Array.from({ length: checkpoint - done }, () => fake.build.command("ping"))
            : askPayloads(fake, checkpoint - done, done),
          options.memoryInFlight,
        );
        samples.push(...run.samples);
        busyMs += run.wallMs;
        done = checkpoint;
        // Let in-flight work (sockets, logs) settle; no GC is forced.
        await sleep(250);
        const rssKb = procStatus(pid).rssKb;
        if (probeHeap) {
          rmSync(probeFile, { force: true });
          child.kill("SIGUSR2");
          for (let i = 0; i < 100 && !existsSync(probeFile); i++) await sleep(20);
          points.push({ after: done, rssKb, liveHeapBytes: Number(readFileSync(probeFile, "utf8")) });
        } else {
          points.push({ after: done, rssKb });
        }
      }
      const { hwmKb } = procStatus(pid);
      const summary = summarize(samples);
      // The same sequential latency measurement as in-process, with the bot's heap its own.
      const ownProcess = summarize(await runSequential(driver, askPayloads(fake, options.interactions)));

      child.kill("SIGTERM");
      const stopAt = performance.now();
      let timer: NodeJS.Timeout | undefined;
      const code = await Promise.race([
        exited,
        new Promise<"timeout">((resolve) => {
          timer = setTimeout(() => resolve("timeout"), 10_000);
        }),
      ]);
      clearTimeout(timer);
      if (code === "timeout") {
        child.kill("SIGKILL");
        await exited;
      } else {
        exitCode = code;
        exitMs = performance.now() - stopAt;
      }
      return {
        pid,
        startupMs,
        points,
        hwmKb,
        perSecond: samples.filter((s) => s.ok).length / (busyMs / 1000),
        failed: summary.failed,
        errors: summary.errors,
        exitCode,
        exitMs,
        logLines,
        ownProcess,
      };
    } finally {
      driver.close();
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGKILL");
        await exited;
      }
    }
  } finally {
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs the dispatch comparison, then the memory run. */
export async function runDiscordBench(
  overrides: Partial<DiscordBenchOptions> = {},
): Promise<DiscordBenchResult> {
  const options = { ...DEFAULT_DISCORD_OPTIONS, ...overrides };
  const { baseline, ours } = await runDispatch(options);
  const memory = await runMemory(options);
  // A second, separate run with the heap probe: forcing GCs must not change the RSS figures above.
  const probed = await runMemory(options, true);
  const minimalMemory = await runMemory(options, false, true);
  const points = memory.points.map((point, i) => ({
    ...point,
    liveHeapBytes: probed.points[i]?.liveHeapBytes,
  }));
  return { options, baseline, ours, memory: { ...memory, points }, minimalMemory };
}

function failures(summary: LatencySummary): string {
  if (summary.failed === 0) return "0";
  return `${summary.failed} (${summary.errors.join("; ")})`;
}

/** The results as Markdown tables with the goals. */
export function discordBenchTables(result: DiscordBenchResult): string {
  const { baseline, ours, memory, options } = result;
  const n = options.interactions.toLocaleString("en-US");
  const p99Ratio = ours.sequential.p99 / baseline.sequential.p99;
  const latency = markdownTable(
    ["bot", "command", "p50", "p99", "max", "full reply p99", "deferred", "failed", "goal", "result"],
    [
      ...[baseline, ours].map((r) => [
        r.label,
        r.command,
        ms(r.sequential.p50),
        ms(r.sequential.p99),
        ms(r.sequential.max),
        ms(r.sequential.replyP99),
        r.sequential.deferred,
        failures(r.sequential),
        "",
        "",
      ]),
      [
        "talks-bot in its own process (after the memory run)",
        "/ask",
        ms(memory.ownProcess.p50),
        ms(memory.ownProcess.p99),
        ms(memory.ownProcess.max),
        ms(memory.ownProcess.replyP99),
        memory.ownProcess.deferred,
        failures(memory.ownProcess),
        "",
        "",
      ],
      [
        "ratio talks-bot (startBot) / baseline",
        "",
        ratio(ours.sequential.p50, baseline.sequential.p50),
        ratio(ours.sequential.p99, baseline.sequential.p99),
        "",
        "",
        "",
        "",
        `p99 ≤ ${LATENCY_GOAL_RATIO}×`,
        verdict(p99Ratio <= LATENCY_GOAL_RATIO),
      ],
    ],
    ["l", "l", "r", "r", "r", "r", "r", "r", "l", "l"],
  );
  const throughput = markdownTable(
    [
      "bot",
      "command",
      "interactions/s",
      "wall time",
      "p50 under load",
      "p99 under load",
      "deferred",
      "failed",
    ],
    [
      ...[baseline, ours].map((r) => [
        r.label,
        r.command,
        r.perSecond.toFixed(0),
        ms(r.loadedWallMs),
        ms(r.loaded.p50),
        ms(r.loaded.p99),
        r.loaded.deferred,
        failures(r.loaded),
      ]),
      ["ratio talks-bot / baseline", "", ratio(ours.perSecond, baseline.perSecond), "", "", "", "", ""],
    ],
    ["l", "l", "r", "r", "r", "r", "r", "r"],
  );
  const last = memory.points[memory.points.length - 1];
  const thousand = memory.points.find((p) => p.after === 1000);
  const minimalPoints = result.minimalMemory.points;
  const minimalAt = (after: number) => minimalPoints.find((p) => p.after === after);
  const minimalThousand = minimalAt(1000);
  const minimalLast = minimalPoints[minimalPoints.length - 1];
  const memoryTable = markdownTable(
    [
      "after interactions",
      "RSS",
      "vs after 1,000",
      "live heap after full GC (second run)",
      "minimal bot RSS",
      "minimal: vs after 1,000",
      "goal",
      "result",
    ],
    memory.points.map((p) => {
      const isLast = p === last;
      const theirs = minimalAt(p.after);
      return [
        p.after.toLocaleString("en-US"),
        mb(p.rssKb),
        thousand ? ratio(p.rssKb, thousand.rssKb) : "–",
        p.liveHeapBytes === undefined ? "–" : `${(p.liveHeapBytes / 1e6).toFixed(1)} MB`,
        theirs ? mb(theirs.rssKb) : "–",
        theirs && minimalThousand ? ratio(theirs.rssKb, minimalThousand.rssKb) : "–",
        isLast ? `≤ ${MEMORY_GOAL_RATIO}× of after 1,000` : "",
        isLast && thousand ? verdict(p.rssKb <= thousand.rssKb * MEMORY_GOAL_RATIO) : "",
      ];
    }),
    ["r", "r", "r", "r", "r", "r", "l", "l"],
  );
  const notes = [
    `- Latency: ${n} sequential interactions per bot, in four blocks run one after the other (baseline, talks-bot, talks-bot, baseline; each bot logged in only for its block, after ${options.warmup} sequential and ${options.warmup * 5} concurrent warm-up interactions). Timed from INTERACTION_CREATE handed to the gateway socket to the callback POST's body arriving at the fake; "full reply" ends when the fake accepted the answer. Questions cycle through \`test/questions.ts\` (answerable and not). Sequential p99 per block: baseline ${baseline.blockP99.map(ms).join(" / ")}, talks-bot ${ours.blockP99.map(ms).join(" / ")}.`,
    `- Throughput: ${n} interactions with ${options.inFlight} kept in flight, once per block (figures over both blocks; per block: baseline ${baseline.blockPerSecond.map((r) => r.toFixed(0)).join(" / ")}/s, talks-bot ${ours.blockPerSecond.map((r) => r.toFixed(0)).join(" / ")}/s). The fake, both bots and this driver share one process and ${availableParallelism()} cores, so the fake's own work (JSON, validation, recording) is inside every figure, for both bots.`,
    `- Memory: \`npm start\` (\`node ${startScriptArgs().join(" ")}\`, pid ${memory.pid}, LOG_LEVEL=warn), ${options.memoryInFlight} in flight, ${memory.perSecond.toFixed(0)} interactions/s; ready (first answer) ${ms(memory.startupMs)} after spawn; peak RSS (VmHWM) ${mb(memory.hwmKb)}; RSS after 10,000 vs after 1,000: ${thousand && last ? ratio(last.rssKb, thousand.rssKb) : "–"} (the minimal bot, with Node's default flags, at the same checkpoints with \`/ping\`: ${minimalThousand && minimalLast ? ratio(minimalLast.rssKb, minimalThousand.rssKb) : "–"}, ${mb(minimalLast?.rssKb ?? Number.NaN)} after 10,000); failed interactions: ${memory.failed}${memory.errors.length ? ` (${memory.errors.join("; ")})` : ""}; SIGTERM → exit code ${memory.exitCode ?? "none (killed after 10 s)"}${Number.isFinite(memory.exitMs) ? ` in ${ms(memory.exitMs)}` : ""}.`,
    ...(memory.logLines.length > 0
      ? [
          `- The bot process logged at warn or above: ${memory.logLines
            .slice(0, 3)
            .map((l) => `\`${l}\``)
            .join(", ")}`,
        ]
      : []),
  ];
  return [
    `### Dispatch-to-callback latency, ${n} sequential`,
    latency,
    `### Throughput, ${options.inFlight} in flight until ${n} answered`,
    throughput,
    "### Bot process memory (RSS)",
    memoryTable,
    notes.join("\n"),
  ].join("\n\n");
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await runDiscordBench();
  // `--json`: the raw result for `bench/run.ts`, which runs each benchmark in a fresh process.
  if (process.argv.includes("--json")) process.stdout.write(`${JSON.stringify(result)}\n`);
  else console.log(discordBenchTables(result));
}
