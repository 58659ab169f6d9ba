import type Database from "better-sqlite3";
import { StorageBusyError, StorageError } from "./types.js";

/** One schema step. `version` numbers run 1, 2, 3… with no gaps; a released migration is never edited. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  /** Runs inside the migration's transaction; throwing rolls the whole step back. */
  readonly up: (db: Database.Database) => void;
}

/**
 * Version 1. Notes on the choices:
 * - `guild_id` is TEXT because snowflakes go up to 2^63 and JS numbers lose precision above 2^53; the shard
 *   key is derived from it in SQL (a stored generated column) so no caller can store a wrong one.
 * - The due index is partial: it holds only rows the scheduler could post, ordered by `next_due_at`, with the
 *   shard key alongside so the shard filter is answered from the index without touching the table.
 * - The CHECKs repeat the command-layer validation so a bug elsewhere cannot store a row the scheduler would
 *   choke on every minute.
 */
const initialSchema: Migration = {
  version: 1,
  name: "initial schema",
  up(db) {
    db.exec(`
      CREATE TABLE reminders (
        guild_id TEXT PRIMARY KEY NOT NULL
          CHECK (length(guild_id) BETWEEN 1 AND 20 AND guild_id NOT GLOB '*[^0-9]*'),
        shard_key INTEGER NOT NULL GENERATED ALWAYS AS (CAST(guild_id AS INTEGER) >> 22) STORED,
        channel_id TEXT NOT NULL,
        time TEXT NOT NULL CHECK (time GLOB '[0-2][0-9]:[0-5][0-9]' AND time < '24:00'),
        time_zone TEXT NOT NULL CHECK (time_zone <> ''),
        role_id TEXT,
        day_offset INTEGER NOT NULL DEFAULT 0 CHECK (day_offset BETWEEN -2 AND 2),
        start_override TEXT
          CHECK (start_override IS NULL OR start_override GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
        enabled INTEGER NOT NULL CHECK (enabled IN (0, 1)),
        paused_reason TEXT,
        paused_at INTEGER,
        last_error TEXT,
        last_error_at INTEGER,
        next_due_at INTEGER,
        revision INTEGER NOT NULL DEFAULT 1,
        created_by TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_by TEXT NOT NULL,
        updated_at INTEGER NOT NULL,
        last_posted_local_date TEXT,
        last_message_id TEXT,
        last_posted_at INTEGER,
        CHECK (enabled = 1 OR next_due_at IS NULL)
      ) STRICT;

      CREATE INDEX reminders_due ON reminders (next_due_at, shard_key)
        WHERE enabled = 1 AND paused_reason IS NULL AND next_due_at IS NOT NULL;

      CREATE TABLE posts (
        guild_id TEXT NOT NULL REFERENCES reminders (guild_id) ON DELETE CASCADE,
        local_date TEXT NOT NULL CHECK (local_date GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
        nonce TEXT NOT NULL CHECK (length(nonce) BETWEEN 1 AND 25),
        state TEXT NOT NULL CHECK (state IN ('pending', 'sent')),
        attempts INTEGER NOT NULL DEFAULT 1,
        claimed_at INTEGER NOT NULL,
        sent_at INTEGER,
        message_id TEXT,
        channel_id TEXT,
        PRIMARY KEY (guild_id, local_date),
        CHECK (state = 'pending' OR (sent_at IS NOT NULL AND message_id IS NOT NULL AND channel_id IS NOT NULL))
      ) STRICT, WITHOUT ROWID;

      CREATE TABLE feedback_votes (
        question_key TEXT NOT NULL,
        user_id TEXT NOT NULL,
        article_id TEXT NOT NULL,
        paragraph INTEGER NOT NULL CHECK (paragraph >= 1),
        helpful INTEGER NOT NULL CHECK (helpful IN (0, 1)),
        voted_at INTEGER NOT NULL,
        PRIMARY KEY (question_key, user_id)
      ) STRICT, WITHOUT ROWID;

      CREATE TABLE leases (
        name TEXT PRIMARY KEY NOT NULL,
        owner_id TEXT NOT NULL,
        acquired_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL
      ) STRICT, WITHOUT ROWID;
    `);
  },
};

/**
 * Version 2: the language a server's posts are written in, and where and how its sunset and prayer times
 * are computed (a city picked by a moderator, and a calculation method; null means the zone's principal
 * location and the region's usual method). Existing reminders keep posting in English.
 */
const languageAndPlace: Migration = {
  version: 2,
  name: "post language, place and prayer-time method",
  up(db) {
    db.exec(`
      ALTER TABLE reminders ADD COLUMN language TEXT NOT NULL DEFAULT 'en'
        CHECK (length(language) BETWEEN 2 AND 16 AND language NOT GLOB '*[^a-zA-Z-]*');
      ALTER TABLE reminders ADD COLUMN place_name TEXT CHECK (place_name IS NULL OR length(place_name) <= 200);
      ALTER TABLE reminders ADD COLUMN place_country TEXT;
      ALTER TABLE reminders ADD COLUMN latitude REAL CHECK (latitude IS NULL OR latitude BETWEEN -90 AND 90);
      ALTER TABLE reminders ADD COLUMN longitude REAL CHECK (longitude IS NULL OR longitude BETWEEN -180 AND 180);
      ALTER TABLE reminders ADD COLUMN method TEXT;
    `);
  },
};

