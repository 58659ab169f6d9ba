/**
 * The data model of the fake Discord: snowflakes, users, guilds, channels, roles, members, messages and
 * permissions, shaped like the JSON Discord sends so the real discord.js can cache them.
 */
import { randomBytes } from "node:crypto";
import { PermissionFlagsBits } from "discord.js";

/** Discord's epoch (2015-01-01T00:00:00Z) in milliseconds. */
export const DISCORD_EPOCH = 1_420_070_400_000;

/** Channel types the fake knows how to present (same numbers as Discord's `ChannelType`). */
export const ChannelKind = {
  GuildText: 0,
  DM: 1,
  GuildVoice: 2,
  GroupDM: 3,
  GuildCategory: 4,
  GuildAnnouncement: 5,
  AnnouncementThread: 10,
  PublicThread: 11,
  PrivateThread: 12,
  GuildStageVoice: 13,
  GuildForum: 15,
  GuildMedia: 16,
} as const;

const THREAD_TYPES = new Set<number>([
  ChannelKind.AnnouncementThread,
  ChannelKind.PublicThread,
  ChannelKind.PrivateThread,
]);
/** Channels a message can be posted into (voice and stage channels have a text chat). */
const MESSAGEABLE_TYPES = new Set<number>([
  ChannelKind.GuildText,
  ChannelKind.GuildVoice,
  ChannelKind.GuildAnnouncement,
  ChannelKind.GuildStageVoice,
  ...THREAD_TYPES,
]);

/** True for the three thread channel types. */
export function isThreadType(type: number): boolean {
  return THREAD_TYPES.has(type);
}

/** True when Discord accepts `POST /channels/:id/messages` for this channel type. */
export function isMessageableType(type: number): boolean {
  return MESSAGEABLE_TYPES.has(type);
}

let lastMs = 0;
let increment = 0;

/**
 * A unique snowflake id. `atMs` sets the timestamp part (defaults to now); ids stay unique and increasing
 * even when thousands are made in the same millisecond.
 */
export function snowflake(atMs: number = Date.now()): string {
  let ms = Math.max(Math.floor(atMs), lastMs);
  if (ms === lastMs) {
    increment += 1;
    if (increment > 0xfff) {
      ms += 1;
      increment = 0;
    }
  } else {
    increment = 0;
  }
  lastMs = ms;
  return ((BigInt(ms - DISCORD_EPOCH) << 22n) | (1n << 17n) | BigInt(increment)).toString();
}

/** The shard that owns a guild: `(guild_id >> 22) % shard_count`, as Discord routes it. */
export function shardOf(guildId: string, shardCount: number): number {
  return Number((BigInt(guildId) >> 22n) % BigInt(shardCount));
}

/** A fresh guild id that lands on shard `shardId` of `shardCount` (for multi-shard tests). */
export function guildIdForShard(shardId: number, shardCount: number): string {
  for (;;) {
    const id = snowflake();
    if (shardOf(id, shardCount) === shardId) return id;
    // Consecutive ids in the same millisecond share a shard; step the clock part instead.
    lastMs += 1;
  }
}

/** A random token in the shape of an interaction token (URL-safe, long). */
export function randomToken(): string {
  return `aW50ZXJhY3Rpb246${randomBytes(72).toString("base64url")}`;
}

/** A permission flag name as discord.js spells it, e.g. `"ManageGuild"`. */
export type PermissionName = keyof typeof PermissionFlagsBits;

/**
 * Permissions as a test likes to write them: a bitfield (bigint, number or decimal string), or a list of
 * flags and flag names (`["ViewChannel", "SendMessages"]`).
 */
export type PermissionsInput = bigint | number | string | readonly (bigint | PermissionName)[];

/** Every permission bit discord.js knows, OR-ed together. */
export const ALL_PERMISSIONS: bigint = Object.values(PermissionFlagsBits).reduce((a, b) => a | b, 0n);

