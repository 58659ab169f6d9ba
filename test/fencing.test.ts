/**
 * Fencing: a process frozen past its lease sends nothing when it wakes up.
 *
 * Two real bot processes on one database, against the fake Discord. Process A claims the due reminders and
 * waits for its send slots (the shared budget is pushed a minute ahead, so it holds its claims); it is frozen
 * with SIGSTOP. Process B (another host) takes the lease once it expires and posts every reminder, taking A's
 * claims over. The fake's nonce window (its clock moved past it) is then shorter than A's pause, so a post A
 * sent now would be a second message: A gets SIGCONT, must post nothing, must not log "posted", and stops, having
 * logged once that it lost the lease. On SQLite and on PostgreSQL. Smaller cases of the same rules follow,
 * in process: the check before a send, a pause of the event loop itself, and the guard on the wire.
 */
import type { ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { localParts, zonedTimeToUtc } from "../src/calendar/time.js";
import { loadCorpus } from "../src/corpus/load.js";
import { guardChannelPosts, postReply } from "../src/discord/channels.js";
import { DefaultRestOptions, REST } from "../src/discord/lib.js";
import { createLogger } from "../src/logger.js";
import type { PaceClock } from "../src/reminders/pace.js";
import { ReminderScheduler } from "../src/reminders/scheduler.js";
import { PostgresStorage } from "../src/storage/postgres.js";
import { SqliteStorage } from "../src/storage/sqlite.js";
import { LeaseLostError, type Storage } from "../src/storage/types.js";
import { textMarkup } from "../src/views/markup.js";
import { botEnv, sampleReminder, TEST_TOKEN, TestClock, tempDir } from "./support/bot.js";
import { type BotProcess, startBotProcess } from "./support/bot-process.js";
import { type FakeDiscord, guildIdForShard, startFakeDiscord } from "./support/fake-discord.js";
import { holdLease } from "./support/lease.js";
import { createTestSchema, PG_URL, type TestSchema } from "./support/postgres.js";

/** More than one pass's worth of concurrent posts (16): A holds 16 claims, and 4 reminders it never claimed. */
const REMINDERS = 20;
/** The fake's nonce window: longer than B needs to take over, shorter than A's pause (the fake's clock jumps). */
const NONCE_WINDOW_MS = 60_000;
const BUDGET = "discord:global";

let fake: FakeDiscord | undefined;
let schema: TestSchema | undefined;
const children: ChildProcess[] = [];
const cleanups: (() => unknown)[] = [];

afterEach(async () => {
  for (const child of children.splice(0)) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    child.kill("SIGCONT");
    child.kill("SIGKILL");
  }
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await fake?.close();
  fake = undefined;
  await schema?.drop();
  schema = undefined;
});

/** A zone whose local time is well away from midnight now, so "due a minute ago" is still today there. */
function zoneAwayFromMidnight(now: Date): string {
  for (const zone of ["UTC", "Asia/Tokyo", "America/New_York", "Asia/Kolkata"]) {
    const hour = localParts(now, zone).hour;
    if (hour >= 2 && hour <= 21) return zone;
  }
  return "Pacific/Honolulu";
}

/** The process's state letter in /proc (T: stopped). */
function stateOf(pid: number): string {
  return readFileSync(`/proc/${pid}/stat`, "utf8").replace(/^.*\) /s, "")[0] ?? "?";
}

/** One database for both processes, seen from the test. */
interface Backend {
  readonly name: string;
  /** Environment for a bot process on it. */
  env(dir: string): Record<string, string>;
  open(): Promise<Storage>;
  pending(): Promise<number>;
  /** Whether the frozen process holds nothing another needs (a SQLite write lock, an open transaction). */
  quiet(pid: number): Promise<boolean>;
  /** Gives the shared send budget back: the next reservation starts now. */
  resetBudget(): Promise<void>;
}

function sqliteBackend(path: string): Backend {
  const raw = <T>(work: (db: Database.Database) => T): T => {
    const db = new Database(path, { timeout: 0 });
    try {
      return work(db);
    } finally {
      db.close();
    }
  };
  return {
    name: "SQLite",
    env: () => ({ DATABASE_PATH: path }),
    open: async () => SqliteStorage.open(path),
    pending: async () =>
      Number(raw((db) => db.prepare("SELECT count(*) FROM posts WHERE state = 'pending'").pluck().get())),
    quiet: async () =>
      raw((db) => {
        try {
          db.exec("BEGIN IMMEDIATE");
          db.exec("ROLLBACK");
          return true;
        } catch {
          return false;
        }
      }),
    resetBudget: async () => void raw((db) => db.prepare("DELETE FROM rate_slots").run()),
  };
}

