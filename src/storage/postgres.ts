/**
 * {@link Storage} on PostgreSQL, for bots whose shard processes run on several hosts: one database for the
 * reminders, the posting ledger, the feedback, the shard leases and the shared send budget.
 *
 * - Each method is one statement, or one transaction where it reads before it writes (the ledger's claim and
 *   mark, which also take a transaction-level advisory lock on their (server, date) key, so concurrent
 *   claimers on any number of hosts queue instead of racing).
 * - Connections come from a `pg` pool. A server that cannot be reached (down, restarting, refusing) is
 *   retried with backoff for up to `busyTimeoutMs` while nothing has been sent; a connection that breaks
 *   during a write rejects with StorageUnavailableError, because the write may or may not have been applied.
 *   A dropped idle connection is replaced by the pool; `onConnectionLost` hears of it once per episode.
 */
import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";
import { type PgMigration, pgMigrations, pgSchemaVersion, runPgMigrations } from "./postgres-migrations.js";
import { type PostRow, REMINDER_SELECT, type ReminderValues, toPostRecord, toReminder } from "./rows.js";
import {
  type ClaimResult,
  type FeedbackTotals,
  type FeedbackVote,
  type FencedClaim,
  type LeaseCheck,
  type LeaseFence,
  LeaseLostError,
  type LeaseResult,
  type LiveLease,
  type PostRecord,
  type Reminder,
  type ReminderUpsert,
  type ShardFilter,
  type Storage,
  StorageError,
  StorageTimeoutError,
  StorageUnavailableError,
} from "./types.js";
import { describePostgresUrl } from "./url.js";
import {
  boundedText,
  checkDate,
  checkEpoch,
  checkFence,
  checkLeaseArgs,
  checkLimit,
  checkNonce,
  checkShard,
  checkSlot,
  checkSnowflake,
  checkUpsert,
  checkVote,
  fenceLostMessage,
} from "./validate.js";

export interface PostgresStorageOptions {
  /** Source of bookkeeping timestamps. Default `Date.now`. */
  readonly clock?: () => number;
  /** How long a call keeps retrying an unreachable server before StorageUnavailableError. Default 5000 ms. */
  readonly busyTimeoutMs?: number;
  /** Connections in the pool. Default 10. */
  readonly poolSize?: number;
  /** Shown in `pg_stat_activity`: which process holds a connection. */
  readonly applicationName?: string;
  /** The schema to work in (`search_path`); default the server's. Tests use a fresh one per file. */
  readonly schema?: string;
  /** Told (at most once every 10 s) that the server dropped a connection; the pool reconnects by itself. */
  readonly onConnectionLost?: (error: Error) => void;
  /** Migrations to apply (tests); default the bot's. */
  readonly migrations?: readonly PgMigration[];
  /**
   * Whether the times that several hosts compare (the send budget's slots, shard leases' expiry, when a post
   * was claimed) are kept on the database server's clock: the caller's times are moved by this host's measured
   * offset from the server (against `wallClock`, at connect and every 10 minutes), so a host whose clock runs
   * ahead or behind neither crowds the shared budget, nor takes a live lease, nor misjudges how old another
   * host's claim is. Default: off when `clock` is given (tests that set the time), else on; the bot turns it on.
   */
  readonly serverClock?: boolean;
  /** This host's clock, which callers pass send slots' and leases' times on. Default `Date.now`. */
  readonly wallClock?: () => number;
  /**
   * The sessions' `statement_timeout` (ms): a statement running longer is cancelled and rejects with
   * StorageTimeoutError. Default none (the server's setting); the bot sets DATABASE_STATEMENT_TIMEOUT_MS.
   */
  readonly statementTimeoutMs?: number;
  /** The sessions' `lock_timeout` (ms): a wait for another session's lock longer than this is cancelled. */
  readonly lockTimeoutMs?: number;
}

/** How often the offset from the server's clock is measured again. */
const CLOCK_SYNC_MS = 10 * 60_000;
/** How soon a measurement that failed is tried again. */
const CLOCK_RETRY_MS = 60_000;

const DEFAULT_BUSY_TIMEOUT_MS = 5000;
const DEFAULT_LEASE = "bot";
const LOST_LOG_INTERVAL_MS = 10_000;

/** Error codes and messages meaning the server could not be reached or the connection broke. */
const CONNECTION_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "57P01", // admin_shutdown: the server is stopping or restarting, or the connection was terminated
  "57P02", // crash_shutdown
  "57P03", // cannot_connect_now: the server is starting
  "08000",
  "08001",
  "08003",
  "08004",
  "08006",
]);
const CONNECTION_MESSAGE = /Connection terminated|connection error|not queryable/i;
/** pg-pool's answer when every connection stayed checked out (busy, not unreachable) for the whole wait. */
const POOL_WAIT_MESSAGE = /timeout exceeded when trying to connect/i;
/** Retried at once inside the call: another transaction won a race, nothing was applied. */
const RETRY_CODES = new Set(["40001", "40P01"]);

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

