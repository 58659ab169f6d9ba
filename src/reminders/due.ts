/**
 * When a daily reminder is due. Pure: the scheduler and storage call these and act on the answers.
 *
 * Each reminder stores the slot it is waiting for (`nextDueAt` plus the local date it belongs to), so the
 * minute tick only needs `WHERE next_due_at <= now`. After a slot is posted or skipped, the reminder moves to
 * the slot of the following local date, which is what guarantees at most one post per local date.
 */

import { addDaysToLocalDate, type LocalDate, localParts, zonedTimeToUtc } from "../calendar/time.js";
import { UserFacingError } from "../errors.js";

const MINUTE_MS = 60_000;

/** A validated daily time. */
export interface DailyTime {
  readonly hour: number;
  readonly minute: number;
  /** Normalized `HH:MM`, e.g. "07:30" for input "7:30". */
  readonly text: string;
}

/** A reminder slot: the local date it posts for and the instant it becomes due. */
export interface Slot {
  readonly localDate: LocalDate;
  readonly at: Date;
}

const DAILY_TIME_RE = /^([01]?\d|2[0-3]):([0-5]\d)$/;

/**
 * Parses a moderator's daily time: `H:MM` or `HH:MM`, 00:00–23:59, surrounding spaces ignored.
 * Rejects `24:00`, `7pm`, `07:60`, `7:5` and empty input with a UserFacingError.
 */
export function parseDailyTime(input: string): DailyTime {
  const m = DAILY_TIME_RE.exec(input.trim());
  if (m === null) throw new UserFacingError("time.error.format", { value: input.trim() });
  const hour = Number(m[1]);
  const minute = Number(m[2]);
  return { hour, minute, text: `${String(hour).padStart(2, "0")}:${String(minute).padStart(2, "0")}` };
}

/**
 * The instant of the slot for `localDate` at `time` in `timeZone`. A time inside a spring-forward gap posts
 * at the first valid minute after it (02:30 → 03:00 on a US spring-forward day); a time that occurs twice
 * on a fall-back day posts at the first occurrence only.
 */
export function slotFor(localDate: LocalDate, time: string, timeZone: string): Date {
  return zonedTimeToUtc(localDate, time, timeZone);
}

/** The slot of the local date after `localDate`: where a reminder goes once `localDate` is posted or skipped. */
export function slotAfterLocalDate(localDate: LocalDate, time: string, timeZone: string): Slot {
  const next = addDaysToLocalDate(localDate, 1);
  return { localDate: next, at: slotFor(next, time, timeZone) };
}

/**
 * The first slot for a reminder set (or changed) at `now`: today's if it is not yet past, counting the
 * current minute as not past (setting 07:30 at 07:30:40 posts right away), otherwise tomorrow's.
 */
export function firstSlotFrom(now: Date, time: string, timeZone: string): Slot {
  const today = localParts(now, timeZone).date;
  const at = slotFor(today, time, timeZone);
  if (at.getTime() + MINUTE_MS > now.getTime()) return { localDate: today, at };
  return slotAfterLocalDate(today, time, timeZone);
}

/** The first slot strictly after the instant `after`, whichever local date it belongs to. */
export function nextSlot(after: Date, time: string, timeZone: string): Slot {
  let localDate = localParts(after, timeZone).date;
  // A slot belongs to its own local date, so at most today's and tomorrow's need checking; the third step
  // only guards against zones that skipped a whole calendar day.
  for (let i = 0; i < 3; i++) {
    const at = slotFor(localDate, time, timeZone);
    if (at.getTime() > after.getTime()) return { localDate, at };
    localDate = addDaysToLocalDate(localDate, 1);
  }
  return { localDate, at: slotFor(localDate, time, timeZone) };
}

/** Input to {@link evaluateDue}: the pending slot and how late a post may still go out. */
export interface DueInput {
  readonly now: Date;
  readonly slotAt: Date;
  readonly slotLocalDate: LocalDate;
  /** How long after `slotAt` a post is still worth making (e.g. after a restart); must be positive. */
  readonly graceMs: number;
  /**
   * The local date at `now` in the reminder's zone. When given, a late post must still fall on its own
   * local day: a 23:30 slot missed until after midnight is skipped, not posted on the next day.
   */
  readonly nowLocalDate?: LocalDate;
}

/** What the scheduler should do with a pending slot on this tick. */
export type DueDecision =
  | { readonly action: "post"; readonly localDate: LocalDate }
  | { readonly action: "skip"; readonly localDate: LocalDate; readonly lateByMs: number }
  | { readonly action: "wait" };

/**
 * Decides a pending slot: "post" when `slotAt ≤ now < slotAt + graceMs`; "skip" when the grace window has
 * passed (the day is missed; log it and move on); "wait" before the slot. After "post" or "skip" the caller
 * stores {@link slotAfterLocalDate} of `slotLocalDate` and evaluates again, since a long outage can leave
 * several slots behind.
 */
export function evaluateDue(input: DueInput): DueDecision {
  const { now, slotAt, slotLocalDate, graceMs } = input;
  if (!Number.isFinite(graceMs) || graceMs <= 0) {
    throw new RangeError(`graceMs must be a positive number of milliseconds, got ${graceMs}`);
  }
  const nowMs = now.getTime();
  const slotMs = slotAt.getTime();
  if (nowMs < slotMs) return { action: "wait" };
  const sameDay = input.nowLocalDate === undefined || input.nowLocalDate === slotLocalDate;
  if (nowMs < slotMs + graceMs && sameDay) return { action: "post", localDate: slotLocalDate };
  return { action: "skip", localDate: slotLocalDate, lateByMs: nowMs - slotMs };
}
