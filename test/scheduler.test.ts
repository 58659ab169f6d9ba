/**
 * The scheduler over a real SQLite file, with the network edge (the send function) replaced, for the
 * failures the fake Discord cannot produce: requests that never leave, and ones whose fate is unknown.
 */
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadCorpus } from "../src/corpus/load.js";
import { toPostError } from "../src/discord/channels.js";
import { createLogger } from "../src/logger.js";
import type { PaceClock } from "../src/reminders/pace.js";
import { reminderNonce } from "../src/reminders/post.js";
import { ReminderScheduler, type SendPost } from "../src/reminders/scheduler.js";
import { SqliteStorage } from "../src/storage/sqlite.js";
import { textMarkup } from "../src/views/markup.js";
import { sampleReminder, TestClock, tempDir } from "./support/bot.js";
import { holdLease } from "./support/lease.js";

const corpus = loadCorpus();
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(send: SendPost, paceClock?: PaceClock) {
  const dir = tempDir();
  const clock = new TestClock(Date.parse("2026-12-01T06:00:00Z"));
  const storage = SqliteStorage.open(join(dir.path, "s.db"), { clock: () => clock.now().getTime() });
  cleanups.push(dir.cleanup, () => storage.close());
  await storage.upsertReminder(sampleReminder({ nextDueAt: Date.parse("2026-12-01T07:00:00Z") }));
  const lease = await holdLease(storage);
  cleanups.push(() => lease.stop());
  const scheduler = new ReminderScheduler({
    storage,
    corpus,
    config: { ramadanStart: undefined, reminderGraceMs: 6 * 3600_000 },
    logger: createLogger({ level: "silent" }),
    now: clock.now,
    shard: () => ({ id: 0, count: 1 }),
    send,
    lease,
    markup: textMarkup,
    postsPerSecond: 1000,
    ...(paceClock ? { paceClock } : {}),
  });
  return { storage, clock, scheduler, lease };
}

const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:443"), { code: "ECONNREFUSED" });
const reset = Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" });

describe("scheduler failures at the network edge", () => {
  it("a request that never left is retried later in the day with a fresh claim", async () => {
    let fail = true;
    const sent: string[] = [];
    const { clock, scheduler } = await setup(async (_channel, _message, nonce) => {
      // The Discord layer translates network failures for the scheduler, as it does in the bot.
      if (fail) throw toPostError(new TypeError("fetch failed", { cause: refused }));
      sent.push(nonce);
      return { id: "1" };
    });
    clock.set("2026-12-01T07:00:00Z");
    expect((await scheduler.tick()).failed).toHaveLength(1);
    fail = false;
    clock.set("2026-12-01T07:30:00Z"); // well past the nonce window: still safe, nothing was sent
    expect((await scheduler.tick()).posted).toHaveLength(1);
    expect(sent).toHaveLength(1);
  });

  it("a request whose fate is unknown is re-sent with the same nonce only inside the nonce window", async () => {
    const nonces: string[] = [];
    const { clock, scheduler, storage } = await setup(async (_channel, _message, nonce) => {
      nonces.push(nonce);
      throw toPostError(reset);
    });
    clock.set("2026-12-01T07:00:00Z");
    await scheduler.tick();
    clock.set("2026-12-01T07:02:00Z");
    await scheduler.tick();
    expect(nonces).toHaveLength(2);
    expect(new Set(nonces).size).toBe(1);
    clock.set("2026-12-01T07:10:00Z");
    expect((await scheduler.tick()).skipped).toHaveLength(1);
    expect(nonces).toHaveLength(2);
    const reminder = await storage.getReminder("175928847299117063");
    expect(reminder?.nextDueAt).toBe(Date.parse("2026-12-02T07:00:00Z"));
  });

  it("leaves a claim made under another process's live lease to its sender, and re-sends it with its nonce once that lease is gone", async () => {
    const nonces: string[] = [];
    const { clock, scheduler, storage } = await setup(async (_channel, _message, nonce) => {
      nonces.push(nonce);
      return { id: "1226184411359772735" };
    });
    clock.set("2026-12-01T07:00:00Z");
    const guildId = "175928847299117063";
    // Another process (another shard layout) claimed it under its own lease, and may be sending it now.
    const other = await holdLease(storage, { name: "bot:shard:0/2", owner: "other-host:4242:x" });
    cleanups.push(() => other.stop());
    const elsewhere = await storage.claimPost(
      guildId,
      "2026-12-01",
      reminderNonce(guildId, "2026-12-01"),
      other.fence(),
    );
    expect(elsewhere.status).toBe("claimed");
    const first = await scheduler.tick();
    expect(first.inFlight).toEqual([guildId]);
    expect(nonces).toEqual([]);
    // Its sender stopped (or lost its lease) without confirming: taken over at once, the nonce guarding a re-send.
    await other.stop();
    await storage.releaseLease("other-host:4242:x", "bot:shard:0/2");
    clock.set("2026-12-01T07:00:05Z");
    expect((await scheduler.tick()).posted).toEqual([guildId]);
    expect(nonces).toEqual([reminderNonce(guildId, "2026-12-01")]);
  });

  it("keeps an earlier attempt's claim when a pass gets no send slot, so its nonce window still counts", async () => {
    const nonces: string[] = [];
    // Real time for the send slots, until the test stalls it: then every look at it is 10 s later than the last.
    let stalled = false;
    let lag = 0;
    const paceClock: PaceClock = {
      now: () => {
        if (stalled) lag += 10_000;
        return Date.now() + lag;
      },
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, stalled ? 0 : ms)),
    };
    const { clock, scheduler } = await setup(async (_channel, _message, nonce) => {
      nonces.push(nonce);
      throw toPostError(reset);
    }, paceClock);
    clock.set("2026-12-01T07:00:00Z");
    expect((await scheduler.tick()).failed).toHaveLength(1);
    expect(nonces).toHaveLength(1);
    // The next pass finds the claim unconfirmed but gets no send slot: nothing is sent, the claim stays.
    stalled = true;
    clock.set("2026-12-01T07:00:20Z");
    expect((await scheduler.tick()).failed).toHaveLength(1);
    expect(nonces).toHaveLength(1);
    // Past the nonce window the day is skipped: a fresh claim would have posted a second time.
    clock.set("2026-12-01T07:10:00Z");
    expect((await scheduler.tick()).skipped).toHaveLength(1);
    expect(nonces).toHaveLength(1);
  });

  it("a post that cannot be built leaves no claim behind", async () => {
    const { clock, storage, lease } = await setup(async () => ({ id: "1" }));
    const broken = new ReminderScheduler({
      storage,
      corpus: { ...corpus, statusCards: [] },
      config: { ramadanStart: "1999-01-01", reminderGraceMs: 6 * 3600_000 },
      logger: createLogger({ level: "silent" }),
      now: clock.now,
      shard: () => ({ id: 0, count: 1 }),
      send: async () => ({ id: "1" }),
      lease,
      markup: textMarkup,
    });
    clock.set("2026-12-01T07:00:00Z");
    expect((await broken.tick()).failed).toHaveLength(1);
    const claim = await storage.claimPost("175928847299117063", "2026-12-01", "fresh-nonce", lease.fence());
    expect(claim.status).toBe("claimed");
  });
});
