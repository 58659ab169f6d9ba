import {
  ApplicationIntegrationType,
  ChannelType,
  type ChatInputCommandInteraction,
  type GuildBasedChannel,
  InteractionContextType,
  type MessageContextMenuCommandInteraction,
  MessageFlags,
  PermissionFlagsBits,
  type PermissionsBitField,
  SlashCommandBuilder,
} from "discord.js";
import { type BotContext, type Choice, type Invocation, optionString } from "../src/command.js";
import { parseOverrideStart, timeZoneChoices, timeZoneWarning, validateTimeZone } from "../src/countdown.js";
import { postToChannel, toDiscordMessage } from "../src/discord/render.js";
import { respond } from "../src/discord/router.js";
import { UserFacingError } from "../src/errors.js";
import { firstSlotFrom, parseDailyTime } from "../src/reminders/due.js";
import { reminderPost } from "../src/reminders/post.js";
import type { Reminder, Storage } from "../src/storage/types.js";
import { localParts } from "../src/time.js";
import type { Markup, Reply } from "../src/views/card.js";
import { LIMITS, truncate } from "../src/views/limits.js";
import { discordMarkup, whenLabel } from "../src/views/markup.js";

const POSTABLE_CHANNELS = [ChannelType.GuildText, ChannelType.GuildAnnouncement] as const;

/** What the bot needs in the reminder channel, with the names Discord's settings use. */
const NEEDED_IN_CHANNEL: readonly [bigint, string][] = [
  [PermissionFlagsBits.ViewChannel, "View Channel"],
  [PermissionFlagsBits.SendMessages, "Send Messages"],
  [PermissionFlagsBits.EmbedLinks, "Embed Links"],
];

export const data = new SlashCommandBuilder()
  .setName("reminders")
  .setDescription("Daily Ramadan countdown posts for this server (moderators)")
  .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
  .setContexts(InteractionContextType.Guild)
  .setIntegrationTypes(ApplicationIntegrationType.GuildInstall)
  .addSubcommand((sub) =>
    sub
      .setName("set")
      .setDescription("Post the countdown every day in a channel at a local time")
      .addChannelOption((o) =>
        o
          .setName("channel")
          .setDescription("Where to post")
          .setRequired(true)
          .addChannelTypes(...POSTABLE_CHANNELS),
      )
      .addStringOption((o) =>
        o
          .setName("time")
          .setDescription("Local time, 24-hour HH:MM, e.g. 07:30")
          .setRequired(true)
          .setMaxLength(16),
      )
      .addStringOption((o) =>
        o
          .setName("timezone")
          .setDescription("IANA time zone, e.g. Asia/Jerusalem")
          .setRequired(true)
          .setMaxLength(64)
          .setAutocomplete(true),
      )
      .addRoleOption((o) =>
        o.setName("role").setDescription("A role to ping with each post (the only mention it makes)"),
      )
      .addIntegerOption((o) =>
        o
          .setName("day_offset")
          .setDescription("Shift the calendar −2…+2 days for a local moon sighting")
          .setMinValue(-2)
          .setMaxValue(2),
      )
      .addStringOption((o) =>
        o.setName("start_date").setDescription("Or: the first day of fasting, YYYY-MM-DD").setMaxLength(10),
      ),
  )
  .addSubcommand((sub) =>
    sub.setName("show").setDescription("This server's reminder: settings, next and last post, problems"),
  )
  .addSubcommand((sub) =>
    sub.setName("off").setDescription("Stop the daily posts (settings are kept; set turns them on again)"),
  )
  .addSubcommand((sub) =>
    sub
      .setName("preview")
      .setDescription("See today's post, only for you")
      .addStringOption((o) =>
        o
          .setName("timezone")
          .setDescription("Time zone to preview in")
          .setMaxLength(64)
          .setAutocomplete(true),
      ),
  )
  .addSubcommand((sub) =>
    sub.setName("test").setDescription("Post today's countdown to the configured channel now"),
  )
  .toJSON();

function requireStorage(ctx: BotContext): Storage {
  if (!ctx.storage)
    throw new UserFacingError("Reminders need the bot's database, which this deployment does not have.");
  return ctx.storage;
}

function previewReply(ctx: BotContext, markup: Markup, timeZone: string, reminder: Reminder | null): Reply {
  const now = ctx.now();
  const post = reminderPost({
    corpus: ctx.corpus,
    config: ctx.config,
    now,
    localDate: localParts(now, timeZone).date,
    timeZone,
    settings: reminder ?? {},
    markup,
  });
  return { ...post, content: undefined, mentionRoleId: undefined, ephemeral: true };
}