function isConnectionError(error: unknown): boolean {
  const code = codeOf(error);
  return (
    (code !== undefined && CONNECTION_CODES.has(code)) ||
    (error instanceof Error && CONNECTION_MESSAGE.test(error.message))
  );
}

type Work<T> = (client: pg.PoolClient) => Promise<T>;

export class PostgresStorage implements Storage {
  readonly location: string;
  readonly #pool: pg.Pool;
  readonly #now: () => number;
  readonly #serverClock: boolean;
  readonly #wallClock: () => number;
  /** Server clock minus this process's clock, ms (0 without `serverClock`). */
  #clockOffset = 0;
  #clockSyncedAt = Number.NEGATIVE_INFINITY;
  readonly #busyTimeoutMs: number;
  readonly #timeouts: { readonly statementMs?: number; readonly lockMs?: number };
  readonly #poolSize: number;
  #closed = false;
  #lastLostAt = Number.NEGATIVE_INFINITY;

  /**
   * Connects, and brings the schema up to date (waiting for the server for up to `busyTimeoutMs`).
   * @throws StorageUnavailableError when the server cannot be reached; StorageError when a migration fails.
   */
  static async connect(url: string, options: PostgresStorageOptions = {}): Promise<PostgresStorage> {
    const storage = new PostgresStorage(url, options);
    try {
      await storage.migrate(options.migrations ?? pgMigrations);
      if (storage.#serverClock) await storage.#syncClock();
    } catch (error) {
      await storage.close();
      throw error;
    }
    return storage;
  }

  private constructor(url: string, options: PostgresStorageOptions) {
    this.location = describePostgresUrl(url);
    this.#now = options.clock ?? Date.now;
    this.#serverClock = options.serverClock ?? options.clock === undefined;
    this.#wallClock = options.wallClock ?? Date.now;
    this.#busyTimeoutMs = options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
    this.#poolSize = options.poolSize ?? 10;
    this.#timeouts = {
      ...(options.statementTimeoutMs === undefined ? {} : { statementMs: options.statementTimeoutMs }),
      ...(options.lockTimeoutMs === undefined ? {} : { lockMs: options.lockTimeoutMs }),
    };
    this.#pool = new pg.Pool({
      connectionString: url,
      max: this.#poolSize,
      // Set on every session as it opens: no statement of the bot waits without limit.
      ...(options.statementTimeoutMs === undefined ? {} : { statement_timeout: options.statementTimeoutMs }),
      ...(options.lockTimeoutMs === undefined ? {} : { lock_timeout: options.lockTimeoutMs }),
      connectionTimeoutMillis: this.#busyTimeoutMs,
      idleTimeoutMillis: 30_000,
      keepAlive: true,
      ...(options.applicationName ? { application_name: options.applicationName.slice(0, 63) } : {}),
      ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
      // Epoch milliseconds are BIGINT: numbers here (they stay far below 2^53).
      types: {
        getTypeParser: ((oid: number, format?: string) =>
          oid === pg.types.builtins.INT8
            ? (value: string) => Number(value)
            : pg.types.getTypeParser(oid, format as "text")) as typeof pg.types.getTypeParser,
      },
    });
    // An idle connection the server dropped (a restart, a terminated backend): without a listener Node would
    // treat the pool's "error" event as fatal. The pool discards the client and connects afresh when needed.
    this.#onLost = options.onConnectionLost;
    this.#pool.on("error", (error) => this.#lost(error));
    // A connection that breaks while checked out also emits "error" (besides failing the query in flight), and
    // an "error" nobody listens to would end the process: the failure is handled where the query fails. The
    // listener goes on as the connection opens: the server's "terminating connection" can come in the same
    // read as its "ready for queries", before whoever was handed the connection could add one.
    this.#pool.on("connect", (client) => client.on("error", () => undefined));
  }

  readonly #onLost: ((error: Error) => void) | undefined;

  /** A connection the server dropped, idle or in use: reported once per episode. */
  #lost(error: Error): void {
    const now = Date.now();
    if (now - this.#lastLostAt < LOST_LOG_INTERVAL_MS) return;
    this.#lastLostAt = now;
    this.#onLost?.(error);
  }

  /** Applies pending migrations; returns the versions applied. */
  async migrate(list: readonly PgMigration[] = pgMigrations): Promise<number[]> {
    return this.#run("migrate", (client) => runPgMigrations(client, list), { retryBroken: true });
  }

  /** The schema version of the database. */
  async schemaVersion(): Promise<number> {
    return this.#run("schemaVersion", (client) => pgSchemaVersion(client), { retryBroken: true });
  }

  async upsertReminder(input: ReminderUpsert): Promise<Reminder> {
    checkUpsert(input);
    return this.#run("upsertReminder", async (client) => {
      const now = this.#now();
      const result = await queryValues<ReminderValues>(client, {
        text: `INSERT INTO reminders (guild_id, channel_id, time, time_zone, role_id, day_offset, start_override,
           language, place_name, place_country, latitude, longitude, method, polar_convention, enabled,
           next_due_at, created_by, created_at, updated_by, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, TRUE, $15, $16, $17, $16, $17)
         ON CONFLICT (guild_id) DO UPDATE SET
           channel_id = excluded.channel_id, time = excluded.time, time_zone = excluded.time_zone,
           role_id = excluded.role_id, day_offset = excluded.day_offset, start_override = excluded.start_override,
           language = excluded.language, place_name = excluded.place_name, place_country = excluded.place_country,
           latitude = excluded.latitude, longitude = excluded.longitude, method = excluded.method,
           polar_convention = excluded.polar_convention,
           enabled = TRUE, paused_reason = NULL, paused_at = NULL, last_error = NULL, last_error_at = NULL,
           next_due_at = excluded.next_due_at, revision = reminders.revision + 1,
           updated_by = excluded.updated_by, updated_at = excluded.updated_at
         RETURNING ${REMINDER_SELECT}`,
        values: [
          input.guildId,
          input.channelId,
          input.time,
          input.timeZone,
          input.roleId,
          input.dayOffset,
          input.startOverride,
          input.language,
          input.place?.name ?? null,
          input.place?.country ?? null,
          input.place?.latitude ?? null,
          input.place?.longitude ?? null,
          input.method,
          input.polarConvention,
          input.nextDueAt,
          input.by,
          now,
        ],
      });
      const row = result.rows[0];
      if (!row) throw new StorageError("storage: upsertReminder: no row came back", undefined);
      return toReminder(row);
    });
  }

  async getReminder(guildId: string): Promise<Reminder | null> {
    checkSnowflake("guildId", guildId);
    return this.#run(
      "getReminder",
      async (client) => {
        const { rows } = await queryValues<ReminderValues>(client, {
          text: `SELECT ${REMINDER_SELECT} FROM reminders WHERE guild_id = $1`,
          values: [guildId],
        });
        return rows[0] ? toReminder(rows[0]) : null;
      },
      { retryBroken: true },
    );
  }

  async disableReminder(guildId: string, by: string): Promise<boolean> {
    checkSnowflake("guildId", guildId);
    checkSnowflake("by", by);
    return this.#changes(
      "disableReminder",
      `UPDATE reminders SET enabled = FALSE, next_due_at = NULL, revision = revision + 1,
         updated_by = $2, updated_at = $3 WHERE guild_id = $1`,
      [guildId, by, this.#now()],
    );
  }

  async deleteGuild(guildId: string): Promise<boolean> {
    checkSnowflake("guildId", guildId);
    // The ledger goes with it through ON DELETE CASCADE.
    return this.#changes("deleteGuild", "DELETE FROM reminders WHERE guild_id = $1", [guildId]);
  }

  async pauseReminder(guildId: string, reason: string): Promise<boolean> {
    checkSnowflake("guildId", guildId);
    const text = boundedText("reason", reason);
    return this.#changes(
      "pauseReminder",
      "UPDATE reminders SET paused_reason = $2, paused_at = $3 WHERE guild_id = $1",
      [guildId, text, this.#now()],
    );
  }

  async recordError(guildId: string, message: string): Promise<boolean> {
    checkSnowflake("guildId", guildId);
    const text = boundedText("message", message);
    return this.#changes(
      "recordError",
      "UPDATE reminders SET last_error = $2, last_error_at = $3 WHERE guild_id = $1",
      [guildId, text, this.#now()],
    );
  }

  async setNextDueAt(guildId: string, nextDueAt: number | null, ifRevision?: number): Promise<boolean> {
    checkSnowflake("guildId", guildId);
    if (nextDueAt !== null) checkEpoch("nextDueAt", nextDueAt);
    if (ifRevision !== undefined && !Number.isSafeInteger(ifRevision)) {
      throw new RangeError(`storage: ifRevision must be an integer, got ${ifRevision}`);
    }
    // A disabled reminder keeps next_due_at NULL (a CHECK enforces it), so only enabled rows are updated.
    return this.#changes(
      "setNextDueAt",
      `UPDATE reminders SET next_due_at = $2
       WHERE guild_id = $1 AND enabled AND ($3::integer IS NULL OR revision = $3::integer)`,
      [guildId, nextDueAt, ifRevision ?? null],
    );
  }

  async dueReminders(now: number, shard: ShardFilter, limit?: number): Promise<Reminder[]> {
    checkEpoch("now", now);
    checkShard(shard);
    checkLimit(limit);
    return this.#run(
      "dueReminders",
      async (client) => {
        // Prepared once per connection: the query runs every minute on every process.
        const { rows } = await queryValues<ReminderValues>(client, {
          name: "talks-bot-due",
          text: DUE_REMINDERS_PG,
          values: [now, shard.count, shard.id, limit ?? null],
        });
        return rows.map(toReminder);
      },
      { retryBroken: true },
    );
  }

  async claimPost(
    guildId: string,
    localDate: string,
    nonce: string,
    fence: LeaseFence,
  ): Promise<ClaimResult> {
    checkSnowflake("guildId", guildId);
    checkDate("localDate", localDate);
    checkNonce(nonce);
    checkFence(fence);
    // Claims are compared across hosts (is another process still sending it?): kept on the server's clock.
    const claimedAt = this.#now();
    const shift = await this.#serverShift();
    const leaseNow = fence.now + shift;
    return this.#transaction("claimPost", guildId, localDate, async (client) => {
      if (!(await leaseIsLive(client, fence.name, fence.epoch, leaseNow))) {
        throw new LeaseLostError(fenceLostMessage("claimPost", fence));
      }
      const existing = (
        await client.query<PostRow>("SELECT * FROM posts WHERE guild_id = $1 AND local_date = $2", [
          guildId,
          localDate,
        ])
      ).rows[0];
      if (existing?.state === "sent" && existing.message_id !== null) {
        return { status: "already-sent", nonce: existing.nonce, messageId: existing.message_id };
      }
      const reminder = (
        await client.query<{ enabled: boolean; paused_reason: string | null }>(
          "SELECT enabled, paused_reason FROM reminders WHERE guild_id = $1",
          [guildId],
        )
      ).rows[0];
      if (!reminder?.enabled || reminder.paused_reason !== null) return { status: "inactive" };
      if (existing) {
        const ours = existing.lease_name === fence.name && existing.lease_epoch === fence.epoch;
        // Made under another live lease, its maker may be sending it now; under a lease that expired or changed
        // hands, its maker can no longer send, and the claim is taken over.
        if (
          !ours &&
          existing.lease_name !== null &&
          existing.lease_epoch !== null &&
          (await leaseIsLive(client, existing.lease_name, existing.lease_epoch, leaseNow))
        ) {
          return { status: "held", claimedAt: existing.claimed_at - shift };
        }
        await client.query(
          `UPDATE posts SET attempts = attempts + 1, lease_name = $3, lease_epoch = $4
           WHERE guild_id = $1 AND local_date = $2 AND state = 'pending'`,
          [guildId, localDate, fence.name, fence.epoch],
        );
        return {
          status: "pending",
          nonce: existing.nonce,
          attempts: existing.attempts + 1,
          claimedAt: existing.claimed_at - shift,
        };
      }
      await client.query(
        `INSERT INTO posts (guild_id, local_date, nonce, state, attempts, claimed_at, lease_name, lease_epoch)
         VALUES ($1, $2, $3, 'pending', 1, $4, $5, $6)`,
        [guildId, localDate, nonce, claimedAt + shift, fence.name, fence.epoch],
      );
      return { status: "claimed", nonce, attempts: 1, claimedAt };
    });
  }

  async markPosted(
    guildId: string,
    localDate: string,
    messageId: string,
    channelId: string,
    fence: LeaseFence,
  ): Promise<boolean> {
    checkSnowflake("guildId", guildId);
    checkDate("localDate", localDate);
    checkSnowflake("messageId", messageId);
    checkSnowflake("channelId", channelId);
    checkFence(fence);
    return this.#transaction("markPosted", guildId, localDate, async (client) => {
      const now = this.#now();
      const marked = await client.query(
        `UPDATE posts SET state = 'sent', sent_at = $3, message_id = $4, channel_id = $5
         WHERE guild_id = $1 AND local_date = $2 AND state = 'pending' AND lease_name = $6 AND lease_epoch = $7`,
        [guildId, localDate, now, messageId, channelId, fence.name, fence.epoch],
      );
      if ((marked.rowCount ?? 0) === 0) {
        const existing = (
          await client.query<PostRow>("SELECT * FROM posts WHERE guild_id = $1 AND local_date = $2", [
            guildId,
            localDate,
          ])
        ).rows[0];
        return existing?.state === "sent" && existing.message_id === messageId;
      }
      // Posts can be marked out of order (a late retry of yesterday); the reminder shows the newest.
      await client.query(
        `UPDATE reminders SET last_posted_local_date = $2, last_message_id = $3, last_posted_at = $4,
           last_error = NULL, last_error_at = NULL
         WHERE guild_id = $1 AND (last_posted_local_date IS NULL OR last_posted_local_date <= $2)`,
        [guildId, localDate, messageId, now],
      );
      return true;
    });
  }

  async releaseClaim(guildId: string, localDate: string, fence: LeaseFence): Promise<boolean> {
    checkSnowflake("guildId", guildId);
    checkDate("localDate", localDate);
    checkFence(fence);
    return this.#changes(
      "releaseClaim",
      `DELETE FROM posts WHERE guild_id = $1 AND local_date = $2 AND state = 'pending'
         AND lease_name = $3 AND lease_epoch = $4`,
      [guildId, localDate, fence.name, fence.epoch],
    );
  }

  async lastPost(guildId: string): Promise<PostRecord | null> {
    checkSnowflake("guildId", guildId);
    return this.#run(
      "lastPost",
      async (client) => {
        const { rows } = await client.query<PostRow>(
          "SELECT * FROM posts WHERE guild_id = $1 AND state = 'sent' ORDER BY local_date DESC LIMIT 1",
          [guildId],
        );
        return toPostRecord(rows[0]);
      },
      { retryBroken: true },
    );
  }

  async recordFeedback(vote: FeedbackVote): Promise<void> {
    checkVote(vote);
    await this.#changes(
      "recordFeedback",
      `INSERT INTO feedback_votes (question_key, user_id, article_id, paragraph, helpful, voted_at)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (question_key, user_id) DO UPDATE SET
         article_id = excluded.article_id, paragraph = excluded.paragraph,
         helpful = excluded.helpful, voted_at = excluded.voted_at
       -- The same vote again (a double click) writes nothing and keeps the time of the real vote.
       WHERE feedback_votes.article_id <> excluded.article_id OR feedback_votes.paragraph <> excluded.paragraph
         OR feedback_votes.helpful <> excluded.helpful`,
      [vote.questionKey, vote.userId, vote.articleId, vote.paragraph, vote.helpful, this.#now()],
    );
  }

  async feedbackTotals(): Promise<FeedbackTotals> {
    return this.#run(
      "feedbackTotals",
      async (client) => {
        const { rows } = await client.query<{
          question_key: string;
          article_id: string;
          paragraph: number;
          helpful: number;
          not_helpful: number;
        }>(
          `SELECT question_key, article_id, paragraph,
             count(*) FILTER (WHERE helpful)::bigint AS helpful, count(*) FILTER (WHERE NOT helpful)::bigint AS not_helpful
           FROM feedback_votes
           GROUP BY question_key, article_id, paragraph
           ORDER BY question_key COLLATE "C", article_id COLLATE "C", paragraph`,
        );
        let helpful = 0;
        let notHelpful = 0;
        const byAnswer = rows.map((row) => {
          helpful += row.helpful;
          notHelpful += row.not_helpful;
          return {
            questionKey: row.question_key,
            articleId: row.article_id,
            paragraph: row.paragraph,
            helpful: row.helpful,
            notHelpful: row.not_helpful,
          };
        });
        return { helpful, notHelpful, byAnswer };
      },
      { retryBroken: true },
    );
  }

  async acquireLease(
    ownerId: string,
    ttlMs: number,
    now: number,
    name = DEFAULT_LEASE,
  ): Promise<LeaseResult> {
    checkLeaseArgs(ownerId, ttlMs, now);
    const shift = await this.#serverShift();
    const at = now + shift;
    return this.#run("acquireLease", async (client) => {
      const expiresAt = at + ttlMs;
      // Takes the lease when it is free, ours, or expired; otherwise the WHERE leaves the holder's row untouched.
      // Our own live lease keeps its epoch; anything else is a new tenure, with the next epoch.
      const taken = await client.query<{ epoch: number }>(
        `INSERT INTO leases (name, owner_id, acquired_at, expires_at, epoch) VALUES ($1, $2, $3, $4, 1)
         ON CONFLICT (name) DO UPDATE SET
           epoch = CASE WHEN leases.owner_id = excluded.owner_id AND leases.expires_at > excluded.acquired_at
             THEN leases.epoch ELSE leases.epoch + 1 END,
           acquired_at = CASE WHEN leases.owner_id = excluded.owner_id AND leases.expires_at > excluded.acquired_at
             THEN leases.acquired_at ELSE excluded.acquired_at END,
           owner_id = excluded.owner_id, expires_at = excluded.expires_at
         WHERE leases.owner_id = excluded.owner_id OR leases.expires_at <= excluded.acquired_at
         RETURNING epoch`,
        [name, ownerId, at, expiresAt],
      );
      const epoch = taken.rows[0]?.epoch;
      if (epoch !== undefined) return { acquired: true, expiresAt: expiresAt - shift, epoch };
      const holder = (
        await client.query<{ owner_id: string; expires_at: number }>(
          "SELECT owner_id, expires_at FROM leases WHERE name = $1",
          [name],
        )
      ).rows[0];
      if (!holder) throw new StorageError("storage: acquireLease: the lease row vanished", undefined);
      return { acquired: false, holder: holder.owner_id, expiresAt: holder.expires_at - shift };
    });
  }

  async renewLease(ownerId: string, ttlMs: number, now: number, name = DEFAULT_LEASE): Promise<boolean> {
    checkLeaseArgs(ownerId, ttlMs, now);
    const shift = await this.#serverShift();
    // An expired lease is not renewed: its owner may have been paused while another took it and let it go.
    return this.#changes(
      "renewLease",
      "UPDATE leases SET expires_at = $3 WHERE name = $1 AND owner_id = $2 AND expires_at > $4",
      [name, ownerId, now + shift + ttlMs, now + shift],
    );
  }

  async releaseLease(ownerId: string, name = DEFAULT_LEASE): Promise<boolean> {
    // The row stays, expired, so the epoch never goes back: a woken process's old fence stays refused.
    return this.#changes(
      "releaseLease",
      "UPDATE leases SET expires_at = 0 WHERE name = $1 AND owner_id = $2 AND expires_at > 0",
      [name, ownerId],
    );
  }

  async liveLeases(now: number): Promise<LiveLease[]> {
    // Lease times are kept on the server's clock (see `serverClock`): compared there, handed back on ours.
    const shift = await this.#serverShift();
    return this.#run(
      "liveLeases",
      async (client) => {
        const { rows } = await client.query<{
          name: string;
          owner_id: string;
          acquired_at: number;
          expires_at: number;
        }>("SELECT name, owner_id, acquired_at, expires_at FROM leases WHERE expires_at > $1 ORDER BY name", [
          now + shift,
        ]);
        return rows.map((row) => ({
          name: row.name,
          ownerId: row.owner_id,
          acquiredAt: Number(row.acquired_at) - shift,
          expiresAt: Number(row.expires_at) - shift,
        }));
      },
      { retryBroken: true },
    );
  }

  async checkLease(fence: LeaseFence): Promise<LeaseCheck> {
    checkFence(fence);
    return this.#run(
      "checkLease",
      async (client) => {
        // The server's own clock when the store runs on it; the caller's (a test's) otherwise.
        const { rows } = await client.query<{
          owner_id: string;
          epoch: number;
          expires_at: number;
          at: number;
        }>(
          `SELECT owner_id, epoch, expires_at,
             COALESCE($2::float8, extract(epoch FROM clock_timestamp()) * 1000) AS at
           FROM leases WHERE name = $1`,
          [fence.name, this.#serverClock ? null : fence.now],
        );
        const lease = rows[0];
        if (lease && lease.epoch === fence.epoch && lease.expires_at > lease.at) {
          return { held: true, remainingMs: lease.expires_at - lease.at };
        }
        return { held: false, holder: lease && lease.expires_at > lease.at ? lease.owner_id : null };
      },
      { retryBroken: true },
    );
  }

  /**
   * Measures the server's clock against this host's: of three round trips on one connection (so that waiting
   * for a free connection is not counted), the quickest, taking the server's reading to be halfway through it
   * (NTP's estimate; off by at most half that round trip). A failed measurement keeps the last offset and is
   * tried again a minute later, not on every call.
   */
  async #syncClock(): Promise<void> {
    this.#clockSyncedAt = this.#wallClock() - CLOCK_SYNC_MS + CLOCK_RETRY_MS;
    const client = await this.#pool.connect();
    let broken: Error | undefined;
    try {
      let best = { roundTrip: Number.POSITIVE_INFINITY, offset: 0 };
      for (let i = 0; i < 3; i++) {
        const sent = this.#wallClock();
        const { rows } = await client.query<{ at: number }>(
          "SELECT (extract(epoch FROM clock_timestamp()) * 1000)::float8 AS at",
        );
        const received = this.#wallClock();
        const at = rows[0]?.at;
        if (at !== undefined && received - sent < best.roundTrip) {
          best = { roundTrip: received - sent, offset: Math.round(at - (sent + received) / 2) };
        }
      }
      this.#clockOffset = best.offset;
      this.#clockSyncedAt = this.#wallClock();
    } catch (error) {
      // A connection the server dropped is reported, and never handed back to the pool as if it were sound.
      if (isConnectionError(error)) {
        broken = error as Error;
        this.#lost(broken);
      }
      throw error;
    } finally {
      client.release(broken);
    }
  }

  /** Whether shared times are kept on the server's clock (see `serverClock`). */
  get onServerClock(): boolean {
    return this.#serverClock;
  }

  /** What to add to a caller's time to put it on the server's clock (see `serverClock`; 0 without it). */
  async #serverShift(): Promise<number> {
    if (!this.#serverClock) return 0;
    if (this.#wallClock() - this.#clockSyncedAt >= CLOCK_SYNC_MS) {
      // A failed measurement keeps the last offset: the call itself reports an unreachable server.
      await this.#syncClock().catch(() => undefined);
    }
    return this.#clockOffset;
  }

  async reserveSlot(name: string, intervalMs: number, now: number, claim?: FencedClaim): Promise<number> {
    checkSlot(name, intervalMs, now);
    if (claim) {
      checkSnowflake("guildId", claim.guildId);
      checkDate("localDate", claim.localDate);
      checkFence(claim.fence);
    }
    const shift = await this.#serverShift();
    return this.#run("reserveSlot", async (client) => {
      // One statement: the slot is taken only while the claim is pending under its fence and the fence's lease
      // is live; otherwise nothing is inserted or updated, and no row comes back.
      const { rows } = await client.query<{ next_at: number }>({
        name: "talks-bot-slot",
        text: `INSERT INTO rate_slots (name, next_at)
         SELECT $1, $2::float8 + $3::float8
         WHERE $4::text IS NULL OR EXISTS (
           SELECT 1 FROM posts JOIN leases ON leases.name = posts.lease_name AND leases.epoch = posts.lease_epoch
           WHERE posts.guild_id = $4::text AND posts.local_date = $5::text AND posts.state = 'pending'
             AND posts.lease_name = $6::text AND posts.lease_epoch = $7::bigint AND leases.expires_at > $8::float8)
         ON CONFLICT (name) DO UPDATE SET next_at = GREATEST(rate_slots.next_at, $2::float8) + $3::float8
         RETURNING next_at`,
        values: [
          name,
          now + shift,
          intervalMs,
          claim?.guildId ?? null,
          claim?.localDate ?? null,
          claim?.fence.name ?? null,
          claim?.fence.epoch ?? null,
          claim ? claim.fence.now + shift : null,
        ],
      });
      const nextAt = rows[0]?.next_at;
      if (nextAt === undefined) {
        if (claim) throw new LeaseLostError(fenceLostMessage("reserveSlot", claim.fence));
        throw new StorageError("storage: reserveSlot: no row came back", undefined);
      }
      return nextAt - intervalMs - shift;
    });
  }

  /** Runs `work` in one transaction (the operator's tools: copying a SQLite database in). */
  async withTransaction<T>(
    work: (query: (sql: string, values?: unknown[]) => Promise<pg.QueryResult>) => Promise<T>,
  ): Promise<T> {
    return this.#run("transaction", async (client) => {
      await client.query("BEGIN");
      try {
        const result = await work((sql, values) => client.query(sql, values));
        await client.query("COMMIT");
        return result;
      } catch (error) {
        await client.query("ROLLBACK").catch(() => undefined);
        throw error;
      }
    });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#pool.end();
  }

  /** One statement that writes; resolves to whether it changed a row. */
  #changes(operation: string, sql: string, values: unknown[]): Promise<boolean> {
    return this.#run(operation, async (client) => ((await client.query(sql, values)).rowCount ?? 0) > 0);
  }

  /**
   * A transaction on the ledger row (server, date), under an advisory lock on that key: claims and marks of
   * the same post from any number of processes run one after another.
   */
  #transaction<T>(operation: string, guildId: string, localDate: string, work: Work<T>): Promise<T> {
    return this.#run(operation, async (client) => {
      await client.query("BEGIN");
      try {
        await client.query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", [
          `post:${guildId}:${localDate}`,
        ]);
        const result = await work(client);
        await client.query("COMMIT");
        return result;
      } catch (error) {
        await client.query("ROLLBACK").catch(() => undefined);
        throw error;
      }
    });
  }

  /**
   * Runs work on a pooled connection. While the server cannot be reached (nothing sent yet), it retries with
   * growing, jittered waits until `busyTimeoutMs`. A connection that breaks during the work is retried only
   * for reads (`retryBroken`); for writes it rejects with StorageUnavailableError, since the write may have
   * been applied. Serialization failures and deadlocks are retried.
   */
  async #run<T>(operation: string, work: Work<T>, options: { retryBroken?: boolean } = {}): Promise<T> {
    const deadline = performance.now() + this.#busyTimeoutMs;
    for (let attempt = 0; ; attempt++) {
      if (this.#closed) throw new StorageError(`storage: ${operation}: the database is closed`, undefined);
      let client: pg.PoolClient | undefined;
      let sent = false;
      try {
        client = await this.#pool.connect();
        sent = true;
        const result = await work(client);
        client.release();
        return result;
      } catch (error) {
        const broken = isConnectionError(error);
        client?.release(broken ? (error as Error) : undefined);
        if (broken && client) this.#lost(error as Error);
        const retryable = RETRY_CODES.has(codeOf(error) ?? "") || (broken && (!sent || options.retryBroken));
        const wait = Math.min(200, 5 * 2 ** attempt) * (0.5 + Math.random() / 2);
        if (retryable && performance.now() + wait < deadline) {
          await sleep(wait);
          continue;
        }
        throw this.#timedOut(error, operation) ?? toStorageError(error, operation, this.location, sent);
      }
    }
  }

  /** A cancelled statement, or a pool that stayed busy, as a timeout (never as "cannot be reached"). */
  #timedOut(error: unknown, operation: string): StorageTimeoutError | undefined {
    const code = codeOf(error);
    const message = error instanceof Error ? error.message : String(error);
    const { statementMs, lockMs } = this.#timeouts;
    let why: string;
    if (code === "55P03") {
      why = `waited longer than lock_timeout${lockMs ? ` (${lockMs} ms)` : ""} for a lock another session holds`;
    } else if (code === "57014") {
      why = `ran longer than statement_timeout${statementMs ? ` (${statementMs} ms)` : ""} and was cancelled`;
    } else if (POOL_WAIT_MESSAGE.test(message) && code === undefined) {
      why = `had all ${this.#poolSize} connections busy for ${this.#busyTimeoutMs} ms (statements waiting on a lock?)`;
    } else {
      return undefined;
    }
    return new StorageTimeoutError(
      `storage: ${operation}: ${this.location} timed out: it ${why}; nothing was applied, try again`,
      code ?? "POOL_TIMEOUT",
      { cause: error },
    );
  }
}

