import { mkdirSync, statSync } from "node:fs";
import { dirname } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import Database from "better-sqlite3";
import { latestVersion, runMigrations, schemaVersion } from "./migrations.js";
import {
  type PostRow,
  REMINDER_SELECT,
  type ReminderRow,
  type ReminderValues,
  toPostRecord,
  toReminder,
} from "./rows.js";
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
  StorageBusyError,
  StorageError,
  StorageReplacedError,
} from "./types.js";
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

/**
 * Durability: WAL with `synchronous = FULL`. WAL alone (NORMAL) already survives a killed process; FULL also
 * syncs the log on every commit, so a setting a moderator saw confirmed, or a post marked sent, survives a power
 * cut or OS crash too. Losing a "sent" mark would mean a duplicate post once Discord's nonce window has passed.
 * The cost is one fsync per write, and writes are few: moderator commands, votes, and two per daily post, which
 * Discord's 50 requests/s limit caps anyway.
 *
 * Writers that read before writing use IMMEDIATE transactions so they take the write lock up front and wait
 * for it under the busy timeout, instead of failing midway when a read lock cannot be upgraded.
 */

/** Options of {@link SqliteStorage.open}. */
export interface SqliteStorageOptions {
  /**
   * How long a call keeps retrying while another connection holds the lock, before a StorageBusyError.
   * The retries wait asynchronously (with backoff): the event loop, and every other interaction, runs on.
   * Default 5000 ms.
   */
  readonly busyTimeoutMs?: number;
  /**
   * Opens an existing, fully migrated file without ever writing to it (a status tool beside the running bot).
   * Writes then reject with a StorageError coded `SQLITE_READONLY`.
   */
  readonly readonly?: boolean;
  /** Source of bookkeeping timestamps (`updatedAt`, `sentAt`, …). Default `Date.now`. */
  readonly clock?: () => number;
  /**
   * Told once when the file at the database's path is no longer the file this connection opened (see
   * StorageReplacedError); every call rejects from then on. The bot stops.
   */
  readonly onReplaced?: (error: StorageReplacedError) => void;
}

/**
 * The due query, exported so a test can check its plan: it must be answered by the partial index
 * `reminders_due` in `next_due_at` order, never by a table scan or a sort. Rows are read as arrays of
 * values (see `REMINDER_COLUMNS`).
 */
export const DUE_REMINDERS_SQL = `
  SELECT ${REMINDER_SELECT} FROM reminders
  WHERE enabled = 1 AND paused_reason IS NULL AND next_due_at IS NOT NULL
    AND next_due_at <= @now AND shard_key % @count = @shard
  ORDER BY next_due_at
  LIMIT @limit`;

const DEFAULT_BUSY_TIMEOUT_MS = 5000;
const FIRST_RETRY_WAIT_MS = 5;
const MAX_RETRY_WAIT_MS = 200;

/** The lease a process takes unless it names one (a sharded deployment takes one per shard). */
const DEFAULT_LEASE = "bot";

interface TotalRow {
  question_key: string;
  article_id: string;
  paragraph: number;
  helpful: number;
  not_helpful: number;
}

interface LeaseRow {
  owner_id: string;
  expires_at: number;
  epoch: number;
}

/** Whether `lease` is the live lease of `fence` (the same epoch, not expired at the fence's time). */
function isLive(lease: LeaseRow | undefined, epoch: number, now: number): boolean {
  return lease !== undefined && lease.epoch === epoch && lease.expires_at > now;
}

/**
 * {@link Storage} over one better-sqlite3 connection. The connection is synchronous, so each method does
 * all its work before its Promise settles; errors become rejections (never synchronous throws):
 * StorageBusyError when another connection held the lock past the busy timeout, StorageError for any other
 * database failure (disk full, read-only, I/O, corruption), RangeError for arguments no caller should pass.
 */
export class SqliteStorage implements Storage {
  private readonly now: () => number;
  /** The file this connection opened, to notice when another takes its path. */
  private readonly file: { readonly dev: number; readonly ino: number } | undefined;
  private readonly onReplaced: ((error: StorageReplacedError) => void) | undefined;
  private replaced: StorageReplacedError | undefined;
  private readonly busyTimeoutMs: number;
  private readonly statements: Statements;
  private readonly claimTx;
  private readonly markTx;
  private readonly leaseTx;
  private readonly upsertTx;
  private readonly slotTx;

