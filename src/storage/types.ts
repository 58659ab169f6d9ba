/**
 * The bot's persistent state behind one small interface: reminder settings per guild, the posting ledger that
 * makes each daily post exactly-once, `/ask` feedback votes, and the single-instance lease.
 *
 * Every method returns a Promise even though the SQLite implementation is synchronous underneath, so a
 * networked database can replace it without touching commands or the scheduler. Callers must not rely on two
 * calls being atomic together: each method is atomic on its own, and the ledger is designed around that.
 */

/** What a moderator sets with `/reminders set`. Ids are Discord snowflakes as decimal strings. */
export interface ReminderSettings {
  readonly guildId: string;
  readonly channelId: string;
  /** Local wall-clock time of the daily post, `HH:MM` from 00:00 to 23:59. */
  readonly time: string;
  /** Canonical IANA zone, e.g. `Asia/Riyadh`. */
  readonly timeZone: string;
  /** Role to mention, or null for none. */
  readonly roleId: string | null;
  /** Shift of the Ramadan day count for local moon sighting, -2..2. */
  readonly dayOffset: number;
  /** First day of fasting (`YYYY-MM-DD`) when the guild does not follow the default, else null. */
  readonly startOverride: string | null;
  /** The catalog code of the posts' language ("en", "ar", "he"). */
  readonly language: string;
  /** A city picked for sunset and prayer times; null for the zone's principal location. */
  readonly place: ReminderPlace | null;
  /** A prayer-time calculation method picked by a moderator (adhan's name); null for the region's usual one. */
  readonly method: string | null;
  /**
   * How days with no sunset are timed, picked by a moderator (adhan's `PolarCircleResolution` name); null for
   * the default (the nearest latitude where the sun sets).
   */
  readonly polarConvention: string | null;
}

/** Where a server's sunset and prayer times are computed. */
export interface ReminderPlace {
  readonly name: string;
  /** ISO 3166 code, where known. */
  readonly country: string | null;
  readonly latitude: number;
  readonly longitude: number;
}

/** Input of {@link Storage.upsertReminder}. */
export interface ReminderUpsert extends ReminderSettings {
  /** User id of the moderator who ran the command. */
  readonly by: string;
  /** UTC epoch ms of the next daily slot under these settings (computed by the schedule code), or null. */
  readonly nextDueAt: number | null;
}

/** A stored reminder: the settings plus state kept by the bot. Times are UTC epoch ms. */
export interface Reminder extends ReminderSettings {
  readonly enabled: boolean;
  /** Set when Discord refused a post for a reason a moderator must fix (e.g. missing permissions). */
  readonly pausedReason: string | null;
  readonly pausedAt: number | null;
  /** Last transient failure (outage, 5xx); does not stop posting. Cleared by a successful post. */
  readonly lastError: string | null;
  readonly lastErrorAt: number | null;
  /** Next slot the scheduler will post at; null when disabled or not yet computed. */
  readonly nextDueAt: number | null;
  /**
   * Incremented by every moderator change (`upsertReminder`, `disableReminder`); the scheduler passes the
   * revision it computed from to {@link Storage.setNextDueAt} so a stale computation cannot overwrite a
   * newer setting.
   */
  readonly revision: number;
  readonly createdBy: string;
  readonly createdAt: number;
  readonly updatedBy: string;
  readonly updatedAt: number;
  readonly lastPostedLocalDate: string | null;
  readonly lastMessageId: string | null;
  readonly lastPostedAt: number | null;
}

/** The shard asking for work: it owns guilds with `(guild_id >> 22) % count == id`. */
export interface ShardFilter {
  readonly id: number;
  readonly count: number;
}

/**
 * A lease's fencing token: the lease's name and its epoch, which grows by one each time the lease changes
 * hands (another owner, or the same one after it had expired). A claim is stamped with the fence it was made
 * under; the statements that lead to a send (claiming, reserving the send slot, marking sent, releasing) act
 * only for the fence the claim carries, and only while that lease is live. A process that was paused past its
 * lease and woke up still holds the old epoch: whatever it tries is refused.
 */
