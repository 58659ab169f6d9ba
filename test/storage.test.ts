import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it, onTestFinished } from "vitest";
import {
  latestVersion,
  type Migration,
  migrations,
  runMigrations,
  schemaVersion,
} from "../src/storage/migrations.js";
import { REMINDER_COLUMNS, type ReminderValues, toReminder } from "../src/storage/rows.js";
import { DUE_REMINDERS_SQL, SqliteStorage, type SqliteStorageOptions } from "../src/storage/sqlite.js";
import {
  type LeaseFence,
  type ReminderUpsert,
  type Storage,
  StorageBusyError,
  StorageError,
  StorageReplacedError,
} from "../src/storage/types.js";
import { mountSmallDisk } from "./support/full-disk.js";

const REPO_ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const WRITER = join(REPO_ROOT, "test", "support", "storage-writer.ts");

// Real snowflakes (guilds, channels, users from Discord's and discord.js's docs), plus the largest allowed id.
const GUILD_A = "175928847299117063";
const GUILD_B = "81384788765712384";
const CHANNEL_1 = "41771983423143937";
const MOD_1 = "290926798626357250";
const MOD_2 = "53908232506183680";
const MESSAGE_1 = "1226184411359772735";

const T0 = Date.UTC(2026, 1, 18, 4, 0); // 2026-02-18 07:00 in Asia/Riyadh

let dir: string;
let clock: number;

/** Takes the lease for the rest of the test (a day on its clock) and returns its fence, presented now. */
async function leaseOn(storage: Storage): Promise<() => LeaseFence> {
  const lease = await storage.acquireLease("test:1:lease", 86_400_000, clock);
  if (!lease.acquired) throw new Error("the test's lease is held elsewhere");
  return () => ({ name: "bot", epoch: lease.epoch, now: clock });
}
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
    polarConvention: null,
    startOverride: null,
    by: MOD_1,
    nextDueAt: T0,
    ...overrides,
  };
}