  /**
   * Opens (creating it and its folder if needed) the database file at `path`, applies the connection settings
   * and runs pending migrations.
   *
   * @throws StorageError when the file cannot be opened, WAL cannot be enabled, or a migration fails.
   */
  static open(path: string, options: SqliteStorageOptions = {}): SqliteStorage {
    const readonly = options.readonly ?? false;
    let db: Database.Database;
    try {
      if (!readonly) mkdirSync(dirname(path), { recursive: true });
      // Opening and migrating may wait for the lock synchronously: nothing else runs yet.
      db = new Database(path, {
        readonly,
        fileMustExist: readonly,
        timeout: options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS,
      });
    } catch (error) {
      throw openError(error, path);
    }
    try {
      return new SqliteStorage(db, {
        ...(options.clock === undefined ? {} : { clock: options.clock }),
        ...(options.busyTimeoutMs === undefined ? {} : { busyTimeoutMs: options.busyTimeoutMs }),
        ...(options.onReplaced === undefined ? {} : { onReplaced: options.onReplaced }),
      });
    } catch (error) {
      db.close();
      throw openError(error, path);
    }
  }

  /**
   * Wraps an open connection (the caller chose its file, timeout and mode) and prepares it as {@link open}
   * does. The storage owns the connection from then on: {@link close} closes it.
   */
  constructor(
    private readonly db: Database.Database,
    options: Pick<SqliteStorageOptions, "clock" | "busyTimeoutMs" | "onReplaced"> = {},
  ) {
    this.now = options.clock ?? Date.now;
    this.busyTimeoutMs = options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
    this.onReplaced = options.onReplaced;
    if (!db.memory) {
      const { dev, ino } = statSync(db.name);
      this.file = { dev, ino };
    }
    try {
      configure(db);
      // From now on a locked database answers at once, and `call` retries without blocking the event loop.
      db.pragma("busy_timeout = 0");
    } catch (error) {
      throw openError(error, db.name);
    }
    this.statements = prepareStatements(db);
    const s = this.statements;

    this.claimTx = db.transaction(
      (guildId: string, localDate: string, nonce: string, fence: LeaseFence): ClaimResult => {
        if (!isLive(s.getLease.get(fence.name), fence.epoch, fence.now)) {
          throw new LeaseLostError(fenceLostMessage("claimPost", fence));
        }
        const existing = s.getPost.get(guildId, localDate);
        if (existing?.state === "sent" && existing.message_id !== null) {
          return { status: "already-sent", nonce: existing.nonce, messageId: existing.message_id };
        }
        const reminder = s.reminderState.get(guildId);
        if (reminder === undefined || reminder.enabled !== 1 || reminder.paused_reason !== null) {
          return { status: "inactive" };
        }
        if (existing !== undefined) {
          const ours = existing.lease_name === fence.name && existing.lease_epoch === fence.epoch;
          if (!ours && existing.lease_name !== null && existing.lease_epoch !== null) {
            // Made under another live lease (another shard layout, or a misconfiguration): its maker may be
            // sending it now. Under a lease that expired or changed hands, its maker can no longer send.
            if (isLive(s.getLease.get(existing.lease_name), existing.lease_epoch, fence.now)) {
              return { status: "held", claimedAt: existing.claimed_at };
            }
          }
          // Counting the retry is a write: on a full or read-only disk it fails, and the caller does not re-send.
          s.bumpAttempts.run({ guildId, localDate, name: fence.name, epoch: fence.epoch });
          return {
            status: "pending",
            nonce: existing.nonce,
            attempts: existing.attempts + 1,
            claimedAt: existing.claimed_at,
          };
        }
        const claimedAt = this.now();
        s.insertClaim.run({ guildId, localDate, nonce, claimedAt, name: fence.name, epoch: fence.epoch });
        return { status: "claimed", nonce, attempts: 1, claimedAt };
      },
    );

    this.markTx = db.transaction(
      (
        guildId: string,
        localDate: string,
        messageId: string,
        channelId: string,
        fence: LeaseFence,
      ): boolean => {
        const now = this.now();
        const marked =
          s.markSent.run({
            guildId,
            localDate,
            messageId,
            channelId,
            now,
            name: fence.name,
            epoch: fence.epoch,
          }).changes > 0;
        if (!marked) {
          const existing = s.getPost.get(guildId, localDate);
          return existing?.state === "sent" && existing.message_id === messageId;
        }
        s.recordLastPost.run({ guildId, localDate, messageId, now });
        return true;
      },
    );

    // The write and the read-back in one transaction: the row returned is the row committed.
    this.upsertTx = db.transaction((input: ReminderUpsert): Reminder => {
      s.upsertReminder.run({
        guildId: input.guildId,
        channelId: input.channelId,
        time: input.time,
        timeZone: input.timeZone,
        roleId: input.roleId,
        dayOffset: input.dayOffset,
        startOverride: input.startOverride,
        language: input.language,
        placeName: input.place?.name ?? null,
        placeCountry: input.place?.country ?? null,
        latitude: input.place?.latitude ?? null,
        longitude: input.place?.longitude ?? null,
        method: input.method,
        polarConvention: input.polarConvention,
        nextDueAt: input.nextDueAt,
        by: input.by,
        now: this.now(),
      });
      const row = s.getReminder.get(input.guildId);
      if (row === undefined)
        throw new StorageError("storage: upsertReminder: the row is missing after the write", undefined);
      return toReminder(row);
    });

    this.slotTx = db.transaction(
      (name: string, intervalMs: number, now: number, claim: FencedClaim | undefined): number => {
        if (claim) {
          const { guildId, localDate, fence } = claim;
          const held = s.claimUnderLiveFence.get({
            guildId,
            localDate,
            name: fence.name,
            epoch: fence.epoch,
            now: fence.now,
          });
          if (held === undefined) throw new LeaseLostError(fenceLostMessage("reserveSlot", fence));
        }
        s.reserveSlot.run({ name, intervalMs, now });
        const row = s.getSlot.get(name);
        if (row === undefined) throw new StorageError("storage: reserveSlot: the bucket vanished", undefined);
        return row.next_at - intervalMs;
      },
    );

    this.leaseTx = db.transaction(
      (name: string, ownerId: string, ttlMs: number, now: number): LeaseResult => {
        const expiresAt = now + ttlMs;
        if (s.acquireLease.run({ name, ownerId, now, expiresAt }).changes > 0) {
          const taken = s.getLease.get(name);
          if (taken === undefined) {
            throw new StorageError(
              "storage: acquireLease: lease row vanished inside a transaction",
              undefined,
            );
          }
          return { acquired: true, expiresAt, epoch: taken.epoch };
        }
        const holder = s.getLease.get(name);
        if (holder === undefined) {
          throw new StorageError("storage: acquireLease: lease row vanished inside a transaction", undefined);
        }
        return { acquired: false, holder: holder.owner_id, expiresAt: holder.expires_at };
      },
    );
  }