export interface LeaseFence {
  /** The lease's name (`bot`, `bot:shard:1/3`). */
  readonly name: string;
  /** The epoch {@link Storage.acquireLease} returned. */
  readonly epoch: number;
  /** When the fence is presented, on the clock the lease's times are kept on (what `acquireLease` was given). */
  readonly now: number;
}

/** A claim on a post, with the fence it must still carry: what {@link Storage.reserveSlot} checks. */
export interface FencedClaim {
  readonly guildId: string;
  readonly localDate: string;
  readonly fence: LeaseFence;
}

/**
 * Thrown by the fenced statements when the fence is no longer live (the lease expired, or another process
 * took it over), or the claim now carries another process's fence. Nothing was written: the caller must not
 * send, and leaves the post to the lease's holder.
 */
export class LeaseLostError extends Error {
  override readonly name = "LeaseLostError";
}

/**
 * Outcome of {@link Storage.claimPost}:
 * - `claimed`: this caller owns the post; send it with `nonce`, then `markPosted` (or `releaseClaim` if the
 *   request never reached Discord).
 * - `pending`: an earlier claim was never marked sent (crash, or the mark failed). Re-send with the returned
 *   (stored) nonce so Discord's `enforce_nonce` drops a duplicate, but only while `claimedAt` is inside
 *   Discord's nonce window; after that the caller gives up on the day. `attempts` counts the claims.
 * - `already-sent`: nothing to do.
 * - `inactive`: the reminder was removed, disabled or paused since it was found due; do not send.
 * - `held`: another process holds the claim under its own live lease, and may be sending it now: leave it. A
 *   claim under a lease that expired or changed hands is taken over instead (stamped with the caller's fence
 *   and handed back as `pending`): its maker can no longer send.
 */
export type ClaimResult =
  | {
      readonly status: "claimed" | "pending";
      readonly nonce: string;
      readonly attempts: number;
      /** When the post was first claimed (the clock's epoch ms): how old a pending send may be. */
      readonly claimedAt: number;
    }
  | { readonly status: "already-sent"; readonly nonce: string; readonly messageId: string }
  | { readonly status: "inactive" }
  | { readonly status: "held"; readonly claimedAt: number };

/** A posted daily message, as recorded in the ledger. */
export interface PostRecord {
  readonly guildId: string;
  readonly localDate: string;
  readonly nonce: string;
  readonly messageId: string;
  readonly channelId: string;
  readonly claimedAt: number;
  readonly sentAt: number;
  readonly attempts: number;
}

/** One member's vote on an `/ask` answer. */
export interface FeedbackVote {
  /** The question as asked, lowercased with spaces collapsed (at most 200 characters). */
  readonly questionKey: string;
  readonly articleId: string;
  /** 1-based paragraph number the answer cited. */
  readonly paragraph: number;
  readonly helpful: boolean;
  readonly userId: string;
}

/** Vote counts for one answer (question + cited paragraph). */
export interface FeedbackAnswerTotal {
  readonly questionKey: string;
  readonly articleId: string;
  readonly paragraph: number;
  readonly helpful: number;
  readonly notHelpful: number;
}

/** All votes counted, overall and per answer. */
export interface FeedbackTotals {
  readonly helpful: number;
  readonly notHelpful: number;
  /** Ordered by question, article, paragraph. */
  readonly byAnswer: readonly FeedbackAnswerTotal[];
}

/** Outcome of {@link Storage.acquireLease}; a refusal names the holder so the process can say who runs. */
export type LeaseResult =
  | { readonly acquired: true; readonly expiresAt: number; readonly epoch: number }
  | { readonly acquired: false; readonly holder: string; readonly expiresAt: number };

