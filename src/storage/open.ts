/**
 * The bot's database, as configured: PostgreSQL when `DATABASE_URL` is set (shard processes on several hosts
 * share it), else the embedded SQLite file at `DATABASE_PATH`, which needs nothing installed. Only the driver
 * in use is loaded, and only when the database is opened.
 */
import type { Config } from "../config.js";
import type { Storage, StorageReplacedError } from "./types.js";

export interface OpenStorageOptions {
  readonly clock?: () => number;
  /** Shown in PostgreSQL's `pg_stat_activity`. */
  readonly applicationName?: string;
  /** Told when the server dropped a connection (PostgreSQL only; at most once every 10 s). */
  readonly onConnectionLost?: (error: Error) => void;
  /** PostgreSQL sessions' `statement_timeout` and `lock_timeout` (the bot's; none by default). */
  readonly timeouts?: { readonly statementMs: number; readonly lockMs: number };
  /** Told once that the SQLite file was replaced while open (SQLite only): the process must stop. */
  readonly onReplaced?: (error: StorageReplacedError) => void;
}

export async function openStorage(
  config: Pick<Config, "databasePath" | "databaseUrl">,
  options: OpenStorageOptions = {},
): Promise<Storage> {
  if (config.databaseUrl) {
    const { PostgresStorage } = await import("./postgres.js");
    return PostgresStorage.connect(config.databaseUrl, {
      // Shard processes on several hosts compare times through the database: always on its clock.
      serverClock: true,
      ...(options.clock ? { clock: options.clock } : {}),
      ...(options.applicationName ? { applicationName: options.applicationName } : {}),
      ...(options.onConnectionLost ? { onConnectionLost: options.onConnectionLost } : {}),
      ...(options.timeouts
        ? { statementTimeoutMs: options.timeouts.statementMs, lockTimeoutMs: options.timeouts.lockMs }
        : {}),
    });
  }
  const { SqliteStorage } = await import("./sqlite.js");
  return SqliteStorage.open(config.databasePath, {
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.onReplaced ? { onReplaced: options.onReplaced } : {}),
  });
}
