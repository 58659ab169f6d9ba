import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  latestVersion,
  type Migration,
  migrations,
  runMigrations,
  schemaVersion,
} from "../src/storage/migrations.js";
import { DUE_REMINDERS_SQL, SqliteStorage, type SqliteStorageOptions } from "../src/storage/sqlite.js";
import { type ReminderUpsert, StorageBusyError, StorageError } from "../src/storage/types.js";
import { mountSmallDisk } from "./support/full-disk.js";

const REPO_ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const WRITER = join(REPO_ROOT, "test", "support", "storage-writer.ts");

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

let dir: string;
let clock: number;
let opened: Array<{ close(): unknown }>;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "talks-bot-storage-"));
  clock = T0;
  opened = [];
});

afterEach(async () => {
  for (const handle of opened.reverse()) await handle.close();
  rmSync(dir, { recursive: true, force: true });
});

function dbPath(name = "bot.db"): string {
  return join(dir, name);
}

function open(path = dbPath(), options: SqliteStorageOptions = {}): SqliteStorage {
  const storage = SqliteStorage.open(path, { clock: () => clock, ...options });
  opened.push(storage);
  return storage;
}

function raw(path = dbPath(), options: Database.Options = {}): Database.Database {
  const db = new Database(path, options);
  opened.push(db);
  return db;
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
    startOverride: null,
    by: MOD_1,
    nextDueAt: T0,
    ...overrides,
  };
}

function ids(reminders: ReadonlyArray<{ guildId: string }>): string[] {
  return reminders.map((r) => r.guildId);
}

describe("reminders", () => {
  it("stores a reminder and reads it back with every field", async () => {
    const storage = open();
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
    });
  });

  it("keeps one row per guild when two moderators set it at once: the last write wins whole", async () => {
    const first = open();
    const second = open();
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
    const reminder = await first.getReminder(GUILD_A);
    expect(reminder).toMatchObject({
      channelId: CHANNEL_2,
      time: "08:30",
      timeZone: "Europe/London",
      roleId: null,
      dayOffset: 0,
      createdBy: MOD_1,
      createdAt: T0,
      updatedBy: MOD_2,
      updatedAt: T0 + 1000,
      revision: 3,
    });
    expect(raw().prepare("SELECT COUNT(*) FROM reminders").pluck().get()).toBe(1);
  });

  it("turns off without losing the settings, and set turns it back on", async () => {
    const storage = open();
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
    const storage = open();
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
    const storage = open();
    await storage.upsertReminder(settings(GUILD_A));
    expect(await storage.recordError(GUILD_A, "x".repeat(5000))).toBe(true);
    const reminder = await storage.getReminder(GUILD_A);
    expect(reminder?.lastError?.length).toBe(1000);
    expect(ids(await storage.dueReminders(T0, { id: 0, count: 1 }))).toEqual([GUILD_A]);
    expect(await storage.recordError(GUILD_B, "503")).toBe(false);
  });

  it("deletes a guild's reminder and ledger when the bot leaves", async () => {
    const storage = open();
    await storage.upsertReminder(settings(GUILD_A));
    await storage.upsertReminder(settings(GUILD_B));
    await storage.claimPost(GUILD_A, "2026-02-18", "nonce-a");
    await storage.markPosted(GUILD_A, "2026-02-18", MESSAGE_1, CHANNEL_1);

    expect(await storage.deleteGuild(GUILD_A)).toBe(true);
    expect(await storage.getReminder(GUILD_A)).toBeNull();
    expect(await storage.lastPost(GUILD_A)).toBeNull();
    expect(raw().prepare("SELECT COUNT(*) FROM posts WHERE guild_id = ?").pluck().get(GUILD_A)).toBe(0);
    expect(await storage.getReminder(GUILD_B)).not.toBeNull();
    expect(await storage.deleteGuild(GUILD_A)).toBe(false);
  });

  it("does not let a stale next-slot computation overwrite a moderator's newer setting", async () => {
    const storage = open();
    const read = await storage.upsertReminder(settings(GUILD_A, { time: "07:00" }));
    await storage.upsertReminder(settings(GUILD_A, { time: "08:00", nextDueAt: T0 + 3_600_000 }));
    expect(await storage.setNextDueAt(GUILD_A, T0 + 86_400_000, read.revision)).toBe(false);
    expect((await storage.getReminder(GUILD_A))?.nextDueAt).toBe(T0 + 3_600_000);
    expect(await storage.setNextDueAt(GUILD_A, T0 + 90_000_000, read.revision + 1)).toBe(true);
    expect(await storage.setNextDueAt(GUILD_A, T0 + 90_000_001)).toBe(true);
    expect((await storage.getReminder(GUILD_A))?.nextDueAt).toBe(T0 + 90_000_001);
  });

  it("rejects arguments no caller should pass, as rejections rather than throws", async () => {
    const storage = open();
    await expect(storage.upsertReminder(settings(GUILD_A, { time: "24:00" }))).rejects.toThrow(RangeError);
    await expect(storage.upsertReminder(settings(GUILD_A, { time: "7:05" }))).rejects.toThrow(/HH:MM/);
    await expect(storage.upsertReminder(settings(GUILD_A, { dayOffset: 3 }))).rejects.toThrow(/dayOffset/);
    await expect(storage.upsertReminder(settings("abc"))).rejects.toThrow(/guildId/);
    await expect(storage.upsertReminder(settings("9223372036854775808"))).rejects.toThrow(/2\^63/);
    await expect(storage.claimPost(GUILD_A, "2026-02-18", "x".repeat(26))).rejects.toThrow(/nonce/);
    await expect(storage.dueReminders(T0, { id: 2, count: 2 })).rejects.toThrow(/shard/);
    expect(await storage.getReminder(GUILD_A)).toBeNull();
  });
});

