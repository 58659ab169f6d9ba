import {
  existsSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { UsageError } from "../src/errors.js";
import { backupDatabase, restoreDatabase } from "../src/storage/backup.js";
import { SqliteStorage } from "../src/storage/sqlite.js";
import { sampleReminder } from "./support/bot.js";
import { damageDatabase } from "./support/damaged-db.js";

const GUILD = "175928847299117063";
let dir: string;
let live: string;
let storage: SqliteStorage;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "talks-bot-backup-"));
  live = join(dir, "bot.db");
  storage = SqliteStorage.open(live);
  await storage.upsertReminder(sampleReminder({ guildId: GUILD }));
});

afterEach(async () => {
  await storage.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Sets a file's schema version (PRAGMA user_version), creating the file when there is none. */
function setVersion(path: string, version: number): void {
  const db = new Database(path);
  db.pragma(`user_version = ${version}`);
  db.close();
}

const refused = (work: () => unknown, pattern: RegExp) => {
  expect(work).toThrow(UsageError);
  expect(work).toThrow(pattern);
};

describe("backup", () => {
  it("writes a checked, self-contained copy and reports its size and rows", async () => {
    const target = join(dir, "copy.db");
    const report = backupDatabase(live, target, { force: false });
    expect(report).toMatchObject({ path: target, rows: { reminders: 1, posts: 0, feedback_votes: 0 } });
    expect(report.bytes).toBeGreaterThan(0);
    // One file: nothing beside it, no temporary left.
    expect(readdirSync(dir).sort()).toEqual(["bot.db", "bot.db-shm", "bot.db-wal", "copy.db"]);
    const copy = SqliteStorage.open(target);
    expect((await copy.getReminder(GUILD))?.time).toBe("07:00");
    await copy.close();
  });

  it("is a consistent snapshot while the bot keeps writing", async () => {
    let done = false;
    let writes = 0;
    const writer = (async () => {
      for (let i = 0; i < 200 && !done; i++) {
        await new Promise((resolve) => setImmediate(resolve));
        await storage.recordFeedback({
          questionKey: `q${i}`,
          articleId: "a",
          paragraph: 1,
          helpful: true,
          userId: GUILD,
        });
        writes++;
      }
    })();
    await new Promise((resolve) => setImmediate(resolve));
    const report = backupDatabase(live, join(dir, "snapshot.db"), { force: false });
    done = true;
    await writer;
    expect(report.rows.feedback_votes).toBeGreaterThanOrEqual(0);
    expect(report.rows.feedback_votes).toBeLessThanOrEqual(writes);
    const check = new Database(join(dir, "snapshot.db"), { readonly: true });
    expect(check.pragma("integrity_check", { simple: true })).toBe("ok");
    check.close();
  });

  it("refuses the live database, by path, symlink or hard link, and changes nothing", async () => {
    symlinkSync(live, join(dir, "link.db"));
    linkSync(live, join(dir, "hard.db"));
    for (const target of [
      live,
      join(dir, "link.db"),
      join(dir, "hard.db"),
      `${live}-wal`,
      join(dir, ".", "bot.db"),
    ]) {
      refused(() => backupDatabase(live, target, { force: true }), /is the live database/);
    }
    expect((await storage.getReminder(GUILD))?.time).toBe("07:00");
    expect(existsSync(`${live}-wal`)).toBe(true);
    await storage.upsertReminder(sampleReminder({ guildId: GUILD, time: "08:00" }));
    expect((await storage.getReminder(GUILD))?.time).toBe("08:00");
  });

  it("refuses every companion name of the live file, also while the bot is stopped and they do not exist", async () => {
    await storage.close();
    expect(existsSync(`${live}-wal`)).toBe(false);
    // Reached through a linked folder, or a link to the name, as well as directly.
    symlinkSync(dir, join(dir, "same-folder"));
    symlinkSync(`${live}-wal`, join(dir, "to-wal.db"));
    for (const target of [
      `${live}-wal`,
      `${live}-shm`,
      `${live}-journal`,
      join(dir, "same-folder", "bot.db-journal"),
      join(dir, "to-wal.db"),
    ]) {
      refused(
        () => backupDatabase(live, target, { force: true }),
        /is the live database's -(wal|shm|journal) file/,
      );
    }
    expect(readdirSync(dir).sort()).toEqual(["bot.db", "same-folder", "to-wal.db"]);
    storage = SqliteStorage.open(live);
    expect((await storage.getReminder(GUILD))?.time).toBe("07:00");
  });

  it("refuses devices, folders and existing files, unless forced for a file", () => {
    for (const device of ["/dev/null", "/dev/full"]) {
      refused(() => backupDatabase(live, device, { force: true }), /not a regular file/);
      refused(() => backupDatabase(live, device, { force: false }), /not a regular file/);
    }
    mkdirSync(join(dir, "folder"));
    refused(() => backupDatabase(live, join(dir, "folder"), { force: true }), /not a regular file/);
    const existing = join(dir, "old.db");
    writeFileSync(existing, "keep me");
    refused(() => backupDatabase(live, existing, { force: false }), /already exists; add --force/);
    expect(readFileSync(existing, "utf8")).toBe("keep me");
    expect(backupDatabase(live, existing, { force: true }).rows.reminders).toBe(1);
  });

  it("does not create missing folders, and touches no file it did not create", () => {
    refused(
      () => backupDatabase(live, join(dir, "nope", "copy.db"), { force: false }),
      /folder does not exist: .*nope/,
    );
    expect(existsSync(join(dir, "nope"))).toBe(false);
    // A stale -wal beside the target belongs to someone else: it is neither deleted nor replayed into the copy.
    writeFileSync(join(dir, "copy.db-wal"), "not ours");
    backupDatabase(live, join(dir, "copy.db"), { force: false });
    expect(readFileSync(join(dir, "copy.db-wal"), "utf8")).toBe("not ours");
    // The copy's header says rollback journal (file format 1), not WAL (2): a -wal beside it is never read.
    const header = readFileSync(join(dir, "copy.db")).subarray(18, 20);
    expect([...header]).toEqual([1, 1]);
  });

  it("names the database when there is none yet", () => {
    refused(
      () => backupDatabase(join(dir, "missing.db"), join(dir, "x.db"), { force: false }),
      /no database at .*missing\.db/,
    );
  });
});

describe("restore", () => {
  it("refuses while any process has the database open, naming it, and changes nothing", async () => {
    const copy = join(dir, "copy.db");
    backupDatabase(live, copy, { force: false });
    await storage.upsertReminder(sampleReminder({ guildId: GUILD, time: "09:30" }));
    // This very process holds it open (the storage of beforeEach), with no lease at all.
    refused(
      () => restoreDatabase(live, copy, { force: false }),
      new RegExp(`bot\\.db is open in process ${process.pid} \\(.*\\); stop it first, then restore`),
    );
    expect(existsSync(`${live}.before-restore`)).toBe(false);
    expect((await storage.getReminder(GUILD))?.time).toBe("09:30");
    await storage.close();
    expect(restoreDatabase(live, copy, { force: false }).rows.reminders).toBe(1);
    storage = SqliteStorage.open(live);
    expect((await storage.getReminder(GUILD))?.time).toBe("07:00");
  });

  it("checks the copy, replaces the database and keeps the previous one", async () => {
    const copy = join(dir, "copy.db");
    backupDatabase(live, copy, { force: false });
    await storage.upsertReminder(sampleReminder({ guildId: GUILD, time: "09:30" }));
    await storage.close();
    const report = restoreDatabase(live, copy, { force: false });
    expect(report.rows.reminders).toBe(1);
    storage = SqliteStorage.open(live);
    expect((await storage.getReminder(GUILD))?.time).toBe("07:00");
    const previous = new Database(`${live}.before-restore`, { readonly: true });
    expect(previous.prepare("SELECT time FROM reminders").pluck().get()).toBe("09:30");
    previous.close();
    refused(() => restoreDatabase(live, copy, { force: false }), /before-restore already exists/);
  });

  it("names the file, and what to do, for a damaged file, a newer schema or a file without the tables", async () => {
    const copy = (name: string) => {
      const path = join(dir, name);
      backupDatabase(live, path, { force: false });
      return path;
    };
    const damaged = copy("damaged.db");
    damageDatabase(damaged);
    const newer = copy("newer.db");
    setVersion(newer, 99);
    const noTables = join(dir, "no-tables.db");
    setVersion(noTables, 3);
    await storage.close();
    const restore = (from: string) => () => restoreDatabase(live, from, { force: false });
    refused(
      restore(damaged),
      /damaged\.db failed SQLite's integrity check \(.*\): it is damaged; choose another backup$/,
    );
    refused(
      restore(newer),
      /newer\.db has schema version 99, newer than this build reads \(1 to \d+\): use the newer talks-bot/,
    );
    refused(
      restore(noTables),
      /no-tables\.db is not a talks-bot database \(no reminders, posts, feedback_votes, leases table\); choose a file written by talks-bot/,
    );
    storage = SqliteStorage.open(live);
    expect((await storage.getReminder(GUILD))?.time).toBe("07:00");
    expect(existsSync(`${live}.before-restore`)).toBe(false);
  });

  it("refuses a corrupt or foreign file and leaves the database as it was", async () => {
    const junk = join(dir, "junk.db");
    writeFileSync(junk, "SQLite format 3\u0000 but not really".padEnd(4096, "x"));
    await storage.close();
    expect(() => restoreDatabase(live, junk, { force: false })).toThrow(/junk\.db/);
    refused(() => restoreDatabase(live, join(dir, "none.db"), { force: false }), /does not exist/);
    storage = SqliteStorage.open(live);
    expect((await storage.getReminder(GUILD))?.time).toBe("07:00");
    expect(existsSync(`${live}.before-restore`)).toBe(false);
  });
});