describe("due reminders", () => {
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

describe("reminder rows", () => {
  it("are read as every column of the table, each once", () => {
    open(); // migrates the file
    const columns = raw()
      .prepare<[], { name: string }>("SELECT name FROM pragma_table_xinfo('reminders')")
      .all()
      .map((c) => c.name)
      .filter((name) => name !== "shard_key");
    expect([...REMINDER_COLUMNS].sort()).toEqual(columns.sort());
  });

  it("map each column to its own field", () => {
    const row: Record<(typeof REMINDER_COLUMNS)[number], unknown> = {
      guild_id: "g",
      channel_id: "c",
      time: "07:30",
      time_zone: "Asia/Riyadh",
      role_id: "r",
      day_offset: 1,
      start_override: "2024-03-11",
      enabled: 1,
      paused_reason: "pr",
      paused_at: 2,
      last_error: "le",
      last_error_at: 3,
      next_due_at: 4,
      revision: 5,
      created_by: "cb",
      created_at: 6,
      updated_by: "ub",
      updated_at: 7,
      last_posted_local_date: "2024-03-01",
      last_message_id: "m",
      last_posted_at: 8,
      language: "ar",
      place_name: "Mecca",
      place_country: "SA",
      latitude: 21.4,
      longitude: 39.8,
      method: "UmmAlQura",
      polar_convention: "AqrabYaum",
    };
    const values = REMINDER_COLUMNS.map((column) => row[column]) as unknown as ReminderValues;
    expect(toReminder(values)).toEqual({
      guildId: "g",
      channelId: "c",
      time: "07:30",
      timeZone: "Asia/Riyadh",
      roleId: "r",
      dayOffset: 1,
      startOverride: "2024-03-11",
      language: "ar",
      place: { name: "Mecca", country: "SA", latitude: 21.4, longitude: 39.8 },
      method: "UmmAlQura",
      polarConvention: "AqrabYaum",
      enabled: true,
      pausedReason: "pr",
      pausedAt: 2,
      lastError: "le",
      lastErrorAt: 3,
      nextDueAt: 4,
      revision: 5,
      createdBy: "cb",
      createdAt: 6,
      updatedBy: "ub",
      updatedAt: 7,
      lastPostedLocalDate: "2024-03-01",
      lastMessageId: "m",
      lastPostedAt: 8,
    });
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
    expect(() => open()).toThrow(
      /^storage: \/.*\.db has schema version 99, newer than this build knows \(1 to \d+\): a newer talks-bot wrote it\. Nothing was changed; run that version, or restore a backup/,
    );
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
      polarConvention: null,
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
  it("loses no reported write and stays intact when the writer is killed with SIGKILL mid-write", async () => {
    // What a killed process wrote is in the kernel's hands whatever the file system: the database sits in
    // memory (tmpfs) where the machine has one, so the writer's commits do not each wait for a disk flush.
    const memory = existsSync("/dev/shm") ? mkdtempSync(join("/dev/shm", "talks-bot-storage-")) : undefined;
    onTestFinished(() => {
      if (memory) rmSync(memory, { recursive: true, force: true });
    });
    const path = memory ? join(memory, "bot.db") : dbPath();
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
    const fence = await leaseOn(storage);
    const holder = raw(path);
    holder.exec("BEGIN IMMEDIATE");
    holder.prepare("UPDATE reminders SET time = '09:00'").run();

    const write = storage.upsertReminder(settings(GUILD_B));
    await expect(write).rejects.toBeInstanceOf(StorageBusyError);
    await expect(write).rejects.toMatchObject({ code: expect.stringMatching(/^SQLITE_BUSY/) });
    await expect(storage.claimPost(GUILD_A, "2026-02-18", "n", fence())).rejects.toBeInstanceOf(
      StorageBusyError,
    );
    // WAL readers are not blocked by the writer; they see the last committed state.
    expect((await storage.getReminder(GUILD_A))?.time).toBe("07:00");

    holder.exec("ROLLBACK");
    expect(await storage.claimPost(GUILD_A, "2026-02-18", "n", fence())).toMatchObject({ status: "claimed" });
    expect(await storage.upsertReminder(settings(GUILD_B))).toMatchObject({ guildId: GUILD_B });
  });

  it("surfaces a read-only database as a StorageError and records nothing", async () => {
    const path = dbPath();
    const writable = open(path);
    await writable.upsertReminder(settings(GUILD_A));
    const fence = await leaseOn(writable);
    const readonly = open(path, { readonly: true });

    expect(await readonly.getReminder(GUILD_A)).toMatchObject({ guildId: GUILD_A });
    const claim = readonly.claimPost(GUILD_A, "2026-02-18", "n", fence());
    await expect(claim).rejects.toBeInstanceOf(StorageError);
    await expect(claim).rejects.toMatchObject({ code: expect.stringMatching(/^SQLITE_READONLY/) });
    await expect(claim).rejects.not.toBeInstanceOf(StorageBusyError);
    await expect(readonly.markPosted(GUILD_A, "2026-02-18", MESSAGE_1, CHANNEL_1, fence())).rejects.toThrow(
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
      const fence = await leaseOn(storage);
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
        ["claim", () => storage.claimPost(GUILD_A, "2026-02-18", "n1", fence())],
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
      expect(await storage.claimPost(GUILD_A, "2026-02-18", "n1", fence())).toMatchObject({
        status: "claimed",
      });
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

  it("notices that another file took its path before it writes, writes to neither, and says so once", async () => {
    const path = dbPath();
    const told: Error[] = [];
    const storage = open(path, { onReplaced: (error) => told.push(error) });
    await storage.upsertReminder(settings(GUILD_A));
    // A copy put in place by hand, the open file moved aside (as a restore does).
    const copy = dbPath("copy.db");
    raw(path).prepare("VACUUM INTO ?").run(copy);
    for (const suffix of ["", "-wal", "-shm"])
      renameSync(`${path}${suffix}`, `${dbPath("moved.db")}${suffix}`);
    renameSync(copy, path);

    const write = storage.upsertReminder(settings(GUILD_A, { time: "11:11" }));
    await expect(write).rejects.toBeInstanceOf(StorageReplacedError);
    await expect(write).rejects.toThrow(
      /bot\.db was replaced by another file while this process had it open/,
    );
    await expect(storage.getReminder(GUILD_A)).rejects.toBeInstanceOf(StorageReplacedError);
    expect(told).toHaveLength(1);
    for (const file of [path, dbPath("moved.db")]) {
      expect(raw(file, { readonly: true }).prepare("SELECT time FROM reminders").pluck().all(), file).toEqual(
        ["07:00"],
      );
    }
    // A file removed outright is noticed the same way.
    const other = dbPath("other.db");
    const gone = open(other);
    rmSync(other);
    await expect(gone.getReminder(GUILD_A)).rejects.toThrow(/other\.db was moved or deleted/);
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
