import {
  ApplicationIntegrationType,
  ChannelType,
  InteractionContextType,
  PermissionFlagsBits,
  SlashCommandBuilder,
} from "discord.js";
import { type BotContext, type Choice, type Invocation, optionNumber, optionString } from "../src/command.js";
import { parseOverrideStart } from "../src/countdown.js";
import { UserFacingError } from "../src/errors.js";
import { PostError } from "../src/posting.js";
import { firstSlotFrom, parseDailyTime } from "../src/reminders/due.js";
import { reminderPost } from "../src/reminders/post.js";
import type { Reminder, Storage } from "../src/storage/types.js";
import { localParts } from "../src/time.js";
import { timeZoneChoices, timeZoneWarning, validateTimeZone } from "../src/timezones.js";
import type { Reply } from "../src/views/card.js";
import {
  noReminderView,
  reminderOffView,
  reminderSavedView,
  reminderShowView,
  testPostedView,
} from "../src/views/reminders.js";

/** Who may manage reminders: Discord hides the command from others, and `run` checks again. */
const MANAGE_SERVER = PermissionFlagsBits.ManageGuild;
const SNOWFLAKE = /^\d{17,20}$/;

export const data = new SlashCommandBuilder()
  .setName("reminders")
  .setDescription("Daily Ramadan countdown posts for this server (moderators)")
  .setDefaultMemberPermissions(MANAGE_SERVER)
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
          .addChannelTypes(ChannelType.GuildText, ChannelType.GuildAnnouncement),
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

/** Every subcommand waits on storage or on Discord: acknowledge privately first. */
export const defer = "ephemeral";

function previewReply(
  ctx: BotContext,
  invocation: Invocation,
  timeZone: string,
  reminder: Reminder | null,
): Reply {
  const now = ctx.now();
  const post = reminderPost({
    corpus: ctx.corpus,
    config: ctx.config,
    now,
    localDate: localParts(now, timeZone).date,
    timeZone,
    settings: reminder ?? {},
    markup: invocation.markup,
  });
  return { ...post, content: undefined, mentionRoleId: undefined, ephemeral: true };
}

/** A Discord id typed or sent where a picked channel or role belongs. */
function snowflake(value: string | undefined, what: "channel" | "role"): string | undefined {
  if (value === undefined) return undefined;
  if (!SNOWFLAKE.test(value)) {
    throw new UserFacingError(
      `That ${what} is not one I can use (“${value.slice(0, 40)}” is not a Discord id): pick the ${what} from the list Discord offers.`,
    );
  }
  return value;
}

async function set(
  invocation: Invocation,
  ctx: BotContext,
  storage: Storage,
  guildId: string,
): Promise<Reply> {
  const server = invocation.server;
  if (!server) throw new UserFacingError("Reminders need a Discord server.");
  const time = parseDailyTime(optionString(invocation, "time") ?? "");
  const timeZone = validateTimeZone(optionString(invocation, "timezone") ?? "");
  const startDate = optionString(invocation, "start_date")?.trim() || undefined;
  const startOverride = startDate
    ? (parseOverrideStart(startDate, { setting: "start_date", unset: "leave start_date out" })?.start ?? null)
    : null;
  const dayOffset = optionNumber(invocation, "day_offset") ?? 0;
  if (startOverride && dayOffset !== 0)
    throw new UserFacingError("Give either day_offset or start_date, not both.");
  const channelId = snowflake(optionString(invocation, "channel"), "channel");
  if (!channelId) throw new UserFacingError("Pick the channel to post in.");
  const roleId = snowflake(optionString(invocation, "role"), "role") ?? null;
  // Where the post would land, as Discord says now: never a channel of another server.
  const channel = await server.channel(channelId);
  if (!channel) {
    throw new UserFacingError(
      `I can't see <#${channelId}>: it may have been deleted, or I have no access to it. Pick another channel, or give me View Channel there. Nothing was saved.`,
    );
  }
  if (channel.guildId !== guildId) {
    throw new UserFacingError(
      "That channel is not in this server. Pick one of this server's text or announcement channels. Nothing was saved.",
    );
  }
  if (!channel.postable) {
    throw new UserFacingError(
      "Pick a text or announcement channel: the countdown cannot be posted in voice channels, categories, forums or threads.",
    );
  }
  const missing = await server.missingPermissions(channelId);
  if (missing.length > 0) {
    throw new UserFacingError(
      `I can't post in <#${channelId}>: I am missing ${missing.join(", ")} there. Give me those permissions in the channel's settings, then run /reminders set again. Nothing was saved.`,
    );
  }
  const role = roleId ? server.role(roleId) : null;
  const slot = firstSlotFrom(ctx.now(), time.text, timeZone);
  await storage.upsertReminder({
    guildId,
    channelId,
    time: time.text,
    timeZone,
    roleId,
    dayOffset,
    startOverride,
    by: invocation.userId,
    nextDueAt: slot.at.getTime(),
  });
  const notes = [
    timeZoneWarning(timeZone),
    role && !role.mentionable
      ? `The role ${role.name} is not mentionable, so posts may not ping it unless I have Mention Everyone.`
      : undefined,
  ].filter((n): n is string => Boolean(n));
  return reminderSavedView(
    invocation.markup,
    { channelId, time: time.text, timeZone, roleId, nextAt: slot.at },
    notes,
  );
}