/**
 * Version 3: a rate budget shared by every process on the database. `next_at` is the earliest time (epoch ms,
 * fractional) at which the next send of the bucket may go; each reservation moves it on by one interval.
 */
const rateSlots: Migration = {
  version: 3,
  name: "shared send budget",
  up(db) {
    db.exec(`
      CREATE TABLE rate_slots (
        name TEXT PRIMARY KEY NOT NULL,
        next_at REAL NOT NULL
      ) STRICT, WITHOUT ROWID;
    `);
  },
};

/**
 * Version 4: how a server's fast is timed on days with no sunset (polar night, midnight sun): adhan's
 * `PolarCircleResolution` name; null means the default, the nearest latitude where the sun sets.
 */
const polarConvention: Migration = {
  version: 4,
  name: "polar-day convention",
  up(db) {
    db.exec(`
      ALTER TABLE reminders ADD COLUMN polar_convention TEXT
        CHECK (polar_convention IS NULL OR length(polar_convention) BETWEEN 1 AND 32);
    `);
  },
};

/**
 * Version 5: fencing. A lease's `epoch` grows each time it changes hands (or is taken again after it
 * expired); a claim records the lease and epoch it was made under. A process that was paused past its lease
 * still presents the old epoch, and the ledger refuses it. Claims made before this version carry none and
 * count as their maker's no longer.
 */
const fencing: Migration = {
  version: 5,
  name: "lease epochs and fenced claims",
  up(db) {
    db.exec(`
      ALTER TABLE leases ADD COLUMN epoch INTEGER NOT NULL DEFAULT 1 CHECK (epoch >= 1);
      ALTER TABLE posts ADD COLUMN lease_name TEXT;
      ALTER TABLE posts ADD COLUMN lease_epoch INTEGER;
    `);
  },
};

/** The bot's migrations, in order. */
export const migrations: readonly Migration[] = [
  initialSchema,
  languageAndPlace,
  rateSlots,
  polarConvention,
  fencing,
];

/** Schema version this build writes. */
export const latestVersion = migrations.length;

/** Reads `PRAGMA user_version`, where the schema version is kept. */
export function schemaVersion(db: Database.Database): number {
  const version = db.pragma("user_version", { simple: true });
  if (typeof version !== "number")
    throw new StorageError("storage: PRAGMA user_version is not a number", undefined);
  return version;
}

/**
 * Brings the database up to the last migration in `list`. Each pending migration runs in its own IMMEDIATE
 * transaction together with the `user_version` bump, so a migration that throws leaves no trace and the
 * version where it was; the next start retries it. The version is re-read inside the transaction so two
 * processes opening the same file at once do not run a step twice.
 *
 * @returns the versions applied, in order.
 * @throws StorageError when the list is malformed, the file is newer than the list, or a migration fails.
 */
export function runMigrations(db: Database.Database, list: readonly Migration[] = migrations): number[] {
  list.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new StorageError(
        `storage: migration "${migration.name}" has version ${migration.version}, expected ${index + 1}`,
        undefined,
      );
    }
  });
  const current = schemaVersion(db);
  if (current > list.length) {
    throw new StorageError(
      `storage: ${db.name} has schema version ${current}, newer than this build knows (1 to ${list.length}): ` +
        "a newer talks-bot wrote it. Nothing was changed; run that version, or restore a backup from before " +
        "the upgrade (talks-bot restore FILE)",
      undefined,
    );
  }
  const applied: number[] = [];
  for (const migration of list.slice(current)) {
    const step = db.transaction(() => {
      if (schemaVersion(db) >= migration.version) return false;
      migration.up(db);
      // Integer checked above; PRAGMA cannot take a bound parameter.
      db.pragma(`user_version = ${migration.version}`);
      return true;
    });
    try {
      if (step.immediate()) applied.push(migration.version);
    } catch (error) {
      const raw = typeof error === "object" && error !== null && "code" in error ? error.code : undefined;
      const code = typeof raw === "string" ? raw : undefined;
      // Another process holding the write lock past the timeout is retryable, unlike a broken migration.
      const ErrorClass =
        code !== undefined && /^SQLITE_(BUSY|LOCKED)/.test(code) ? StorageBusyError : StorageError;
      throw new ErrorClass(
        `storage: migration ${migration.version} ("${migration.name}") failed and was rolled back: ${
          error instanceof Error ? error.message : String(error)
        }`,
        code,
        { cause: error },
      );
    }
  }
  return applied;
}