/** Turns any {@link PermissionsInput} into a bitfield. */
export function toPermissionBits(input: PermissionsInput | undefined): bigint {
  if (input === undefined) return 0n;
  if (typeof input === "bigint") return input;
  if (typeof input === "number") return BigInt(input);
  if (typeof input === "string") return BigInt(input);
  let bits = 0n;
  for (const item of input) {
    bits |= typeof item === "bigint" ? item : PermissionFlagsBits[item];
  }
  return bits;
}

const P = PermissionFlagsBits;

/** Roughly what Discord gives `@everyone` in a new server. */
export const DEFAULT_EVERYONE_PERMISSIONS: bigint =
  P.CreateInstantInvite |
  P.AddReactions |
  P.Stream |
  P.ViewChannel |
  P.SendMessages |
  P.EmbedLinks |
  P.AttachFiles |
  P.ReadMessageHistory |
  P.MentionEveryone |
  P.UseExternalEmojis |
  P.Connect |
  P.Speak |
  P.UseVAD |
  P.ChangeNickname |
  P.UseApplicationCommands |
  P.RequestToSpeak |
  P.CreatePublicThreads |
  P.CreatePrivateThreads |
  P.UseExternalStickers |
  P.SendMessagesInThreads |
  P.UseEmbeddedActivities |
  P.SendVoiceMessages |
  P.SendPolls |
  P.UseExternalApps;

/** What a typical bot invite grants the bot's managed role: enough to post embeds. */
export const DEFAULT_BOT_PERMISSIONS: bigint =
  P.ViewChannel | P.SendMessages | P.EmbedLinks | P.ReadMessageHistory | P.SendMessagesInThreads;

/** A user object as Discord sends it. Extra fields pass through untouched. */
export interface FakeUser {
  id: string;
  username: string;
  global_name: string | null;
  discriminator: string;
  avatar: string | null;
  bot?: boolean;
  public_flags?: number;
  [extra: string]: unknown;
}

/** A permission overwrite on a channel: `type` 0 is a role, 1 a member. */
export interface FakeOverwrite {
  id: string;
  type: 0 | 1;
  allow: string;
  deny: string;
}

/** A guild channel (or thread) as Discord sends it in GUILD_CREATE / `GET /channels/:id`. */
export interface FakeChannel {
  id: string;
  type: number;
  name: string;
  guild_id: string;
  position: number;
  parent_id: string | null;
  permission_overwrites: FakeOverwrite[];
  [extra: string]: unknown;
}

/** A role as Discord sends it. */
export interface FakeRole {
  id: string;
  name: string;
  permissions: string;
  position: number;
  managed: boolean;
  mentionable: boolean;
  [extra: string]: unknown;
}

/** A guild member as Discord sends it in GUILD_CREATE. */
export interface FakeMember {
  user: FakeUser;
  roles: string[];
  nick: string | null;
  joined_at: string;
  [extra: string]: unknown;
}

/** The fake's live state of one guild. Mutate through the FakeDiscord helpers so the client hears of it. */
export interface FakeGuild {
  id: string;
  name: string;
  owner_id: string;
  preferred_locale: string;
  features: string[];
  channels: FakeChannel[];
  roles: FakeRole[];
  members: FakeMember[];
  /** False after the bot was removed (GUILD_DELETE without `unavailable`): REST answers 403 50001. */
  joined: boolean;
  /** False during a simulated outage (GUILD_DELETE with `unavailable: true`). */
  available: boolean;
}

/** A message as Discord sends it. */
export interface FakeMessage {
  id: string;
  channel_id: string;
  author: FakeUser;
  content: string;
  timestamp: string;
  edited_timestamp: string | null;
  embeds: EmbedData[];
  components: unknown[];
  attachments: unknown[];
  mentions: FakeUser[];
  mention_roles: string[];
  mention_everyone: boolean;
  flags: number;
  type: number;
  nonce?: string | number;
  webhook_id?: string;
  application_id?: string;
  interaction_metadata?: Record<string, unknown>;
  [extra: string]: unknown;
}