async function test(
  invocation: Invocation,
  ctx: BotContext,
  storage: Storage,
  guildId: string,
): Promise<Reply> {
  const reminder = await storage.getReminder(guildId);
  if (!reminder) throw new UserFacingError("Set a reminder first with /reminders set.");
  const post = previewReply(ctx, invocation, reminder.timeZone, reminder);
  try {
    const sent = await (invocation.server as NonNullable<Invocation["server"]>).post(
      reminder.channelId,
      post,
    );
    return testPostedView(guildId, reminder.channelId, sent.id);
  } catch (error) {
    if (!(error instanceof PostError)) throw error;
    throw new UserFacingError(
      `I couldn't post in <#${reminder.channelId}>: ${error.message}. Check my permissions there (View Channel, Send Messages, Embed Links).`,
    );
  }
}

/**
 * The daily countdown's settings, for moderators. `preview` also works in the console; the rest needs a
 * Discord server, the Manage Server permission and the bot's database.
 */
export async function run(invocation: Invocation, ctx: BotContext): Promise<Reply> {
  if (invocation.subcommand === "preview" && !invocation.guildId) {
    const typed = optionString(invocation, "timezone");
    return previewReply(ctx, invocation, validateTimeZone(typed ?? ctx.config.defaultTimeZone), null);
  }
  const guildId = invocation.guildId;
  if (!guildId || !invocation.server) {
    throw new UserFacingError(
      invocation.surface === "discord"
        ? "Reminders are set per server: use this command in a server."
        : `/reminders ${invocation.subcommand ?? ""} only works in a Discord server; try /reminders preview.`,
    );
  }
  // Discord hides the command from members without Manage Server, but admins can override that and
  // clients can be stale: check again here, before anything is read or saved.
  if (((invocation.memberPermissions ?? 0n) & MANAGE_SERVER) !== MANAGE_SERVER) {
    throw new UserFacingError("You need the Manage Server permission to manage reminders.");
  }
  const storage = ctx.storage;
  if (!storage)
    throw new UserFacingError("Reminders need the bot's database, which this deployment does not have.");
  switch (invocation.subcommand) {
    case "set":
      return set(invocation, ctx, storage, guildId);
    case "show": {
      const reminder = await storage.getReminder(guildId);
      if (!reminder) return noReminderView();
      return reminderShowView(invocation.markup, guildId, reminder, await storage.lastPost(guildId));
    }
    case "off":
      return reminderOffView(await storage.disableReminder(guildId, invocation.userId));
    case "preview": {
      const reminder = await storage.getReminder(guildId);
      const typed = optionString(invocation, "timezone");
      const timeZone = typed ? validateTimeZone(typed) : (reminder?.timeZone ?? ctx.config.defaultTimeZone);
      return previewReply(ctx, invocation, timeZone, reminder);
    }
    case "test":
      return test(invocation, ctx, storage, guildId);
    default:
      throw new Error(`reminders: unknown subcommand ${invocation.subcommand ?? ""}`);
  }
}

export function autocomplete(
  focused: { name: string; value: string },
  _invocation: Invocation,
  ctx: BotContext,
): Choice[] {
  if (focused.name !== "timezone") return [];
  return timeZoneChoices(focused.value, ctx.now());
}
