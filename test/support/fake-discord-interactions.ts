/**
 * Builders for INTERACTION_CREATE payloads shaped exactly like Discord's: every field discord.js reads is
 * present (`entitlements` as an array, `member.permissions` as a decimal string, `app_permissions`,
 * `authorizing_integration_owners`, `context`, `locale`, `guild_locale`, `channel`, `version: 1`), with
 * fresh snowflake ids and random tokens.
 */
import { PermissionFlagsBits } from "discord.js";
import { CommandType, OptionType } from "../../src/runtime/command-codes.js";
import {
  ChannelKind,
  computePermissions,
  type FakeChannel,
  type FakeGuild,
  type FakeMember,
  type FakeMessage,
  type FakeRole,
  type FakeUser,
  makeMember,
  makeMessage,
  makeUser,
  type PermissionsInput,
  randomToken,
  snowflake,
  toPermissionBits,
} from "./fake-discord-model.js";

/** Interaction types (same numbers as Discord's `InteractionType`). */
export const InteractionKind = {
  Ping: 1,
  ApplicationCommand: 2,
  MessageComponent: 3,
  ApplicationCommandAutocomplete: 4,
  ModalSubmit: 5,
} as const;

/** An option value with an explicit Discord type, made with {@link opt}. */
export interface TypedOption {
  readonly kind: "typed-option";
  readonly type: number;
  readonly value: string | number | boolean;
  /** For attachments: the attachment object placed in `data.resolved.attachments`. */
  readonly attachment?: Record<string, unknown>;
}

/**
 * An option value: strings become STRING, integers INTEGER, other numbers NUMBER, booleans BOOLEAN, unless
 * the bot registered the command, in which case the registered option type wins (so a user id string given
 * for a USER option is resolved into `data.resolved.users/members`).
 */
export type OptionInput = string | number | boolean | TypedOption;

/** Named option values of one command invocation; `undefined` entries are left out. */
export type CommandOptions = Readonly<Record<string, OptionInput | undefined>>;

/** Explicit option types for values whose type cannot be guessed. */
export const opt = {
  string: (value: string): TypedOption => ({ kind: "typed-option", type: OptionType.String, value }),
  integer: (value: number): TypedOption => ({ kind: "typed-option", type: OptionType.Integer, value }),
  number: (value: number): TypedOption => ({ kind: "typed-option", type: OptionType.Number, value }),
  boolean: (value: boolean): TypedOption => ({ kind: "typed-option", type: OptionType.Boolean, value }),
  /** A user (id); resolved from the guild's members when known. */
  user: (id: string): TypedOption => ({ kind: "typed-option", type: OptionType.User, value: id }),
  /** A channel (id); `data.resolved.channels` carries the app's permissions in it. */
  channel: (id: string): TypedOption => ({ kind: "typed-option", type: OptionType.Channel, value: id }),
  role: (id: string): TypedOption => ({ kind: "typed-option", type: OptionType.Role, value: id }),
  mentionable: (id: string): TypedOption => ({
    kind: "typed-option",
    type: OptionType.Mentionable,
    value: id,
  }),
  attachment: (file: {
    filename: string;
    size?: number;
    contentType?: string;
    url?: string;
  }): TypedOption => {
    const id = snowflake();
    return {
      kind: "typed-option",
      type: OptionType.Attachment,
      value: id,
      attachment: {
        id,
        filename: file.filename,
        size: file.size ?? 0,
        content_type: file.contentType ?? "application/octet-stream",
        url: file.url ?? `https://cdn.example.invalid/attachments/${id}/${file.filename}`,
        proxy_url: file.url ?? `https://media.example.invalid/attachments/${id}/${file.filename}`,
        ephemeral: true,
      },
    };
  },
};

/** Where and by whom an interaction happens. Everything is optional. */
export interface InteractionContextOptions {
  /** Guild id; default the fake's first guild. Ignored when `dm` is set. */
  guildId?: string;
  /** Channel id; default the first text channel of the guild (or a DM channel). */
  channelId?: string;
  /** The invoking user; default the fake's test user. A guild member with this id supplies its roles. */
  user?: Partial<FakeUser> & { id?: string };
  /** Member role ids (default the member's roles in the guild state, else none). */
  roles?: readonly string[];
  /** `member.permissions` as sent; default computed from roles and channel overwrites. */
  permissions?: PermissionsInput;
  /** `app_permissions`; default the bot's permissions in the channel. */
  appPermissions?: PermissionsInput;
  /** User locale; default `"en-US"`. */
  locale?: string;
  /** Guild locale; default the guild's preferred locale. */
  guildLocale?: string;
  /** A DM with the bot: no `guild_id`/`member`, `user` instead, context 1. */
  dm?: boolean;
  /** A user-installed command in a private channel (context 2, owner "1"); implies no guild. */
  userInstall?: boolean;
}