  upsertReminder(input: ReminderUpsert): Promise<Reminder> {
    return this.call("upsertReminder", () => {
      checkUpsert(input);
      return this.upsertTx.immediate(input);
    });
  }

  getReminder(guildId: string): Promise<Reminder | null> {
    return this.call("getReminder", () => {
      checkSnowflake("guildId", guildId);
      const row = this.statements.getReminder.get(guildId);
      return row === undefined ? null : toReminder(row);
    });
  }

  disableReminder(guildId: string, by: string): Promise<boolean> {
    return this.call("disableReminder", () => {
      checkSnowflake("guildId", guildId);
      checkSnowflake("by", by);
      return this.statements.disableReminder.run({ guildId, by, now: this.now() }).changes > 0;
    });
  }

  deleteGuild(guildId: string): Promise<boolean> {
    return this.call("deleteGuild", () => {
      checkSnowflake("guildId", guildId);
      // The ledger goes with it through ON DELETE CASCADE.
      return this.statements.deleteReminder.run(guildId).changes > 0;
    });
  }

  pauseReminder(guildId: string, reason: string): Promise<boolean> {
    return this.call("pauseReminder", () => {
      checkSnowflake("guildId", guildId);
      const text = boundedText("reason", reason);
      return this.statements.pauseReminder.run({ guildId, reason: text, now: this.now() }).changes > 0;
    });
  }

  recordError(guildId: string, message: string): Promise<boolean> {
    return this.call("recordError", () => {
      checkSnowflake("guildId", guildId);
      const text = boundedText("message", message);
      return this.statements.recordError.run({ guildId, message: text, now: this.now() }).changes > 0;
    });
  }

