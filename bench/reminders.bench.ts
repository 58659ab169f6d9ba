/**
 * Reminders benchmark:
 *
 * - Due query: a SQLite file with 50,000 stored reminders (random guild snowflakes, times and zones; some
 *   disabled or paused; about 1,000 due at the measured instant). Times `storage.dueReminders` and the
 *   scheduler's whole due-finding pass (query, slot decisions, claims stubbed out so nothing is written),
 *   against reading every row and filtering in JavaScript: the scan the partial index avoids.
 * - Posting burst: 1,000 due reminders posted through the fake Discord with its global limit of 50 requests
 *   per second, by the real bot (`startBot`, clock injected just after the slot, `scheduler.tick()` called
 *   once). Measures the burst's duration, the fake's 429s, the messages created, and `/ask` latency during the
 *   burst against idle just before.
 *
 * Run alone: `node --import tsx bench/reminders.bench.ts`. Goals: due query p99 < 20 ms; 1,000 messages, one
 * per channel; at most one 429; `/ask` p99 during the burst ≤ 2× idle.
 */
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { pathToFileURL } from "node:url";
import Database from "better-sqlite3";
import { localParts } from "../src/calendar/time.js";
import { loadConfig } from "../src/config.js";
import { loadCorpus } from "../src/corpus/load.js";
import { startBot } from "../src/discord/bot.js";
import { deployCommands } from "../src/discord/deploy.js";
import { createLogger } from "../src/logger.js";
import { nextSlot, slotFor } from "../src/reminders/due.js";
import { ReminderScheduler } from "../src/reminders/scheduler.js";
import { REMINDER_COLUMNS, REMINDER_SELECT, type ReminderValues, toReminder } from "../src/storage/rows.js";
import { DUE_REMINDERS_SQL, SqliteStorage } from "../src/storage/sqlite.js";
import type { Reminder, ReminderUpsert } from "../src/storage/types.js";
import { textMarkup } from "../src/views/markup.js";
import { DISCORD_EPOCH, startFakeDiscord } from "../test/support/fake-discord.js";
import {
  askPayloads,
  askStream,
  benchToken,
  InteractionDriver,
  type LatencySummary,
  runSequential,
  summarize,
} from "./support/interactions.js";
import { mulberry32 } from "./support/random.js";
import { markdownTable, ms, ratio, verdict } from "./support/report.js";
import { percentile } from "./support/stats.js";

export const DUE_QUERY_GOAL_MS = 20;
export const BURST_LATENCY_GOAL_RATIO = 2;

export interface RemindersBenchOptions {
  readonly stored: number;
  readonly due: number;
  readonly queryRuns: number;
  readonly scanRuns: number;
  /** Reminders posted in the burst (one channel each). */
  readonly burst: number;
  readonly globalPerSecond: number;
  /** Pause between two `/ask` while measuring latency (idle and during the burst). */
  readonly askGapMs: number;
  readonly idleAsks: number;
  readonly seed: number;
}

export const DEFAULT_REMINDERS_OPTIONS: RemindersBenchOptions = {
  stored: 50_000,
  due: 1000,
  queryRuns: 500,
  scanRuns: 50,
  burst: 1000,
  globalPerSecond: 50,
  askGapMs: 5,
  idleAsks: 400,
  seed: 20240228,
};

/** The instant the due query is measured at: Wednesday 28 February 2024, 14:00:30 UTC. */
export const MEASURED_AT = Date.UTC(2024, 1, 28, 14, 0, 30);
/** The burst's slot (every reminder's local time falls on it), and the bot's clock 30 s later. */
const BURST_SLOT = Date.UTC(2024, 1, 28, 14, 0, 0);

