/**
 * Past one machine (`npm run bench`, in its own process):
 *
 * 1. The due query over 100,000 stored reminders, on PostgreSQL and on SQLite, the same rows, in the same run.
 * 2. 5,000 reminders due in the same minute, posted by three bot processes together (shards 0–2, each with
 *    its own host name, one PostgreSQL database, the fake Discord enforcing the global 50 requests/s with
 *    429s). A third of the way in, one process is killed with SIGKILL and replaced. Measured: the time from
 *    the first post to the last, posts per second, 429s, and reminders lost or doubled; and `/ask` latency on
 *    a surviving process, idle and during the burst.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { Writable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath, pathToFileURL } from "node:url";
import { localParts, zonedTimeToUtc } from "../src/calendar/time.js";
import { loadConfig } from "../src/config.js";
import { deployCommands } from "../src/discord/deploy.js";
import { PostgresStorage } from "../src/storage/postgres.js";
import { SqliteStorage } from "../src/storage/sqlite.js";
import { guildIdForShard, startFakeDiscord } from "../test/support/fake-discord.js";
import { createTestSchema } from "../test/support/postgres.js";
import {
  MEASURED_AT,
  reminderSpecs,
  type StoredSpec,
  storeReminders,
  type Timing,
  timeRuns,
  timing,
} from "./reminders.bench.js";
import {
  benchToken,
  InteractionDriver,
  type LatencySummary,
  QUESTIONS,
  runSequential,
  summarize,
} from "./support/interactions.js";
import { markdownTable, ms, ratio, verdict } from "./support/report.js";

const BIN = fileURLToPath(new URL("../src/talks-bot.js", import.meta.url));
export const PG_DUE_GOAL_MS = 20;
export const SCALE_LATENCY_GOAL_RATIO = 1.5;
const LOOP_RESOLUTION_MS = 10;

export interface ScaleBenchOptions {
  readonly stored: number;
  readonly due: number;
  readonly queryRuns: number;
  readonly burst: number;
  readonly shards: number;
  readonly seed: number;
}

export const DEFAULT_SCALE_OPTIONS: ScaleBenchOptions = {
  stored: 100_000,
  due: 1000,
  queryRuns: 300,
  burst: 5000,
  shards: 3,
  seed: 20240229,
};

export interface ScaleBenchResult {
  readonly options: ScaleBenchOptions;
  readonly dueQuery: { readonly sqlite: Timing; readonly postgres: Timing; readonly sameRows: boolean };
  readonly burst: {
    readonly reminders: number;
    readonly firstToLastS: number;
    readonly perSecond: number;
    readonly maxPerSecond: number;
    readonly rateLimited: number;
    /** Each 429: its route and when it came, in ms after the kill (negative: before it). */
    readonly rateLimitedAt: readonly { readonly route: string; readonly afterKillMs: number }[];
    /** Event-loop delay of the process that runs the fake Discord, ms. */
    readonly fakeLoopDelay: { readonly p99: number; readonly max: number };
    readonly lost: number;
    readonly doubled: number;
    readonly killedAtPosts: number;
    readonly idle: LatencySummary;
    readonly during: LatencySummary;
  };
}

/** Writes the specs into PostgreSQL in multi-row statements (the storage API would take a round trip each). */
async function storeInPostgres(
  storage: PostgresStorage,
  specs: readonly StoredSpec[],
  at: number,
): Promise<void> {
  await storage.withTransaction(async (query) => {
    for (let i = 0; i < specs.length; i += 1000) {
      const values: unknown[] = [];
      let columns: string[] = [];
      const rows = specs.slice(i, i + 1000).map((spec) => {
        const u = spec.upsert;
        const row = {
          guild_id: u.guildId,
          channel_id: u.channelId,
          time: u.time,
          time_zone: u.timeZone,
          role_id: u.roleId,
          day_offset: u.dayOffset,
          start_override: u.startOverride,
          enabled: spec.state !== "disabled",
          paused_reason: spec.state === "paused" ? "missing-access" : null,
          next_due_at: spec.state === "disabled" ? null : u.nextDueAt,
          created_by: u.by,
          created_at: at,
          updated_by: u.by,
          updated_at: at,
        };
        columns = Object.keys(row);
        const start = values.length;
        values.push(...Object.values(row));
        return `(${columns.map((_, k) => `$${start + k + 1}`).join(", ")})`;
      });
      await query(`INSERT INTO reminders (${columns.join(", ")}) VALUES ${rows.join(", ")}`, values);
    }
  });
  await storage.withTransaction((query) => query("ANALYZE reminders"));
}