/** Whether the lease `name` is live with `epoch` at `now` (on the lease's clock). */
async function leaseIsLive(
  client: pg.PoolClient,
  name: string,
  epoch: number,
  now: number,
): Promise<boolean> {
  const { rows } = await client.query<{ live: boolean }>(
    "SELECT epoch = $2 AND expires_at > $3 AS live FROM leases WHERE name = $1",
    [name, epoch, now],
  );
  return rows[0]?.live === true;
}

/** The due query: answered by the partial index `reminders_due` in `next_due_at` order. */
export const DUE_REMINDERS_PG = `
  SELECT ${REMINDER_SELECT} FROM reminders
  WHERE enabled AND paused_reason IS NULL AND next_due_at IS NOT NULL
    AND next_due_at <= $1 AND shard_key % $2 = $3
  ORDER BY next_due_at
  LIMIT $4`;

/**
 * Rows as arrays of values (see `REMINDER_COLUMNS`), through `client.query`'s callback form: through pg's
 * promise form, far more of each young-generation collection survives a read of many rows, and the due
 * query's p99 is three to four times as long (README, "Benchmarks"). Rows and errors are the same.
 */
function queryValues<R extends readonly unknown[]>(
  client: pg.PoolClient,
  config: Omit<pg.QueryArrayConfig, "rowMode">,
): Promise<{ rows: R[] }> {
  return new Promise((resolve, reject) => {
    const callback = (error: Error | null | undefined, result: pg.QueryArrayResult) =>
      error ? reject(error) : resolve({ rows: result.rows as unknown[] as R[] });
    // With a callback pg returns nothing; the lint reads the promise overload.
    void client.query({ ...config, rowMode: "array" }, callback);
  });
}

/** Maps driver errors to the storage error types, naming the database; argument errors pass through. */
function toStorageError(error: unknown, operation: string, location: string, sent: boolean): unknown {
  if (error instanceof StorageError || error instanceof RangeError || error instanceof LeaseLostError)
    return error;
  const code = codeOf(error);
  const message = error instanceof Error ? error.message : String(error);
  if (isConnectionError(error)) {
    return new StorageUnavailableError(
      `storage: ${operation}: ${location} ${sent ? "dropped the connection during the call" : "cannot be reached"}: ${message}`,
      code ?? "UNAVAILABLE",
      { cause: error },
    );
  }
  return new StorageError(`storage: ${operation}: ${location}: ${message}${code ? ` (${code})` : ""}`, code, {
    cause: error,
  });
}