function postgresBackend(test: TestSchema): Backend {
  return {
    name: "PostgreSQL",
    env: (dir) => ({ DATABASE_URL: test.url, DATABASE_PATH: join(dir, "unused.db") }),
    open: () => PostgresStorage.connect(PG_URL, { schema: test.name }),
    pending: async () =>
      Number(
        (await test.query<{ n: string }>("SELECT count(*) AS n FROM posts WHERE state = 'pending'"))[0]?.n,
      ),
    quiet: async (pid) =>
      (
        await test.query(
          "SELECT 1 FROM pg_stat_activity WHERE application_name LIKE $1 AND state LIKE 'idle in transaction%'",
          [`talks-bot %:${pid}`],
        )
      ).length === 0,
    resetBudget: async () => void (await test.query("DELETE FROM rate_slots")),
  };
}

async function frozenProcessPostsNothing(backend: (dir: string) => Promise<Backend>): Promise<void> {
  const guilds = Array.from({ length: REMINDERS }, () => ({ id: guildIdForShard(0, 1) }));
  fake = await startFakeDiscord({
    token: TEST_TOKEN,
    heartbeatIntervalMs: 500,
    guilds,
    nonceWindowMs: NONCE_WINDOW_MS,
  });
  const shared = tempDir();
  cleanups.push(shared.cleanup);
  const db = await backend(shared.path);

  const now = new Date();
  const zone = zoneAwayFromMidnight(now);
  const slot = localParts(new Date(now.getTime() - 60_000), zone);
  const dueAt = zonedTimeToUtc(slot.date, slot.time, zone).getTime();
  const seed = await db.open();
  const channels = guilds.map(({ id }) => fake?.guild(id).channels.find((c) => c.type === 0)?.id ?? "");
  for (const [i, { id }] of guilds.entries()) {
    await seed.upsertReminder(
      sampleReminder({
        guildId: id,
        channelId: channels[i] ?? "",
        time: slot.time,
        timeZone: zone,
        nextDueAt: dueAt,
      }),
    );
  }
  // The shared budget's next slot a minute away: A claims what it can and waits, holding its claims.
  await seed.reserveSlot(BUDGET, 60_000, Date.now());
  await seed.close();

  const start = (host: string): BotProcess => {
    const dir = tempDir();
    cleanups.push(dir.cleanup);
    return startBotProcess(
      botEnv(fake as FakeDiscord, join(dir.path, "unused.db"), {
        ...db.env(dir.path),
        HOST_ID: host,
        SHARD_LEASE_SECONDS: "3",
        LOG_LEVEL: "info",
      }),
      dir.path,
      children,
    );
  };
  const a = start("host-a");
  const explained = <T>(step: Promise<T>, who: BotProcess[]): Promise<T> =>
    step.catch((error: unknown) => {
      const logs = who.map((p) => `--- ${p.child.pid}:\n${p.stderr().slice(-3000)}`).join("\n");
      throw new Error(`${(error as Error).message}\n${logs}`);
    });
  await explained(expect.poll(() => db.pending(), { timeout: 30_000, interval: 20 }).toBe(16), [a]);

  // Frozen with its claims in hand, between two writes (a process frozen inside a write would hold the
  // database's write lock: then it runs on for a moment and is frozen again).
  const pid = a.child.pid ?? 0;
  for (;;) {
    a.child.kill("SIGSTOP");
    await expect.poll(() => stateOf(pid), { interval: 5 }).toBe("T");
    if (await db.quiet(pid)) break;
    a.child.kill("SIGCONT");
    await expect.poll(() => db.quiet(pid), { interval: 5 }).toBe(true);
  }
  await db.resetBudget();

  // B takes A's lease once it has expired (a newer epoch) and posts everything: A's claims at once.
  const b = start("host-b");
  const posts = () => channels.reduce((n, channel) => n + (fake?.messagesIn(channel).length ?? 0), 0);
  await explained(expect.poll(posts, { timeout: 30_000, interval: 50 }).toBe(REMINDERS), [a, b]);
  await explained(expect.poll(() => db.pending(), { timeout: 10_000 }).toBe(0), [a, b]);
  // Its log lines come a moment after its writes.
  await explained(expect.poll(() => b.count(/"msg":"reminders: posted"/)).toBe(REMINDERS), [a, b]);

  // A's pause now outlasts Discord's nonce window: a post from A would be a second message.
  fake.advanceTime(NONCE_WINDOW_MS + 1000);
  const before = fake.requests.length;
  a.child.kill("SIGCONT");
  expect(await explained(a.exited, [a, b])).toBe(1);

  const sentAfterWaking = fake.requests
    .slice(before)
    .filter((r) => r.route === "POST /channels/:id/messages");
  expect(sentAfterWaking).toEqual([]);
  for (const channel of channels) expect(fake.messagesIn(channel), channel).toHaveLength(1);
  expect(a.count(/"msg":"reminders: posted"/)).toBe(0);
  expect(a.count(/lost the single-instance lock to another process; stopping/)).toBe(1);
  expect(b.child.exitCode).toBeNull();
  b.child.kill("SIGTERM");
  expect(await b.exited).toBe(0);
}