/** A registered command as the fake stores it (from the bot's bulk overwrite). */
export interface StoredCommand {
  id: string;
  application_id: string;
  guild_id?: string;
  name: string;
  type: number;
  description: string;
  options?: StoredOption[];
  version: string;
  [extra: string]: unknown;
}

/** An option of a stored command. */
export interface StoredOption {
  name: string;
  type: number;
  options?: StoredOption[];
  [extra: string]: unknown;
}

/** What the builders need to know about the fake's state. */
export interface BuilderHost {
  readonly applicationId: string;
  readonly botUser: FakeUser;
  readonly defaultUser: FakeUser;
  guild(id?: string): FakeGuild;
  findCommand(name: string, type: number, guildId: string | undefined): StoredCommand | undefined;
  findMessage(id: string): FakeMessage | undefined;
  findMessageWithComponent(customId: string, channelId: string): FakeMessage | undefined;
  lookupChannel(id: string): { guild: FakeGuild; channel: FakeChannel } | undefined;
}

/** A payload ready for `fake.interact()`: the raw INTERACTION_CREATE `d`. */
export type InteractionPayload = Record<string, unknown> & {
  id: string;
  token: string;
  type: number;
  application_id: string;
  guild_id?: string;
  channel_id?: string;
  data?: Record<string, unknown>;
};

/** The permissions Discord reports for the app in a DM with its bot user. */
const DM_APP_PERMISSIONS =
  PermissionFlagsBits.ViewChannel |
  PermissionFlagsBits.SendMessages |
  PermissionFlagsBits.EmbedLinks |
  PermissionFlagsBits.AttachFiles |
  PermissionFlagsBits.ReadMessageHistory |
  PermissionFlagsBits.AddReactions |
  PermissionFlagsBits.UseExternalEmojis |
  PermissionFlagsBits.MentionEveryone;

const generatedCommandIds = new Map<string, string>();

/** Builds interaction payloads from the fake's state. Reached as `fake.build`. */
export class InteractionBuilder {
  constructor(private readonly host: BuilderHost) {}

  /**
   * A slash command (type 2, data.type 1). `path` is the command name, optionally followed by a
   * subcommand (`"config channel"`) or a group and subcommand (`"config set time"`).
   */
  command(
    path: string,
    options: CommandOptions = {},
    ctx: InteractionContextOptions = {},
  ): InteractionPayload {
    const base = this.base(InteractionKind.ApplicationCommand, ctx);
    base.data = this.commandData(path, options, base, undefined);
    return base;
  }

  /**
   * An autocomplete request (type 4). `focused` names the option being typed (default: the last one);
   * its value is sent as typed (usually a partial string) with `focused: true`.
   */
  autocomplete(
    path: string,
    options: CommandOptions,
    focused?: string,
    ctx: InteractionContextOptions = {},
  ): InteractionPayload {
    const base = this.base(InteractionKind.ApplicationCommandAutocomplete, ctx);
    const names = Object.keys(options).filter((k) => options[k] !== undefined);
    const focusedName = focused ?? names[names.length - 1];
    if (focusedName === undefined) throw new Error("autocomplete needs at least one option");
    const data = this.commandData(path, options, base, focusedName);
    // Discord sends no resolved data with autocomplete.
    delete data.resolved;
    base.data = data;
    return base;
  }

  /**
   * A button click (type 3, component_type 2). The `message` the button sat on defaults to the newest
   * message the fake knows with that custom id, else a bot message carrying just this button.
   */
  button(
    customId: string,
    ctx: InteractionContextOptions & { message?: Partial<FakeMessage> } = {},
  ): InteractionPayload {
    const base = this.base(InteractionKind.MessageComponent, ctx);
    base.message = this.componentMessage(customId, 2, base, ctx.message);
    base.data = { custom_id: customId, component_type: 2 };
    return base;
  }

