import { createRequire } from "node:module";
import type { ScheduledTask } from "node-cron";
import { localParts } from "../calendar/time.js";
import type { Config } from "../config.js";
import type { Corpus } from "../corpus/types.js";
import { langFor } from "../i18n/index.js";
import type { Logger } from "../logger.js";
import { PostError } from "../post-error.js";
import {
  type LeaseFence,
  LeaseLostError,
  type Reminder,
  type ShardFilter,
  type Storage,
} from "../storage/types.js";
import type { Markup, Reply } from "../views/card.js";
import { evaluateDue, slotAfterLocalDate } from "./due.js";
import { awaitSendSlot, type PaceClock, type SlotClaim } from "./pace.js";
import { reminderNonce, reminderPost } from "./post.js";

/** A re-send of an unconfirmed post is safe only inside Discord's nonce window ("a few minutes"). */
const NONCE_WINDOW_MS = 4 * 60_000;
/** How many posts are in flight at once; discord.js's queue paces them to the global rate limit. */
const CONCURRENCY = 16;
/**
 * Posts of every process together start evenly at this rate, under Discord's global 50 requests/s per bot
 * (counted across all its shards): bursts would fill discord.js's queue and delay the edits and follow-ups
 * that interactions need in the same second. The budget lives in the database ({@link Storage.reserveSlot}),
 * so three processes on three hosts share one 45/s, not 45/s each.
 */
const POSTS_PER_SECOND = 45;
/** How soon a pass that could not finish is retried. */
const RETRY_AFTER_MS = 5000;
/** The shared budget's name in the database. */
const SEND_BUDGET = "discord:global";
/** Due reminders read per tick; more wait for the next minute (their grace window covers that). */
const BATCH = 2000;

/**
 * Sends a daily post with its nonce (Discord drops a second message with the same nonce); rejects with a
 * PostError saying whether a moderator must act, nothing was posted, or the post may exist.
 */
export type SendPost = (channelId: string, post: Reply, nonce: string) => Promise<{ id: string }>;

/**
 * The lease this process posts under (src/lease keeps it): every claim is stamped with its fence, and every
 * send is confirmed with the database just before it leaves. A process that was paused past its lease, or
 * lost it, sends nothing.
 */
export interface PostingLease {
  /** The fence to stamp a claim with now; throws LeaseLostError while the lease is not confirmed. */
  fence(): LeaseFence;
  /** Aborted when the claims made so far must be dropped (a pause noticed, the lease lost). */
  claims(): AbortSignal;
  /** Resolves when a send may leave now (checked on the database's clock); rejects with LeaseLostError. */
  confirm(): Promise<void>;
}

export interface SchedulerOptions {
  readonly storage: Storage;
  readonly corpus: Corpus;
  readonly config: Pick<Config, "ramadanStart" | "reminderGraceMs">;
  readonly logger: Logger;
  readonly now: () => Date;
  /** Which guilds this process posts for (sharded deployments). */
  readonly shard: () => ShardFilter;
  readonly send: SendPost;
  /** The lease that fences claims and sends. */
  readonly lease: PostingLease;
  /** How the posts are written (the surface's markup: Discord's). */
  readonly markup: Markup;
  /** The real time that send slots are waited for in (default the system clock; tests stall it). */
  readonly paceClock?: PaceClock;
  /** Sends started per second, by all processes on this database together (default 45). */
  readonly postsPerSecond?: number;
  /**
   * After a pass that could not finish (the database or Discord unreachable), the next pass comes this soon
   * instead of at the next minute (default 5 s), so an outage delays posts by seconds.
   */
  readonly retryAfterMs?: number;
}

export interface TickReport {
  readonly posted: string[];
  readonly skipped: string[];
  readonly paused: string[];
  readonly failed: string[];
  /** Claimed by another process under its live lease, and not yet confirmed: looked at again soon. */
  readonly inFlight: string[];
  /**
   * Left unsent because this process could not confirm its lease (a pause noticed, the lease lost or being
   * checked again): whoever holds the lease posts them, this process itself once it is confirmed again.
   */
  readonly dropped: string[];
  /** The due reminders could not be read (the database unreachable): nothing was tried. */
  readonly unread?: boolean;
}

type Outcome = "posted" | "skipped" | "paused" | "failed" | "inFlight" | "dropped" | "none";

/**
 * Posts each guild's daily countdown exactly once per local date.
 *
 * Every minute (node-cron, UTC, no overlap) it asks storage for reminders whose `nextDueAt` has come, claims
 * the (guild, local date) post in the ledger, sends it with a deterministic nonce, marks it sent, and moves
 * the reminder to the next day's slot. A crash anywhere in between cannot post twice: a claim that was
 * never marked is re-sent with the same nonce only while Discord still dedupes it, and skipped after that.
 * Claims carry the lease's fence, so a process that was frozen and woke up after another took its lease over
 * can neither reserve a send slot nor send (see {@link PostingLease}).
 */