const ZONES = [
  "Asia/Jerusalem",
  "Asia/Gaza",
  "Asia/Hebron",
  "Asia/Riyadh",
  "Asia/Dubai",
  "Asia/Qatar",
  "Africa/Cairo",
  "Asia/Amman",
  "Asia/Beirut",
  "Europe/Istanbul",
  "Asia/Tehran",
  "Asia/Karachi",
  "Asia/Kolkata",
  "Asia/Kathmandu",
  "Asia/Dhaka",
  "Asia/Jakarta",
  "Asia/Kuala_Lumpur",
  "Africa/Lagos",
  "Europe/London",
  "Europe/Paris",
  "Europe/Berlin",
  "America/New_York",
  "America/Chicago",
  "America/Los_Angeles",
  "America/Toronto",
  "America/St_Johns",
  "Australia/Sydney",
  "Australia/Adelaide",
  "Pacific/Auckland",
  "UTC",
];

export interface DueQueryResult {
  readonly stored: number;
  readonly expectedDue: number;
  readonly fileMb: number;
  readonly insertMs: number;
  readonly plan: string;
  readonly query: Timing;
  readonly tick: Timing;
  readonly scan: Timing;
  readonly sameRows: boolean;
}

export interface Timing {
  readonly runs: number;
  readonly rows: number;
  readonly p50: number;
  readonly p99: number;
}

export interface BurstResult {
  readonly reminders: number;
  readonly totalMs: number;
  readonly posted: number;
  readonly otherOutcomes: string;
  readonly requests: number;
  readonly rateLimited: number;
  /** Seconds after the tick started of the first and last 429. */
  readonly firstLimitedS: number;
  readonly lastLimitedS: number;
  readonly maxPerSecond: number;
  readonly messages: number;
  readonly channelsWithOne: number;
  readonly dueAfter: number;
  readonly idle: LatencySummary;
  readonly during: LatencySummary;
  /** `/reminders preview`: deferred, so its answer is an edit that waits in discord.js's global queue. */
  readonly previewIdle: LatencySummary;
  readonly previewDuring: LatencySummary;
}

export interface RemindersBenchResult {
  readonly options: RemindersBenchOptions;
  readonly dueQuery: DueQueryResult;
  readonly burst: BurstResult;
}

/** A snowflake created at a random moment between 2016 and 2024, as Discord ids are. */
export function randomSnowflake(random: () => number): string {
  const from = Date.UTC(2016, 0, 1) - DISCORD_EPOCH;
  const to = Date.UTC(2024, 0, 1) - DISCORD_EPOCH;
  const ms = BigInt(Math.floor(from + random() * (to - from)));
  return String((ms << 22n) | BigInt(Math.floor(random() * 2 ** 22)));
}

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

export interface StoredSpec {
  readonly upsert: ReminderUpsert;
  readonly state: "active" | "disabled" | "paused";
}

/** Reminders as moderators set them: `due` of them due at `at` (posted late by up to 10 minutes). */
export function reminderSpecs(count: number, due: number, at: number, seed: number): StoredSpec[] {
  const random = mulberry32(seed);
  const guilds = new Set<string>();
  const specs: StoredSpec[] = [];
  while (specs.length < count) {
    const guildId = randomSnowflake(random);
    if (guilds.has(guildId)) continue;
    guilds.add(guildId);
    const timeZone = pick(random, ZONES);
    const isDue = specs.length < due;
    const roll = random();
    const state = isDue ? "active" : roll < 0.04 ? "disabled" : roll < 0.06 ? "paused" : "active";
    let time: string;
    let nextDueAt: number;
    if (isDue) {
      const slot = Math.floor((at - random() * 10 * 60_000) / 60_000) * 60_000;
      const parts = localParts(new Date(slot), timeZone);
      time = parts.time;
      nextDueAt = slotFor(parts.date, time, timeZone).getTime();
    } else {
      time = `${String(Math.floor(random() * 24)).padStart(2, "0")}:${String(Math.floor(random() * 60)).padStart(2, "0")}`;
      // A paused reminder keeps the slot it failed on: in the past, so only the pause keeps it out.
      nextDueAt =
        state === "paused"
          ? at - Math.floor(random() * 3 * 86_400_000)
          : nextSlot(new Date(at), time, timeZone).at.getTime();
    }
    const offsetRoll = random();
    specs.push({
      state,
      upsert: {
        guildId,
        channelId: randomSnowflake(random),
        time,
        timeZone,
        roleId: random() < 0.3 ? randomSnowflake(random) : null,
        dayOffset: offsetRoll < 0.9 ? 0 : offsetRoll < 0.95 ? 1 : -1,
        startOverride: random() < 0.05 ? "2024-03-12" : null,
        language: "en",
        place: null,
        method: null,
        polarConvention: null,
        by: randomSnowflake(random),
        nextDueAt,
      },
    });
  }
  // Due rows spread over the table, as they would be after months of use.
  for (let i = specs.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [specs[i], specs[j]] = [specs[j] as StoredSpec, specs[i] as StoredSpec];
  }
  return specs;
}

