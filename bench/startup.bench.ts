/**
 * Start-up and resident memory, each beside a reference measured in the same run:
 *
 * - One-shot `talks-bot ask`: CPU time (user + system, all threads) and peak RSS of the compiled binary
 *   (`src/talks-bot.js`, which runs dist/, as `npx talks-bot` does) against the same sources run through tsx, the way the
 *   previous release ran them. Warm runs read the corpus cache; the cold run is the first after a corpus change.
 * - `npm start` to ready: spawn until the first `/ask` is answered, against the minimal discord.js bot
 *   (`bench/support/minimal-bot.mjs`) from spawn to its first answered `/ping`, both on the fake Discord.
 * - RSS after ready with 2,500 servers of 10 channels and 5 roles: talks-bot against the minimal bot with
 *   discord.js's default caches.
 *
 * Run alone: `node --import tsx bench/startup.bench.ts` (after `npm run build`).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath, pathToFileURL } from "node:url";
import { loadConfig } from "../src/config.js";
import { deployCommands } from "../src/discord/deploy.js";
import {
  type FakeDiscord,
  type FakeGuildInit,
  type InteractionPayload,
  startFakeDiscord,
} from "../test/support/fake-discord.js";
import { cleanEnv } from "../test/support/run-cli.js";
import { benchToken, InteractionDriver, QUESTIONS } from "./support/interactions.js";
import { MINIMAL_BOT, procStatus, startScriptArgs } from "./support/processes.js";
import { markdownTable, mb, ms, ratio, verdict } from "./support/report.js";
import { median, percentile } from "./support/stats.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const BIN = join(ROOT, "src", "talks-bot.js");
const CPU_AT_EXIT = fileURLToPath(new URL("support/cpu-at-exit.cjs", import.meta.url));

/** Goals (issue: a lean process). */
export const ONE_SHOT_CPU_GOAL_MS = 400;
export const READY_GOAL_MS = 400;

export interface StartupBenchOptions {
  /** Runs per variant of the one-shot CLI (after one untimed run each). */
  readonly oneShotRuns: number;
  /** Starts per bot for the time to ready. */
  readonly readyRuns: number;
  /** Servers, and channels and roles per server, for the memory comparison. */
  readonly servers: number;
  readonly channelsPerServer: number;
  readonly rolesPerServer: number;
}

export const DEFAULT_STARTUP_OPTIONS: StartupBenchOptions = {
  oneShotRuns: 9,
  readyRuns: 5,
  servers: 2500,
  channelsPerServer: 10,
  rolesPerServer: 5,
};

export interface OneShotRow {
  readonly label: string;
  readonly cpuMs: readonly number[];
  readonly peakRssKb: readonly number[];
}

export interface StartRow {
  readonly label: string;
  readonly readyMs: readonly number[];
  readonly rssKb: readonly number[];
}

export interface StartupBenchResult {
  readonly options: StartupBenchOptions;
  readonly oneShot: { readonly compiled: OneShotRow; readonly tsx: OneShotRow; readonly coldCpuMs: number };
  readonly ready: { readonly ours: StartRow; readonly minimal: StartRow };
  readonly manyServers: { readonly ours: StartRow; readonly minimal: StartRow };
}

function waitForExit(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once("exit", (code) => resolve(code)));
}

/** One `talks-bot ask` as a child process: its CPU time and peak RSS, from inside it at exit. */
async function oneShot(nodeArgs: readonly string[], question: string, cacheDir: string, dir: string) {
  const file = join(dir, "cpu.json");
  rmSync(file, { force: true });
  const child = spawn(process.execPath, ["--require", CPU_AT_EXIT, ...nodeArgs, "ask", question], {
    cwd: ROOT,
    env: cleanEnv({ CPU_AT_EXIT_FILE: file, CACHE_DIR: cacheDir, DATABASE_PATH: join(dir, "cli.db") }),
    stdio: ["ignore", "ignore", "inherit"],
  });
  const code = await waitForExit(child);
  if (code !== 0) throw new Error(`one-shot: talks-bot ask exited with ${code}`);
  const usage = JSON.parse(readFileSync(file, "utf8")) as {
    userCPUTime: number;
    systemCPUTime: number;
    maxRSS: number;
  };
  return { cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000, peakRssKb: usage.maxRSS };
}

