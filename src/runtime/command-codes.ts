/**
 * Discord's numeric codes for defining commands, written out here so that loading the command modules loads
 * no Discord library: the console and the one-shot CLI read the same definitions, and importing discord.js
 * alone costs them a third of a second. Each code is checked against discord-api-types at compile time.
 */
import type {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ApplicationIntegrationType,
  ChannelType,
  InteractionContextType,
} from "discord-api-types/v10";

type Exactly<E> = { readonly [K in keyof E]: E[K] };

export const OptionType = {
  Subcommand: 1,
  SubcommandGroup: 2,
  String: 3,
  Integer: 4,
  Boolean: 5,
  User: 6,
  Channel: 7,
  Role: 8,
  Mentionable: 9,
  Number: 10,
  Attachment: 11,
} as const satisfies Exactly<typeof ApplicationCommandOptionType>;

export const CommandType = {
  ChatInput: 1,
  User: 2,
  Message: 3,
  PrimaryEntryPoint: 4,
} as const satisfies Exactly<typeof ApplicationCommandType>;

export const Context = {
  Guild: 0,
  BotDM: 1,
  PrivateChannel: 2,
} as const satisfies Exactly<typeof InteractionContextType>;

export const Integration = {
  GuildInstall: 0,
  UserInstall: 1,
} as const satisfies Exactly<typeof ApplicationIntegrationType>;

/** The channel kinds a reminder may post in. */
export const PostableChannel = {
  GuildText: 0,
  GuildAnnouncement: 5,
} as const satisfies Partial<Exactly<typeof ChannelType>>;

/** The Manage Server permission bit (Discord's ManageGuild). */
export const MANAGE_SERVER = 1n << 5n;