/** Writes the reminders through the storage API, in one transaction so 50,000 rows take seconds. */
export async function storeReminders(
  path: string,
  specs: readonly StoredSpec[],
  clock: () => number,
): Promise<void> {
  const db = new Database(path);
  const storage = new SqliteStorage(db, { clock });
  try {
    // In transactions of 1,000, each awaited before the next. Holding all 100,000 returned reminders until the
    // end taught V8 that reminders live long, so it allocated every later one straight in the old generation
    // (allocation-site pretenuring), the measured queries' too: their p99 then measured that, not the query.
    for (let start = 0; start < specs.length; start += 1000) {
      const writes: Promise<unknown>[] = [];
      db.transaction(() => {
        for (const spec of specs.slice(start, start + 1000)) {
          writes.push(storage.upsertReminder(spec.upsert));
          if (spec.state === "disabled")
            writes.push(storage.disableReminder(spec.upsert.guildId, spec.upsert.by));
          if (spec.state === "paused")
            writes.push(
              storage.pauseReminder(spec.upsert.guildId, "Missing Access: the bot cannot see the channel"),
            );
        }
      })();
      await Promise.all(writes);
    }
  } finally {
    await storage.close();
  }
}

const column = (name: (typeof REMINDER_COLUMNS)[number]) => REMINDER_COLUMNS.indexOf(name);
const ENABLED = column("enabled");
const PAUSED_REASON = column("paused_reason");
const NEXT_DUE_AT = column("next_due_at");

/** The scan the index avoids: every row read, filtered, sorted and mapped in JavaScript. */
function scanDue(select: Database.Statement<[], ReminderValues>, now: number, limit: number): Reminder[] {
  const due = (r: ReminderValues) => r[NEXT_DUE_AT] as number | null;
  return select
    .all()
    .filter((r) => {
      const at = due(r);
      return r[ENABLED] === 1 && r[PAUSED_REASON] === null && at !== null && at <= now;
    })
    .sort((a, b) => (due(a) ?? 0) - (due(b) ?? 0))
    .slice(0, limit)
    .map(toReminder);
}

export async function timeRuns<T>(
  runs: number,
  warmup: number,
  work: () => Promise<T> | T,
): Promise<number[]> {
  for (let i = 0; i < warmup; i += 1) await work();
  const times: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const start = performance.now();
    await work();
    times.push(performance.now() - start);
  }
  return times;
}

export function timing(runs: number, rows: number, times: readonly number[]): Timing {
  return { runs, rows, p50: percentile(times, 50), p99: percentile(times, 99) };
}