async function runOneShot(options: StartupBenchOptions): Promise<StartupBenchResult["oneShot"]> {
  const dir = mkdtempSync(join(tmpdir(), "talks-bot-bench-cli-"));
  try {
    const cacheDir = join(dir, "cache");
    const variants = {
      compiled: { label: "compiled (`talks-bot`, which runs dist/)", args: [BIN] },
      tsx: {
        label: "the same sources through tsx (`node --import tsx src/bin.ts`, as 0.x ran)",
        args: ["--import", "tsx", join(ROOT, "src", "bin.ts")],
      },
    };
    const coldCpuMs = (await oneShot(variants.compiled.args, "who is mediating?", cacheDir, dir)).cpuMs;
    await oneShot(variants.tsx.args, "who is mediating?", cacheDir, dir);
    const rows = {
      compiled: { label: variants.compiled.label, cpuMs: [] as number[], peakRssKb: [] as number[] },
      tsx: { label: variants.tsx.label, cpuMs: [] as number[], peakRssKb: [] as number[] },
    };
    for (let i = 0; i < options.oneShotRuns; i++) {
      const question = QUESTIONS[i % QUESTIONS.length] ?? "rafah";
      // Alternated, so a slow phase of the machine weighs on both.
      for (const which of i % 2 === 0 ? (["compiled", "tsx"] as const) : (["tsx", "compiled"] as const)) {
        const run = await oneShot(variants[which].args, question, cacheDir, dir);
        rows[which].cpuMs.push(run.cpuMs);
        rows[which].peakRssKb.push(run.peakRssKb);
      }
    }
    // The next compiled run after a change to the corpus (here: an empty cache) parses the files again.
    return { ...rows, coldCpuMs };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

type Which = "ours" | "minimal";

/**
 * Starts a bot process on the fake, probes until it answers, and returns the time from spawn to that
 * answer and its RSS once it has settled; then stops it.
 */
async function startOnce(fake: FakeDiscord, which: Which, dir: string, run: number) {
  const env =
    which === "ours"
      ? cleanEnv({
          DISCORD_TOKEN: fake.token,
          DISCORD_CLIENT_ID: fake.applicationId,
          DISCORD_API_URL: fake.apiUrl,
          DATABASE_PATH: join(dir, `bot-${run}.db`),
          CACHE_DIR: join(dir, "cache"),
          LOG_LEVEL: "warn",
          // Probes may come faster than the per-member cooldown allows.
          ASK_COOLDOWN_SECONDS: "0",
        })
      : cleanEnv({ DISCORD_TOKEN: fake.token, DISCORD_API_URL: fake.apiUrl });
  const args = which === "ours" ? startScriptArgs() : [MINIMAL_BOT];
  const payload = (): InteractionPayload =>
    which === "ours"
      ? fake.build.command("ask", { question: "who is brokering the talks?" })
      : fake.build.command("ping");
  const spawnedAt = performance.now();
  const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ["ignore", "ignore", "inherit"] });
  const exited = waitForExit(child);
  const probe = new InteractionDriver(fake, { timeoutMs: 30_000 });
  try {
    const died = exited.then((code) => Promise.reject(new Error(`${which} bot exited early (${code})`)));
    died.catch(() => undefined);
    await Promise.race([fake.waitForSessions(1, 60_000), died]);
    // discord.js drops interactions that arrive before it is ready, so a probe goes out every 25 ms until
    // one is answered; the first answer marks the bot ready (a probe it dropped is simply never answered).
    let answeredAt: number | undefined;
    let failure: string | undefined;
    let markAnswered = () => {};
    const answered = new Promise<void>((resolve) => {
      markAnswered = resolve;
    });
    for (let sent = 0; answeredAt === undefined; sent++) {
      if (sent > 2400) throw new Error(`${which} bot never answered: ${failure ?? "no reply"}`);
      void probe.send(payload()).then((sample) => {
        if (!sample.ok) failure ??= sample.error ?? "error notice";
        else if (answeredAt === undefined) {
          answeredAt = performance.now();
          markAnswered();
        }
      });
      await Promise.race([answered, sleep(25), died]);
    }
    const readyMs = (answeredAt ?? Number.NaN) - spawnedAt;
    // Let start-up garbage be collected as it would be, without forcing it.
    await sleep(1500);
    const rssKb = procStatus(child.pid ?? 0).rssKb;
    return { readyMs, rssKb };
  } finally {
    probe.close();
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(timer);
  }
}