/** A lease that is live: who holds it, since when and until when (on the caller's clock). */
export interface LiveLease {
  /** The lease's name (`bot`, `bot:shard:1/3`). */
  readonly name: string;
  /** The holder's owner id, `host:pid:nonce`. */
  readonly ownerId: string;
  /** When the holder took it (a holder that renews keeps its time). */
  readonly acquiredAt: number;
  readonly expiresAt: number;
}

/** Outcome of {@link Storage.checkLease}. */
export type LeaseCheck =
  | {
      readonly held: true;
      /** How long the lease still runs, by the database's clock (the server's on PostgreSQL). */
      readonly remainingMs: number;
    }
  | {
      readonly held: false;
      /** Who holds the lease now (null when nobody does); it may be the caller, under a newer epoch. */
      readonly holder: string | null;
    };

/** The bot's storage. See the module comment for the async contract. */
export interface Storage {
  /**
   * Creates or replaces the guild's reminder in one statement (concurrent moderators: last write wins, never a
   * mix of both). Re-enables it and clears any pause and last error: setting it again is how a moderator
   * confirms a fix. Keeps the creation fields and last-post fields.
   */
  upsertReminder(input: ReminderUpsert): Promise<Reminder>;
  getReminder(guildId: string): Promise<Reminder | null>;
  /** Turns posting off but keeps the settings; clears `nextDueAt`. False when the guild has no reminder. */
  disableReminder(guildId: string, by: string): Promise<boolean>;
  /** The bot left the guild: removes its reminder and ledger. False when there was nothing to remove. */
  deleteGuild(guildId: string): Promise<boolean>;
  /** Stops posting until a moderator sets the reminder again; `reason` is shown by `/reminders show`. */
  pauseReminder(guildId: string, reason: string): Promise<boolean>;
  /** Records a transient failure for `/reminders show`; posting continues. */
  recordError(guildId: string, message: string): Promise<boolean>;
  /**
   * Stores the next slot of an enabled reminder. With `ifRevision`, applies only if no moderator changed the
   * reminder since that revision was read. False when nothing was updated.
   */
  setNextDueAt(guildId: string, nextDueAt: number | null, ifRevision?: number): Promise<boolean>;
  /**
   * Enabled, unpaused reminders of guilds owned by `shard` whose `nextDueAt <= now`, earliest first, at most
   * `limit` (default: all). Served from an index; pass a limit near what one tick can post, since reading
   * every guild after a long outage costs time in row reads, not in the search.
   */
  dueReminders(now: number, shard: ShardFilter, limit?: number): Promise<Reminder[]>;

  /**
   * Claims the guild's post for `localDate` (`YYYY-MM-DD`) under `fence`; `nonce` is at most 25 characters.
   * Rejects with LeaseLostError, claiming nothing, when the fence's lease is not live.
   */
  claimPost(guildId: string, localDate: string, nonce: string, fence: LeaseFence): Promise<ClaimResult>;
  /**
   * Marks a claimed post sent and updates the reminder's last-post fields. Idempotent for the same message;
   * false when there is no claim under `fence` (released, taken over by another process, or the guild was
   * deleted meanwhile), or the post was marked sent with another message.
   */
  markPosted(
    guildId: string,
    localDate: string,
    messageId: string,
    channelId: string,
    fence: LeaseFence,
  ): Promise<boolean>;
  /**
   * Drops a pending claim made under `fence` after a send that certainly did not reach Discord. Never drops a
   * sent post, nor a claim another process has taken over.
   */
  releaseClaim(guildId: string, localDate: string, fence: LeaseFence): Promise<boolean>;
  /** The guild's most recent sent post. */
  lastPost(guildId: string): Promise<PostRecord | null>;

  /** One vote per user per question; voting again replaces the earlier vote (also a different paragraph). */
  recordFeedback(vote: FeedbackVote): Promise<void>;
  feedbackTotals(): Promise<FeedbackTotals>;