async function runDueQuery(options: RemindersBenchOptions, dir: string): Promise<DueQueryResult> {
  const path = join(dir, "reminders.db");
  const specs = reminderSpecs(options.stored, options.due, MEASURED_AT, options.seed);
  const expectedDue = specs.filter(
    (s) => s.state === "active" && s.upsert.nextDueAt !== null && s.upsert.nextDueAt <= MEASURED_AT,
  ).length;
  const insertStart = performance.now();
  await storeReminders(path, specs, () => MEASURED_AT - 86_400_000);
  const insertMs = performance.now() - insertStart;

  const storage = SqliteStorage.open(path, { clock: () => MEASURED_AT });
  const scanDb = new Database(path, { readonly: true });
  try {
    const shard = { id: 0, count: 1 };
    const limit = 2000;
    const plan = (
      scanDb.prepare(`EXPLAIN QUERY PLAN ${DUE_REMINDERS_SQL}`).all({
        now: MEASURED_AT,
        count: 1,
        shard: 0,
        limit,
      }) as { detail: string }[]
    )
      .map((row) => row.detail)
      .join("; ");

    let rows: Reminder[] = [];
    const queryTimes = await timeRuns(options.queryRuns, 10, async () => {
      rows = await storage.dueReminders(MEASURED_AT, shard, limit);
    });

    // The scheduler's pass with claims answered "inactive": it finds, decides and claims, but never
    // writes or sends, so every run sees the same due set.
    let claims = 0;
    const readOnly = new Proxy(storage, {
      get(target, property, receiver) {
        if (property === "claimPost") {
          return () => {
            claims += 1;
            return Promise.resolve({ status: "inactive" as const });
          };
        }
        if (property === "dueReminders") return target.dueReminders.bind(target);
        const value: unknown = Reflect.get(target, property, receiver);
        if (typeof value !== "function") return value;
        return () => Promise.reject(new Error(`bench: the due-finding pass called ${String(property)}`));
      },
    });
    const problems: string[] = [];
    const scheduler = new ReminderScheduler({
      storage: readOnly,
      corpus: loadCorpus(),
      config: loadConfig({}),
      logger: createLogger({ level: "warn", write: (line) => void problems.push(line.slice(0, 500)) }),
      now: () => new Date(MEASURED_AT),
      shard: () => shard,
      send: () => Promise.reject(new Error("bench: the due-finding pass tried to send")),
      // Claims are answered "inactive" above: the lease is only asked for the fence to stamp them with.
      lease: {
        fence: () => ({ name: "bot", epoch: 1, now: Date.now() }),
        claims: () => new AbortController().signal,
        confirm: () => Promise.reject(new Error("bench: the due-finding pass tried to send")),
      },
      markup: textMarkup,
    });
    const tickTimes = await timeRuns(options.queryRuns, 10, async () => {
      const report = await scheduler.tick();
      if (report.failed.length > 0)
        throw new Error(`bench: the due-finding pass reported failures:\n${problems.slice(0, 3).join("\n")}`);
    });
    const claimsPerTick = claims / (options.queryRuns + 10);

    const select = scanDb.prepare<[], ReminderValues>(`SELECT ${REMINDER_SELECT} FROM reminders`).raw(true);
    let scanned: Reminder[] = [];
    const scanTimes = await timeRuns(options.scanRuns, 3, () => {
      scanned = scanDue(select, MEASURED_AT, limit);
    });
    // Ties on next_due_at may come back in a different order, so the sets are compared.
    const ids = (list: readonly Reminder[]) =>
      list
        .map((r) => r.guildId)
        .sort()
        .join(",");

    return {
      stored: options.stored,
      expectedDue,
      fileMb: statSync(path).size / 1048576,
      insertMs,
      plan,
      query: timing(options.queryRuns, rows.length, queryTimes),
      tick: timing(options.queryRuns, claimsPerTick, tickTimes),
      scan: timing(options.scanRuns, scanned.length, scanTimes),
      sameRows: rows.length === expectedDue && ids(rows) === ids(scanned),
    };
  } finally {
    scanDb.close();
    await storage.close();
  }
}