/** An embed as sent by the bot (only the fields the fake checks are typed). */
export interface EmbedData {
  title?: string;
  description?: string;
  url?: string;
  fields?: { name: string; value: string; inline?: boolean }[];
  footer?: { text: string; [extra: string]: unknown };
  author?: { name: string; [extra: string]: unknown };
  [extra: string]: unknown;
}

/** `allowed_mentions` as sent by the bot. */
export interface AllowedMentions {
  parse?: ("users" | "roles" | "everyone")[];
  users?: string[];
  roles?: string[];
  replied_user?: boolean;
}

/** Options for one channel of a {@link FakeGuildInit}. */
export interface FakeChannelInit {
  id?: string;
  name: string;
  /** Channel type number (0 text, 2 voice, 4 category, 5 announcement, 11 public thread, 15 forum …); default 0. */
  type?: number;
  parentId?: string;
  position?: number;
  topic?: string;
  nsfw?: boolean;
  permissionOverwrites?: readonly {
    id: string;
    type: "role" | "member" | 0 | 1;
    allow?: PermissionsInput;
    deny?: PermissionsInput;
  }[];
}

/** Options for one role of a {@link FakeGuildInit}. The `@everyone` role (id = guild id) is implied. */
export interface FakeRoleInit {
  id?: string;
  name: string;
  permissions?: PermissionsInput;
  position?: number;
  mentionable?: boolean;
  managed?: boolean;
}

/** Options for one member of a {@link FakeGuildInit}. */
export interface FakeMemberInit {
  user: Partial<FakeUser> & { id: string };
  roles?: readonly string[];
  nick?: string;
}

/** A guild the fake serves. Omitted parts get sensible defaults. */
export interface FakeGuildInit {
  id?: string;
  name?: string;
  /** Owner user id; defaults to a fresh id that is neither the bot nor the default test user. */
  ownerId?: string;
  preferredLocale?: string;
  features?: string[];
  /** Default: text `general`, announcement `announcements`, voice `Voice`, category `Info`, forum `forum`. */
  channels?: readonly FakeChannelInit[];
  roles?: readonly FakeRoleInit[];
  /** Permissions of `@everyone`; default {@link DEFAULT_EVERYONE_PERMISSIONS}. */
  everyonePermissions?: PermissionsInput;
  /** Extra members besides the bot. */
  members?: readonly FakeMemberInit[];
  /**
   * Role ids the bot's member holds. Default: a managed role named after the bot with
   * {@link DEFAULT_BOT_PERMISSIONS}, created for it.
   */
  botRoles?: readonly string[];
}

/** Builds a full user object from a partial one. */
export function makeUser(init: Partial<FakeUser> & { id: string }): FakeUser {
  return {
    username: `user${init.id.slice(-4)}`,
    global_name: null,
    discriminator: "0",
    avatar: null,
    public_flags: 0,
    ...init,
  };
}

/** Builds a role object. */
export function makeRole(init: FakeRoleInit & { id: string }): FakeRole {
  return {
    id: init.id,
    name: init.name,
    color: 0,
    colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
    hoist: false,
    icon: null,
    unicode_emoji: null,
    position: init.position ?? 1,
    permissions: toPermissionBits(init.permissions).toString(),
    managed: init.managed ?? false,
    mentionable: init.mentionable ?? false,
    flags: 0,
  };
}

/** Builds a guild member object. */
export function makeMember(user: FakeUser, roles: readonly string[], nick: string | null = null): FakeMember {
  return {
    user,
    roles: [...roles],
    nick,
    avatar: null,
    banner: null,
    joined_at: new Date(Date.now() - 86_400_000).toISOString(),
    premium_since: null,
    deaf: false,
    mute: false,
    pending: false,
    flags: 0,
    communication_disabled_until: null,
  };
}

function overwriteType(type: "role" | "member" | 0 | 1): 0 | 1 {
  return type === "member" || type === 1 ? 1 : 0;
}