  setNextDueAt(guildId: string, nextDueAt: number | null, ifRevision?: number): Promise<boolean> {
    return this.call("setNextDueAt", () => {
      checkSnowflake("guildId", guildId);
      if (nextDueAt !== null) checkEpoch("nextDueAt", nextDueAt);
      if (ifRevision !== undefined && !Number.isSafeInteger(ifRevision)) {
        throw new RangeError(`storage: ifRevision must be an integer, got ${ifRevision}`);
      }
      return (
        this.statements.setNextDueAt.run({ guildId, nextDueAt, ifRevision: ifRevision ?? null }).changes > 0
      );
    });
  }

  dueReminders(now: number, shard: ShardFilter, limit?: number): Promise<Reminder[]> {
    return this.call("dueReminders", () => {
      checkEpoch("now", now);
      checkShard(shard);
      checkLimit(limit);
      // LIMIT -1 is SQLite for "no limit".
      const rows = this.statements.due.all({ now, count: shard.count, shard: shard.id, limit: limit ?? -1 });
      return rows.map(toReminder);
    });
  }

  claimPost(guildId: string, localDate: string, nonce: string, fence: LeaseFence): Promise<ClaimResult> {
    return this.call("claimPost", () => {
      checkSnowflake("guildId", guildId);
      checkDate("localDate", localDate);
      checkNonce(nonce);
      checkFence(fence);
      return this.claimTx.immediate(guildId, localDate, nonce, fence);
    });
  }

  markPosted(
    guildId: string,
    localDate: string,
    messageId: string,
    channelId: string,
    fence: LeaseFence,
  ): Promise<boolean> {
    return this.call("markPosted", () => {
      checkSnowflake("guildId", guildId);
      checkDate("localDate", localDate);
      checkSnowflake("messageId", messageId);
      checkSnowflake("channelId", channelId);
      checkFence(fence);
      return this.markTx.immediate(guildId, localDate, messageId, channelId, fence);
    });
  }

  releaseClaim(guildId: string, localDate: string, fence: LeaseFence): Promise<boolean> {
    return this.call("releaseClaim", () => {
      checkSnowflake("guildId", guildId);
      checkDate("localDate", localDate);
      checkFence(fence);
      return (
        this.statements.releaseClaim.run({ guildId, localDate, name: fence.name, epoch: fence.epoch })
          .changes > 0
      );
    });
  }

  lastPost(guildId: string): Promise<PostRecord | null> {
    return this.call("lastPost", () => {
      checkSnowflake("guildId", guildId);
      return toPostRecord(this.statements.lastPost.get(guildId));
    });
  }

  recordFeedback(vote: FeedbackVote): Promise<void> {
    return this.call("recordFeedback", () => {
      checkVote(vote);
      this.statements.upsertVote.run({
        questionKey: vote.questionKey,
        userId: vote.userId,
        articleId: vote.articleId,
        paragraph: vote.paragraph,
        helpful: vote.helpful ? 1 : 0,
        now: this.now(),
      });
    });
  }