async function runBurst(options: RemindersBenchOptions, dir: string): Promise<BurstResult> {
  const fake = await startFakeDiscord({
    token: benchToken(),
    rateLimit: { globalPerSecond: options.globalPerSecond },
    guilds: [
      {
        name: "Countdown channels",
        channels: Array.from({ length: options.burst }, (_, i) => ({ name: `countdown-${i}` })),
      },
    ],
  });
  const path = join(dir, "burst.db");
  try {
    const random = mulberry32(options.seed + 1);
    const by = randomSnowflake(random);
    const channels = fake.guild().channels;
    const specs: StoredSpec[] = channels.map((channel) => {
      const timeZone = pick(random, ZONES);
      const parts = localParts(new Date(BURST_SLOT), timeZone);
      return {
        state: "active",
        upsert: {
          // Synthetic guilds: the scheduler posts to the channel id and never looks the guild up.
          guildId: randomSnowflake(random),
          channelId: channel.id,
          time: parts.time,
          timeZone,
          roleId: null,
          dayOffset: 0,
          startOverride: null,
          language: "en",
          place: null,
          method: null,
          polarConvention: null,
          by,
          nextDueAt: slotFor(parts.date, parts.time, timeZone).getTime(),
        },
      };
    });
    await storeReminders(path, specs, () => BURST_SLOT - 86_400_000);

    const offset = BURST_SLOT + 30_000 - Date.now();
    const now = () => new Date(Date.now() + offset);
    const config = loadConfig(
      {
        DISCORD_TOKEN: fake.token,
        DISCORD_CLIENT_ID: fake.applicationId,
        DISCORD_API_URL: fake.apiUrl,
        DATABASE_PATH: path,
        ASK_COOLDOWN_SECONDS: "0",
        LOG_LEVEL: "silent",
      },
      { requireDiscord: true },
    );
    await deployCommands(
      config,
      new Writable({
        write(_chunk, _encoding, callback) {
          callback();
        },
      }),
    );
    const bot = await startBot({ config, logger: createLogger({ level: "silent" }), now, schedule: false });
    const driver = new InteractionDriver(fake);
    const previews = function* () {
      for (;;) {
        yield fake.build.command(
          "reminders preview",
          { timezone: "Asia/Jerusalem" },
          { permissions: ["ManageGuild", "ViewChannel", "SendMessages"] },
        );
      }
    };
    try {
      await runSequential(driver, askPayloads(fake, 100), { gapMs: options.askGapMs });
      const idle = await runSequential(driver, askPayloads(fake, options.idleAsks), {
        gapMs: options.askGapMs,
      });
      let idlePreviews = 0;
      const previewIdle = await runSequential(driver, previews(), {
        gapMs: 100,
        expectEphemeral: true,
        until: () => idlePreviews++ >= 20,
      });

      const requestsBefore = fake.requests.length;
      const startedAt = Date.now();
      const start = performance.now();
      let finished = false;
      const tick = bot.scheduler.tick().finally(() => {
        finished = true;
      });
      const [during, previewDuring] = await Promise.all([
        runSequential(driver, askStream(fake), { gapMs: options.askGapMs, until: () => finished }),
        runSequential(driver, previews(), { gapMs: 250, expectEphemeral: true, until: () => finished }),
      ]);
      const report = await tick;
      const totalMs = performance.now() - start;

      const posts = fake.requests
        .slice(requestsBefore)
        .filter((r) => r.route === "POST /channels/:id/messages");
      const limited = posts.filter((r) => r.status === 429);
      const counts = channels.map((c) => fake.messagesIn(c.id).length);
      const ctxStorage = bot.ctx.storage;
      const dueAfter = ctxStorage
        ? (await ctxStorage.dueReminders(now().getTime(), { id: 0, count: 1 })).length
        : -1;
      const others = Object.entries({
        skipped: report.skipped.length,
        paused: report.paused.length,
        failed: report.failed.length,
      })
        .filter(([, n]) => n > 0)
        .map(([k, n]) => `${k} ${n}`)
        .join(", ");
      return {
        reminders: specs.length,
        totalMs,
        posted: report.posted.length,
        otherOutcomes: others || "none",
        requests: posts.length,
        rateLimited: limited.length,
        firstLimitedS: limited.length > 0 ? ((limited[0]?.at ?? startedAt) - startedAt) / 1000 : Number.NaN,
        lastLimitedS:
          limited.length > 0
            ? ((limited[limited.length - 1]?.at ?? startedAt) - startedAt) / 1000
            : Number.NaN,
        maxPerSecond: fake.maxRequestsPerSecond(
          (r) => r.route === "POST /channels/:id/messages" && r.status !== 429 && r.seq > requestsBefore,
        ),
        messages: counts.reduce((a, b) => a + b, 0),
        channelsWithOne: counts.filter((n) => n === 1).length,
        dueAfter,
        idle: summarize(idle),
        during: summarize(during),
        previewIdle: summarize(previewIdle),
        previewDuring: summarize(previewDuring),
      };
    } finally {
      driver.close();
      await bot.stop();
    }
  } finally {
    await fake.close();
  }
}

