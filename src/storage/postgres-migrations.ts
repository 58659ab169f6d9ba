/**
 * PostgreSQL's schema, versioned as SQLite's is (src/storage/migrations.ts), step for step: version N here
 * holds what version N holds there. The applied versions are kept in `talks_bot_schema`.
 *
 * Each pending step runs in its own transaction under a transaction-level advisory lock, so several
 * processes starting at once on one database apply each step exactly once, and a step that fails leaves no
 * trace.
 */
import type { PoolClient } from "pg";

export interface PgMigration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

/** Notes on the choices are with the SQLite migrations; the types are PostgreSQL's. */
export const pgMigrations: readonly PgMigration[] = [
  {
    version: 1,
    name: "initial schema",
    sql: `
      CREATE TABLE reminders (
        guild_id TEXT PRIMARY KEY CHECK (guild_id ~ '^[0-9]{1,20}$'),
        shard_key BIGINT NOT NULL GENERATED ALWAYS AS ((guild_id::numeric)::bigint >> 22) STORED,
        channel_id TEXT NOT NULL,
        time TEXT NOT NULL CHECK (time ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
        time_zone TEXT NOT NULL CHECK (time_zone <> ''),
        role_id TEXT,
        day_offset SMALLINT NOT NULL DEFAULT 0 CHECK (day_offset BETWEEN -2 AND 2),
        start_override TEXT CHECK (start_override IS NULL OR start_override ~ '^[0-9]{4}-[0-1][0-9]-[0-3][0-9]$'),
        enabled BOOLEAN NOT NULL,
        paused_reason TEXT,
        paused_at BIGINT,
        last_error TEXT,
        last_error_at BIGINT,
        next_due_at BIGINT,
        revision INTEGER NOT NULL DEFAULT 1,
        created_by TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        updated_by TEXT NOT NULL,
        updated_at BIGINT NOT NULL,
        last_posted_local_date TEXT,
        last_message_id TEXT,
        last_posted_at BIGINT,
        CHECK (enabled OR next_due_at IS NULL)
      );

      CREATE INDEX reminders_due ON reminders (next_due_at, shard_key)
        WHERE enabled AND paused_reason IS NULL AND next_due_at IS NOT NULL;

      CREATE TABLE posts (
        guild_id TEXT NOT NULL REFERENCES reminders (guild_id) ON DELETE CASCADE,
        local_date TEXT NOT NULL CHECK (local_date ~ '^[0-9]{4}-[0-1][0-9]-[0-3][0-9]$'),
        nonce TEXT NOT NULL CHECK (length(nonce) BETWEEN 1 AND 25),
        state TEXT NOT NULL CHECK (state IN ('pending', 'sent')),
        attempts INTEGER NOT NULL DEFAULT 1,
        claimed_at BIGINT NOT NULL,
        sent_at BIGINT,
        message_id TEXT,
        channel_id TEXT,
        PRIMARY KEY (guild_id, local_date),
        CHECK (state = 'pending' OR (sent_at IS NOT NULL AND message_id IS NOT NULL AND channel_id IS NOT NULL))
      );

      CREATE TABLE feedback_votes (
        question_key TEXT NOT NULL,
        user_id TEXT NOT NULL,
        article_id TEXT NOT NULL,
        paragraph INTEGER NOT NULL CHECK (paragraph >= 1),
        helpful BOOLEAN NOT NULL,
        voted_at BIGINT NOT NULL,
        PRIMARY KEY (question_key, user_id)
      );

      CREATE TABLE leases (
        name TEXT PRIMARY KEY,
        owner_id TEXT NOT NULL,
        acquired_at BIGINT NOT NULL,
        expires_at BIGINT NOT NULL
      );`,
  },
  {
    version: 2,
    name: "post language, place and prayer-time method",
    sql: `
      ALTER TABLE reminders
        ADD COLUMN language TEXT NOT NULL DEFAULT 'en' CHECK (language ~ '^[a-zA-Z-]{2,16}$'),
        ADD COLUMN place_name TEXT CHECK (place_name IS NULL OR length(place_name) <= 200),
        ADD COLUMN place_country TEXT,
        ADD COLUMN latitude DOUBLE PRECISION CHECK (latitude IS NULL OR latitude BETWEEN -90 AND 90),
        ADD COLUMN longitude DOUBLE PRECISION CHECK (longitude IS NULL OR longitude BETWEEN -180 AND 180),
        ADD COLUMN method TEXT;`,
  },
  {
    version: 3,
    name: "shared send budget",
    sql: `
      CREATE TABLE rate_slots (
        name TEXT PRIMARY KEY,
        next_at DOUBLE PRECISION NOT NULL
      );`,
  },
  {
    version: 4,
    name: "polar-day convention",
    sql: `
      ALTER TABLE reminders
        ADD COLUMN polar_convention TEXT
          CHECK (polar_convention IS NULL OR length(polar_convention) BETWEEN 1 AND 32);`,
  },
  {
    version: 5,
    name: "lease epochs and fenced claims",
    sql: `
      ALTER TABLE leases ADD COLUMN epoch BIGINT NOT NULL DEFAULT 1 CHECK (epoch >= 1);
      ALTER TABLE posts ADD COLUMN lease_name TEXT, ADD COLUMN lease_epoch BIGINT;`,
  },
];

