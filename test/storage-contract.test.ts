/**
 * The storage contract: the same tests, unchanged, against every backend — SQLite on a real file, and
 * PostgreSQL on a real server (a fresh schema for this file, emptied between tests). What a backend must do
 * beyond this (SQLite's busy, full-disk and crash handling; PostgreSQL's connection faults) is tested in
 * storage.test.ts and postgres-storage.test.ts.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { PostgresStorage } from "../src/storage/postgres.js";
import { SqliteStorage } from "../src/storage/sqlite.js";
import { type LeaseFence, LeaseLostError, type ReminderUpsert, type Storage } from "../src/storage/types.js";
import { createTestSchema, PG_URL, type TestSchema } from "./support/postgres.js";

// Real snowflakes (guilds, channels, users from Discord's and discord.js's docs), plus the largest allowed id.
const GUILD_A = "175928847299117063";
const GUILD_B = "81384788765712384";
const GUILD_C = "222078108977594368";
const GUILD_D = "613425648685547541";
const GUILD_MAX = "9223372036854775807";
const CHANNEL_1 = "41771983423143937";
const CHANNEL_2 = "1141777466316636260";
const ROLE = "290926798626357999";
const MOD_1 = "290926798626357250";
const MOD_2 = "53908232506183680";
const MESSAGE_1 = "1226184411359772735";
const MESSAGE_2 = "1226184411359772736";

const T0 = Date.UTC(2026, 1, 18, 4, 0); // 2026-02-18 07:00 in Asia/Riyadh

let clock = T0;
let opened: Storage[] = [];

/** The epoch of the lease the ledger's tests post under ("bot", a day long on the test's clock). */
let leaseEpoch = 0;
async function takeLease(storage: Storage, owner = "host-a:1"): Promise<void> {
  const lease = await storage.acquireLease(owner, 86_400_000, clock);
  if (!lease.acquired) throw new Error(`the test's lease is held by ${lease.holder}`);
  leaseEpoch = lease.epoch;
}
/** The test's lease, presented now. */
const fence = (): LeaseFence => ({ name: "bot", epoch: leaseEpoch, now: clock });

/** One backend: new connections to one database, and raw counts for assertions. */
interface Backend {
  open(): Promise<Storage>;
  count(table: "reminders" | "posts", guildId?: string): Promise<number>;
  shardKeys(): Promise<{ guildId: string; shardKey: string }[]>;
  reset(): Promise<void>;
  cleanup(): Promise<void>;
}