async function runDueQuery(options: ScaleBenchOptions, dir: string): Promise<ScaleBenchResult["dueQuery"]> {
  const specs = reminderSpecs(options.stored, options.due, MEASURED_AT, options.seed);
  const path = join(dir, "due.db");
  await storeReminders(path, specs, () => MEASURED_AT - 86_400_000);
  const schema = await createTestSchema("benchdue");
  const sqlite = SqliteStorage.open(path, { clock: () => MEASURED_AT });
  const postgres = await PostgresStorage.connect(schema.url, { clock: () => MEASURED_AT });
  try {
    await storeInPostgres(postgres, specs, MEASURED_AT - 86_400_000);
    const shard = { id: 0, count: 1 };
    const limit = 2000;
    let a: string[] = [];
    let b: string[] = [];
    const sqliteTimes = await timeRuns(options.queryRuns, 10, async () => {
      a = (await sqlite.dueReminders(MEASURED_AT, shard, limit)).map((r) => r.guildId);
    });
    const postgresTimes = await timeRuns(options.queryRuns, 10, async () => {
      b = (await postgres.dueReminders(MEASURED_AT, shard, limit)).map((r) => r.guildId);
    });
    return {
      sqlite: timing(options.queryRuns, a.length, sqliteTimes),
      postgres: timing(options.queryRuns, b.length, postgresTimes),
      sameRows: a.length > 0 && [...a].sort().join() === [...b].sort().join(),
    };
  } finally {
    await sqlite.close();
    await postgres.close();
    await schema.drop();
  }
}

