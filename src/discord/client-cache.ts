import type { CacheFactory, ClientOptions } from "discord.js";
import { Collection, Options } from "./lib.js";

/**
 * What discord.js keeps in memory for talks-bot: only what the bot reads, which the README lists under "What
 * the bot keeps in memory". By default discord.js caches every channel, member, user, emoji, sticker, thread,
 * presence and voice state it hears of, and 200 messages per channel; with thousands of servers that is most
 * of the process's memory, and none of it is read here.
 *
 * Kept:
 * - servers (discord.js needs them for every interaction from a server; they cannot be limited);
 * - each server's roles: the permission check of `/reminders set` computes the bot's rights from them, and the
 *   `role` option is shown by name;
 * - the bot's own member in each server (its roles, for the same check) and its own user.
 *
 * Not kept: channels (`/reminders set` fetches the channel it is given, to check where it is and the bot's
 * permissions there; posts go through the REST API by id), other members and users (an interaction carries its member and user),
 * messages, threads, emojis, stickers, presences, voice states, invites, bans, scheduled events, stage
 * instances, auto-moderation rules, entitlements and application commands.
 */
const NOT_KEPT = [
  "ApplicationCommandManager",
  "ApplicationEmojiManager",
  "AutoModerationRuleManager",
  "BaseGuildEmojiManager",
  "DMMessageManager",
  "EntitlementManager",
  "GuildBanManager",
  "GuildEmojiManager",
  "GuildForumThreadManager",
  "GuildInviteManager",
  "GuildMessageManager",
  "GuildScheduledEventManager",
  "GuildStickerManager",
  "GuildTextThreadManager",
  "MessageManager",
  "PresenceManager",
  "ReactionManager",
  "ReactionUserManager",
  "StageInstanceManager",
  "ThreadManager",
  "ThreadMemberManager",
  "VoiceStateManager",
] as const;

/** True for the bot's own user or member: the only one of each kept. */
const isSelf = (entry: { id: string; client: { user: { id: string } | null } }): boolean =>
  entry.id === entry.client.user?.id;

const settings: Record<string, number | { maxSize: number; keepOverLimit: (value: never) => boolean }> = {
  ...Object.fromEntries(NOT_KEPT.map((name) => [name, 0])),
  GuildMemberManager: { maxSize: 0, keepOverLimit: isSelf },
  UserManager: { maxSize: 0, keepOverLimit: isSelf },
};

/** A collection that keeps nothing: `set` is ignored, so every lookup misses. */
class KeepsNothing<K, V> extends Collection<K, V> {
  override set(): this {
    return this;
  }
}

/** The two managers that hold channels: the client's, and each server's. */
const CHANNEL_MANAGERS = new Set(["ChannelManager", "GuildChannelManager"]);

/**
 * The client's cache settings. Channels are the one part discord.js calls unsupported to limit, because code
 * that reads `guild.channels.cache` finds nothing; talks-bot reads no channel from a cache (it fetches the one
 * it checks, and posts by id), and its end-to-end tests run with these settings. They get a collection that
 * keeps nothing rather than a limit of 0, which discord.js answers with a warning at every start.
 */
export function cacheOptions(): Pick<ClientOptions, "makeCache"> {
  // cacheWithLimits looks each manager up by name; its typings list only the managers it supports limiting.
  const limited = Options.cacheWithLimits(settings as Parameters<typeof Options.cacheWithLimits>[0]);
  const makeCache: CacheFactory = (managerType, holds, manager) =>
    CHANNEL_MANAGERS.has(manager.name)
      ? (new KeepsNothing() as ReturnType<CacheFactory>)
      : limited(managerType, holds, manager);
  return { makeCache };
}
