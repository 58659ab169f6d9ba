/**
 * discord.js, loaded with `require`. It is a CommonJS package: importing it from an ES module makes Node scan
 * its sources for the names it exports, which adds about 45 ms (a fifth of its load time) to every start.
 * The rest of src/discord takes its values from here and its types from "discord.js" (type-only imports,
 * erased at compile time).
 */
import { createRequire } from "node:module";

const discord = createRequire(import.meta.url)("discord.js") as typeof import("discord.js");

export const {
  ButtonStyle,
  ChannelType,
  Client,
  Collection,
  ComponentType,
  DefaultRestOptions,
  DiscordAPIError,
  Events,
  escapeMarkdown,
  GatewayIntentBits,
  HTTPError,
  hideLinkEmbed,
  hyperlink,
  InteractionResponseType,
  MessageFlags,
  Options,
  PermissionFlagsBits,
  REST,
  Routes,
  TimestampStyles,
  time,
} = discord;