function startProcess(env: Record<string, string>, cwd: string, started: ChildProcess[]) {
  const child = spawn(process.execPath, [BIN, "start"], {
    cwd,
    env: { ...process.env, ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  started.push(child);
  // Only the tail is kept: a bot logs a line per post, and scanning the whole log on every chunk would make
  // this process (which also runs the fake Discord) stall for longer and longer as the burst goes on.
  let tail = "";
  let isConnected = false;
  const connected = new Promise<void>((resolve, reject) => {
    child.stderr?.on("data", (chunk) => {
      tail = (tail + String(chunk)).slice(-8192);
      if (!isConnected && tail.includes('"msg":"connected to Discord"')) {
        isConnected = true;
        resolve();
      }
    });
    child.once("exit", (code) => reject(new Error(`a bot process exited (${code}):\n${tail.slice(-2000)}`)));
  });
  return { child, connected };
}

async function runBurst(options: ScaleBenchOptions, dir: string): Promise<ScaleBenchResult["burst"]> {
  const guilds = Array.from({ length: options.burst }, (_, i) => ({
    id: guildIdForShard(i % options.shards, options.shards),
    channels: [{ name: "countdown" }],
  }));
  const fake = await startFakeDiscord({
    token: benchToken(),
    shards: options.shards,
    guilds,
    rateLimit: { globalPerSecond: 50 },
  });
  const schema = await createTestSchema("benchburst");
  const children: ChildProcess[] = [];
  const driver = new InteractionDriver(fake);
  try {
    const base = {
      DISCORD_TOKEN: fake.token,
      DISCORD_CLIENT_ID: fake.applicationId,
      DISCORD_API_URL: fake.apiUrl,
      DATABASE_URL: schema.url,
      SHARD_COUNT: String(options.shards),
      SHARD_LEASE_SECONDS: "5",
      ASK_COOLDOWN_SECONDS: "0",
      LOG_LEVEL: "info",
    };
    await deployCommands(
      loadConfig({ ...base }, { requireDiscord: true }),
      new Writable({
        write(_chunk, _encoding, callback) {
          callback();
        },
      }),
    );
    const start = (shard: number, host: string) => {
      const cwd = mkdtempSync(join(dir, `${host}-`));
      return startProcess(
        { ...base, SHARD_ID: String(shard), HOST_ID: host, DATABASE_PATH: join(cwd, "unused.db") },
        cwd,
        children,
      );
    };
    const processes = Array.from({ length: options.shards }, (_, shard) => start(shard, `host-${shard}`));
    await Promise.all(processes.map((p) => p.connected));
    process.stderr.write("bench: scale: connected\n");

    // /ask on a surviving process's server (shard 1), idle.
    const askGuild = guilds[1]?.id ?? "";
    const asks = function* () {
      for (let i = 0; ; i++)
        yield fake.build.command(
          "ask",
          { question: QUESTIONS[i % QUESTIONS.length] ?? "who is mediating?" },
          { guildId: askGuild },
        );
    };
    await runSequential(driver, asks(), {
      gapMs: 5,
      until: (() => {
        let n = 0;
        return () => n++ >= 50;
      })(),
    });
    let idleCount = 0;
    const idle = await runSequential(driver, asks(), { gapMs: 5, until: () => idleCount++ >= 300 });

    // Every reminder due at the next minute's tick, in a zone where that minute is today.
    const now = Date.now();
    const nextMinute = Math.ceil((now + 5000) / 60_000) * 60_000;
    const zone =
      localParts(new Date(nextMinute), "UTC").hour >= 1 && localParts(new Date(nextMinute), "UTC").hour <= 22
        ? "UTC"
        : "Asia/Tokyo";
    const slot = localParts(new Date(nextMinute), zone);
    const storage = await PostgresStorage.connect(schema.url);
    const by = "290926798626357250";
    await storage.withTransaction(async (query) => {
      for (const [i, g] of guilds.entries()) {
        const channel = fake.guild(g.id).channels[0]?.id ?? "";
        await query(
          `INSERT INTO reminders (guild_id, channel_id, time, time_zone, enabled, next_due_at, created_by, created_at, updated_by, updated_at)
           VALUES ($1, $2, $3, $4, TRUE, $5, $6, $7, $6, $7)`,
          [g.id, channel, slot.time, zone, zonedTimeToUtc(slot.date, slot.time, zone).getTime(), by, now + i],
        );
      }
    });
    await storage.close();

    const posts = () =>
      fake.requests.filter((r) => r.route === "POST /channels/:id/messages" && (r.status ?? 0) < 300);
    let killedAtPosts = 0;
    let killedAt = 0;
    // The fake Discord stamps each request when this process's event loop reaches it: a stalled loop
    // bunches requests that were sent evenly, so its delays are reported beside the 429s.
    const loopDelay = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
    loopDelay.enable();
    let finished = false;
    const burst = (async () => {
      // A third of the way in, host 0's process dies and another host takes its shard over.
      while (posts().length < options.burst / 3) await sleep(50);
      killedAtPosts = posts().length;
      killedAt = Date.now();
      process.stderr.write(`bench: scale: killing host 0 at post ${killedAtPosts}\n`);
      processes[0]?.child.kill("SIGKILL");
      const replacement = start(0, "host-0-replacement");
      replacement.connected.catch((error: unknown) =>
        process.stderr.write(`bench: scale: ${String(error)}\n`),
      );
      while (new Set(posts().map((r) => r.params.id)).size < options.burst) await sleep(200);
      finished = true;
    })();
    const during = await runSequential(driver, asks(), { gapMs: 5, until: () => finished });
    await burst;
    await sleep(2000); // a late duplicate would arrive by now

    loopDelay.disable();
    const sent = posts();
    const times = sent.map((r) => r.at).sort((x, y) => x - y);
    const firstToLastS = ((times[times.length - 1] ?? 0) - (times[0] ?? 0)) / 1000;
    const counts = guilds.map((g) => fake.messagesIn(fake.guild(g.id).channels[0]?.id ?? "").length);
    return {
      reminders: options.burst,
      firstToLastS,
      perSecond: sent.length / firstToLastS,
      maxPerSecond: fake.maxRequestsPerSecond(
        (r) => r.route === "POST /channels/:id/messages" && r.status !== 429,
      ),
      rateLimited: fake.requests.filter((r) => r.fault === "rate-limited").length,
      rateLimitedAt: fake.requests
        .filter((r) => r.fault === "rate-limited")
        .map((r) => ({ route: r.route, afterKillMs: r.at - killedAt })),
      // The histogram counts each whole timer interval: its resolution is not delay.
      fakeLoopDelay: {
        p99: Math.max(0, loopDelay.percentile(99) / 1e6 - LOOP_RESOLUTION_MS),
        max: Math.max(0, loopDelay.max / 1e6 - LOOP_RESOLUTION_MS),
      },
      lost: counts.filter((n) => n === 0).length,
      doubled: counts.filter((n) => n > 1).length,
      killedAtPosts,
      idle: summarize(idle),
      during: summarize(during),
    };
  } finally {
    driver.close();
    const running = children.filter((c) => c.exitCode === null && c.signalCode === null);
    for (const child of running) child.kill("SIGTERM");
    await Promise.all(running.map((c) => once(c, "exit")));
    await fake.close();
    await schema.drop();
  }
}

export async function runScaleBench(overrides: Partial<ScaleBenchOptions> = {}): Promise<ScaleBenchResult> {
  const options = { ...DEFAULT_SCALE_OPTIONS, ...overrides };
  const dir = mkdtempSync(join(tmpdir(), "talks-bot-bench-scale-"));
  try {
    const dueQuery = await runDueQuery(options, dir);
    const burst = await runBurst(options, dir);
    return { options, dueQuery, burst };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function scaleBenchTables(result: ScaleBenchResult): string {
  const { dueQuery: q, burst: b, options } = result;
  const due = markdownTable(
    ["backend", "stored", "due rows", "p50", "p99", "goal", "result"],
    [
      ["SQLite", options.stored, q.sqlite.rows, ms(q.sqlite.p50), ms(q.sqlite.p99), "", ""],
      [
        "PostgreSQL",
        options.stored,
        q.postgres.rows,
        ms(q.postgres.p50),
        ms(q.postgres.p99),
        `p99 ≤ ${PG_DUE_GOAL_MS} ms`,
        verdict(q.postgres.p99 <= PG_DUE_GOAL_MS && q.sameRows),
      ],
    ],
    ["l", "r", "r", "r", "r", "l", "l"],
  );
  const latencyRatio = b.during.p99 / b.idle.p99;
  const burst = markdownTable(
    ["measure", "figure", "goal", "result"],
    [
      [
        `${b.reminders} reminders by ${options.shards} processes, first post to last`,
        `${b.firstToLastS.toFixed(1)} s (${b.perSecond.toFixed(1)}/s; busiest second ${b.maxPerSecond})`,
        "≈ 100 s",
        verdict(b.firstToLastS <= 125),
      ],
      [
        "responses of 429",
        b.rateLimited === 0
          ? "0"
          : `${b.rateLimited} (${b.rateLimitedAt.map((r) => `${r.route} at ${(r.afterKillMs / 1000).toFixed(1)} s after the kill`).join("; ")})`,
        "0",
        verdict(b.rateLimited === 0),
      ],
      [
        "event-loop delay of the process running the fake Discord, p99 / max",
        `${ms(b.fakeLoopDelay.p99)} / ${ms(b.fakeLoopDelay.max)}`,
        "",
        "",
      ],
      [
        `lost / doubled (one process killed at post ${b.killedAtPosts})`,
        `${b.lost} / ${b.doubled}`,
        "0 / 0",
        verdict(b.lost === 0 && b.doubled === 0),
      ],
      [
        "`/ask` p99 on a surviving process, during vs idle",
        `${ms(b.during.p99)} vs ${ms(b.idle.p99)} (${ratio(b.during.p99, b.idle.p99)})`,
        `≤ ${SCALE_LATENCY_GOAL_RATIO}×`,
        verdict(latencyRatio <= SCALE_LATENCY_GOAL_RATIO),
      ],
    ],
    ["l", "l", "l", "l"],
  );
  return [
    "Due query over stored reminders (the same rows in both):",
    due,
    "A burst posted by three processes sharing one PostgreSQL database and one send budget:",
    burst,
  ].join("\n\n");
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await runScaleBench();
  if (process.argv.includes("--json")) process.stdout.write(`${JSON.stringify(result)}\n`);
  else process.stdout.write(`${scaleBenchTables(result)}\n`);
}
