import type {
  AutocompleteInteraction,
  ButtonInteraction,
  ChatInputCommandInteraction,
  GuildBasedChannel,
  MessageContextMenuCommandInteraction,
} from "discord.js";
import type { ChannelPermission, ServerPort } from "../runtime/command.js";
import { fetchChannel, POSTABLE_CHANNELS, postReply } from "./channels.js";
import { PermissionFlagsBits } from "./lib.js";

type AnyInteraction =
  | ChatInputCommandInteraction
  | MessageContextMenuCommandInteraction
  | AutocompleteInteraction
  | ButtonInteraction;

/** What the bot needs in a channel it posts in. */
const NEEDED_IN_CHANNEL: readonly [bigint, ChannelPermission][] = [
  [PermissionFlagsBits.ViewChannel, "ViewChannel"],
  [PermissionFlagsBits.SendMessages, "SendMessages"],
  [PermissionFlagsBits.EmbedLinks, "EmbedLinks"],
];

/**
 * The server an interaction came from, as commands see it. Channels are looked up with Discord's REST API
 * (`GET /channels/:id`), never only in the cache: discord.js adds a resolved option's channel to the
 * interaction's server cache whatever server it belongs to, so only Discord's own answer says where a post
 * would land.
 */
export function serverOf(interaction: AnyInteraction): ServerPort | null {
  if (!interaction.inGuild()) return null;
  const rest = interaction.client.rest;
  return {
    async channel(channelId) {
      const channel = await fetchChannel(rest, channelId);
      if (!channel) return null;
      const guildId = "guild_id" in channel && typeof channel.guild_id === "string" ? channel.guild_id : null;
      return { guildId, postable: (POSTABLE_CHANNELS as readonly number[]).includes(channel.type) };
    },
    async missingPermissions(channelId) {
      const guild = interaction.guild ?? (await interaction.client.guilds.fetch(interaction.guildId));
      const channel =
        (guild.channels.cache.get(channelId) as GuildBasedChannel | undefined) ??
        (await guild.channels.fetch(channelId));
      const me = guild.members.me ?? (await guild.members.fetchMe());
      const permissions = channel ? channel.permissionsFor(me) : null;
      return NEEDED_IN_CHANNEL.filter(([flag]) => !permissions?.has(flag, true)).map(([, name]) => name);
    },
    role(roleId) {
      const role =
        interaction.guild?.roles.cache.get(roleId) ??
        (interaction.isChatInputCommand() ? interaction.options.resolved?.roles?.get(roleId) : undefined);
      return role ? { name: role.name, mentionable: role.mentionable } : null;
    },
    post: (channelId, reply) => postReply(rest, channelId, reply),
  };
}