  /** A string select menu choice (type 3, component_type 3). */
  selectMenu(
    customId: string,
    values: readonly string[],
    ctx: InteractionContextOptions & { message?: Partial<FakeMessage> } = {},
  ): InteractionPayload {
    const base = this.base(InteractionKind.MessageComponent, ctx);
    base.message = this.componentMessage(customId, 3, base, ctx.message);
    base.data = { custom_id: customId, component_type: 3, values: [...values] };
    return base;
  }

  /** A modal submission (type 5) with text inputs `fields` (custom id → value). */
  modalSubmit(
    customId: string,
    fields: Readonly<Record<string, string>>,
    ctx: InteractionContextOptions = {},
  ): InteractionPayload {
    const base = this.base(InteractionKind.ModalSubmit, ctx);
    base.data = {
      custom_id: customId,
      components: Object.entries(fields).map(([id, value]) => ({
        type: 1,
        components: [{ type: 4, custom_id: id, value }],
      })),
    };
    return base;
  }

  /**
   * A message context-menu command (type 2, data.type 3). `target` is a message the fake knows (by id)
   * or a partial message that is completed and placed in `data.resolved.messages`.
   */
  messageCommand(
    name: string,
    target: string | (Partial<FakeMessage> & { content: string }),
    ctx: InteractionContextOptions = {},
  ): InteractionPayload {
    const base = this.base(InteractionKind.ApplicationCommand, ctx);
    const message =
      typeof target === "string"
        ? this.host.findMessage(target)
        : this.completeMessage(target, String(base.channel_id));
    if (!message) throw new Error(`messageCommand: the fake knows no message ${String(target)}`);
    const command = this.host.findCommand(name, CommandType.Message, base.guild_id);
    base.data = {
      id: command?.id ?? commandId(name, CommandType.Message),
      name,
      type: CommandType.Message,
      target_id: message.id,
      resolved: { messages: { [message.id]: message } },
      ...(command?.guild_id ? { guild_id: command.guild_id } : {}),
    };
    return base;
  }

  /** A user context-menu command (type 2, data.type 2) on `targetUserId`. */
  userCommand(name: string, targetUserId: string, ctx: InteractionContextOptions = {}): InteractionPayload {
    const base = this.base(InteractionKind.ApplicationCommand, ctx);
    const resolved: Record<string, Record<string, unknown>> = {};
    this.resolveUser(targetUserId, base, resolved);
    const command = this.host.findCommand(name, CommandType.User, base.guild_id);
    base.data = {
      id: command?.id ?? commandId(name, CommandType.User),
      name,
      type: CommandType.User,
      target_id: targetUserId,
      resolved,
      ...(command?.guild_id ? { guild_id: command.guild_id } : {}),
    };
    return base;
  }

  /** The fields every interaction carries, for a guild channel or a DM. */
  private base(type: number, ctx: InteractionContextOptions): InteractionPayload {
    const invoker = this.invoker(ctx);
    const common = {
      id: snowflake(),
      application_id: this.host.applicationId,
      type,
      token: randomToken(),
      version: 1,
      locale: ctx.locale ?? "en-US",
      entitlements: [],
      attachment_size_limit: 10_485_760,
    };
    if (ctx.dm || ctx.userInstall) {
      const channelId = ctx.channelId ?? snowflake();
      const privateChannel = Boolean(ctx.userInstall);
      return {
        ...common,
        channel_id: channelId,
        channel: {
          id: channelId,
          type: privateChannel ? ChannelKind.GroupDM : ChannelKind.DM,
          last_message_id: null,
          flags: 0,
          recipients: [invoker],
        },
        user: invoker,
        app_permissions: toPermissionBits(ctx.appPermissions ?? DM_APP_PERMISSIONS).toString(),
        // "0" as owner means the guild install is used in a DM with the bot user.
        authorizing_integration_owners: privateChannel ? { "1": invoker.id } : { "0": "0" },
        context: privateChannel ? 2 : 1,
      };
    }
    const guild = this.host.guild(ctx.guildId);
    const channel = ctx.channelId
      ? guild.channels.find((c) => c.id === ctx.channelId)
      : guild.channels.find((c) => c.type === ChannelKind.GuildText);
    if (!channel) {
      throw new Error(`interaction: guild ${guild.id} has no channel ${ctx.channelId ?? "of type text"}`);
    }
    const known = guild.members.find((m) => m.user.id === invoker.id);
    const roles = ctx.roles ?? known?.roles ?? [];
    const memberPermissions =
      ctx.permissions !== undefined
        ? toPermissionBits(ctx.permissions)
        : computePermissions(guild, invoker.id, channel, { roles });
    const appPermissions =
      ctx.appPermissions !== undefined
        ? toPermissionBits(ctx.appPermissions)
        : computePermissions(guild, this.host.botUser.id, channel, { implicit: false });
    const { user: _replaced, ...member }: FakeMember = known
      ? { ...known, roles: [...roles] }
      : makeMember(invoker, roles);
    return {
      ...common,
      guild_id: guild.id,
      guild: { id: guild.id, locale: guild.preferred_locale, features: guild.features },
      guild_locale: ctx.guildLocale ?? guild.preferred_locale,
      channel_id: channel.id,
      channel: partialChannel(channel),
      member: { ...member, user: invoker, permissions: memberPermissions.toString() },
      app_permissions: appPermissions.toString(),
      authorizing_integration_owners: { "0": guild.id },
      context: 0,
    };
  }