/** Builds a channel object for a guild. */
export function makeChannel(guildId: string, init: FakeChannelInit, index: number): FakeChannel {
  const type = init.type ?? ChannelKind.GuildText;
  const channel: FakeChannel = {
    id: init.id ?? snowflake(),
    type,
    name: init.name,
    guild_id: guildId,
    position: init.position ?? index,
    parent_id: init.parentId ?? null,
    permission_overwrites: (init.permissionOverwrites ?? []).map((o) => ({
      id: o.id,
      type: overwriteType(o.type),
      allow: toPermissionBits(o.allow).toString(),
      deny: toPermissionBits(o.deny).toString(),
    })),
    flags: 0,
  };
  if (type === ChannelKind.GuildText || type === ChannelKind.GuildAnnouncement) {
    Object.assign(channel, {
      topic: init.topic ?? null,
      nsfw: init.nsfw ?? false,
      last_message_id: null,
      rate_limit_per_user: 0,
    });
  } else if (type === ChannelKind.GuildVoice || type === ChannelKind.GuildStageVoice) {
    Object.assign(channel, {
      bitrate: 64_000,
      user_limit: 0,
      rtc_region: null,
      nsfw: false,
      last_message_id: null,
      rate_limit_per_user: 0,
    });
  } else if (type === ChannelKind.GuildForum || type === ChannelKind.GuildMedia) {
    Object.assign(channel, {
      topic: init.topic ?? null,
      nsfw: init.nsfw ?? false,
      rate_limit_per_user: 0,
      available_tags: [],
      default_reaction_emoji: null,
      default_sort_order: null,
      default_forum_layout: 0,
      default_thread_rate_limit_per_user: 0,
      last_message_id: null,
    });
  } else if (isThreadType(type)) {
    Object.assign(channel, {
      owner_id: null,
      last_message_id: null,
      rate_limit_per_user: 0,
      message_count: 0,
      member_count: 1,
      total_message_sent: 0,
      thread_metadata: {
        archived: false,
        auto_archive_duration: 1440,
        archive_timestamp: new Date().toISOString(),
        locked: false,
        create_timestamp: new Date().toISOString(),
      },
    });
  }
  return channel;
}

/** Builds the fake's guild state from test options; the bot becomes a member. */
export function makeGuild(init: FakeGuildInit, bot: FakeUser): FakeGuild {
  const id = init.id ?? snowflake();
  const roles: FakeRole[] = [
    makeRole({
      id,
      name: "@everyone",
      position: 0,
      permissions: init.everyonePermissions ?? DEFAULT_EVERYONE_PERMISSIONS,
    }),
  ];
  for (const [i, role] of (init.roles ?? []).entries()) {
    if ((role.id ?? "") === id) {
      // A test may redefine @everyone explicitly; its permissions win.
      roles[0] = makeRole({ ...role, id, name: "@everyone", position: 0 });
      continue;
    }
    roles.push(makeRole({ ...role, id: role.id ?? snowflake(), position: role.position ?? i + 1 }));
  }
  let botRoles = init.botRoles;
  if (botRoles === undefined) {
    const botRole = makeRole({
      id: snowflake(),
      name: bot.username,
      permissions: DEFAULT_BOT_PERMISSIONS,
      position: roles.length,
      managed: true,
    });
    botRole.tags = { bot_id: bot.id };
    roles.push(botRole);
    botRoles = [botRole.id];
  }
  const channelInits: readonly FakeChannelInit[] = init.channels ?? [
    { name: "general", type: ChannelKind.GuildText },
    { name: "announcements", type: ChannelKind.GuildAnnouncement },
    { name: "Voice", type: ChannelKind.GuildVoice },
    { name: "Info", type: ChannelKind.GuildCategory },
    { name: "forum", type: ChannelKind.GuildForum },
  ];
  const channels = channelInits.map((c, i) => makeChannel(id, c, i));
  const members = [makeMember(bot, botRoles)];
  for (const m of init.members ?? []) {
    if (m.user.id === bot.id) {
      members[0] = makeMember(bot, m.roles ?? botRoles, m.nick ?? null);
      continue;
    }
    members.push(makeMember(makeUser(m.user), m.roles ?? [], m.nick ?? null));
  }
  return {
    id,
    name: init.name ?? "Test Guild",
    owner_id: init.ownerId ?? snowflake(),
    preferred_locale: init.preferredLocale ?? "en-US",
    features: init.features ?? [],
    channels,
    roles,
    members,
    joined: true,
    available: true,
  };
}