export class ReminderScheduler {
  #task: ScheduledTask | undefined;
  #running: Promise<TickReport> | undefined;
  #retry: NodeJS.Timeout | undefined;

  constructor(private readonly options: SchedulerOptions) {}

  start(): void {
    if (this.#task) return;
    // Loaded here, once the bot is connected, rather than with the module: it is not needed to answer.
    const { schedule } = createRequire(import.meta.url)("node-cron") as typeof import("node-cron");
    this.#task = schedule("* * * * *", () => this.#scheduledTick(), {
      timezone: "Etc/UTC",
      noOverlap: true,
      name: "talks-bot-reminders",
    });
  }

  /** A tick from the timer: when it could not finish, another soon rather than at the next minute. */
  async #scheduledTick(): Promise<void> {
    const report = await this.tick();
    const unfinished =
      report.failed.length > 0 || report.inFlight.length > 0 || report.dropped.length > 0 || report.unread;
    if (!this.#task || this.#retry || !unfinished) return;
    this.#retry = setTimeout(() => {
      this.#retry = undefined;
      void this.#scheduledTick();
    }, this.options.retryAfterMs ?? RETRY_AFTER_MS);
    this.#retry.unref();
  }

  /** Starts the timer and makes a first pass at once (catching up after a restart). */
  run(): void {
    this.start();
    void this.#scheduledTick();
  }

  async stop(): Promise<void> {
    clearTimeout(this.#retry);
    this.#retry = undefined;
    await this.#task?.stop();
    await this.#task?.destroy();
    this.#task = undefined;
    await this.#running?.catch(() => undefined);
  }

  /** One pass over the due reminders. Concurrent calls share the pass in progress. */
  tick(): Promise<TickReport> {
    if (!this.#running) {
      this.#running = this.#tick().finally(() => {
        this.#running = undefined;
      });
    }
    return this.#running;
  }

  async #tick(): Promise<TickReport> {
    const report: TickReport = {
      posted: [],
      skipped: [],
      paused: [],
      failed: [],
      inFlight: [],
      dropped: [],
    };
    let due: Reminder[];
    try {
      due = await this.options.storage.dueReminders(
        this.options.now().getTime(),
        this.options.shard(),
        BATCH,
      );
    } catch (error) {
      this.options.logger.warn({ err: error }, "reminders: could not read due reminders; retrying soon");
      return { ...report, unread: true };
    }
    let next = 0;
    // Many guilds share a zone, date and settings: each distinct post is built once per tick.
    const posts = new Map<string, Reply>();
    const spacingMs = 1000 / (this.options.postsPerSecond ?? POSTS_PER_SECOND);
    const pace = (claimed: SlotClaim) =>
      awaitSendSlot(this.options.storage, SEND_BUDGET, spacingMs, this.options.paceClock, claimed);
    const worker = async () => {
      while (next < due.length) {
        const reminder = due[next++];
        if (!reminder) continue;
        const outcome = await this.#process(reminder, posts, pace).catch((error: unknown) => {
          if (error instanceof LeaseLostError) return "dropped" as const;
          this.options.logger.error(
            { err: error, guildId: reminder.guildId },
            "reminders: unexpected failure",
          );
          return "failed" as const;
        });
        if (outcome !== "none") report[outcome].push(reminder.guildId);
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, due.length) }, worker));
    if (report.dropped.length > 0) {
      this.options.logger.warn(
        { dropped: report.dropped.length },
        "reminders: the lease could not be confirmed; these posts are left to whoever holds it",
      );
    }
    return report;
  }

  async #process(
    reminder: Reminder,
    posts: Map<string, Reply>,
    pace: (claimed: SlotClaim) => Promise<void>,
  ): Promise<Outcome> {
    const { storage, logger, config, lease } = this.options;
    const { guildId, timeZone, time } = reminder;
    if (reminder.nextDueAt === null) return "none";
    let slotAt = new Date(reminder.nextDueAt);
    let slotDate = localParts(slotAt, timeZone).date;
    const now = this.options.now();
    const nowLocalDate = localParts(now, timeZone).date;
    let skippedDays = 0;
    // A long outage can leave several slots behind: skip each missed day, post the current one if in grace.
    for (let guard = 0; guard < 400; guard++) {
      const decision = evaluateDue({
        now,
        slotAt,
        slotLocalDate: slotDate,
        graceMs: Math.max(1, config.reminderGraceMs),
        nowLocalDate,
      });
      if (decision.action === "wait") {
        if (skippedDays === 0) return "none";
        await storage.setNextDueAt(guildId, slotAt.getTime(), reminder.revision);
        return "skipped";
      }
      if (decision.action === "post") break;
      logger.warn(
        { guildId, localDate: slotDate, lateByMinutes: Math.round(decision.lateByMs / 60_000) },
        "reminders: slot missed beyond the grace window; skipping that day",
      );
      skippedDays++;
      const following = slotAfterLocalDate(slotDate, time, timeZone);
      slotAt = following.at;
      slotDate = following.localDate;
    }
    const advance = () =>
      storage.setNextDueAt(
        guildId,
        slotAfterLocalDate(slotDate, time, timeZone).at.getTime(),
        reminder.revision,
      );

    // Built before the claim: a post that cannot be built must not leave a claim behind.
    const postKey = [
      timeZone,
      slotDate,
      reminder.dayOffset,
      reminder.startOverride,
      reminder.roleId,
      reminder.language,
      reminder.place ? `${reminder.place.latitude},${reminder.place.longitude},${reminder.place.name}` : "",
      reminder.method,
      reminder.polarConvention,
    ].join("|");
    let message = posts.get(postKey);
    if (!message) {
      message = reminderPost({
        corpus: this.options.corpus,
        config,
        now,
        localDate: slotDate,
        timeZone,
        settings: reminder,
        markup: this.options.markup,
        lang: langFor(reminder.language),
      });
      posts.set(postKey, message);
    }
    // The claim is made under this process's fence; it throws LeaseLostError when the lease is not confirmed.
    const signal = lease.claims();
    const fence = lease.fence();
    const claim = await storage.claimPost(guildId, slotDate, reminderNonce(guildId, slotDate), fence);
    if (claim.status === "inactive") return "none";
    if (claim.status === "already-sent") {
      await advance();
      return "none";
    }
    // Another process claimed it under its own live lease and may be sending it now.
    if (claim.status === "held") return "inFlight";
    // Pending: this process's own earlier attempt, or a claim whose maker lost its lease and can no longer
    // send. Re-sent at once with its nonce, while Discord still dedupes it.
    if (claim.status === "pending" && now.getTime() - claim.claimedAt > NONCE_WINDOW_MS) {
      // The earlier attempt may have reached Discord, and its nonce no longer protects a re-send:
      // at most once wins over a duplicate.
      logger.warn(
        { guildId, localDate: slotDate },
        "reminders: an earlier post was never confirmed and is too old to re-send safely; skipping the day",
      );
      await advance();
      return "skipped";
    }

    // The send waits for its turn in the shared budget after the claim, so that it goes out on time: a claim
    // is a few database round trips whose delays would otherwise bunch posts past the budget.
    const fenced = () => ({ guildId, localDate: slotDate, fence: { ...lease.fence(), epoch: fence.epoch } });
    try {
      await pace({ claim: fenced, signal });
    } catch (error) {
      // The claim is dropped, not released: the lease's holder (this process, once confirmed) takes it over.
      if (error instanceof LeaseLostError) return "dropped";
      // Nothing was sent: a claim made just now is given back; an earlier attempt's stays, with its nonce.
      if (claim.status === "claimed") await storage.releaseClaim(guildId, slotDate, fence);
      logger.warn(
        { guildId, err: error instanceof Error ? error.message : String(error) },
        "reminders: no send slot this pass; retrying soon",
      );
      return "failed";
    }
    // The last word before the send: the lease is still this process's by the database's clock, the claim still
    // carries this fence (a new epoch means the claim may have changed hands), and no pause came between.
    await lease.confirm();
    if (signal.aborted || lease.fence().epoch !== fence.epoch) return "dropped";
    try {
      const sent = await this.options.send(reminder.channelId, message, claim.nonce);
      if (!(await storage.markPosted(guildId, slotDate, sent.id, reminder.channelId, fence))) {
        logger.warn(
          { guildId, localDate: slotDate, messageId: sent.id },
          "reminders: sent, but the claim is no longer this process's (the lease's new holder took it over, or the server was removed); it is recorded there, not here",
        );
        return "dropped";
      }
      await advance();
      logger.info({ guildId, localDate: slotDate, messageId: sent.id }, "reminders: posted");
      return "posted";
    } catch (error) {
      if (error instanceof LeaseLostError) return "dropped";
      const problem =
        error instanceof PostError
          ? error
          : new PostError(error instanceof Error ? error.message : String(error), "uncertain");
      if (problem.kind === "pause") {
        await storage.releaseClaim(guildId, slotDate, fence);
        await storage.pauseReminder(guildId, problem.reason ?? problem.message);
        logger.warn(
          { guildId, reason: problem.message },
          "reminders: paused until a moderator runs /reminders set",
        );
        return "paused";
      }
      // Nothing was created, so the next tick starts a fresh claim. An uncertain failure (a reset or a
      // timeout) may have posted: the claim stays, and its nonce guards the re-send.
      if (problem.kind === "rejected") await storage.releaseClaim(guildId, slotDate, fence);
      await storage.recordError(guildId, problem.message);
      logger.warn({ guildId, err: problem.message }, "reminders: post failed; retrying soon");
      return "failed";
    }
  }
}