async function compareStarts(
  guilds: readonly FakeGuildInit[] | undefined,
  runs: number,
): Promise<{ ours: StartRow; minimal: StartRow }> {
  const fake = await startFakeDiscord({ token: benchToken(), ...(guilds ? { guilds } : {}) });
  const dir = mkdtempSync(join(tmpdir(), "talks-bot-bench-start-"));
  try {
    const config = loadConfig(
      { DISCORD_TOKEN: fake.token, DISCORD_CLIENT_ID: fake.applicationId, DISCORD_API_URL: fake.apiUrl },
      { requireDiscord: true },
    );
    await deployCommands(
      config,
      new Writable({
        write: (_chunk, _encoding, callback) => callback(),
      }),
    );
    const rows: Record<Which, { readyMs: number[]; rssKb: number[] }> = {
      ours: { readyMs: [], rssKb: [] },
      minimal: { readyMs: [], rssKb: [] },
    };
    // One untimed start of talks-bot fills the corpus cache, as any earlier start would have.
    await startOnce(fake, "ours", dir, -1);
    for (let i = 0; i < runs; i++) {
      for (const which of i % 2 === 0 ? (["minimal", "ours"] as const) : (["ours", "minimal"] as const)) {
        const { readyMs, rssKb } = await startOnce(fake, which, dir, i);
        rows[which].readyMs.push(readyMs);
        rows[which].rssKb.push(rssKb);
      }
    }
    return {
      ours: { label: "talks-bot (`npm start`)", ...rows.ours },
      minimal: { label: "minimal discord.js bot, default caches", ...rows.minimal },
    };
  } finally {
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function manyGuilds(options: StartupBenchOptions): FakeGuildInit[] {
  return Array.from({ length: options.servers }, (_, g) => ({
    name: `server ${g}`,
    channels: Array.from({ length: options.channelsPerServer }, (_, c) => ({
      name: `channel-${c}`,
      type: c % 5 === 4 ? 2 : 0,
    })),
    roles: Array.from({ length: options.rolesPerServer }, (_, r) => ({ name: `role ${r}` })),
  }));
}

export async function runStartupBench(
  overrides: Partial<StartupBenchOptions> = {},
): Promise<StartupBenchResult> {
  const options = { ...DEFAULT_STARTUP_OPTIONS, ...overrides };
  const oneShotResult = await runOneShot(options);
  const ready = await compareStarts(undefined, options.readyRuns);
  const manyServers = await compareStarts(manyGuilds(options), 2);
  return { options, oneShot: oneShotResult, ready, manyServers };
}

export function startupBenchTables(result: StartupBenchResult): string {
  const { oneShot: cli, ready, manyServers, options } = result;
  const cliTable = markdownTable(
    ["one-shot `talks-bot ask`", "CPU median", "CPU p99", "peak RSS median", "goal", "result"],
    [
      ...[cli.compiled, cli.tsx].map((row) => [
        row.label,
        ms(median(row.cpuMs)),
        ms(percentile(row.cpuMs, 99)),
        mb(median(row.peakRssKb)),
        row === cli.compiled ? `CPU ≤ ${ONE_SHOT_CPU_GOAL_MS} ms` : "",
        row === cli.compiled ? verdict(median(row.cpuMs) <= ONE_SHOT_CPU_GOAL_MS) : "",
      ]),
      ["ratio compiled / tsx", ratio(median(cli.compiled.cpuMs), median(cli.tsx.cpuMs)), "", "", "", ""],
    ],
    ["l", "r", "r", "r", "l", "l"],
  );
  const startTable = markdownTable(
    ["spawn → first answer (1 server)", "median", "p99", "RSS after ready, median", "goal", "result"],
    [
      ...[ready.minimal, ready.ours].map((row) => [
        row.label,
        ms(median(row.readyMs)),
        ms(percentile(row.readyMs, 99)),
        mb(median(row.rssKb)),
        row === ready.ours ? `≤ ${READY_GOAL_MS} ms` : "",
        row === ready.ours ? verdict(median(row.readyMs) <= READY_GOAL_MS) : "",
      ]),
      [
        "ratio talks-bot / minimal",
        ratio(median(ready.ours.readyMs), median(ready.minimal.readyMs)),
        "",
        ratio(median(ready.ours.rssKb), median(ready.minimal.rssKb)),
        "",
        "",
      ],
    ],
    ["l", "r", "r", "r", "l", "l"],
  );
  const servers = `${options.servers.toLocaleString("en-US")} servers × ${options.channelsPerServer} channels × ${options.rolesPerServer} roles`;
  const manyTable = markdownTable(
    [`RSS after ready, ${servers}`, "each start", "median", "spawn → first answer", "goal", "result"],
    [
      ...[manyServers.minimal, manyServers.ours].map((row) => [
        row.label,
        row.rssKb.map(mb).join(" / "),
        mb(median(row.rssKb)),
        ms(median(row.readyMs)),
        row === manyServers.ours ? "below the minimal bot" : "",
        row === manyServers.ours
          ? verdict(median(manyServers.ours.rssKb) < median(manyServers.minimal.rssKb))
          : "",
      ]),
      [
        "ratio talks-bot / minimal",
        "",
        ratio(median(manyServers.ours.rssKb), median(manyServers.minimal.rssKb)),
        "",
        "",
        "",
      ],
    ],
    ["l", "r", "r", "r", "l", "l"],
  );
  const notes = [
    `- One-shot: ${options.oneShotRuns} runs of each, alternated, after one untimed run each; CPU is user + system time of the whole process (\`process.resourceUsage()\` at exit), questions from \`test/questions.ts\`. The first compiled run after a corpus change (empty cache) took ${ms(cli.coldCpuMs)} of CPU.`,
    `- Ready: ${options.readyRuns} starts of each, alternated, on the fake Discord with one server; the clock runs from spawn until the first probe interaction (\`/ask\`, or \`/ping\` for the minimal bot) is answered; probes go out every 25 ms once the gateway session is open, since discord.js drops interactions that arrive before it is ready. RSS read 1.5 s after that answer, with no forced garbage collection.`,
    `- Many servers: two starts of each, alternated; every server also has @everyone and the bot's own role; every fifth channel is a voice channel. RSS read 1.5 s after the first answer, which discord.js gives only once every server has arrived.`,
  ];
  return [
    "### One-shot CLI",
    cliTable,
    "### `npm start` to ready",
    startTable,
    `### Memory after ready, ${servers}`,
    manyTable,
    notes.join("\n"),
  ].join("\n\n");
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await runStartupBench();
  if (process.argv.includes("--json")) process.stdout.write(`${JSON.stringify(result)}\n`);
  else console.log(startupBenchTables(result));
}