/** The GUILD_CREATE payload for a guild: everything discord.js needs to fill its caches. */
export function guildCreatePayload(guild: FakeGuild): Record<string, unknown> {
  const threads = guild.channels.filter((c) => isThreadType(c.type));
  const channels = guild.channels
    .filter((c) => !isThreadType(c.type))
    .map(({ guild_id: _omit, ...rest }) => rest);
  return {
    ...guildObject(guild),
    joined_at: new Date(Date.now() - 86_400_000).toISOString(),
    large: false,
    unavailable: false,
    member_count: guild.members.length,
    voice_states: [],
    members: guild.members,
    channels,
    threads,
    presences: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
    lazy: true,
  };
}

/** The guild object of `GET /guilds/:id` (no channels or members, as Discord sends it). */
export function guildObject(guild: FakeGuild): Record<string, unknown> {
  return {
    id: guild.id,
    name: guild.name,
    icon: null,
    icon_hash: null,
    splash: null,
    discovery_splash: null,
    banner: null,
    description: null,
    owner_id: guild.owner_id,
    region: "deprecated",
    afk_channel_id: null,
    afk_timeout: 300,
    widget_enabled: false,
    widget_channel_id: null,
    verification_level: 0,
    default_message_notifications: 0,
    explicit_content_filter: 0,
    roles: guild.roles,
    emojis: [],
    stickers: [],
    features: guild.features,
    mfa_level: 0,
    application_id: null,
    system_channel_id: null,
    system_channel_flags: 0,
    rules_channel_id: null,
    public_updates_channel_id: null,
    safety_alerts_channel_id: null,
    max_presences: null,
    max_members: 500_000,
    max_video_channel_users: 25,
    max_stage_video_channel_users: 50,
    vanity_url_code: null,
    premium_tier: 0,
    premium_subscription_count: 0,
    premium_progress_bar_enabled: false,
    preferred_locale: guild.preferred_locale,
    nsfw: false,
    nsfw_level: 0,
    hub_type: null,
    incidents_data: null,
  };
}

/** Options for {@link computePermissions}. */
export interface PermissionQuery {
  /** Role ids to use instead of the member's (or when the user is not a member). */
  roles?: readonly string[];
  /**
   * Apply Discord's implicit rules (no View Channel voids everything; no Send Messages voids embeds,
   * attachments and mentions). `app_permissions` and resolved channel `permissions` leave them out.
   * Default true.
   */
  implicit?: boolean;
}

/**
 * A user's permissions in a guild, or in one of its channels when `channel` is given, computed the way
 * Discord does: owner and Administrator get everything, then @everyone, role and member overwrites.
 */
export function computePermissions(
  guild: FakeGuild,
  userId: string,
  channel?: FakeChannel,
  query: PermissionQuery = {},
): bigint {
  if (guild.owner_id === userId) return ALL_PERMISSIONS;
  const member = guild.members.find((m) => m.user.id === userId);
  const roleIds = query.roles ?? member?.roles ?? [];
  const roleById = new Map(guild.roles.map((r) => [r.id, r]));
  let perms = BigInt(roleById.get(guild.id)?.permissions ?? "0");
  for (const roleId of roleIds) perms |= BigInt(roleById.get(roleId)?.permissions ?? "0");
  if ((perms & P.Administrator) !== 0n) return ALL_PERMISSIONS;
  if (!channel) return perms;

  // Threads take their permissions from the parent channel.
  const source =
    isThreadType(channel.type) && channel.parent_id
      ? (guild.channels.find((c) => c.id === channel.parent_id) ?? channel)
      : channel;
  const overwrites = source.permission_overwrites;
  const everyone = overwrites.find((o) => o.id === guild.id);
  if (everyone) perms = (perms & ~BigInt(everyone.deny)) | BigInt(everyone.allow);
  let allow = 0n;
  let deny = 0n;
  for (const o of overwrites) {
    if (o.type === 0 && o.id !== guild.id && roleIds.includes(o.id)) {
      allow |= BigInt(o.allow);
      deny |= BigInt(o.deny);
    }
  }
  perms = (perms & ~deny) | allow;
  const own = overwrites.find((o) => o.type === 1 && o.id === userId);
  if (own) perms = (perms & ~BigInt(own.deny)) | BigInt(own.allow);

  if (query.implicit ?? true) {
    if ((perms & P.ViewChannel) === 0n) return 0n;
    if ((perms & P.SendMessages) === 0n) {
      perms &= ~(P.SendTTSMessages | P.MentionEveryone | P.EmbedLinks | P.AttachFiles);
    }
  }
  return perms;
}