/** The database was migrated by a newer talks-bot than this one: nothing is changed. */
export class NewerSchemaError extends Error {
  override readonly name = "NewerSchemaError";
  constructor(found: number, known: number) {
    super(
      `the database's schema is version ${found}, newer than this build knows (1 to ${known}): a newer talks-bot wrote it. Nothing was changed; run that version, or restore a backup from before the upgrade (pg_restore)`,
    );
  }
}

/** A fixed key for the migration lock (any number: only talks-bot's migrations take it). */
const MIGRATION_LOCK = 74_321_001;

/** The schema version of the connected database (0 for an empty one). */
export async function pgSchemaVersion(client: PoolClient): Promise<number> {
  const table = await client.query<{ exists: boolean }>(
    "SELECT to_regclass('talks_bot_schema') IS NOT NULL AS exists",
  );
  if (!table.rows[0]?.exists) return 0;
  const row = await client.query<{ version: number | null }>(
    "SELECT max(version) AS version FROM talks_bot_schema",
  );
  return row.rows[0]?.version ?? 0;
}

/**
 * Applies the pending steps of `list` and returns their versions. Throws when the database is newer than the
 * list, or a step fails (rolled back whole; its version stays unrecorded).
 */
export async function runPgMigrations(
  client: PoolClient,
  list: readonly PgMigration[] = pgMigrations,
): Promise<number[]> {
  list.forEach((migration, index) => {
    if (migration.version !== index + 1)
      throw new Error(
        `storage: migration "${migration.name}" has version ${migration.version}, expected ${index + 1}`,
      );
  });
  const applied: number[] = [];
  for (const migration of list) {
    await client.query("BEGIN");
    try {
      // A schema step may take its time, and wait for another process's step: not bound by the bot's
      // interactive timeouts (DATABASE_STATEMENT_TIMEOUT_MS, DATABASE_LOCK_TIMEOUT_MS).
      await client.query("SET LOCAL statement_timeout = 0");
      await client.query("SET LOCAL lock_timeout = 0");
      await client.query("SELECT pg_advisory_xact_lock($1)", [MIGRATION_LOCK]);
      await client.query(
        "CREATE TABLE IF NOT EXISTS talks_bot_schema (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())",
      );
      const current = await pgSchemaVersion(client);
      if (current > list.length) throw new NewerSchemaError(current, list.length);
      if (current < migration.version) {
        await client.query(migration.sql);
        await client.query("INSERT INTO talks_bot_schema (version, name) VALUES ($1, $2)", [
          migration.version,
          migration.name,
        ]);
        applied.push(migration.version);
      }
      await client.query("COMMIT");
    } catch (error) {
      await client.query("ROLLBACK").catch(() => undefined);
      // Nothing was attempted: say so, not that a step failed.
      if (error instanceof NewerSchemaError) throw error;
      throw new Error(
        `storage: migration ${migration.version} ("${migration.name}") failed and was rolled back: ${(error as Error).message}`,
        { cause: error },
      );
    }
  }
  return applied;
}