  feedbackTotals(): Promise<FeedbackTotals> {
    return this.call("feedbackTotals", () => {
      let helpful = 0;
      let notHelpful = 0;
      const byAnswer = this.statements.feedbackTotals.all().map((row) => {
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
    });
  }

  acquireLease(ownerId: string, ttlMs: number, now: number, name = DEFAULT_LEASE): Promise<LeaseResult> {
    return this.call("acquireLease", () => {
      checkLeaseArgs(ownerId, ttlMs, now);
      return this.leaseTx.immediate(name, ownerId, ttlMs, now);
    });
  }

  renewLease(ownerId: string, ttlMs: number, now: number, name = DEFAULT_LEASE): Promise<boolean> {
    return this.call("renewLease", () => {
      checkLeaseArgs(ownerId, ttlMs, now);
      return this.statements.renewLease.run({ name, ownerId, now, expiresAt: now + ttlMs }).changes > 0;
    });
  }

  releaseLease(ownerId: string, name = DEFAULT_LEASE): Promise<boolean> {
    return this.call("releaseLease", () => this.statements.releaseLease.run(name, ownerId).changes > 0);
  }

  checkLease(fence: LeaseFence): Promise<LeaseCheck> {
    return this.call("checkLease", () => {
      checkFence(fence);
      const lease = this.statements.getLease.get(fence.name);
      if (isLive(lease, fence.epoch, fence.now) && lease) {
        return { held: true, remainingMs: lease.expires_at - fence.now };
      }
      return { held: false, holder: lease && lease.expires_at > fence.now ? lease.owner_id : null };
    });
  }

  liveLeases(now: number): Promise<LiveLease[]> {
    return this.call("liveLeases", () =>
      this.statements.liveLeases.all(now).map((row) => ({
        name: row.name,
        ownerId: row.owner_id,
        acquiredAt: row.acquired_at,
        expiresAt: row.expires_at,
      })),
    );
  }

  reserveSlot(name: string, intervalMs: number, now: number, claim?: FencedClaim): Promise<number> {
    return this.call("reserveSlot", () => {
      checkSlot(name, intervalMs, now);
      if (claim) {
        checkSnowflake("guildId", claim.guildId);
        checkDate("localDate", claim.localDate);
        checkFence(claim.fence);
      }
      return this.slotTx.immediate(name, intervalMs, now, claim);
    });
  }

  get location(): string {
    return this.db.name;
  }

  close(): Promise<void> {
    try {
      if (this.db.open) this.db.close();
      return Promise.resolve();
    } catch (error) {
      return Promise.reject(toStorageError(error, "close"));
    }
  }

  /**
   * A restore (or a move by hand) can put another file at the database's path while this connection keeps the
   * old one open: every later write would go to a file nobody reads. Checked before every call (one stat).
   */
  private checkFile(operation: string): void {
    if (this.replaced) throw this.replaced;
    if (!this.file) return;
    const now = statSync(this.db.name, { throwIfNoEntry: false });
    if (now && now.dev === this.file.dev && now.ino === this.file.ino) return;
    this.replaced = new StorageReplacedError(
      `storage: ${operation}: ${this.db.name} was ${now ? "replaced by another file" : "moved or deleted"} while this process had it open (a restore, or a file moved by hand); nothing was done. Start the bot again to use the file now at that path`,
      "REPLACED",
    );
    this.onReplaced?.(this.replaced);
    throw this.replaced;
  }

  /**
   * Runs one unit of work (a statement or a transaction). While another connection holds the lock it retries
   * with growing, jittered waits until `busyTimeoutMs` has passed, then rejects with StorageBusyError; every
   * other failure rejects at once. The waits are timers, never a busy wait: other interactions go on meanwhile.
   */
  private async call<T>(operation: string, work: () => T): Promise<T> {
    const deadline = performance.now() + this.busyTimeoutMs;
    for (let attempt = 0; ; attempt++) {
      try {
        if (!this.db.open) throw new StorageError(`storage: ${operation}: the database is closed`, undefined);
        this.checkFile(operation);
        return work();
      } catch (error) {
        const failure = withNextStep(toStorageError(error, operation), this.db.name);
        const wait =
          Math.min(MAX_RETRY_WAIT_MS, FIRST_RETRY_WAIT_MS * 2 ** attempt) * (0.5 + Math.random() / 2);
        if (!(failure instanceof StorageBusyError) || performance.now() + wait >= deadline) throw failure;
        await sleep(wait);
      }
    }
  }
}

/** Connection settings, then schema: migrations on a writable connection, a version check on a read-only one. */
function configure(db: Database.Database): void {
  db.pragma("foreign_keys = ON");
  if (db.readonly) {
    const version = schemaVersion(db);
    if (version !== latestVersion) {
      throw new StorageError(
        `storage: ${db.name} has schema version ${version} but this build needs ${latestVersion}; ` +
          "start the bot on it once (read-write) to migrate",
        undefined,
      );
    }
    return;
  }
  const mode = db.pragma("journal_mode = WAL", { simple: true });
  if (mode !== "wal" && !db.memory) {
    throw new StorageError(
      `storage: ${db.name}: could not enable WAL (journal_mode is ${String(mode)}); ` +
        "the database must be on a local filesystem",
      undefined,
    );
  }
  db.pragma("synchronous = FULL");
  // Without a limit the WAL file keeps the size of its largest burst forever.
  db.pragma("journal_size_limit = 67108864");
  runMigrations(db);
}

type Statements = ReturnType<typeof prepareStatements>;

function prepareStatements(db: Database.Database) {
  return {
    // No RETURNING on writes: better-sqlite3's get() stops at the first row and resets the statement, which
    // discards an error the write meets after it (a full disk), so a write would look saved and not be.
    upsertReminder: db.prepare<
      {
        guildId: string;
        channelId: string;
        time: string;
        timeZone: string;
        roleId: string | null;
        dayOffset: number;
        startOverride: string | null;
        language: string;
        placeName: string | null;
        placeCountry: string | null;
        latitude: number | null;
        longitude: number | null;
        method: string | null;
        polarConvention: string | null;
        nextDueAt: number | null;
        by: string;
        now: number;
      },
      ReminderRow
    >(`
      INSERT INTO reminders (guild_id, channel_id, time, time_zone, role_id, day_offset, start_override,
        language, place_name, place_country, latitude, longitude, method, polar_convention, enabled,
        next_due_at, created_by, created_at, updated_by, updated_at)
      VALUES (@guildId, @channelId, @time, @timeZone, @roleId, @dayOffset, @startOverride,
        @language, @placeName, @placeCountry, @latitude, @longitude, @method, @polarConvention, 1,
        @nextDueAt, @by, @now, @by, @now)
      ON CONFLICT (guild_id) DO UPDATE SET
        channel_id = excluded.channel_id, time = excluded.time, time_zone = excluded.time_zone,
        role_id = excluded.role_id, day_offset = excluded.day_offset, start_override = excluded.start_override,
        language = excluded.language, place_name = excluded.place_name, place_country = excluded.place_country,
        latitude = excluded.latitude, longitude = excluded.longitude, method = excluded.method,
        polar_convention = excluded.polar_convention,
        enabled = 1, paused_reason = NULL, paused_at = NULL, last_error = NULL, last_error_at = NULL,
        next_due_at = excluded.next_due_at, revision = revision + 1,
        updated_by = excluded.updated_by, updated_at = excluded.updated_at`),
    getReminder: db
      .prepare<[string], ReminderValues>(`SELECT ${REMINDER_SELECT} FROM reminders WHERE guild_id = ?`)
      .raw(true),
    reminderState: db.prepare<[string], Pick<ReminderRow, "enabled" | "paused_reason">>(
      "SELECT enabled, paused_reason FROM reminders WHERE guild_id = ?",
    ),
    disableReminder: db.prepare<{ guildId: string; by: string; now: number }>(`
      UPDATE reminders SET enabled = 0, next_due_at = NULL, revision = revision + 1,
        updated_by = @by, updated_at = @now
      WHERE guild_id = @guildId`),
    deleteReminder: db.prepare<[string]>("DELETE FROM reminders WHERE guild_id = ?"),
    pauseReminder: db.prepare<{ guildId: string; reason: string; now: number }>(
      "UPDATE reminders SET paused_reason = @reason, paused_at = @now WHERE guild_id = @guildId",
    ),
    recordError: db.prepare<{ guildId: string; message: string; now: number }>(
      "UPDATE reminders SET last_error = @message, last_error_at = @now WHERE guild_id = @guildId",
    ),
    // A disabled reminder keeps next_due_at NULL (a CHECK enforces it), so only enabled rows are updated.
    setNextDueAt: db.prepare<{ guildId: string; nextDueAt: number | null; ifRevision: number | null }>(`
      UPDATE reminders SET next_due_at = @nextDueAt
      WHERE guild_id = @guildId AND enabled = 1 AND (@ifRevision IS NULL OR revision = @ifRevision)`),
    due: db
      .prepare<{ now: number; count: number; shard: number; limit: number }, ReminderValues>(
        DUE_REMINDERS_SQL,
      )
      .raw(true),

    getPost: db.prepare<[string, string], PostRow>(
      "SELECT * FROM posts WHERE guild_id = ? AND local_date = ?",
    ),
    // A retry counts, and the claim now carries the fence of whoever retries it.
    bumpAttempts: db.prepare<{ guildId: string; localDate: string; name: string; epoch: number }>(`
      UPDATE posts SET attempts = attempts + 1, lease_name = @name, lease_epoch = @epoch
      WHERE guild_id = @guildId AND local_date = @localDate AND state = 'pending'`),
    insertClaim: db.prepare<{
      guildId: string;
      localDate: string;
      nonce: string;
      claimedAt: number;
      name: string;
      epoch: number;
    }>(`
      INSERT INTO posts (guild_id, local_date, nonce, state, attempts, claimed_at, lease_name, lease_epoch)
      VALUES (@guildId, @localDate, @nonce, 'pending', 1, @claimedAt, @name, @epoch)`),
    markSent: db.prepare<{
      guildId: string;
      localDate: string;
      messageId: string;
      channelId: string;
      now: number;
      name: string;
      epoch: number;
    }>(`
      UPDATE posts SET state = 'sent', sent_at = @now, message_id = @messageId, channel_id = @channelId
      WHERE guild_id = @guildId AND local_date = @localDate AND state = 'pending'
        AND lease_name = @name AND lease_epoch = @epoch`),
    claimUnderLiveFence: db.prepare<
      { guildId: string; localDate: string; name: string; epoch: number; now: number },
      { one: number }
    >(`
      SELECT 1 AS one FROM posts JOIN leases ON leases.name = posts.lease_name AND leases.epoch = posts.lease_epoch
      WHERE posts.guild_id = @guildId AND posts.local_date = @localDate AND posts.state = 'pending'
        AND posts.lease_name = @name AND posts.lease_epoch = @epoch AND leases.expires_at > @now`),
    // Posts can be marked out of order (a late retry of yesterday); the reminder shows the newest.
    recordLastPost: db.prepare<{ guildId: string; localDate: string; messageId: string; now: number }>(`
      UPDATE reminders SET last_posted_local_date = @localDate, last_message_id = @messageId,
        last_posted_at = @now, last_error = NULL, last_error_at = NULL
      WHERE guild_id = @guildId AND (last_posted_local_date IS NULL OR last_posted_local_date <= @localDate)`),
    releaseClaim: db.prepare<{ guildId: string; localDate: string; name: string; epoch: number }>(`
      DELETE FROM posts WHERE guild_id = @guildId AND local_date = @localDate AND state = 'pending'
        AND lease_name = @name AND lease_epoch = @epoch`),
    lastPost: db.prepare<[string], PostRow>(
      "SELECT * FROM posts WHERE guild_id = ? AND state = 'sent' ORDER BY local_date DESC LIMIT 1",
    ),

    upsertVote: db.prepare<{
      questionKey: string;
      userId: string;
      articleId: string;
      paragraph: number;
      helpful: number;
      now: number;
    }>(`
      INSERT INTO feedback_votes (question_key, user_id, article_id, paragraph, helpful, voted_at)
      VALUES (@questionKey, @userId, @articleId, @paragraph, @helpful, @now)
      ON CONFLICT (question_key, user_id) DO UPDATE SET
        article_id = excluded.article_id, paragraph = excluded.paragraph,
        helpful = excluded.helpful, voted_at = excluded.voted_at
      -- The same vote again (a double click) writes nothing and keeps the time of the real vote.
      WHERE article_id <> excluded.article_id OR paragraph <> excluded.paragraph OR helpful <> excluded.helpful`),
    feedbackTotals: db.prepare<[], TotalRow>(`
      SELECT question_key, article_id, paragraph,
        SUM(helpful) AS helpful, COUNT(*) - SUM(helpful) AS not_helpful
      FROM feedback_votes
      GROUP BY question_key, article_id, paragraph
      ORDER BY question_key, article_id, paragraph`),

    // Takes the lease when it is free, ours, or expired; otherwise the WHERE leaves the holder's row untouched.
    // Our own live lease keeps its epoch; anything else is a new tenure, with the next epoch.
    acquireLease: db.prepare<{ name: string; ownerId: string; now: number; expiresAt: number }>(`
      INSERT INTO leases (name, owner_id, acquired_at, expires_at, epoch)
      VALUES (@name, @ownerId, @now, @expiresAt, 1)
      ON CONFLICT (name) DO UPDATE SET
        epoch = CASE WHEN owner_id = excluded.owner_id AND expires_at > excluded.acquired_at
          THEN epoch ELSE epoch + 1 END,
        acquired_at = CASE WHEN owner_id = excluded.owner_id AND expires_at > excluded.acquired_at
          THEN acquired_at ELSE excluded.acquired_at END,
        owner_id = excluded.owner_id,
        expires_at = excluded.expires_at
      WHERE owner_id = excluded.owner_id OR expires_at <= excluded.acquired_at`),
    getLease: db.prepare<[string], LeaseRow>("SELECT owner_id, expires_at, epoch FROM leases WHERE name = ?"),
    liveLeases: db.prepare<
      [number],
      { name: string; owner_id: string; acquired_at: number; expires_at: number }
    >("SELECT name, owner_id, acquired_at, expires_at FROM leases WHERE expires_at > ? ORDER BY name"),
    // An expired lease is not renewed: its owner may have been paused while another took it and let it go.
    renewLease: db.prepare<{ name: string; ownerId: string; now: number; expiresAt: number }>(
      "UPDATE leases SET expires_at = @expiresAt WHERE name = @name AND owner_id = @ownerId AND expires_at > @now",
    ),
    // The row stays, expired, so the epoch never goes back: a woken process's old fence stays refused.
    releaseLease: db.prepare<[string, string]>(
      "UPDATE leases SET expires_at = 0 WHERE name = ? AND owner_id = ? AND expires_at > 0",
    ),

    // The bucket's next free slot moves on by one interval from now, or from the last reservation if later.
    reserveSlot: db.prepare<{ name: string; intervalMs: number; now: number }>(`
      INSERT INTO rate_slots (name, next_at) VALUES (@name, @now + @intervalMs)
      ON CONFLICT (name) DO UPDATE SET next_at = MAX(next_at, @now) + @intervalMs`),
    getSlot: db.prepare<[string], { next_at: number }>("SELECT next_at FROM rate_slots WHERE name = ?"),
  };
}

const NEXT_STEP: Readonly<Record<string, string>> = {
  SQLITE_CORRUPT:
    "the file is damaged: restore a backup with `talks-bot restore FILE`, or move it away to start afresh",
  SQLITE_NOTADB:
    "the file is not a SQLite database: check DATABASE_PATH, or move the file away to start afresh",
  SQLITE_CANTOPEN:
    "the file or its folder cannot be opened: check DATABASE_PATH and the folder's permissions",
  SQLITE_READONLY: "the file is read-only: give the bot write access to it and its folder",
  SQLITE_FULL: "the disk is full: free some space",
};

/** A storage failure that needs a person, with the file's name and what to do about it. */
function withNextStep(failure: unknown, path: string): unknown {
  if (!(failure instanceof StorageError) || failure instanceof StorageBusyError) return failure;
  const key = Object.keys(NEXT_STEP).find((code) => failure.code?.startsWith(code));
  if (!key || failure.message.includes(path)) return failure;
  return new StorageError(`${failure.message}; ${path}: ${NEXT_STEP[key]}`, failure.code, {
    cause: failure.cause,
  });
}

/** An error opening the database file, naming it and saying what to do next. */
function openError(error: unknown, path: string): unknown {
  const failure = toStorageError(error, "open");
  if (!(failure instanceof StorageError) || failure instanceof StorageBusyError) return failure;
  const key = Object.keys(NEXT_STEP).find((code) => failure.code?.startsWith(code));
  if (key && failure.message.endsWith(NEXT_STEP[key] ?? "")) return failure;
  const message = failure.message.replace(/^storage: open( [^:]*)?:/, `storage: open ${path}:`);
  return new StorageError(key ? `${message}; ${NEXT_STEP[key]}` : message, failure.code, {
    cause: failure.cause,
  });
}

/**
 * Maps driver errors to the storage error types and keeps the driver's code; our own errors and argument
 * errors pass through unchanged.
 */
function toStorageError(error: unknown, operation: string): unknown {
  if (error instanceof StorageError || error instanceof RangeError || error instanceof LeaseLostError)
    return error;
  if (error instanceof Database.SqliteError) {
    if (/^SQLITE_(BUSY|LOCKED)/.test(error.code)) {
      return new StorageBusyError(
        `storage: ${operation}: the database is locked by another connection; try again`,
        error.code,
        { cause: error },
      );
    }
    return new StorageError(`storage: ${operation}: ${error.message} (${error.code})`, error.code, {
      cause: error,
    });
  }
  if (error instanceof Error) {
    const code = "code" in error && typeof error.code === "string" ? error.code : undefined;
    return new StorageError(`storage: ${operation}: ${error.message}`, code, { cause: error });
  }
  return new StorageError(`storage: ${operation}: ${String(error)}`, undefined, { cause: error });
}
