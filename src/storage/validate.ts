/**
 * The arguments every storage backend checks before it touches the database: arguments no caller should
 * pass, rejected as RangeErrors (inside the returned Promise), the same for SQLite and PostgreSQL.
 */
import { truncate } from "../text/truncate.js";
import type { FeedbackVote, LeaseFence, ReminderUpsert, ShardFilter } from "./types.js";

/** Discord's nonce limit. */
export const MAX_NONCE_LENGTH = 25;
/** Error texts come from Discord and stack traces; a cap keeps rows and `/status` output bounded. */
const MAX_TEXT_LENGTH = 1000;
const SNOWFLAKE_LIMIT = 2n ** 63n;

export function checkSnowflake(name: string, value: string): void {
  if (!/^\d{1,20}$/.test(value) || BigInt(value) >= SNOWFLAKE_LIMIT) {
    throw new RangeError(
      `storage: ${name} must be a snowflake (decimal digits below 2^63), got ${JSON.stringify(value)}`,
    );
  }
}

export function checkDate(name: string, value: string): void {
  if (!/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/.test(value)) {
    throw new RangeError(`storage: ${name} must be a date YYYY-MM-DD, got ${JSON.stringify(value)}`);
  }
}

export function checkEpoch(name: string, value: number): void {
  if (!Number.isSafeInteger(value))
    throw new RangeError(`storage: ${name} must be epoch milliseconds, got ${value}`);
}

export function checkLeaseArgs(ownerId: string, ttlMs: number, now: number): void {
  if (ownerId === "") throw new RangeError("storage: lease ownerId must not be empty");
  if (!Number.isSafeInteger(ttlMs) || ttlMs < 1)
    throw new RangeError(`storage: ttlMs must be positive, got ${ttlMs}`);
  checkEpoch("now", now);
}

export function boundedText(name: string, value: string): string {
  if (value.trim() === "") throw new RangeError(`storage: ${name} must not be empty`);
  return truncate(value, MAX_TEXT_LENGTH);
}

export function checkUpsert(input: ReminderUpsert): void {
  checkSnowflake("guildId", input.guildId);
  checkSnowflake("channelId", input.channelId);
  if (input.roleId !== null) checkSnowflake("roleId", input.roleId);
  checkSnowflake("by", input.by);
  if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(input.time)) {
    throw new RangeError(
      `storage: time must be HH:MM from 00:00 to 23:59, got ${JSON.stringify(input.time)}`,
    );
  }
  if (input.timeZone.trim() === "") throw new RangeError("storage: timeZone must not be empty");
  if (!Number.isInteger(input.dayOffset) || input.dayOffset < -2 || input.dayOffset > 2) {
    throw new RangeError(`storage: dayOffset must be a whole number from -2 to 2, got ${input.dayOffset}`);
  }
  if (input.startOverride !== null) checkDate("startOverride", input.startOverride);
  if (!/^[a-zA-Z-]{2,16}$/.test(input.language))
    throw new RangeError(`storage: language must be a language code, got ${JSON.stringify(input.language)}`);
  const place = input.place;
  if (
    place !== null &&
    (place.name.trim() === "" || !(Math.abs(place.latitude) <= 90) || !(Math.abs(place.longitude) <= 180))
  ) {
    throw new RangeError(`storage: place must have a name and coordinates, got ${JSON.stringify(place)}`);
  }
  if (input.polarConvention !== null && !/^[A-Za-z]{1,32}$/.test(input.polarConvention)) {
    throw new RangeError(
      `storage: polarConvention must be a convention's name, got ${JSON.stringify(input.polarConvention)}`,
    );
  }
  if (input.nextDueAt !== null) checkEpoch("nextDueAt", input.nextDueAt);
}

export function checkShard(shard: ShardFilter): void {
  if (!Number.isInteger(shard.count) || shard.count < 1 || !Number.isInteger(shard.id) || shard.id < 0) {
    throw new RangeError(`storage: invalid shard ${JSON.stringify(shard)}`);
  }
  if (shard.id >= shard.count) throw new RangeError(`storage: shard id ${shard.id} >= count ${shard.count}`);
}

export function checkLimit(limit: number | undefined): void {
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) {
    throw new RangeError(`storage: limit must be a positive integer, got ${limit}`);
  }
}

export function checkNonce(nonce: string): void {
  if (nonce.length < 1 || nonce.length > MAX_NONCE_LENGTH) {
    throw new RangeError(`storage: nonce must be 1-${MAX_NONCE_LENGTH} characters, got ${nonce.length}`);
  }
}

export function checkVote(vote: FeedbackVote): void {
  if (vote.questionKey === "") throw new RangeError("storage: questionKey must not be empty");
  if (vote.articleId === "") throw new RangeError("storage: articleId must not be empty");
  if (!Number.isInteger(vote.paragraph) || vote.paragraph < 1) {
    throw new RangeError(`storage: paragraph must be a positive integer, got ${vote.paragraph}`);
  }
  checkSnowflake("userId", vote.userId);
}

export function checkSlot(name: string, intervalMs: number, now: number): void {
  if (name === "") throw new RangeError("storage: a rate bucket needs a name");
  if (!(intervalMs > 0) || !Number.isFinite(intervalMs))
    throw new RangeError(`storage: intervalMs must be positive, got ${intervalMs}`);
  checkEpoch("now", now);
}

export function checkFence(fence: LeaseFence): void {
  if (typeof fence !== "object" || fence === null || fence.name === "")
    throw new RangeError("storage: a lease fence needs the lease's name");
  if (!Number.isSafeInteger(fence.epoch) || fence.epoch < 1)
    throw new RangeError(`storage: a lease fence's epoch must be a positive integer, got ${fence.epoch}`);
  checkEpoch("fence.now", fence.now);
}

/** Why a fenced statement refused, for the LeaseLostError it throws. */
export function fenceLostMessage(operation: string, fence: LeaseFence): string {
  return `storage: ${operation}: the lease ${fence.name} (epoch ${fence.epoch}) is no longer this process's: it expired or another process took it over; nothing was done`;
}