  /** The invoking user: the default test user, or a known member, with the test's overrides. */
  private invoker(ctx: InteractionContextOptions): FakeUser {
    const given = ctx.user;
    if (!given) return this.host.defaultUser;
    const id = given.id ?? this.host.defaultUser.id;
    let known: FakeUser | undefined = id === this.host.defaultUser.id ? this.host.defaultUser : undefined;
    if (!known && !ctx.dm && !ctx.userInstall) {
      known = this.host.guild(ctx.guildId).members.find((m) => m.user.id === id)?.user;
    }
    return makeUser({ ...known, ...given, id });
  }

  private commandData(
    path: string,
    options: CommandOptions,
    base: InteractionPayload,
    focused: string | undefined,
  ): Record<string, unknown> {
    const [name, ...rest] = path.trim().split(/\s+/);
    if (!name) throw new Error("command: empty command path");
    const command = this.host.findCommand(name, CommandType.ChatInput, base.guild_id);
    const resolved: Record<string, Record<string, unknown>> = {};
    let schema: StoredOption[] | undefined = command?.options;
    let wrap: (leaf: Record<string, unknown>[]) => Record<string, unknown>[] = (leaf) => leaf;
    if (rest.length === 2) {
      const [group, sub] = rest as [string, string];
      const groupSchema = schema?.find((o) => o.name === group);
      schema = groupSchema?.options?.find((o) => o.name === sub)?.options;
      wrap = (leaf) => [
        {
          name: group,
          type: OptionType.SubcommandGroup,
          options: [{ name: sub, type: OptionType.Subcommand, options: leaf }],
        },
      ];
    } else if (rest.length === 1) {
      const [sub] = rest as [string];
      const subSchema = schema?.find((o) => o.name === sub);
      if (subSchema?.type === OptionType.SubcommandGroup) {
        throw new Error(`command: "${name} ${sub}" is a subcommand group; name the subcommand too`);
      }
      schema = subSchema?.options;
      wrap = (leaf) => [{ name: sub, type: OptionType.Subcommand, options: leaf }];
    } else if (rest.length > 2) {
      throw new Error(`command: "${path}" has too many parts (command, group, subcommand at most)`);
    }
    const leaf: Record<string, unknown>[] = [];
    for (const [key, input] of Object.entries(options)) {
      if (input === undefined) continue;
      const declared = schema?.find((o) => o.name === key)?.type;
      const { type, value, attachment } = typed(input, declared);
      const option: Record<string, unknown> = { name: key, type, value };
      if (key === focused) {
        option.focused = true;
      } else if (focused === undefined) {
        this.resolveOption(type, String(value), attachment, base, resolved);
      }
      leaf.push(option);
    }
    const data: Record<string, unknown> = {
      id: command?.id ?? commandId(name, CommandType.ChatInput),
      name,
      type: CommandType.ChatInput,
    };
    const options2 = wrap(leaf);
    if (options2.length > 0) data.options = options2;
    if (Object.keys(resolved).length > 0) data.resolved = resolved;
    if (command?.guild_id) data.guild_id = command.guild_id;
    return data;
  }