/** A channel by id among the guilds, with the guild it belongs to. */
export function lookupChannel(
  guilds: readonly FakeGuild[],
  id: string,
): { guild: FakeGuild; channel: FakeChannel } | undefined {
  for (const guild of guilds) {
    const channel = guild.channels.find((c) => c.id === id);
    if (channel) return { guild, channel };
  }
  return undefined;
}

/** Who a message pings, given its content, `allowed_mentions` and what the author may mention. */
export interface MentionResult {
  mentions: FakeUser[];
  mention_roles: string[];
  mention_everyone: boolean;
}

/** The mention types parsed when `allowed_mentions` is absent. */
export type DefaultMentionParse = readonly ("users" | "roles" | "everyone")[];

/**
 * Resolves the mentions a message really makes, as Discord does: `<@id>` users, `<@&id>` roles and
 * `@everyone`/`@here`, filtered by `allowed_mentions` (or `defaults` when absent) and by whether the
 * author may mention everyone / unmentionable roles.
 */
export function resolveMentions(
  content: string,
  allowed: AllowedMentions | undefined | null,
  defaults: DefaultMentionParse,
  context: {
    guild?: FakeGuild;
    mayMentionEveryone: boolean;
    lookupUser: (id: string) => FakeUser | undefined;
  },
): MentionResult {
  const parse = new Set(allowed ? (allowed.parse ?? []) : defaults);
  const userIds = new Set(allowed?.users ?? []);
  const roleIds = new Set(allowed?.roles ?? []);
  const mentions: FakeUser[] = [];
  for (const match of content.matchAll(/<@!?(\d{17,20})>/g)) {
    const id = match[1] ?? "";
    if (!parse.has("users") && !userIds.has(id)) continue;
    if (mentions.some((u) => u.id === id)) continue;
    mentions.push(context.lookupUser(id) ?? makeUser({ id }));
  }
  const mention_roles: string[] = [];
  for (const match of content.matchAll(/<@&(\d{17,20})>/g)) {
    const id = match[1] ?? "";
    if (!parse.has("roles") && !roleIds.has(id)) continue;
    const role = context.guild?.roles.find((r) => r.id === id);
    if (!role || (!role.mentionable && !context.mayMentionEveryone)) continue;
    if (!mention_roles.includes(id)) mention_roles.push(id);
  }
  const mention_everyone =
    parse.has("everyone") && context.mayMentionEveryone && /@(everyone|here)\b/.test(content);
  return { mentions, mention_roles, mention_everyone };
}

/** A message with every field Discord sends, as the bot (`author`) posted it at `atMs`; `fields` override. */
export function makeMessage(
  channelId: string,
  author: FakeUser,
  atMs: number,
  fields: Partial<FakeMessage> = {},
): FakeMessage {
  return {
    id: snowflake(atMs),
    channel_id: channelId,
    author,
    content: "",
    timestamp: new Date(atMs).toISOString(),
    edited_timestamp: null,
    tts: false,
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
    attachments: [],
    embeds: [],
    components: [],
    pinned: false,
    type: 0,
    flags: 0,
    ...fields,
  };
}
