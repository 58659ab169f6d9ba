import { randomUUID } from "node:crypto";
import {
  closeSync,
  existsSync,
  fsyncSync,
  lstatSync,
  openSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  renameSync,
  rmSync,
  type Stats,
  statSync,
} from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import Database from "better-sqlite3";
import { UsageError } from "../errors.js";
import { latestVersion, schemaVersion } from "./migrations.js";

/**
 * `talks-bot backup` and `talks-bot restore` for the SQLite database. A backup never touches a file it did not
 * create: it refuses the live database (by real path and by inode, so hard links and symlinks too), anything that
 * is not a regular file, and an existing file unless forced; it writes a temporary file in the target folder,
 * checks it, fsyncs it and renames it into place. A restore refuses while any process has the database open,
 * a stopped one included, and keeps the database it replaces as `<name>.before-restore`.
 */

/** What a backup or restore wrote. */
export interface CopyReport {
  readonly path: string;
  readonly bytes: number;
  /** Rows per table of the copy. */
  readonly rows: Readonly<Record<string, number>>;
}

const TABLES = ["reminders", "posts", "feedback_votes", "leases"] as const;

function statOrNull(path: string, follow: boolean): Stats | null {
  try {
    return follow ? statSync(path) : lstatSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
}

function sameFile(a: Stats, b: Stats): boolean {
  return a.dev === b.dev && a.ino === b.ino;
}

/** The files SQLite keeps beside a database, and deletes or replays when it opens it. */
const COMPANIONS = ["-wal", "-shm", "-journal"] as const;

/**
 * Where a write to `path` would land: symbolic links followed (the file's and its folders'), even when the
 * file at the end does not exist yet.
 */
function landing(path: string): string {
  let current = resolve(path);
  for (let hops = 0; hops < 40 && statOrNull(current, false)?.isSymbolicLink(); hops++) {
    current = resolve(dirname(current), readlinkSync(current));
  }
  const folder = dirname(current);
  return join(statOrNull(folder, true) ? realpathSync(folder) : folder, basename(current));
}

/**
 * Refuses a target that is, or leads to, the live database or one of its companion files (by name, so also
 * while the bot is stopped and they do not exist), or that is not a plain file.
 */
function checkTarget(live: string, target: string, force: boolean): void {
  const folder = dirname(target);
  if (!statOrNull(folder, true)?.isDirectory()) {
    throw new UsageError(`folder does not exist: ${folder}; create it first, or choose another target`);
  }
  const lands = landing(target);
  for (const base of new Set([resolve(live), landing(live)])) {
    const suffix = COMPANIONS.find((s) => lands === `${base}${s}`);
    if (suffix) {
      throw new UsageError(
        `${target} is the live database's ${suffix} file, which SQLite deletes or replays when it opens the database; back up to another file, e.g. data/backup.db`,
      );
    }
  }
  const liveFiles = [live, ...COMPANIONS.map((suffix) => `${live}${suffix}`)]
    .map((path) => statOrNull(path, true))
    .filter((s): s is Stats => s !== null);
  const link = statOrNull(target, false);
  const pointed = statOrNull(target, true);
  if (pointed && liveFiles.some((s) => sameFile(s, pointed))) {
    throw new UsageError(
      `${target} is the live database (or a link to it); back up to another file, e.g. data/backup.db`,
    );
  }
  if (link && !link.isFile() && !link.isSymbolicLink()) {
    throw new UsageError(`${target} is not a regular file; back up to a file path, e.g. data/backup.db`);
  }
  if (link?.isSymbolicLink() && pointed && !pointed.isFile()) {
    throw new UsageError(`${target} links to something that is not a regular file; choose a plain file path`);
  }
  if (link && !force) {
    throw new UsageError(`${target} already exists; add --force to replace it, or choose another name`);
  }
}

function fsyncPath(path: string): void {
  const fd = openSync(path, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** What every message about a file that is not a usable talks-bot database ends with. */
const CHOOSE_ANOTHER =
  "choose a file written by talks-bot (its DATABASE_PATH, or one `talks-bot backup` made)";

/**
 * Checks a database file the way `restore` and `migrate --from` need it: it opens, passes SQLite's integrity
 * check, has a schema version this build reads and every talks-bot table; returns its size and row counts.
 * Throws a UsageError naming the file and what to do instead.
 */
export function inspectDatabase(path: string): CopyReport {
  let db: Database.Database;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
  } catch (error) {
    throw new UsageError(
      `${path} cannot be opened as a database (${(error as Error).message}); ${CHOOSE_ANOTHER}`,
    );
  }
  try {
    let integrity: unknown;
    try {
      integrity = db.pragma("integrity_check", { simple: true });
    } catch (error) {
      throw new UsageError(
        `${path} is not a SQLite database (${(error as Error).message}); ${CHOOSE_ANOTHER}`,
      );
    }
    if (integrity !== "ok")
      throw new UsageError(
        `${path} failed SQLite's integrity check (${String(integrity)}): it is damaged; choose another backup`,
      );
    const version = schemaVersion(db);
    if (version > latestVersion) {
      throw new UsageError(
        `${path} has schema version ${version}, newer than this build reads (1 to ${latestVersion}): use the newer talks-bot that wrote it, or choose an older backup`,
      );
    }
    const present = new Set(
      db.prepare<[], string>("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all(),
    );
    const missing = TABLES.filter((table) => !present.has(table));
    if (version < 1 || missing.length > 0) {
      throw new UsageError(
        `${path} is not a talks-bot database (${version < 1 ? "no talks-bot schema" : `no ${missing.join(", ")} table`}); ${CHOOSE_ANOTHER}`,
      );
    }
    const rows: Record<string, number> = {};
    for (const table of TABLES) {
      rows[table] = Number(db.prepare(`SELECT COUNT(*) FROM ${table}`).pluck().get());
    }
    return { path, bytes: statSync(path).size, rows };
  } finally {
    db.close();
  }
}

/**
 * Copies the live database at `live` to `target` with `VACUUM INTO`: one read transaction, so a consistent
 * snapshot however busy the bot is (WAL readers never block its writes, and its writes never restart the copy),
 * WAL content included, written as a self-contained file (rollback journal, no -wal or -shm), and checked
 * before it takes the target's name.
 */
export function backupDatabase(live: string, targetArg: string, options: { force: boolean }): CopyReport {
  const target = resolve(targetArg);
  if (!statOrNull(live, true)) throw new UsageError(`there is no database at ${live} yet (DATABASE_PATH)`);
  checkTarget(live, target, options.force);
  const temporary = join(dirname(target), `.${basename(target)}.partial-${randomUUID()}`);
  let source: Database.Database | undefined;
  try {
    source = new Database(live, { fileMustExist: true, timeout: 5000 });
    source.prepare("VACUUM INTO ?").run(temporary);
    source.close();
    source = undefined;
    const copy = new Database(temporary);
    try {
      copy.pragma("journal_mode = DELETE");
    } finally {
      copy.close();
    }
    const report = inspectDatabase(temporary);
    fsyncPath(temporary);
    renameSync(temporary, target);
    fsyncPath(dirname(target));
    return { ...report, path: target };
  } catch (error) {
    source?.close();
    rmSync(temporary, { force: true });
    rmSync(`${temporary}-journal`, { force: true });
    if (error instanceof UsageError) throw error;
    const code = (error as { code?: unknown }).code;
    throw new UsageError(
      `${live} could not be copied: ${(error as Error).message}${typeof code === "string" ? ` (${code})` : ""}`,
    );
  }
}

/**
 * Replaces the database at `live` with the copy at `from`, after checking it, while no process has the database
 * open. The replaced database is kept as `<live>.before-restore`.
 *
 * "No process has it open" is the operating system's word, not the lease's: every connection to a database in
 * WAL mode (the bot's, a shard's, a `sqlite3` shell's) holds a shared lock on the file for as long as it is
 * open. The kernel keeps that lock while the process is stopped (SIGSTOP, Ctrl-Z, a frozen container) and
 * drops it when the process dies. The restore takes the exclusive lock (SQLite's EXCLUSIVE locking mode) and
 * holds it to the end, so no process can open the database in the middle; a process that holds it open is
 * named, stopped or not.
 */
export function restoreDatabase(live: string, fromArg: string, options: { force: boolean }): CopyReport {
  const from = resolve(fromArg);
  const kind = statOrNull(from, true);
  if (!kind) throw new UsageError(`${from} does not exist`);
  if (!kind.isFile()) throw new UsageError(`${from} is not a regular file`);
  const liveStat = statOrNull(live, true);
  if (liveStat && sameFile(liveStat, kind)) throw new UsageError(`${from} is the live database itself`);
  const report = inspectDatabase(from);
  const keep = `${live}.before-restore`;
  if (liveStat && existsSync(keep) && !options.force) {
    throw new UsageError(`${keep} already exists from an earlier restore; move it away or add --force`);
  }
  const held = liveStat ? takeExclusively(live) : undefined;
  const temporary = join(dirname(live), `.${basename(live)}.restoring-${randomUUID()}`);
  try {
    const copy = new Database(from, { readonly: true, fileMustExist: true });
    try {
      copy.prepare("VACUUM INTO ?").run(temporary);
    } finally {
      copy.close();
    }
    fsyncPath(temporary);
    if (liveStat) {
      renameSync(live, keep);
      // The write-ahead log belongs to the database it came with: it goes along, never to the restored one.
      for (const suffix of ["-wal", "-shm"]) {
        if (existsSync(`${live}${suffix}`)) renameSync(`${live}${suffix}`, `${keep}${suffix}`);
      }
    }
    renameSync(temporary, live);
    fsyncPath(dirname(live));
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  } finally {
    held?.close();
  }
  return { ...report, path: live };
}

/**
 * Opens the live database and takes its exclusive lock, which it keeps until closed; the WAL is folded into
 * the file meanwhile (rollback journal from then on: closing leaves no `-wal` to delete by name, which could be
 * the restored database's). Refuses, naming them, while other processes have the database open.
 */
function takeExclusively(live: string): Database.Database {
  const db = new Database(live, { fileMustExist: true, timeout: 0 });
  try {
    db.pragma("locking_mode = EXCLUSIVE");
    db.exec("BEGIN EXCLUSIVE");
    db.exec("COMMIT");
    db.pragma("journal_mode = DELETE");
    return db;
  } catch (error) {
    db.close();
    const code = (error as { code?: unknown }).code;
    if (typeof code === "string" && /^SQLITE_(BUSY|LOCKED)/.test(code)) {
      throw new UsageError(`${live} is open in ${describeHolders(live)}; stop it first, then restore`);
    }
    throw error;
  }
}

/** The processes that have `path` open, for a message: pid, command line and whether it is stopped. */
function describeHolders(path: string): string {
  const holders = processesWithOpen(path);
  if (holders.length === 0) return "another process (the bot, a shard, or a sqlite3 shell)";
  return holders
    .map(({ pid, command, stopped }) =>
      stopped
        ? `process ${pid} (${command}), which is stopped: resume it with \`kill -CONT ${pid}\` and let it shut down (Ctrl-C or SIGTERM), or end it`
        : `process ${pid} (${command})`,
    )
    .join(" and ");
}

/** Linux: every process with a descriptor on `path` (those this user may see); elsewhere none. */
function processesWithOpen(path: string): { pid: number; command: string; stopped: boolean }[] {
  let target: string;
  let pids: string[];
  try {
    target = realpathSync(path);
    pids = readdirSync("/proc").filter((name) => /^\d+$/.test(name));
  } catch {
    return [];
  }
  const found: { pid: number; command: string; stopped: boolean }[] = [];
  for (const pid of pids) {
    let descriptors: string[];
    try {
      descriptors = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    const open = descriptors.some((fd) => {
      try {
        return readlinkSync(`/proc/${pid}/fd/${fd}`) === target;
      } catch {
        return false;
      }
    });
    if (!open) continue;
    const read = (file: string) => {
      try {
        return readFileSync(`/proc/${pid}/${file}`, "utf8");
      } catch {
        return "";
      }
    };
    const command = read("cmdline").split("\0").filter(Boolean).join(" ").slice(0, 120) || "?";
    // The state letter follows the command name in parentheses: T is stopped, t stopped by a tracer.
    const state = read("stat").replace(/^.*\) /s, "")[0];
    found.push({ pid: Number(pid), command, stopped: state === "T" || state === "t" });
  }
  return found;
}