function sqliteBackend(): Backend {
  let dir = "";
  // A nested folder: opening creates it.
  const path = () => join(dir, "nested", "folder", "bot.db");
  const rawQuery = <R>(sql: string, ...values: unknown[]): R[] => {
    const db = new Database(path(), { readonly: true });
    try {
      return db.prepare(sql).all(...values) as R[];
    } finally {
      db.close();
    }
  };
  return {
    open: async () => SqliteStorage.open(path(), { clock: () => clock }),
    count: async (table, guildId) =>
      rawQuery<{ n: number }>(
        `SELECT COUNT(*) AS n FROM ${table}${guildId ? " WHERE guild_id = ?" : ""}`,
        ...(guildId ? [guildId] : []),
      )[0]?.n ?? 0,
    shardKeys: async () =>
      rawQuery<{ guild_id: string; shard_key: number }>("SELECT guild_id, shard_key FROM reminders").map(
        (r) => ({
          guildId: r.guild_id,
          shardKey: String(r.shard_key),
        }),
      ),
    reset: async () => {
      if (dir) rmSync(dir, { recursive: true, force: true });
      dir = mkdtempSync(join(tmpdir(), "talks-bot-contract-"));
    },
    cleanup: async () => {
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

function postgresBackend(): Backend {
  let schema: TestSchema | undefined;
  const ready = async () => {
    schema ??= await createTestSchema("contract");
    return schema;
  };
  return {
    open: async () => PostgresStorage.connect(PG_URL, { clock: () => clock, schema: (await ready()).name }),
    count: async (table, guildId) =>
      Number(
        (
          await (
            await ready()
          ).query<{ n: string }>(
            `SELECT COUNT(*) AS n FROM ${table}${guildId ? " WHERE guild_id = $1" : ""}`,
            guildId ? [guildId] : [],
          )
        )[0]?.n ?? 0,
      ),
    shardKeys: async () =>
      (
        await (
          await ready()
        ).query<{ guild_id: string; shard_key: string }>("SELECT guild_id, shard_key FROM reminders")
      ).map((r) => ({ guildId: r.guild_id, shardKey: String(r.shard_key) })),
    reset: async () => {
      const s = await ready();
      // The schema exists once a storage has migrated it; emptied between tests.
      await PostgresStorage.connect(PG_URL, { schema: s.name }).then((storage) => storage.close());
      await s.truncate();
    },
    cleanup: async () => {
      await schema?.drop();
    },
  };
}

function settings(guildId: string, overrides: Partial<ReminderUpsert> = {}): ReminderUpsert {
  return {
    guildId,
    channelId: CHANNEL_1,
    time: "07:00",
    timeZone: "Asia/Riyadh",
    roleId: null,
    dayOffset: 0,
    language: "en",
    place: null,
    method: null,
    polarConvention: null,
    startOverride: null,
    by: MOD_1,
    nextDueAt: T0,
    ...overrides,
  };
}

function ids(reminders: ReadonlyArray<{ guildId: string }>): string[] {
  return reminders.map((r) => r.guildId);
}

describe.each([
  ["SQLite", sqliteBackend()],
  ["PostgreSQL", postgresBackend()],
])("%s", (_name, backend) => {
  const open = async () => {
    const storage = await backend.open();
    opened.push(storage);
    return storage;
  };

  beforeAll(() => backend.reset());
  beforeEach(async () => {
    clock = T0;
    opened = [];
    await backend.reset();
  });
  afterEach(async () => {
    for (const storage of opened.reverse()) await storage.close();
  });
  afterAll(() => backend.cleanup());

  describe("reminders", () => {
    it("stores a reminder and reads it back with every field", async () => {
      const storage = await open();
      const place = { name: "Jeddah", country: "SA", latitude: 21.5169, longitude: 39.2192 };
      const stored = await storage.upsertReminder(
        settings(GUILD_A, {
          roleId: ROLE,
          dayOffset: -1,
          startOverride: "2026-02-19",
          time: "23:59",
          language: "ar",
          place,
          method: "UmmAlQura",
          polarConvention: "AqrabYaum",
        }),
      );
      expect(stored).toEqual({
        guildId: GUILD_A,
        channelId: CHANNEL_1,
        time: "23:59",
        timeZone: "Asia/Riyadh",
        roleId: ROLE,
        dayOffset: -1,
        startOverride: "2026-02-19",
        language: "ar",
        place,
        method: "UmmAlQura",
        polarConvention: "AqrabYaum",
        enabled: true,
        pausedReason: null,
        pausedAt: null,
        lastError: null,
        lastErrorAt: null,
        nextDueAt: T0,
        revision: 1,
        createdBy: MOD_1,
        createdAt: T0,
        updatedBy: MOD_1,
        updatedAt: T0,
        lastPostedLocalDate: null,
        lastMessageId: null,
        lastPostedAt: null,
      });
      expect(await storage.getReminder(GUILD_A)).toEqual(stored);
      expect(await storage.getReminder(GUILD_B)).toBeNull();
      // Set again without a place or method: back to the zone's city and the region's method.
      expect(await storage.upsertReminder(settings(GUILD_A))).toMatchObject({
        language: "en",
        place: null,
        method: null,
        polarConvention: null,
      });
    });

    it("keeps one row per guild when two moderators set it at once: the last write wins whole", async () => {
      const first = await open();
      const second = await open();
      await first.upsertReminder(settings(GUILD_A, { by: MOD_1, time: "07:00", roleId: ROLE, dayOffset: 1 }));
      clock += 1000;
      await Promise.all([
        first.upsertReminder(
          settings(GUILD_A, { by: MOD_1, channelId: CHANNEL_1, time: "06:15", roleId: ROLE }),
        ),
        second.upsertReminder(
          settings(GUILD_A, { by: MOD_2, channelId: CHANNEL_2, time: "08:30", timeZone: "Europe/London" }),
        ),
      ]);
      // Whichever commits last wins, whole: never one moderator's channel with the other's time.
      const reminder = await first.getReminder(GUILD_A);
      const common = { dayOffset: 0, createdBy: MOD_1, createdAt: T0, updatedAt: T0 + 1000, revision: 3 };
      const firstWins = {
        channelId: CHANNEL_1,
        time: "06:15",
        timeZone: "Asia/Riyadh",
        roleId: ROLE,
        updatedBy: MOD_1,
      };
      const secondWins = {
        channelId: CHANNEL_2,
        time: "08:30",
        timeZone: "Europe/London",
        roleId: null,
        updatedBy: MOD_2,
      };
      const winner = reminder?.updatedBy === MOD_1 ? firstWins : secondWins;
      expect(reminder).toMatchObject({ ...common, ...winner });
      expect(await backend.count("reminders")).toBe(1);
    });

    it("turns off without losing the settings, and set turns it back on", async () => {
      const storage = await open();
      await storage.upsertReminder(settings(GUILD_A, { roleId: ROLE }));
      clock += 60_000;
      expect(await storage.disableReminder(GUILD_A, MOD_2)).toBe(true);
      const off = await storage.getReminder(GUILD_A);
      expect(off).toMatchObject({
        enabled: false,
        nextDueAt: null,
        roleId: ROLE,
        updatedBy: MOD_2,
        revision: 2,
      });
      expect(await storage.dueReminders(T0 + 86_400_000, { id: 0, count: 1 })).toEqual([]);
      // Nothing can schedule a disabled reminder.
      expect(await storage.setNextDueAt(GUILD_A, T0)).toBe(false);

      await storage.upsertReminder(settings(GUILD_A, { roleId: ROLE, nextDueAt: T0 + 86_400_000 }));
      expect(await storage.getReminder(GUILD_A)).toMatchObject({ enabled: true, nextDueAt: T0 + 86_400_000 });
      expect(ids(await storage.dueReminders(T0 + 86_400_000, { id: 0, count: 1 }))).toEqual([GUILD_A]);
      expect(await storage.disableReminder(GUILD_B, MOD_1)).toBe(false);
    });

    it("pauses with a reason until set again, which clears the reason and the last error", async () => {
      const storage = await open();
      await storage.upsertReminder(settings(GUILD_A));
      await storage.recordError(GUILD_A, "503 Service Unavailable");
      clock += 5000;
      expect(await storage.pauseReminder(GUILD_A, "Missing Permissions in #ramadan")).toBe(true);
      expect(await storage.getReminder(GUILD_A)).toMatchObject({
        enabled: true,
        pausedReason: "Missing Permissions in #ramadan",
        pausedAt: T0 + 5000,
        lastError: "503 Service Unavailable",
        lastErrorAt: T0,
      });
      expect(await storage.dueReminders(T0, { id: 0, count: 1 })).toEqual([]);

      await storage.upsertReminder(settings(GUILD_A));
      expect(await storage.getReminder(GUILD_A)).toMatchObject({
        pausedReason: null,
        pausedAt: null,
        lastError: null,
        lastErrorAt: null,
      });
      expect(ids(await storage.dueReminders(T0, { id: 0, count: 1 }))).toEqual([GUILD_A]);
    });

    it("keeps posting after a transient error", async () => {
      const storage = await open();
      await storage.upsertReminder(settings(GUILD_A));
      expect(await storage.recordError(GUILD_A, "x".repeat(5000))).toBe(true);
      const reminder = await storage.getReminder(GUILD_A);
      expect(reminder?.lastError?.length).toBe(1000);
      expect(ids(await storage.dueReminders(T0, { id: 0, count: 1 }))).toEqual([GUILD_A]);
      expect(await storage.recordError(GUILD_B, "503")).toBe(false);
    });

    it("deletes a guild's reminder and ledger when the bot leaves", async () => {
      const storage = await open();
      await storage.upsertReminder(settings(GUILD_A));
      await storage.upsertReminder(settings(GUILD_B));
      await takeLease(storage);
      await storage.claimPost(GUILD_A, "2026-02-18", "nonce-a", fence());
      await storage.markPosted(GUILD_A, "2026-02-18", MESSAGE_1, CHANNEL_1, fence());

      expect(await storage.deleteGuild(GUILD_A)).toBe(true);
      expect(await storage.getReminder(GUILD_A)).toBeNull();
      expect(await storage.lastPost(GUILD_A)).toBeNull();
      expect(await backend.count("posts", GUILD_A)).toBe(0);
      expect(await storage.getReminder(GUILD_B)).not.toBeNull();
      expect(await storage.deleteGuild(GUILD_A)).toBe(false);
    });

    it("does not let a stale next-slot computation overwrite a moderator's newer setting", async () => {
      const storage = await open();
      const read = await storage.upsertReminder(settings(GUILD_A, { time: "07:00" }));
      await storage.upsertReminder(settings(GUILD_A, { time: "08:00", nextDueAt: T0 + 3_600_000 }));
      expect(await storage.setNextDueAt(GUILD_A, T0 + 86_400_000, read.revision)).toBe(false);
      expect((await storage.getReminder(GUILD_A))?.nextDueAt).toBe(T0 + 3_600_000);
      expect(await storage.setNextDueAt(GUILD_A, T0 + 90_000_000, read.revision + 1)).toBe(true);
      expect(await storage.setNextDueAt(GUILD_A, T0 + 90_000_001)).toBe(true);
      expect((await storage.getReminder(GUILD_A))?.nextDueAt).toBe(T0 + 90_000_001);
    });

    it("rejects arguments no caller should pass, as rejections rather than throws", async () => {
      const storage = await open();
      await expect(storage.upsertReminder(settings(GUILD_A, { time: "24:00" }))).rejects.toThrow(RangeError);
      await expect(storage.upsertReminder(settings(GUILD_A, { time: "7:05" }))).rejects.toThrow(/HH:MM/);
      await expect(storage.upsertReminder(settings(GUILD_A, { dayOffset: 3 }))).rejects.toThrow(/dayOffset/);
      await expect(storage.upsertReminder(settings("abc"))).rejects.toThrow(/guildId/);
      await expect(storage.upsertReminder(settings("9223372036854775808"))).rejects.toThrow(/2\^63/);
      await expect(storage.claimPost(GUILD_A, "2026-02-18", "x".repeat(26), fence())).rejects.toThrow(
        /nonce/,
      );
      await expect(
        storage.claimPost(GUILD_A, "2026-02-18", "n", { name: "bot", epoch: 0, now: clock }),
      ).rejects.toThrow(/epoch/);
      await expect(storage.dueReminders(T0, { id: 2, count: 2 })).rejects.toThrow(/shard/);
      expect(await storage.getReminder(GUILD_A)).toBeNull();
    });
  });

  describe("due reminders", () => {
    it("honours now, enabled, paused and order, and stops at the limit", async () => {
      const storage = await open();
      await storage.upsertReminder(settings(GUILD_A, { nextDueAt: T0 + 2 }));
      await storage.upsertReminder(settings(GUILD_B, { nextDueAt: T0 }));
      await storage.upsertReminder(settings(GUILD_C, { nextDueAt: T0 + 1 }));
      await storage.upsertReminder(settings(GUILD_D, { nextDueAt: T0 + 3 }));
      await storage.upsertReminder(settings(GUILD_MAX, { nextDueAt: null }));
      const all = { id: 0, count: 1 };

      expect(ids(await storage.dueReminders(T0 - 1, all))).toEqual([]);
      expect(ids(await storage.dueReminders(T0, all))).toEqual([GUILD_B]);
      expect(ids(await storage.dueReminders(T0 + 2, all))).toEqual([GUILD_B, GUILD_C, GUILD_A]);
      expect(ids(await storage.dueReminders(T0 + 10, all))).toEqual([GUILD_B, GUILD_C, GUILD_A, GUILD_D]);
      expect(ids(await storage.dueReminders(T0 + 10, all, 2))).toEqual([GUILD_B, GUILD_C]);

      await storage.disableReminder(GUILD_C, MOD_1);
      await storage.pauseReminder(GUILD_A, "Unknown Channel");
      expect(ids(await storage.dueReminders(T0 + 10, all))).toEqual([GUILD_B, GUILD_D]);

      const [first] = await storage.dueReminders(T0 + 10, all);
      expect(first).toEqual(await storage.getReminder(GUILD_B));
    });

    it("gives each shard exactly the guilds Discord routes to it: (guild_id >> 22) % count", async () => {
      const storage = await open();
      const guilds = [
        GUILD_A,
        GUILD_B,
        GUILD_C,
        GUILD_D,
        GUILD_MAX,
        "1",
        "4194304",
        "1234567890123456789",
        "1141777466316636160",
        "999999999999999999",
        "80351110224678912",
        "4611686018427387904",
      ];
      for (const [i, guildId] of guilds.entries()) {
        await storage.upsertReminder(settings(guildId, { nextDueAt: T0 + i }));
      }
      // The stored key is exact even above 2^53, where a JS number would round.
      for (const row of await backend.shardKeys())
        expect(BigInt(row.shardKey)).toBe(BigInt(row.guildId) >> 22n);

      for (const count of [1, 2, 3, 7, 16]) {
        const seen: string[] = [];
        for (let id = 0; id < count; id++) {
          const expected = guilds.filter((g) => (BigInt(g) >> 22n) % BigInt(count) === BigInt(id));
          const due = ids(await storage.dueReminders(T0 + 100, { id, count }));
          expect(new Set(due)).toEqual(new Set(expected));
          seen.push(...due);
        }
        expect(seen.sort()).toEqual([...guilds].sort());
      }
    });
  });

  describe("posting ledger", () => {
    it("claims once, hands a pending claim back with its nonce, and marks it sent idempotently", async () => {
      const storage = await open();
      await takeLease(storage);
      await storage.upsertReminder(settings(GUILD_A));

      expect(await storage.claimPost(GUILD_A, "2026-02-18", "a-0218", fence())).toEqual({
        status: "claimed",
        nonce: "a-0218",
        attempts: 1,
        claimedAt: T0,
      });
      clock += 60_000;
      // A crash between send and mark: the restart's claim gets the stored nonce and first claim time.
      expect(await storage.claimPost(GUILD_A, "2026-02-18", "other", fence())).toEqual({
        status: "pending",
        nonce: "a-0218",
        attempts: 2,
        claimedAt: T0,
      });
      clock += 2000;
      expect(await storage.markPosted(GUILD_A, "2026-02-18", MESSAGE_1, CHANNEL_1, fence())).toBe(true);
      expect(await storage.markPosted(GUILD_A, "2026-02-18", MESSAGE_1, CHANNEL_1, fence())).toBe(true);
      expect(await storage.markPosted(GUILD_A, "2026-02-18", MESSAGE_2, CHANNEL_1, fence())).toBe(false);
      expect(await storage.claimPost(GUILD_A, "2026-02-18", "again", fence())).toEqual({
        status: "already-sent",
        nonce: "a-0218",
        messageId: MESSAGE_1,
      });
      expect(await storage.releaseClaim(GUILD_A, "2026-02-18", fence())).toBe(false);

      expect(await storage.lastPost(GUILD_A)).toEqual({
        guildId: GUILD_A,
        localDate: "2026-02-18",
        nonce: "a-0218",
        messageId: MESSAGE_1,
        channelId: CHANNEL_1,
        claimedAt: T0,
        sentAt: T0 + 62_000,
        attempts: 2,
      });
      expect(await storage.getReminder(GUILD_A)).toMatchObject({
        lastPostedLocalDate: "2026-02-18",
        lastMessageId: MESSAGE_1,
        lastPostedAt: T0 + 62_000,
      });
      expect(await backend.count("posts")).toBe(1);
    });

    it("releases a claim whose send never reached Discord, so the next tick can claim it afresh", async () => {
      const storage = await open();
      await takeLease(storage);
      await storage.upsertReminder(settings(GUILD_A));
      await storage.claimPost(GUILD_A, "2026-02-18", "first", fence());
      expect(await storage.releaseClaim(GUILD_A, "2026-02-18", fence())).toBe(true);
      expect(await storage.claimPost(GUILD_A, "2026-02-18", "second", fence())).toMatchObject({
        status: "claimed",
        nonce: "second",
      });
      expect(await storage.markPosted(GUILD_A, "2026-02-19", MESSAGE_1, CHANNEL_1, fence())).toBe(false);
    });

    it("refuses to claim for a guild that was removed, turned off or paused since it was found due", async () => {
      const storage = await open();
      await takeLease(storage);
      expect(await storage.claimPost(GUILD_A, "2026-02-18", "n", fence())).toEqual({ status: "inactive" });
      await storage.upsertReminder(settings(GUILD_A));
      await storage.upsertReminder(settings(GUILD_B));
      await storage.disableReminder(GUILD_A, MOD_1);
      await storage.pauseReminder(GUILD_B, "Missing Access");
      expect(await storage.claimPost(GUILD_A, "2026-02-18", "n", fence())).toEqual({ status: "inactive" });
      expect(await storage.claimPost(GUILD_B, "2026-02-18", "n", fence())).toEqual({ status: "inactive" });
      expect(await backend.count("posts")).toBe(0);
    });

    it("keeps the newest post on the reminder when an older day is marked late, and clears the last error", async () => {
      const storage = await open();
      await takeLease(storage);
      await storage.upsertReminder(settings(GUILD_A));
      await storage.claimPost(GUILD_A, "2026-02-18", "d18", fence());
      await storage.claimPost(GUILD_A, "2026-02-19", "d19", fence());
      await storage.recordError(GUILD_A, "500");
      await storage.markPosted(GUILD_A, "2026-02-19", MESSAGE_2, CHANNEL_1, fence());
      await storage.markPosted(GUILD_A, "2026-02-18", MESSAGE_1, CHANNEL_1, fence());
      expect(await storage.getReminder(GUILD_A)).toMatchObject({
        lastPostedLocalDate: "2026-02-19",
        lastMessageId: MESSAGE_2,
        lastError: null,
      });
      expect((await storage.lastPost(GUILD_A))?.messageId).toBe(MESSAGE_2);
    });
  });

  describe("feedback", () => {
    it("counts one vote per user per question, and a re-vote replaces the earlier one", async () => {
      const storage = await open();
      const vote = { questionKey: "q-hostages", articleId: "ap-2025-10-09", paragraph: 3, userId: MOD_1 };
      await storage.recordFeedback({ ...vote, helpful: true });
      await storage.recordFeedback({ ...vote, helpful: false });
      await storage.recordFeedback({ ...vote, helpful: false });
      await storage.recordFeedback({ ...vote, userId: MOD_2, helpful: true });
      await storage.recordFeedback({ ...vote, questionKey: "q-aid", paragraph: 1, helpful: true });
      // Moving a vote to another cited paragraph moves the count too.
      await storage.recordFeedback({ ...vote, questionKey: "q-aid", paragraph: 2, helpful: true });

      expect(await storage.feedbackTotals()).toEqual({
        helpful: 2,
        notHelpful: 1,
        byAnswer: [
          { questionKey: "q-aid", articleId: "ap-2025-10-09", paragraph: 2, helpful: 1, notHelpful: 0 },
          { questionKey: "q-hostages", articleId: "ap-2025-10-09", paragraph: 3, helpful: 1, notHelpful: 1 },
        ],
      });
    });
  });

  describe("single-instance lease", () => {
    it("refuses a second owner while the lease is live and lets it take over a stale one", async () => {
      const first = await open();
      const second = await open();
      const ttl = 30_000;

      expect(await first.acquireLease("host-a:1", ttl, T0)).toEqual({
        acquired: true,
        expiresAt: T0 + ttl,
        epoch: 1,
      });
      expect(await second.acquireLease("host-b:2", ttl, T0 + 1000)).toEqual({
        acquired: false,
        holder: "host-a:1",
        expiresAt: T0 + ttl,
      });
      // Taking it again while it is live is a renewal: the same tenure, the same epoch.
      expect(await first.acquireLease("host-a:1", ttl, T0 + 10_000)).toMatchObject({
        acquired: true,
        epoch: 1,
      });
      expect(await first.renewLease("host-a:1", ttl, T0 + 20_000)).toBe(true);
      expect(await second.renewLease("host-b:2", ttl, T0 + 20_000)).toBe(false);
      expect(await second.acquireLease("host-b:2", ttl, T0 + 20_000 + ttl - 1)).toMatchObject({
        acquired: false,
      });

      // The first owner stopped renewing (crashed): at expiry the lease is free for the taking, as a new tenure.
      expect(await second.acquireLease("host-b:2", ttl, T0 + 20_000 + ttl)).toEqual({
        acquired: true,
        expiresAt: T0 + 20_000 + 2 * ttl,
        epoch: 2,
      });
      expect(await first.renewLease("host-a:1", ttl, T0 + 60_000)).toBe(false);
      expect(await first.releaseLease("host-a:1")).toBe(false);
      expect(await second.releaseLease("host-b:2")).toBe(true);
      expect(await second.releaseLease("host-b:2")).toBe(false);
      // A released lease keeps its epoch: the next holder's is newer still.
      expect(await first.acquireLease("host-a:1", ttl, T0 + 60_000)).toMatchObject({
        acquired: true,
        epoch: 3,
      });
    });

    it("lists the live leases, each with its holder and since when, and none that expired or was released", async () => {
      const storage = await open();
      const ttl = 30_000;
      expect(await storage.liveLeases(T0)).toEqual([]);
      await storage.acquireLease("host-a:11:aa", ttl, T0, "bot:shard:0/2");
      await storage.acquireLease("host-b:22:bb", ttl, T0 + 1000, "bot:shard:1/2");
      await storage.renewLease("host-a:11:aa", ttl, T0 + 10_000, "bot:shard:0/2");
      expect(await storage.liveLeases(T0 + 20_000)).toEqual([
        { name: "bot:shard:0/2", ownerId: "host-a:11:aa", acquiredAt: T0, expiresAt: T0 + 10_000 + ttl },
        { name: "bot:shard:1/2", ownerId: "host-b:22:bb", acquiredAt: T0 + 1000, expiresAt: T0 + 1000 + ttl },
      ]);
      // One expired (its holder stopped renewing), the other released on a clean stop.
      await storage.releaseLease("host-a:11:aa", "bot:shard:0/2");
      expect(await storage.liveLeases(T0 + 20_000)).toEqual([
        { name: "bot:shard:1/2", ownerId: "host-b:22:bb", acquiredAt: T0 + 1000, expiresAt: T0 + 1000 + ttl },
      ]);
      expect(await storage.liveLeases(T0 + 1000 + ttl)).toEqual([]);
    });

    it("never renews an expired lease, even its owner's: it must be taken again, under a new epoch", async () => {
      const storage = await open();
      const ttl = 10_000;
      expect(await storage.acquireLease("host-a:1", ttl, T0)).toMatchObject({ epoch: 1 });
      expect(await storage.renewLease("host-a:1", ttl, T0 + ttl)).toBe(false);
      expect(await storage.acquireLease("host-a:1", ttl, T0 + ttl)).toMatchObject({
        acquired: true,
        epoch: 2,
      });
      expect(await storage.checkLease({ name: "bot", epoch: 1, now: T0 + ttl })).toEqual({
        held: false,
        holder: "host-a:1",
      });
      expect(await storage.checkLease({ name: "bot", epoch: 2, now: T0 + ttl + 4000 })).toEqual({
        held: true,
        remainingMs: 6000,
      });
      expect(await storage.checkLease({ name: "bot", epoch: 2, now: T0 + 2 * ttl })).toEqual({
        held: false,
        holder: null,
      });
      expect(await storage.checkLease({ name: "other", epoch: 1, now: T0 })).toEqual({
        held: false,
        holder: null,
      });
    });
  });

  describe("fencing", () => {
    it("refuses a claim, a send slot and a mark under a lease that changed hands; the new holder takes the claim over", async () => {
      const paused = await open();
      const successor = await open();
      await paused.upsertReminder(settings(GUILD_A));
      const ttl = 3000;
      const old = await paused.acquireLease("host-a:1", ttl, T0);
      if (!old.acquired) throw new Error("the lease is free");
      const oldFence = (now: number): LeaseFence => ({ name: "bot", epoch: old.epoch, now });
      const claim = { guildId: GUILD_A, localDate: "2026-02-18" };
      expect(await paused.claimPost(GUILD_A, "2026-02-18", "a-0218", oldFence(T0))).toMatchObject({
        status: "claimed",
      });
      expect(await paused.reserveSlot("discord", 20, T0, { ...claim, fence: oldFence(T0) })).toBe(T0);

      // Frozen past its lease: another process takes the lease over, a newer epoch.
      const taken = await successor.acquireLease("host-b:2", ttl, T0 + ttl);
      if (!taken.acquired) throw new Error("the lease expired");
      expect(taken.epoch).toBeGreaterThan(old.epoch);
      const newFence = (now: number): LeaseFence => ({ name: "bot", epoch: taken.epoch, now });

      // The woken process, with its old fence, can do nothing that leads to a send.
      const later = T0 + ttl + 100;
      await expect(paused.claimPost(GUILD_B, "2026-02-18", "b", oldFence(later))).rejects.toBeInstanceOf(
        LeaseLostError,
      );
      await expect(
        paused.reserveSlot("discord", 20, later, { ...claim, fence: oldFence(later) }),
      ).rejects.toBeInstanceOf(LeaseLostError);
      // Its refused reservation took no slot: the next one starts from now.
      expect(await successor.reserveSlot("discord", 20, later)).toBe(later);
      expect(await paused.checkLease(oldFence(later))).toEqual({ held: false, holder: "host-b:2" });

      // The successor takes the unconfirmed claim over at once (its maker can no longer send): the same nonce
      // and first claim time, to re-send while Discord still dedupes it.
      expect(await successor.claimPost(GUILD_A, "2026-02-18", "other", newFence(later))).toEqual({
        status: "pending",
        nonce: "a-0218",
        attempts: 2,
        claimedAt: T0,
      });
      // Now the claim is the successor's: the old fence can neither reserve, nor release it, nor mark it.
      await expect(
        paused.reserveSlot("discord", 20, later, { ...claim, fence: oldFence(later) }),
      ).rejects.toBeInstanceOf(LeaseLostError);
      expect(await paused.releaseClaim(GUILD_A, "2026-02-18", oldFence(later))).toBe(false);
      expect(await paused.markPosted(GUILD_A, "2026-02-18", MESSAGE_2, CHANNEL_1, oldFence(later))).toBe(
        false,
      );
      expect(await successor.reserveSlot("discord", 20, later, { ...claim, fence: newFence(later) })).toBe(
        later + 20,
      );
      expect(await successor.markPosted(GUILD_A, "2026-02-18", MESSAGE_1, CHANNEL_1, newFence(later))).toBe(
        true,
      );
      expect((await successor.lastPost(GUILD_A))?.messageId).toBe(MESSAGE_1);
    });

    it("leaves a claim made under another live lease to its maker, and takes it over once that lease is gone", async () => {
      const storage = await open();
      await storage.upsertReminder(settings(GUILD_A));
      const ttl = 60_000;
      const mine = await storage.acquireLease("host-a:1", ttl, T0, "bot:shard:0/2");
      const theirs = await storage.acquireLease("host-b:2", ttl, T0, "bot");
      if (!mine.acquired || !theirs.acquired) throw new Error("both leases are free");
      const myFence: LeaseFence = { name: "bot:shard:0/2", epoch: mine.epoch, now: T0 + 1000 };
      await storage.claimPost(GUILD_A, "2026-02-18", "theirs", { name: "bot", epoch: theirs.epoch, now: T0 });
      expect(await storage.claimPost(GUILD_A, "2026-02-18", "mine", myFence)).toEqual({
        status: "held",
        claimedAt: T0,
      });
      await expect(
        storage.reserveSlot("discord", 20, T0 + 1000, {
          guildId: GUILD_A,
          localDate: "2026-02-18",
          fence: myFence,
        }),
      ).rejects.toBeInstanceOf(LeaseLostError);
      // Its maker stopped (a clean shutdown releases the lease): the claim is taken over, nonce and all.
      expect(await storage.releaseLease("host-b:2", "bot")).toBe(true);
      expect(await storage.claimPost(GUILD_A, "2026-02-18", "mine", myFence)).toMatchObject({
        status: "pending",
        nonce: "theirs",
      });
    });
  });

  describe("shared send budget", () => {
    it("spaces reservations one interval apart across connections, from now or from the last one", async () => {
      const first = await open();
      const second = await open();
      expect(await first.reserveSlot("discord", 20, 1000)).toBe(1000);
      expect(await second.reserveSlot("discord", 20, 1000)).toBe(1020);
      expect(await first.reserveSlot("discord", 20, 1005)).toBe(1040);
      // Other buckets are independent; an idle bucket starts again from now.
      expect(await second.reserveSlot("other", 20, 1005)).toBe(1005);
      expect(await first.reserveSlot("discord", 20, 5000)).toBe(5000);
      const slots = await Promise.all(
        Array.from({ length: 10 }, (_, i) => (i % 2 ? first : second).reserveSlot("burst", 22.5, 9000)),
      );
      expect(slots.sort((a, b) => a - b)).toEqual(Array.from({ length: 10 }, (_, i) => 9000 + i * 22.5));
      await expect(first.reserveSlot("discord", 0, 1)).rejects.toThrow(RangeError);
    });
  });

  describe("durability", () => {
    it("keeps everything across a close and reopen", async () => {
      const before = await open();
      await takeLease(before);
      await before.upsertReminder(settings(GUILD_A, { roleId: ROLE, dayOffset: 2 }));
      await before.upsertReminder(settings(GUILD_B));
      await before.pauseReminder(GUILD_B, "Unknown Channel");
      await before.claimPost(GUILD_A, "2026-02-18", "a-0218", fence());
      await before.markPosted(GUILD_A, "2026-02-18", MESSAGE_1, CHANNEL_1, fence());
      await before.claimPost(GUILD_A, "2026-02-19", "a-0219", fence());
      await before.recordFeedback({
        questionKey: "q",
        articleId: "x",
        paragraph: 1,
        helpful: true,
        userId: MOD_1,
      });
      const snapshot = {
        a: await before.getReminder(GUILD_A),
        b: await before.getReminder(GUILD_B),
        post: await before.lastPost(GUILD_A),
        totals: await before.feedbackTotals(),
      };
      await before.close();

      const after = await open();
      expect({
        a: await after.getReminder(GUILD_A),
        b: await after.getReminder(GUILD_B),
        post: await after.lastPost(GUILD_A),
        totals: await after.feedbackTotals(),
      }).toEqual(snapshot);
      expect(await after.claimPost(GUILD_A, "2026-02-19", "other", fence())).toMatchObject({
        status: "pending",
        nonce: "a-0219",
      });
      expect(await after.acquireLease("host-b:2", 60_000, T0 + 1)).toMatchObject({
        acquired: false,
        holder: "host-a:1",
      });
    });
  });
});