describe("a process frozen past its lease", () => {
  it("posts nothing when it wakes, after another took its lease and posted everything (SQLite)", async () => {
    await frozenProcessPostsNothing(async (dir) => sqliteBackend(join(dir, "bot.db")));
  }, 90_000);

  it("posts nothing when it wakes, after another took its lease and posted everything (PostgreSQL)", async () => {
    await frozenProcessPostsNothing(async () => {
      schema = await createTestSchema("fence");
      return postgresBackend(schema);
    });
  }, 90_000);
});

describe("the lease before each send", () => {
  it("a send is not made when the lease changed hands while the post waited for its slot", async () => {
    const dir = tempDir();
    cleanups.push(dir.cleanup);
    const clock = new TestClock(Date.parse("2026-12-01T07:00:30Z"));
    const storage = SqliteStorage.open(join(dir.path, "s.db"), { clock: () => clock.now().getTime() });
    cleanups.push(() => storage.close());
    await storage.upsertReminder(sampleReminder({ nextDueAt: Date.parse("2026-12-01T07:00:00Z") }));
    const lost: string[] = [];
    const lease = await holdLease(storage, { ttlMs: 60_000, onLost: () => lost.push("lost") });
    cleanups.push(() => lease.stop());
    const sent: string[] = [];
    // While the post waits for its slot, another process takes the lease over (its clock says it expired).
    const paceClock: PaceClock = {
      now: () => Date.now(),
      sleep: async () => {
        const other = SqliteStorage.open(join(dir.path, "s.db"));
        await other.acquireLease("other-host:1:x", 60_000, Date.now() + 61_000);
        await other.close();
      },
    };
    await storage.reserveSlot(BUDGET, 1000, Date.now());
    const scheduler = new ReminderScheduler({
      storage,
      corpus: loadCorpus(),
      config: { ramadanStart: undefined, reminderGraceMs: 6 * 3600_000 },
      logger: createLogger({ level: "silent" }),
      now: clock.now,
      shard: () => ({ id: 0, count: 1 }),
      send: async (_channel, _post, nonce) => {
        sent.push(nonce);
        return { id: "1226184411359772735" };
      },
      lease,
      markup: textMarkup,
      paceClock,
    });
    const report = await scheduler.tick();
    expect(report.dropped).toEqual(["175928847299117063"]);
    expect(sent).toEqual([]);
    await expect.poll(() => lost).toEqual(["lost"]);
    expect(lease.mayWrite()).toBe(false);
  });

  it("notices a pause of the whole process: its claims are dropped before anything else, then it takes the lease again", async () => {
    const dir = tempDir();
    cleanups.push(dir.cleanup);
    const storage = SqliteStorage.open(join(dir.path, "s.db"));
    cleanups.push(() => storage.close());
    const logs: Record<string, unknown>[] = [];
    const logger = createLogger({
      level: "info",
      write: (line) => logs.push(JSON.parse(line) as Record<string, unknown>),
    });
    const lease = await holdLease(storage, { ttlMs: 300, logger });
    cleanups.push(() => lease.stop());
    const before = lease.fence();
    const claims = lease.claims();
    // The event loop itself stops for longer than the lease (as under SIGSTOP): no timer, no renewal runs.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 600);
    // The first thing asked after the pause sees it, and the claims are already dropped.
    expect(lease.mayWrite()).toBe(false);
    expect(claims.aborted).toBe(true);
    expect(() => lease.fence()).toThrow(LeaseLostError);
    // Nobody took the lease meanwhile: it is taken again, under a new epoch, and posting resumes.
    await expect.poll(() => lease.mayWrite()).toBe(true);
    expect(lease.fence().epoch).toBe(before.epoch + 1);
    expect(logs.map((l) => l.msg)).toEqual([
      expect.stringMatching(/^lease: the lease's lifetime passed since it was last confirmed/),
      expect.stringMatching(/^lease: it had expired and was free; taken again under a new epoch/),
      "lease: confirmed again; posting resumes",
    ]);
  });

  it("holds a channel post back on the wire when the lease is not confirmed; interaction replies pass", async () => {
    fake = await startFakeDiscord({ token: TEST_TOKEN });
    let mayWrite = false;
    const rest = new REST({
      api: fake.apiUrl,
      retries: 0,
      makeRequest: guardChannelPosts(DefaultRestOptions.makeRequest, () => mayWrite),
    }).setToken(TEST_TOKEN);
    const channel = fake.guild().channels.find((c) => c.type === 0)?.id ?? "";
    const post = { cards: [], content: "hello" };
    await expect(postReply(rest, channel, post)).rejects.toBeInstanceOf(LeaseLostError);
    expect(fake.requests.filter((r) => r.route === "POST /channels/:id/messages")).toEqual([]);
    mayWrite = true;
    expect((await postReply(rest, channel, post)).id).toMatch(/^\d+$/);
    expect(fake.messagesIn(channel)).toHaveLength(1);
  });
});
