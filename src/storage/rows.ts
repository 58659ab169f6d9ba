/**
 * Rows as the backends read them, and their mapping to the Storage interface's records. SQLite stores
 * booleans as 0/1, PostgreSQL as booleans; epoch milliseconds are numbers in both (PostgreSQL's BIGINT is
 * parsed to a number by the pool). Reminders are read as arrays of values (see REMINDER_COLUMNS).
 */
import type { PostRecord, Reminder } from "./types.js";

/** The columns of a `reminders` row and their types (besides the computed `shard_key`). */
export interface ReminderRow {
  guild_id: string;
  channel_id: string;
  time: string;
  time_zone: string;
  role_id: string | null;
  day_offset: number;
  start_override: string | null;
  enabled: number | boolean;
  paused_reason: string | null;
  paused_at: number | null;
  last_error: string | null;
  last_error_at: number | null;
  next_due_at: number | null;
  revision: number;
  created_by: string;
  created_at: number;
  updated_by: string;
  updated_at: number;
  last_posted_local_date: string | null;
  last_message_id: string | null;
  last_posted_at: number | null;
  language: string;
  place_name: string | null;
  place_country: string | null;
  latitude: number | null;
  longitude: number | null;
  method: string | null;
  polar_convention: string | null;
}

export interface PostRow {
  guild_id: string;
  local_date: string;
  nonce: string;
  state: "pending" | "sent";
  attempts: number;
  claimed_at: number;
  sent_at: number | null;
  message_id: string | null;
  channel_id: string | null;
  /** The fence the claim was made under (null for claims made before fencing). */
  lease_name: string | null;
  lease_epoch: number | null;
}

/**
 * The `reminders` columns in the order every read of a reminder selects them. Both backends read reminders as
 * arrays of values in this order, not as objects: the scheduler reads up to 2,000 rows at once, and the
 * per-row objects set the due query's tail through garbage collection (README, "Benchmarks"). A test checks
 * that the list names every column of the table once, and that each column lands in its field.
 */
export const REMINDER_COLUMNS = [
  "guild_id",
  "channel_id",
  "time",
  "time_zone",
  "role_id",
  "day_offset",
  "start_override",
  "enabled",
  "paused_reason",
  "paused_at",
  "last_error",
  "last_error_at",
  "next_due_at",
  "revision",
  "created_by",
  "created_at",
  "updated_by",
  "updated_at",
  "last_posted_local_date",
  "last_message_id",
  "last_posted_at",
  "language",
  "place_name",
  "place_country",
  "latitude",
  "longitude",
  "method",
  "polar_convention",
] as const satisfies readonly (keyof ReminderRow)[];

/** {@link REMINDER_COLUMNS} as a select list. */
export const REMINDER_SELECT = REMINDER_COLUMNS.join(", ");

/** A `reminders` row as the values of {@link REMINDER_COLUMNS}, in that order. */
export type ReminderValues = ValuesOf<typeof REMINDER_COLUMNS>;
type ValuesOf<T extends readonly (keyof ReminderRow)[]> = {
  readonly [I in keyof T]: T[I] extends keyof ReminderRow ? ReminderRow[T[I]] : never;
};

/**
 * A row, read as the values of {@link REMINDER_COLUMNS}, as the Storage interface returns it. Indexed, not
 * destructured: destructuring goes through the array iterator, which allocates for every value of every row.
 */
export function toReminder(v: ReminderValues): Reminder {
  const placeName = v[22];
  const latitude = v[24];
  const longitude = v[25];
  return {
    guildId: v[0],
    channelId: v[1],
    time: v[2],
    timeZone: v[3],
    roleId: v[4],
    dayOffset: v[5],
    startOverride: v[6],
    language: v[21],
    place:
      placeName !== null && latitude !== null && longitude !== null
        ? { name: placeName, country: v[23], latitude, longitude }
        : null,
    method: v[26],
    polarConvention: v[27],
    enabled: v[7] === 1 || v[7] === true,
    pausedReason: v[8],
    pausedAt: v[9],
    lastError: v[10],
    lastErrorAt: v[11],
    nextDueAt: v[12],
    revision: v[13],
    createdBy: v[14],
    createdAt: v[15],
    updatedBy: v[16],
    updatedAt: v[17],
    lastPostedLocalDate: v[18],
    lastMessageId: v[19],
    lastPostedAt: v[20],
  };
}

/** A sent post as a record; null for no row or one not (yet) sent. */
export function toPostRecord(row: PostRow | undefined): PostRecord | null {
  if (row === undefined || row.sent_at === null || row.message_id === null || row.channel_id === null)
    return null;
  return {
    guildId: row.guild_id,
    localDate: row.local_date,
    nonce: row.nonce,
    messageId: row.message_id,
    channelId: row.channel_id,
    claimedAt: row.claimed_at,
    sentAt: row.sent_at,
    attempts: row.attempts,
  };
}