  private resolveOption(
    type: number,
    id: string,
    attachment: Record<string, unknown> | undefined,
    base: InteractionPayload,
    resolved: Record<string, Record<string, unknown>>,
  ): void {
    switch (type) {
      case OptionType.User:
        this.resolveUser(id, base, resolved);
        return;
      case OptionType.Channel: {
        const found = this.host.lookupChannel(id);
        if (!found) throw new Error(`command: the fake knows no channel ${id}`);
        const permissions = computePermissions(found.guild, this.host.botUser.id, found.channel, {
          implicit: false,
        });
        bucket(resolved, "channels")[id] = {
          ...partialChannel(found.channel),
          permissions: permissions.toString(),
        };
        return;
      }
      case OptionType.Role: {
        const role = this.findRole(id, base);
        if (!role) throw new Error(`command: the fake knows no role ${id}`);
        bucket(resolved, "roles")[id] = role;
        return;
      }
      case OptionType.Mentionable: {
        const role = this.findRole(id, base);
        if (role) bucket(resolved, "roles")[id] = role;
        else this.resolveUser(id, base, resolved);
        return;
      }
      case OptionType.Attachment:
        if (attachment) bucket(resolved, "attachments")[id] = attachment;
        return;
      default:
        return;
    }
  }

  private resolveUser(
    id: string,
    base: InteractionPayload,
    resolved: Record<string, Record<string, unknown>>,
  ): void {
    const guild = base.guild_id ? this.host.guild(base.guild_id) : undefined;
    const member = guild?.members.find((m) => m.user.id === id);
    const user =
      member?.user ??
      (id === this.host.defaultUser.id ? this.host.defaultUser : undefined) ??
      (id === this.host.botUser.id ? this.host.botUser : undefined) ??
      makeUser({ id });
    bucket(resolved, "users")[id] = user;
    if (member && guild) {
      const { user: _omit, ...rest } = member;
      bucket(resolved, "members")[id] = {
        ...rest,
        permissions: computePermissions(guild, id, undefined).toString(),
      };
    }
  }

  private findRole(id: string, base: InteractionPayload): FakeRole | undefined {
    if (!base.guild_id) return undefined;
    return this.host.guild(base.guild_id).roles.find((r) => r.id === id);
  }

  private componentMessage(
    customId: string,
    componentType: number,
    base: InteractionPayload,
    given: Partial<FakeMessage> | undefined,
  ): FakeMessage {
    const channelId = String(base.channel_id);
    if (given) return this.completeMessage(given, channelId);
    const known = this.host.findMessageWithComponent(customId, channelId);
    if (known) return known;
    const component =
      componentType === 2
        ? { type: 2, id: 2, style: 1, label: customId, custom_id: customId }
        : { type: 3, id: 2, custom_id: customId, options: [], min_values: 1, max_values: 1 };
    return this.completeMessage(
      { content: "", components: [{ type: 1, id: 1, components: [component] }] },
      channelId,
    );
  }

  private completeMessage(partial: Partial<FakeMessage>, channelId: string): FakeMessage {
    return makeMessage(
      partial.channel_id ?? channelId,
      partial.author ?? this.host.botUser,
      Date.now(),
      partial,
    );
  }
}

/** A stable id per command name, so repeated invocations of an unregistered command agree. */
function commandId(name: string, type: number): string {
  const key = `${type}:${name}`;
  let id = generatedCommandIds.get(key);
  if (!id) {
    id = snowflake();
    generatedCommandIds.set(key, id);
  }
  return id;
}

function bucket(resolved: Record<string, Record<string, unknown>>, key: string): Record<string, unknown> {
  let map = resolved[key];
  if (!map) {
    map = {};
    resolved[key] = map;
  }
  return map;
}

function typed(
  input: OptionInput,
  declared: number | undefined,
): { type: number; value: string | number | boolean; attachment?: Record<string, unknown> } {
  if (typeof input === "object") {
    return {
      type: input.type,
      value: input.value,
      ...(input.attachment ? { attachment: input.attachment } : {}),
    };
  }
  if (declared !== undefined) return { type: declared, value: input };
  if (typeof input === "boolean") return { type: OptionType.Boolean, value: input };
  if (typeof input === "number") {
    return { type: Number.isInteger(input) ? OptionType.Integer : OptionType.Number, value: input };
  }
  return { type: OptionType.String, value: input };
}

/** The channel object an interaction carries: a copy, so later state changes do not rewrite history. */
export function partialChannel(channel: FakeChannel): Record<string, unknown> {
  return structuredClone(channel);
}
