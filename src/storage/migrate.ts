/**
 * `talks-bot migrate`: brings the configured database's schema up to date, and with `--from sqlite:FILE`
 * copies a SQLite database into the configured PostgreSQL one, so a deployment can move to several hosts.
 */
import { existsSync } from "node:fs";
import Database from "better-sqlite3";
import type { Config } from "../config.js";
import { UsageError } from "../errors.js";
import { inspectDatabase } from "./backup.js";
import { latestVersion, schemaVersion } from "./migrations.js";
import { PostgresStorage } from "./postgres.js";
import { REMINDER_COLUMNS } from "./rows.js";
import { SqliteStorage } from "./sqlite.js";

export interface MigrateReport {
  readonly location: string;
  readonly from: number;
  readonly to: number;
}

/** Applies pending migrations to the configured database. */
export async function migrateDatabase(
  config: Pick<Config, "databasePath" | "databaseUrl">,
): Promise<MigrateReport> {
  if (config.databaseUrl) {
    const storage = await PostgresStorage.connect(config.databaseUrl, { migrations: [] });
    try {
      const from = await storage.schemaVersion();
      await storage.migrate();
      return { location: storage.location, from, to: await storage.schemaVersion() };
    } finally {
      await storage.close();
    }
  }
  let from = 0;
  if (existsSync(config.databasePath)) {
    const db = new Database(config.databasePath, { readonly: true, fileMustExist: true });
    try {
      from = schemaVersion(db);
    } finally {
      db.close();
    }
  }
  const storage = SqliteStorage.open(config.databasePath);
  await storage.close();
  return { location: config.databasePath, from, to: latestVersion };
}

export interface CopyReport {
  readonly source: string;
  readonly target: string;
  readonly rows: { readonly reminders: number; readonly posts: number; readonly feedbackVotes: number };
  /** Set when the source's lease was live: the bot may still be writing to it. */
  readonly liveHolder: string | undefined;
}

/** Columns copied per table, in the target's names; a column an older source lacks gets the target's default. */
const TABLES = {
  reminders: {
    key: ["guild_id"],
    columns: REMINDER_COLUMNS,
    booleans: ["enabled"],
  },
  posts: {
    key: ["guild_id", "local_date"],
    columns: [
      "guild_id",
      "local_date",
      "nonce",
      "state",
      "attempts",
      "claimed_at",
      "sent_at",
      "message_id",
      "channel_id",
    ],
    booleans: [],
  },
  feedback_votes: {
    key: ["question_key", "user_id"],
    columns: ["question_key", "user_id", "article_id", "paragraph", "helpful", "voted_at"],
    booleans: ["helpful"],
  },
} as const;

/**
 * Copies every reminder, ledger row and vote of a SQLite file into the PostgreSQL database of `url`, which it
 * migrates first. Rows already there are updated to match the source, so running it again (say, after the
 * last posts of the old deployment) is safe. The source is opened read-only and never changed.
 */
export async function copyFromSqlite(sqlitePath: string, url: string): Promise<CopyReport> {
  if (!existsSync(sqlitePath)) throw new UsageError(`migrate: there is no SQLite database at ${sqlitePath}`);
  // The checks restore makes: integrity, a schema version this build reads, every table.
  try {
    inspectDatabase(sqlitePath);
  } catch (error) {
    if (error instanceof UsageError) throw new UsageError(`migrate: ${error.message}`);
    throw error;
  }
  const source = new Database(sqlitePath, { readonly: true, fileMustExist: true });
  const target = await PostgresStorage.connect(url).catch((error: unknown) => {
    source.close();
    throw error;
  });
  try {
    const present = (table: string) =>
      new Set(
        source
          .prepare<[], { name: string }>(`SELECT name FROM pragma_table_info('${table}')`)
          .all()
          .map((c) => c.name),
      );
    const lease = source
      .prepare<[number], { owner_id: string }>("SELECT owner_id FROM leases WHERE expires_at > ? LIMIT 1")
      .get(Date.now());
    const rows = { reminders: 0, posts: 0, feedbackVotes: 0 };
    await target.withTransaction(async (query) => {
      for (const [table, spec] of Object.entries(TABLES)) {
        const have = present(table);
        const columns = spec.columns.filter((c) => have.has(c));
        const all = source.prepare(`SELECT ${columns.join(", ")} FROM ${table}`).all() as Record<
          string,
          unknown
        >[];
        const updates = columns.filter((c) => !(spec.key as readonly string[]).includes(c));
        const sql = `INSERT INTO ${table} (${columns.join(", ")}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(", ")})
          ON CONFLICT (${spec.key.join(", ")}) DO UPDATE SET ${updates.map((c) => `${c} = excluded.${c}`).join(", ")}`;
        for (const row of all) {
          await query(
            sql,
            columns.map((c) =>
              (spec.booleans as readonly string[]).includes(c) ? row[c] === 1 || row[c] === true : row[c],
            ),
          );
        }
        if (table === "reminders") rows.reminders = all.length;
        else if (table === "posts") rows.posts = all.length;
        else rows.feedbackVotes = all.length;
      }
    });
    return { source: sqlitePath, target: target.location, rows, liveHolder: lease?.owner_id };
  } finally {
    source.close();
    await target.close();
  }
}