/** Console: `/reminders preview timezone: Asia/Riyadh`. The rest needs a Discord server. */
export function run(invocation: Invocation, ctx: BotContext): Reply {
  if (invocation.subcommand !== "preview") {
    throw new UserFacingError(
      `/reminders ${invocation.subcommand ?? ""} only works in a Discord server; try /reminders preview.`,
    );
  }
  const typed = optionString(invocation, "timezone");
  return previewReply(ctx, invocation.markup, validateTimeZone(typed ?? ctx.config.defaultTimeZone), null);
}

export function autocomplete(
  focused: { name: string; value: string },
  _invocation: Invocation,
  ctx: BotContext,
): Choice[] {
  if (focused.name !== "timezone") return [];
  return timeZoneChoices(focused.value, ctx.now());
}

function missingPermissions(permissions: Readonly<PermissionsBitField>): string[] {
  return NEEDED_IN_CHANNEL.filter(([flag]) => !permissions.has(flag, true)).map(([, name]) => name);
}

/**
 * The bot's own permissions in a channel, overwrites included, from the guild cache. (The channel option's
 * resolved `permissions` are the invoking member's, not the bot's, so they cannot stand in.)
 */
function botPermissionsIn(interaction: ChatInputCommandInteraction<"cached" | "raw">, channelId: string) {
  const channel = interaction.guild?.channels.cache.get(channelId) as GuildBasedChannel | undefined;
  const me = interaction.guild?.members.me;
  if (!channel || !me) {
    throw new UserFacingError(
      "I can't check my permissions in that channel right now. Please try again in a minute.",
    );
  }
  return channel.permissionsFor(me);
}

async function set(
  interaction: ChatInputCommandInteraction<"cached" | "raw">,
  ctx: BotContext,
  storage: Storage,
): Promise<Reply> {
  const markup = discordMarkup;
  const time = parseDailyTime(interaction.options.getString("time", true));
  const timeZone = validateTimeZone(interaction.options.getString("timezone", true));
  const startDate = interaction.options.getString("start_date")?.trim() || undefined;
  const startOverride = startDate
    ? (parseOverrideStart(startDate, { setting: "start_date", unset: "leave start_date out" })?.start ?? null)
    : null;
  const dayOffset = interaction.options.getInteger("day_offset") ?? 0;
  if (startOverride && dayOffset !== 0)
    throw new UserFacingError("Give either day_offset or start_date, not both.");
  const channel = interaction.options.getChannel("channel", true);
  if (!(POSTABLE_CHANNELS as readonly number[]).includes(channel.type)) {
    throw new UserFacingError(
      "Pick a text or announcement channel: the countdown cannot be posted in voice channels, categories, forums or threads.",
    );
  }
  if (interaction.guild && !interaction.guild.channels.cache.has(channel.id)) {
    throw new UserFacingError("That channel is not in this server.");
  }
  const missing = missingPermissions(botPermissionsIn(interaction, channel.id));
  if (missing.length > 0) {
    throw new UserFacingError(
      `I can't post in <#${channel.id}>: I am missing ${missing.join(", ")} there. Give me those permissions in the channel's settings, then run /reminders set again. Nothing was saved.`,
    );
  }
  const role = interaction.options.getRole("role");
  const slot = firstSlotFrom(ctx.now(), time.text, timeZone);
  await storage.upsertReminder({
    guildId: interaction.guildId,
    channelId: channel.id,
    time: time.text,
    timeZone,
    roleId: role?.id ?? null,
    dayOffset,
    startOverride,
    by: interaction.user.id,
    nextDueAt: slot.at.getTime(),
  });
  const notes = [
    timeZoneWarning(timeZone),
    role && !role.mentionable
      ? `The role ${role.name} is not mentionable, so posts may not ping it unless I have Mention Everyone.`
      : undefined,
  ].filter((n): n is string => Boolean(n));
  return {
    ephemeral: true,
    cards: [
      {
        title: "Daily countdown saved",
        tone: "answer",
        description: `I'll post the Ramadan countdown in <#${channel.id}> every day at ${time.text} (${timeZone})${role ? `, pinging <@&${role.id}>` : ""}.\nNext post: ${whenLabel(markup, slot.at, timeZone)}.`,
        fields: notes.length > 0 ? [{ name: "Note", value: notes.join("\n") }] : [],
        footer: "/reminders show to check it, /reminders preview to see a post, /reminders off to stop",
      },
    ],
  };
}