  /**
   * Takes the single-instance lease if it is free, already ours, or expired (`expiresAt <= now`: the holder
   * crashed). The holder must renew before `ttlMs` runs out. The epoch returned is the lease's fencing token:
   * it stays the same while the same owner keeps the lease live, and grows when the lease changes hands or is
   * taken again after it expired.
   */
  acquireLease(ownerId: string, ttlMs: number, now: number, name?: string): Promise<LeaseResult>;
  /**
   * Extends our live lease; false when it is no longer ours, or it expired (a pause, or renewals that failed
   * for a whole lifetime): the owner must take it again (a new epoch) or stop, never go on under the old one.
   */
  renewLease(ownerId: string, ttlMs: number, now: number, name?: string): Promise<boolean>;
  /**
   * Gives the lease up on clean shutdown (it expires at once; its epoch is kept, so the next holder's is
   * newer); false when it was not ours.
   */
  releaseLease(ownerId: string, name?: string): Promise<boolean>;
  /** Whether `fence` is still the live lease, and for how long, by the database's clock. */
  checkLease(fence: LeaseFence): Promise<LeaseCheck>;
  /**
   * Every lease live at `now` (not expired, not released), by name: the processes running on this database
   * (`talks-bot reload` finds the ones on its host this way).
   */
  liveLeases(now: number): Promise<LiveLease[]>;

  /**
   * Reserves the next send in a rate budget shared by every process on this database (a leaky bucket with
   * no burst: one send per `intervalMs`, in the order of reservation). Returns the epoch ms at which the
   * caller may send, `now` or later; the caller waits until then. Every process's daily posts draw from one
   * budget, so all of them together stay under Discord's global limit. On PostgreSQL the slots are kept on
   * the server's clock and handed back on the caller's, so hosts whose clocks disagree still share it evenly.
   * With `claim`, the slot is reserved only while that claim is pending under its fence and the fence's lease
   * is live; otherwise it rejects with LeaseLostError and reserves nothing.
   */
  reserveSlot(name: string, intervalMs: number, now: number, claim?: FencedClaim): Promise<number>;

  /** Where the data lives, for messages: the SQLite file, or the PostgreSQL server and database. */
  readonly location: string;

  /** Closes the database; later calls reject with a StorageError. Idempotent. */
  close(): Promise<void>;
}

/**
 * A storage failure that is not the caller's fault: disk full, read-only file, corruption, I/O error.
 * `code` is the driver's code (e.g. `SQLITE_FULL`, `SQLITE_READONLY`) when there is one.
 */
export class StorageError extends Error {
  override readonly name: string = "StorageError";
  constructor(
    message: string,
    readonly code: string | undefined,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/**
 * The database stayed locked by another connection beyond the busy timeout. Nothing was written; a command
 * should tell the user to try again, the scheduler retries on its next tick.
 */
export class StorageBusyError extends StorageError {
  override readonly name: string = "StorageBusyError";
}

/**
 * PostgreSQL cancelled the statement: it waited longer than `lock_timeout` for a lock another session holds,
 * or ran longer than `statement_timeout`; or every pooled connection stayed busy that long. Nothing was
 * applied (the transaction rolled back): try again. The server was reachable all along.
 */
export class StorageTimeoutError extends StorageBusyError {
  override readonly name: string = "StorageTimeoutError";
}

/**
 * The database server could not be reached, or the connection broke during the call: the write may or may
 * not have been applied. A command says so and suggests trying again (and checking); the scheduler retries on
 * its next tick, where the posting ledger and the nonce keep a post from going out twice.
 */
export class StorageUnavailableError extends StorageError {
  override readonly name: string = "StorageUnavailableError";
}

/**
 * The SQLite file this process opened is no longer the file at its path (a restore or a move replaced it):
 * nothing was done, since a write would land in a file nobody reads any more. The process must stop and start
 * again on the file now at the path.
 */
export class StorageReplacedError extends StorageError {
  override readonly name: string = "StorageReplacedError";
}