describe("due reminders", () => {
  it("honours now, enabled, paused and order, and stops at the limit", async () => {
    const storage = open();
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
    const storage = open();
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
    const keys = raw().prepare<[], { guild_id: string; shard_key: number }>(
      "SELECT guild_id, shard_key FROM reminders",
    );
    for (const row of keys.all()) expect(BigInt(row.shard_key)).toBe(BigInt(row.guild_id) >> 22n);

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

  it("is answered by the partial index in due order, without a table scan or a sort", async () => {
    const storage = open();
    const db = raw();
    const insert = db.prepare(
      `INSERT INTO reminders (guild_id, channel_id, time, time_zone, enabled, next_due_at,
        created_by, created_at, updated_by, updated_at)
       VALUES (?, '${CHANNEL_1}', '07:00', 'UTC', 1, ?, '${MOD_1}', 0, '${MOD_1}', 0)`,
    );
    db.transaction(() => {
      for (let i = 0; i < 5000; i++) insert.run(String(1_000_000_000_000_000n + BigInt(i) * 7919n), T0 + i);
    })();
    await storage.upsertReminder(settings(GUILD_A, { nextDueAt: T0 }));
    db.exec("ANALYZE");

    const plan = db
      .prepare<[{ now: number; count: number; shard: number; limit: number }], { detail: string }>(
        `EXPLAIN QUERY PLAN ${DUE_REMINDERS_SQL}`,
      )
      .all({ now: T0, count: 4, shard: 1, limit: -1 })
      .map((row) => row.detail);
    expect(plan.join("\n")).toMatch(/^SEARCH reminders USING INDEX reminders_due \(/);
    expect(plan.some((detail) => /\bSCAN\b/.test(detail))).toBe(false);
    expect(plan.some((detail) => /TEMP B-TREE/.test(detail))).toBe(false);
    expect((await storage.dueReminders(T0 + 20, { id: 0, count: 1 })).length).toBe(22);
  });
});

describe("posting ledger", () => {
  it("claims once, hands a pending claim back with its nonce, and marks it sent idempotently", async () => {
    const storage = open();
    await storage.upsertReminder(settings(GUILD_A));

    expect(await storage.claimPost(GUILD_A, "2026-02-18", "a-0218")).toEqual({
      status: "claimed",
      nonce: "a-0218",
      attempts: 1,
      claimedAt: T0,
    });
    clock += 60_000;
    // A crash between send and mark: the restart's claim gets the stored nonce and first claim time.
    expect(await storage.claimPost(GUILD_A, "2026-02-18", "other")).toEqual({
      status: "pending",
      nonce: "a-0218",
      attempts: 2,
      claimedAt: T0,
    });
    clock += 2000;
    expect(await storage.markPosted(GUILD_A, "2026-02-18", MESSAGE_1, CHANNEL_1)).toBe(true);
    expect(await storage.markPosted(GUILD_A, "2026-02-18", MESSAGE_1, CHANNEL_1)).toBe(true);
    expect(await storage.markPosted(GUILD_A, "2026-02-18", MESSAGE_2, CHANNEL_1)).toBe(false);
    expect(await storage.claimPost(GUILD_A, "2026-02-18", "again")).toEqual({
      status: "already-sent",
      nonce: "a-0218",
      messageId: MESSAGE_1,
    });
    expect(await storage.releaseClaim(GUILD_A, "2026-02-18")).toBe(false);

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
    expect(raw().prepare("SELECT COUNT(*) FROM posts").pluck().get()).toBe(1);
  });

  it("releases a claim whose send never reached Discord, so the next tick can claim it afresh", async () => {
    const storage = open();
    await storage.upsertReminder(settings(GUILD_A));
    await storage.claimPost(GUILD_A, "2026-02-18", "first");
    expect(await storage.releaseClaim(GUILD_A, "2026-02-18")).toBe(true);
    expect(await storage.claimPost(GUILD_A, "2026-02-18", "second")).toMatchObject({
      status: "claimed",
      nonce: "second",
    });
    expect(await storage.markPosted(GUILD_A, "2026-02-19", MESSAGE_1, CHANNEL_1)).toBe(false);
  });

  it("refuses to claim for a guild that was removed, turned off or paused since it was found due", async () => {
    const storage = open();
    expect(await storage.claimPost(GUILD_A, "2026-02-18", "n")).toEqual({ status: "inactive" });
    await storage.upsertReminder(settings(GUILD_A));
    await storage.upsertReminder(settings(GUILD_B));
    await storage.disableReminder(GUILD_A, MOD_1);
    await storage.pauseReminder(GUILD_B, "Missing Access");
    expect(await storage.claimPost(GUILD_A, "2026-02-18", "n")).toEqual({ status: "inactive" });
    expect(await storage.claimPost(GUILD_B, "2026-02-18", "n")).toEqual({ status: "inactive" });
    expect(raw().prepare("SELECT COUNT(*) FROM posts").pluck().get()).toBe(0);
  });

  it("keeps the newest post on the reminder when an older day is marked late, and clears the last error", async () => {
    const storage = open();
    await storage.upsertReminder(settings(GUILD_A));
    await storage.claimPost(GUILD_A, "2026-02-18", "d18");
    await storage.claimPost(GUILD_A, "2026-02-19", "d19");
    await storage.recordError(GUILD_A, "500");
    await storage.markPosted(GUILD_A, "2026-02-19", MESSAGE_2, CHANNEL_1);
    await storage.markPosted(GUILD_A, "2026-02-18", MESSAGE_1, CHANNEL_1);
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
    const storage = open();
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
    const first = open();
    const second = open();
    const ttl = 30_000;

    expect(await first.acquireLease("host-a:1", ttl, T0)).toEqual({ acquired: true, expiresAt: T0 + ttl });
    expect(await second.acquireLease("host-b:2", ttl, T0 + 1000)).toEqual({
      acquired: false,
      holder: "host-a:1",
      expiresAt: T0 + ttl,
    });
    expect(await first.acquireLease("host-a:1", ttl, T0 + 10_000)).toMatchObject({ acquired: true });
    expect(await first.renewLease("host-a:1", ttl, T0 + 20_000)).toBe(true);
    expect(await second.renewLease("host-b:2", ttl, T0 + 20_000)).toBe(false);
    expect(await second.acquireLease("host-b:2", ttl, T0 + 20_000 + ttl - 1)).toMatchObject({
      acquired: false,
    });

    // The first owner stopped renewing (crashed): at expiry the lease is free for the taking.
    expect(await second.acquireLease("host-b:2", ttl, T0 + 20_000 + ttl)).toEqual({
      acquired: true,
      expiresAt: T0 + 20_000 + 2 * ttl,
    });
    expect(await first.renewLease("host-a:1", ttl, T0 + 60_000)).toBe(false);
    expect(await first.releaseLease("host-a:1")).toBe(false);
    expect(await second.releaseLease("host-b:2")).toBe(true);
    expect(await first.acquireLease("host-a:1", ttl, T0 + 60_000)).toMatchObject({ acquired: true });
  });
});

describe("migrations", () => {
  const createA: Migration = {
    version: 1,
    name: "table a",
    up: (db) => db.exec("CREATE TABLE a (x INTEGER)"),
  };

  it("rolls a failing migration back whole and leaves user_version where it was", () => {
    const db = raw();
    const failing: Migration = {
      version: 2,
      name: "table b, then a failure",
      up(db) {
        db.exec("CREATE TABLE b (y INTEGER); INSERT INTO a VALUES (1);");
        throw new Error("disk said no");
      },
    };
    expect(() => runMigrations(db, [createA, failing])).toThrow(
      /migration 2 \("table b, then a failure"\) failed and was rolled back: disk said no/,
    );
    expect(schemaVersion(db)).toBe(1);
    const tables = db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table'").pluck().all();
    expect(tables).toEqual(["a"]);
    expect(db.prepare("SELECT COUNT(*) FROM a").pluck().get()).toBe(0);

    // The next start, with the migration fixed, picks up where the failed one left off.
    const fixed: Migration = {
      version: 2,
      name: "table b",
      up: (db) => db.exec("CREATE TABLE b (y INTEGER)"),
    };
    expect(runMigrations(db, [createA, fixed])).toEqual([2]);
    expect(runMigrations(db, [createA, fixed])).toEqual([]);
    expect(schemaVersion(db)).toBe(2);
  });

  it("raises a failing SQL statement as a StorageError with the driver's code", () => {
    const db = raw();
    const bad: Migration = { version: 1, name: "bad sql", up: (db) => db.exec("CREATE TABLE (") };
    let caught: unknown;
    try {
      runMigrations(db, [bad]);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(StorageError);
    expect((caught as StorageError).code).toBe("SQLITE_ERROR");
    expect(schemaVersion(db)).toBe(0);
  });

  it("rejects a migration list with gaps, and a database newer than the build", () => {
    const db = raw();
    const gap: Migration = { version: 3, name: "gap", up: () => {} };
    expect(() => runMigrations(db, [createA, gap])).toThrow(/version 3, expected 2/);
    expect(schemaVersion(db)).toBe(0);

    db.pragma("user_version = 99");
    expect(() => open()).toThrow(/schema is version 99 .* knows only up to/);
  });

  it("upgrades a version-1 database in place: its reminders keep posting, in English, at their zone's city", async () => {
    const path = dbPath("v1.db");
    const v1 = raw(path);
    v1.pragma("journal_mode = WAL");
    runMigrations(v1, migrations.slice(0, 1));
    v1.prepare(
      `INSERT INTO reminders (guild_id, channel_id, time, time_zone, enabled, next_due_at, created_by, created_at,
        updated_by, updated_at) VALUES (?, ?, '07:00', 'Asia/Riyadh', 1, ?, ?, ?, ?, ?)`,
    ).run(GUILD_A, CHANNEL_1, T0, MOD_1, T0, MOD_1, T0);
    v1.close();
    const storage = open(path);
    expect(await storage.getReminder(GUILD_A)).toMatchObject({
      guildId: GUILD_A,
      time: "07:00",
      nextDueAt: T0,
      language: "en",
      place: null,
      method: null,
    });
    expect(await storage.dueReminders(T0, { id: 0, count: 1 })).toHaveLength(1);
  });

  it("brings a new file to the latest version and leaves it there on reopen", async () => {
    const storage = open();
    await storage.close();
    const db = raw();
    expect(schemaVersion(db)).toBe(latestVersion);
    expect(runMigrations(db)).toEqual([]);
    expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
  });
});

describe("durability", () => {
  it("keeps everything across a close and reopen", async () => {
    const path = join(dir, "nested", "folder", "bot.db");
    const before = open(path);
    await before.upsertReminder(settings(GUILD_A, { roleId: ROLE, dayOffset: 2 }));
    await before.upsertReminder(settings(GUILD_B));
    await before.pauseReminder(GUILD_B, "Unknown Channel");
    await before.claimPost(GUILD_A, "2026-02-18", "a-0218");
    await before.markPosted(GUILD_A, "2026-02-18", MESSAGE_1, CHANNEL_1);
    await before.claimPost(GUILD_A, "2026-02-19", "a-0219");
    await before.recordFeedback({
      questionKey: "q",
      articleId: "x",
      paragraph: 1,
      helpful: true,
      userId: MOD_1,
    });
    await before.acquireLease("host-a:1", 60_000, T0);
    const snapshot = {
      a: await before.getReminder(GUILD_A),
      b: await before.getReminder(GUILD_B),
      post: await before.lastPost(GUILD_A),
      totals: await before.feedbackTotals(),
    };
    await before.close();

    const after = open(path);
    expect({
      a: await after.getReminder(GUILD_A),
      b: await after.getReminder(GUILD_B),
      post: await after.lastPost(GUILD_A),
      totals: await after.feedbackTotals(),
    }).toEqual(snapshot);
    expect(await after.claimPost(GUILD_A, "2026-02-19", "other")).toMatchObject({
      status: "pending",
      nonce: "a-0219",
    });
    expect(await after.acquireLease("host-b:2", 60_000, T0 + 1)).toMatchObject({
      acquired: false,
      holder: "host-a:1",
    });
  });

  it("loses no reported write and stays intact when the writer is killed with SIGKILL mid-write", async () => {
    const path = dbPath();
    await open(path).close();
    const committed: Array<{ round: number; guildId: string; messageId: string }> = [];
    for (const firstRound of [0, 10_000]) {
      const lines = await runWriterUntilKilled(path, firstRound, 80);
      for (const line of lines) {
        const [word, round, guildId, messageId] = line.split(" ");
        expect(word).toBe("committed");
        if (round === undefined || guildId === undefined || messageId === undefined) throw new Error(line);
        committed.push({ round: Number(round), guildId, messageId });
      }

      // The killed writer never closed the file, so its last commits are still only in the WAL.
      expect(existsSync(`${path}-wal`)).toBe(true);
      const check = new Database(path);
      expect(check.pragma("integrity_check", { simple: true })).toBe("ok");
      expect(check.pragma("foreign_key_check")).toEqual([]);
      check.close();
    }
    expect(committed.length).toBeGreaterThanOrEqual(160);

    const storage = open(path);
    for (const { guildId, messageId } of committed) {
      expect(await storage.getReminder(guildId)).toMatchObject({ lastMessageId: messageId });
      expect(await storage.lastPost(guildId)).toMatchObject({ messageId, localDate: "2026-02-18" });
    }
    const totals = await storage.feedbackTotals();
    expect(totals.helpful + totals.notHelpful).toBeGreaterThanOrEqual(committed.length);
  });

  it("turns a lock held past the busy timeout into StorageBusyError, and works again once it is released", async () => {
    const path = dbPath();
    const storage = open(path, { busyTimeoutMs: 20 });
    await storage.upsertReminder(settings(GUILD_A));
    const holder = raw(path);
    holder.exec("BEGIN IMMEDIATE");
    holder.prepare("UPDATE reminders SET time = '09:00'").run();

    const write = storage.upsertReminder(settings(GUILD_B));
    await expect(write).rejects.toBeInstanceOf(StorageBusyError);
    await expect(write).rejects.toMatchObject({ code: expect.stringMatching(/^SQLITE_BUSY/) });
    await expect(storage.claimPost(GUILD_A, "2026-02-18", "n")).rejects.toBeInstanceOf(StorageBusyError);
    // WAL readers are not blocked by the writer; they see the last committed state.
    expect((await storage.getReminder(GUILD_A))?.time).toBe("07:00");

    holder.exec("ROLLBACK");
    expect(await storage.claimPost(GUILD_A, "2026-02-18", "n")).toMatchObject({ status: "claimed" });
    expect(await storage.upsertReminder(settings(GUILD_B))).toMatchObject({ guildId: GUILD_B });
  });

  it("surfaces a read-only database as a StorageError and records nothing", async () => {
    const path = dbPath();
    const writable = open(path);
    await writable.upsertReminder(settings(GUILD_A));
    const readonly = open(path, { readonly: true });

    expect(await readonly.getReminder(GUILD_A)).toMatchObject({ guildId: GUILD_A });
    const claim = readonly.claimPost(GUILD_A, "2026-02-18", "n");
    await expect(claim).rejects.toBeInstanceOf(StorageError);
    await expect(claim).rejects.toMatchObject({ code: expect.stringMatching(/^SQLITE_READONLY/) });
    await expect(claim).rejects.not.toBeInstanceOf(StorageBusyError);
    await expect(readonly.markPosted(GUILD_A, "2026-02-18", MESSAGE_1, CHANNEL_1)).rejects.toThrow(
      /SQLITE_READONLY/,
    );
    expect(await writable.lastPost(GUILD_A)).toBeNull();
    expect(raw(path).prepare("SELECT COUNT(*) FROM posts").pluck().get()).toBe(0);
  });

  it("refuses to open a file read-only before it has been migrated", () => {
    raw(dbPath()).exec("CREATE TABLE t (x INTEGER)");
    expect(() => open(dbPath(), { readonly: true })).toThrow(/schema version 0 .* needs/);
  });

  it("on a real full disk rejects every write with SQLITE_FULL and stores nothing, then works once freed", async () => {
    const disk = mountSmallDisk(512);
    const path = disk ? join(disk.dir, "bot.db") : dbPath();
    try {
      const db = new Database(path);
      const storage = new SqliteStorage(db, { clock: () => clock });
      opened.push(storage);
      await storage.upsertReminder(settings(GUILD_A));
      if (disk) disk.fill();
      // Without a mountable file system, SQLite's page limit stands in for the disk.
      else db.pragma(`max_page_count = ${Number(db.pragma("page_count", { simple: true }))}`);
      const full = { code: "SQLITE_FULL" };
      const writes: [string, () => Promise<unknown>][] = [
        ["set", () => storage.upsertReminder(settings(GUILD_B))],
        ["set again", () => storage.upsertReminder(settings(GUILD_A, { time: "09:00" }))],
        ["off", () => storage.disableReminder(GUILD_A, MOD_2)],
        [
          "feedback",
          () =>
            storage.recordFeedback({
              questionKey: "q".repeat(200),
              articleId: "x",
              paragraph: 1,
              helpful: true,
              userId: MOD_1,
            }),
        ],
        ["claim", () => storage.claimPost(GUILD_A, "2026-02-18", "n1")],
      ];
      for (const [name, write] of writes) {
        if (!disk) {
          // The page limit lets a write into free pages; keep writing until one needs a new page.
          continue;
        }
        await expect(write(), name).rejects.toMatchObject(full);
      }
      if (!disk) {
        let failure: unknown;
        for (let i = 0; i < 10_000 && failure === undefined; i++) {
          await storage
            .recordFeedback({
              questionKey: `q${i}`.repeat(20),
              articleId: "x",
              paragraph: 1,
              helpful: true,
              userId: MOD_1,
            })
            .catch((error: unknown) => {
              failure = error;
            });
        }
        expect(failure).toMatchObject(full);
        return;
      }
      // Nothing reached the file: another connection and a reopened one see the state before the disk filled.
      const other = raw(path, { readonly: true });
      expect(other.prepare("SELECT guild_id, time, enabled FROM reminders").all()).toEqual([
        { guild_id: GUILD_A, time: "07:00", enabled: 1 },
      ]);
      expect(other.prepare("SELECT COUNT(*) FROM posts").pluck().get()).toBe(0);
      expect(other.prepare("SELECT COUNT(*) FROM feedback_votes").pluck().get()).toBe(0);
      // A new database cannot be created and migrated either, and says so.
      expect(() => SqliteStorage.open(join(disk.dir, "new.db"))).toThrow(
        /SQLITE_FULL|disk is full|database or disk is full/,
      );

      disk.free();
      expect(await storage.upsertReminder(settings(GUILD_B))).toMatchObject({ guildId: GUILD_B });
      expect(await storage.claimPost(GUILD_A, "2026-02-18", "n1")).toMatchObject({ status: "claimed" });
    } finally {
      for (const handle of opened.splice(0).reverse()) await handle.close();
      disk?.unmount();
    }
  });

  it("names the file and the next step when the file is not a database or is damaged", async () => {
    const junk = dbPath("junk.db");
    writeFileSync(junk, Buffer.alloc(8192, 7));
    expect(() => open(junk)).toThrow(/junk\.db: file is not a database \(SQLITE_NOTADB\); .*DATABASE_PATH/);
    // A real database cut short: its header promises pages that are not there.
    const whole = dbPath("whole.db");
    const storage = open(whole);
    for (let i = 0; i < 200; i++)
      await storage.upsertReminder(settings(String(1_000_000_000_000_000n + BigInt(i))));
    await storage.close();
    const bytes = readFileSync(whole);
    const cut = dbPath("cut.db");
    writeFileSync(cut, bytes.subarray(0, bytes.length >> 1));
    let failure: unknown;
    try {
      const damaged = open(cut);
      await damaged.dueReminders(T0 + 1, { id: 0, count: 1 });
    } catch (error) {
      failure = error;
    }
    expect(failure).toBeInstanceOf(StorageError);
    expect(String(failure)).toMatch(/cut\.db|SQLITE_CORRUPT/);
  });

  it("rejects calls after close", async () => {
    const storage = open();
    await storage.close();
    await storage.close();
    await expect(storage.getReminder(GUILD_A)).rejects.toThrow(/closed/);
  });
});

/**
 * Runs the writer child on `path`, kills it with SIGKILL once it has reported `killAfter` committed rounds,
 * and returns every complete line it printed (each one a committed round).
 */
function runWriterUntilKilled(path: string, firstRound: number, killAfter: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", WRITER, path, String(firstRound)], {
      cwd: REPO_ROOT,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    let killed = false;
    child.stdout.setEncoding("utf8");
    child.stderr.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => {
      stdout += chunk;
      if (!killed && stdout.split("\n").length - 1 >= killAfter) {
        killed = true;
        child.kill("SIGKILL");
      }
    });
    child.stderr.on("data", (chunk: string) => {
      stderr += chunk;
    });
    child.on("error", reject);
    child.on("close", (code, signal) => {
      if (signal !== "SIGKILL") {
        reject(new Error(`writer exited with ${code ?? signal} before it was killed:\n${stderr}`));
        return;
      }
      // A line cut off by the kill has no newline yet; only complete lines count.
      const complete = stdout.slice(0, stdout.lastIndexOf("\n") + 1);
      resolve(complete.split("\n").filter((line) => line !== ""));
    });
  });
}