/** Runs the due-query measurements, then the posting burst. */
export async function runRemindersBench(
  overrides: Partial<RemindersBenchOptions> = {},
): Promise<RemindersBenchResult> {
  const options = { ...DEFAULT_REMINDERS_OPTIONS, ...overrides };
  const dir = mkdtempSync(join(tmpdir(), "talks-bot-bench-reminders-"));
  try {
    const dueQuery = await runDueQuery(options, dir);
    const burst = await runBurst(options, dir);
    return { options, dueQuery, burst };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The results as Markdown tables with the goals. */
export function remindersBenchTables(result: RemindersBenchResult): string {
  const { dueQuery: q, burst: b, options } = result;
  const stored = q.stored.toLocaleString("en-US");
  const dueTable = markdownTable(
    ["step", "runs", "rows", "p50", "p99", "goal", "result"],
    [
      [
        "`storage.dueReminders(now, {id:0,count:1}, 2000)`",
        q.query.runs,
        q.query.rows,
        ms(q.query.p50),
        ms(q.query.p99),
        `p99 < ${DUE_QUERY_GOAL_MS} ms`,
        verdict(q.query.p99 < DUE_QUERY_GOAL_MS),
      ],
      [
        "scheduler due-finding pass (`tick()`, claims stubbed)",
        q.tick.runs,
        q.tick.rows,
        ms(q.tick.p50),
        ms(q.tick.p99),
        "",
        "",
      ],
      [
        "baseline: every row read, filtered and sorted in JS",
        q.scan.runs,
        q.scan.rows,
        ms(q.scan.p50),
        ms(q.scan.p99),
        "",
        "",
      ],
      [
        "baseline / dueReminders",
        "",
        "",
        ratio(q.scan.p50, q.query.p50),
        ratio(q.scan.p99, q.query.p99),
        "",
        "",
      ],
    ],
    ["l", "r", "r", "r", "r", "l", "l"],
  );
  const burstSeconds = b.totalMs / 1000;
  const expectedSeconds = b.reminders / options.globalPerSecond;
  const burstTable = markdownTable(
    ["measure", "value", "goal", "result"],
    [
      [
        "burst duration (`scheduler.tick()`)",
        `${burstSeconds.toFixed(1)} s`,
        `≈ ${expectedSeconds.toFixed(0)} s at ${options.globalPerSecond}/s`,
        verdict(burstSeconds <= expectedSeconds * 1.15),
      ],
      [
        "posts reported by the tick",
        `${b.posted} (other outcomes: ${b.otherOutcomes})`,
        `${b.reminders}`,
        verdict(b.posted === b.reminders),
      ],
      [
        "messages created / channels with exactly one",
        `${b.messages} / ${b.channelsWithOne}`,
        `${b.reminders} / ${b.reminders}`,
        verdict(b.messages === b.reminders && b.channelsWithOne === b.reminders),
      ],
      [
        "429 answers from the fake",
        b.rateLimited > 0
          ? `${b.rateLimited} (first at ${b.firstLimitedS.toFixed(2)} s, last at ${b.lastLimitedS.toFixed(2)} s)`
          : "0",
        "≤ 1 (none after the first)",
        verdict(b.rateLimited <= 1),
      ],
      [
        "POST requests (incl. retries) / most accepted in any sliding second",
        `${b.requests} / ${b.maxPerSecond}`,
        "",
        "",
      ],
      ["reminders still due after the tick", `${b.dueAfter}`, "0", verdict(b.dueAfter === 0)],
      [
        "`/ask` dispatch-to-callback p50 / p99, idle",
        `${ms(b.idle.p50)} / ${ms(b.idle.p99)} (${b.idle.count} asks, ${b.idle.failed} failed)`,
        "",
        "",
      ],
      [
        "`/ask` dispatch-to-callback p50 / p99, during the burst",
        `${ms(b.during.p50)} / ${ms(b.during.p99)} (${b.during.count} asks, ${b.during.failed} failed${b.during.deferred ? `, ${b.during.deferred} deferred` : ""})`,
        `p99 ≤ ${BURST_LATENCY_GOAL_RATIO}× idle`,
        verdict(b.during.p99 <= b.idle.p99 * BURST_LATENCY_GOAL_RATIO),
      ],
      ["ratio during / idle (p99)", ratio(b.during.p99, b.idle.p99), "", ""],
      [
        "`/reminders preview` full reply p50 / max, idle (deferred: the answer is an edit)",
        `${ms(b.previewIdle.replyP50)} / ${ms(b.previewIdle.replyMax)} (${b.previewIdle.count}, ${b.previewIdle.failed} failed)`,
        "",
        "",
      ],
      [
        "`/reminders preview` full reply p50 / max, during the burst",
        `${ms(b.previewDuring.replyP50)} / ${ms(b.previewDuring.replyMax)} (${b.previewDuring.count}, ${b.previewDuring.failed} failed)`,
        "",
        "",
      ],
    ],
    ["l", "l", "l", "l"],
  );
  const notes = [
    `- ${stored} reminders (${q.expectedDue} due at the measured instant; 4% disabled, 2% paused with a past slot) in a ${q.fileMb.toFixed(1)} MB file, written through \`upsertReminder\` in transactions of 1,000 in ${ms(q.insertMs)}. Rows returned match the JS scan: ${q.sameRows ? "yes" : "**no**"}. Query plan: \`${q.plan}\`.`,
    `- The due-finding pass runs the real \`ReminderScheduler.tick()\` over the due rows with \`claimPost\` answering "inactive", so it times the query, the slot decisions and the per-row promise work but no writes or sends.`,
    `- Burst: one fake guild with ${b.reminders} text channels, one reminder per channel (synthetic guild ids, ${ZONES.length} zones, every local time on the same UTC minute), bot clock 30 s after the slot. \`/ask\` runs one at a time with ${options.askGapMs} ms between them, ${options.idleAsks} idle just before the tick, then until the tick returns; alongside, \`/reminders preview\` (a deferred command: its answer is an edit of the reply, which shares discord.js's global request queue with the posts) every 250 ms, after 20 idle ones. The database is on the local disk (WAL, \`synchronous = FULL\`).`,
  ];
  return [
    `### Due reminders among ${stored} stored`,
    dueTable,
    `### Posting ${b.reminders} due reminders at ${options.globalPerSecond} requests/s`,
    burstTable,
    notes.join("\n"),
  ].join("\n\n");
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await runRemindersBench();
  // `--json`: the raw result for `bench/run.ts`, which runs each benchmark in a fresh process.
  if (process.argv.includes("--json")) process.stdout.write(`${JSON.stringify(result)}\n`);
  else console.log(remindersBenchTables(result));
}