async function show(
  interaction: ChatInputCommandInteraction<"cached" | "raw">,
  storage: Storage,
): Promise<Reply> {
  const markup = discordMarkup;
  const reminder = await storage.getReminder(interaction.guildId);
  if (!reminder)
    return {
      ephemeral: true,
      cards: [
        {
          title: "No daily countdown",
          tone: "notice",
          description: "This server has no reminder yet. Set one with /reminders set.",
        },
      ],
    };
  const last = await storage.lastPost(interaction.guildId);
  const state = reminder.pausedReason
    ? `Paused: ${reminder.pausedReason}. Fix it, then run /reminders set again.`
    : reminder.enabled
      ? "Active"
      : "Off (/reminders set turns it on again)";
  const calendar = reminder.startOverride
    ? `First fast on ${reminder.startOverride} (set by this server)`
    : reminder.dayOffset
      ? `Umm al-Qura shifted by ${reminder.dayOffset > 0 ? "+" : ""}${reminder.dayOffset} day(s)`
      : "Umm al-Qura calendar";
  const fields = [
    { name: "Status", value: state },
    {
      name: "Where and when",
      value: `<#${reminder.channelId}> at ${reminder.time} (${reminder.timeZone})${reminder.roleId ? `, pinging <@&${reminder.roleId}>` : ""}`,
    },
    { name: "Calendar", value: calendar },
    {
      name: "Next post",
      value:
        reminder.nextDueAt !== null && reminder.enabled && !reminder.pausedReason
          ? whenLabel(markup, new Date(reminder.nextDueAt), reminder.timeZone)
          : "None scheduled",
    },
    {
      name: "Last post",
      value: last
        ? `[${last.localDate}](https://discord.com/channels/${interaction.guildId}/${last.channelId}/${last.messageId}) ${whenLabel(markup, new Date(last.sentAt), reminder.timeZone)}`
        : "None yet",
    },
    ...(reminder.lastError
      ? [{ name: "Last error", value: truncate(markup.escape(reminder.lastError), LIMITS.fieldValue) }]
      : []),
  ];
  return {
    ephemeral: true,
    cards: [{ title: "Daily countdown", tone: reminder.pausedReason ? "warning" : "info", fields }],
  };
}

async function test(
  interaction: ChatInputCommandInteraction<"cached" | "raw">,
  ctx: BotContext,
  storage: Storage,
): Promise<Reply> {
  const reminder = await storage.getReminder(interaction.guildId);
  if (!reminder) throw new UserFacingError("Set a reminder first with /reminders set.");
  const post = previewReply(ctx, discordMarkup, reminder.timeZone, reminder);
  const body = toDiscordMessage(post, { withComponents: false });
  try {
    const sent = await postToChannel(interaction.client.rest, reminder.channelId, body);
    return {
      ephemeral: true,
      cards: [
        {
          title: "Test post sent",
          tone: "answer",
          description: `Posted in <#${reminder.channelId}>: https://discord.com/channels/${interaction.guildId}/${reminder.channelId}/${sent.id}`,
        },
      ],
    };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new UserFacingError(
      `I couldn't post in <#${reminder.channelId}>: ${reason}. Check my permissions there (View Channel, Send Messages, Embed Links).`,
    );
  }
}

export async function execute(
  interaction: ChatInputCommandInteraction | MessageContextMenuCommandInteraction,
  ctx: BotContext,
): Promise<void> {
  if (!interaction.isChatInputCommand()) return;
  if (!interaction.inGuild())
    throw new UserFacingError("Reminders are set per server: use this command in a server.");
  // Discord hides the command from members without Manage Server, but admins can override that and
  // clients can be stale: check again here, before anything is read or saved.
  if (!interaction.memberPermissions.has(PermissionFlagsBits.ManageGuild)) {
    throw new UserFacingError("You need the Manage Server permission to manage reminders.");
  }
  const storage = requireStorage(ctx);
  await interaction.deferReply({ flags: MessageFlags.Ephemeral });
  const sub = interaction.options.getSubcommand(true);
  let reply: Reply;
  switch (sub) {
    case "set":
      reply = await set(interaction, ctx, storage);
      break;
    case "show":
      reply = await show(interaction, storage);
      break;
    case "off": {
      const changed = await storage.disableReminder(interaction.guildId, interaction.user.id);
      reply = {
        ephemeral: true,
        cards: [
          {
            title: changed ? "Daily countdown off" : "No daily countdown",
            tone: "notice",
            description: changed
              ? "No more daily posts. Your settings are kept: /reminders set turns them on again."
              : "This server has no reminder to turn off.",
          },
        ],
      };
      break;
    }
    case "preview": {
      const reminder = await storage.getReminder(interaction.guildId);
      const typed = interaction.options.getString("timezone");
      const timeZone = typed ? validateTimeZone(typed) : (reminder?.timeZone ?? ctx.config.defaultTimeZone);
      reply = previewReply(ctx, discordMarkup, timeZone, reminder);
      break;
    }
    case "test":
      reply = await test(interaction, ctx, storage);
      break;
    default:
      throw new Error(`reminders: unknown subcommand ${sub}`);
  }
  await respond(interaction, toDiscordMessage(reply));
}
