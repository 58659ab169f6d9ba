/**
 * Rows as both backends return them, and their mapping to the Storage interface's records. SQLite stores
 * booleans as 0/1, PostgreSQL as booleans; epoch milliseconds are numbers in both (PostgreSQL's BIGINT is
 * parsed to a number by the pool).
 */
import type { PostRecord, Reminder } from "./types.js";

/** A `reminders` row as SQLite returns it (`SELECT *` adds the computed `shard_key`). */
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
}

/** A row as the Storage interface returns it. */
export function toReminder(row: ReminderRow): Reminder {
  return {
    guildId: row.guild_id,
    channelId: row.channel_id,
    time: row.time,
    timeZone: row.time_zone,
    roleId: row.role_id,
    dayOffset: row.day_offset,
    startOverride: row.start_override,
    language: row.language,
    place:
      row.place_name !== null && row.latitude !== null && row.longitude !== null
        ? {
            name: row.place_name,
            country: row.place_country,
            latitude: row.latitude,
            longitude: row.longitude,
          }
        : null,
    method: row.method,
    enabled: row.enabled === 1 || row.enabled === true,
    pausedReason: row.paused_reason,
    pausedAt: row.paused_at,
    lastError: row.last_error,
    lastErrorAt: row.last_error_at,
    nextDueAt: row.next_due_at,
    revision: row.revision,
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedBy: row.updated_by,
    updatedAt: row.updated_at,
    lastPostedLocalDate: row.last_posted_local_date,
    lastMessageId: row.last_message_id,
    lastPostedAt: row.last_posted_at,
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
