/**
 * Channels over REST: a channel as Discord reports it now, a reply posted in one (held back when the lease is
 * not confirmed), and what Discord answered, as the bot's own PostError.
 */
import type { APIChannel, REST, RESTOptions } from "discord.js";
import { type PauseReason, PostError } from "../post-error.js";
import { LeaseLostError } from "../storage/types.js";
import type { Reply } from "../views/card.js";
import { ChannelType, DiscordAPIError, HTTPError, Routes } from "./lib.js";
import { postToChannel, toDiscordMessage } from "./render.js";

/** Discord errors that a moderator must fix: posting stops until `/reminders set` is run again. */
const PAUSING_CODES: ReadonlyMap<number, PauseReason> = new Map([
  [10003, "unknown-channel"],
  [10004, "unknown-guild"],
  [50001, "missing-access"],
  [50013, "missing-permissions"],
]);

/** Network failures that happen before a request reaches Discord (no connection was made). */
const NOT_SENT_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ENETUNREACH", "EHOSTUNREACH"]);

function neverSent(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && NOT_SENT_CODES.has(code)) return true;
  }
  return false;
}

/** Translates what Discord (or the network) answered into the bot's own terms (see PostError). */
export function toPostError(error: unknown): PostError {
  if (error instanceof DiscordAPIError) {
    const reason = typeof error.code === "number" ? PAUSING_CODES.get(error.code) : undefined;
    if (reason) return new PostError(`${error.code}: ${error.message}`, "pause", { cause: error, reason });
    if (error.status === 403 || error.status === 404)
      return new PostError(`${error.status}: ${error.message}`, "pause", {
        cause: error,
        reason: "forbidden",
      });
    return new PostError(`Discord answered ${error.status}: ${error.message}`, "rejected", { cause: error });
  }
  if (error instanceof HTTPError)
    return new PostError(`Discord answered ${error.status}`, "rejected", { cause: error });
  const message = error instanceof Error ? error.message : String(error);
  return new PostError(message, neverSent(error) ? "rejected" : "uncertain", { cause: error });
}

/** Posts a reply in a channel over REST (no buttons), with a nonce when given; rejects with a PostError. */
export async function postReply(
  rest: REST,
  channelId: string,
  reply: Reply,
  extra: { nonce?: string; enforce_nonce?: boolean } = {},
): Promise<{ id: string }> {
  try {
    return await postToChannel(rest, channelId, toDiscordMessage(reply, { withComponents: false }), extra);
  } catch (error) {
    // Refused before it left (see guardChannelPosts): nothing was sent, and it is not Discord's answer.
    if (error instanceof LeaseLostError) throw error;
    throw toPostError(error);
  }
}

const CHANNEL_MESSAGES = /\/channels\/\d+\/messages$/;

/**
 * Wraps discord.js's request function so that a message to a channel (the daily posts) is refused, the moment
 * before it would leave, when `mayWrite` says no: this process can no longer prove its lease is its own (it
 * was paused past it, or lost it). Runs for every attempt, retries included. Interaction replies pass.
 */
export function guardChannelPosts(
  makeRequest: RESTOptions["makeRequest"],
  mayWrite: () => boolean,
): RESTOptions["makeRequest"] {
  return (url, init) => {
    if (init.method === "POST" && CHANNEL_MESSAGES.test(new URL(url).pathname) && !mayWrite()) {
      return Promise.reject(
        new LeaseLostError(
          "discord: a channel post was held back: the lease is not confirmed; nothing was sent",
        ),
      );
    }
    return makeRequest(url, init);
  };
}

/** A channel as Discord reports it now (GET /channels/:id), or null when it does not exist or is hidden. */
export async function fetchChannel(rest: REST, channelId: string): Promise<APIChannel | null> {
  try {
    return (await rest.get(Routes.channel(channelId))) as APIChannel;
  } catch (error) {
    if (error instanceof DiscordAPIError && [403, 404].includes(error.status)) return null;
    throw error;
  }
}

/** Channel types a reminder can be posted in. */
export const POSTABLE_CHANNELS = [ChannelType.GuildText, ChannelType.GuildAnnouncement] as const;
