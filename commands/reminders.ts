import type { RESTPostAPIChatInputApplicationCommandsJSONBody } from "discord-api-types/v10";
import { cityChoices, resolveCity } from "../src/calendar/city-choices.js";
import { zonePlace } from "../src/calendar/places.js";
import {
  isMethod,
  isPolarConvention,
  METHODS,
  type Method,
  POLAR_CONVENTIONS,
  type PolarConvention,
} from "../src/calendar/prayer.js";
import { localParts } from "../src/calendar/time.js";
import { timeZoneChoices, timeZoneWarning, validateTimeZone } from "../src/calendar/timezones.js";
import { parseOverrideStart } from "../src/calendar/umm-al-qura.js";
import { UserFacingError } from "../src/errors.js";
import { optionName } from "../src/i18n/commands.js";
import { englishText, LOCALES, langFor, SOURCE_LOCALE, supportedLocale } from "../src/i18n/index.js";
import { PostError } from "../src/post-error.js";
import { firstSlotFrom, parseDailyTime } from "../src/reminders/due.js";
import { reminderPost } from "../src/reminders/post.js";
import {
  type BotContext,
  type Choice,
  type Invocation,
  optionNumber,
  optionString,
} from "../src/runtime/command.js";
import {
  CommandType,
  Context,
  Integration,
  MANAGE_SERVER,
  OptionType,
  PostableChannel,
} from "../src/runtime/command-codes.js";
import type { Reminder, Storage } from "../src/storage/types.js";
import type { Reply } from "../src/views/card.js";
import {
  noReminderView,
  reminderOffView,
  reminderSavedView,
  reminderShowView,
  testPostedView,
} from "../src/views/reminders.js";

const SNOWFLAKE = /^\d{17,20}$/;
const channelMention = (id: string) => `<#${id}>`;

export const data = {
  type: CommandType.ChatInput,
  name: "reminders",
  description: englishText("command.reminders.description"),
  // Who may manage reminders: Discord hides the command from others, and `run` checks again.
  default_member_permissions: String(MANAGE_SERVER),
  contexts: [Context.Guild],
  integration_types: [Integration.GuildInstall],
  options: [
    {
      type: OptionType.Subcommand,
      name: "set",
      description: englishText("command.reminders.set.description"),
      options: [
        {
          type: OptionType.Channel,
          name: "channel",
          description: englishText("command.reminders.set.option.channel.description"),
          required: true,
          channel_types: [PostableChannel.GuildText, PostableChannel.GuildAnnouncement],
        },
        {
          type: OptionType.String,
          name: "time",
          description: englishText("command.reminders.set.option.time.description"),
          required: true,
          max_length: 16,
        },
        {
          type: OptionType.String,
          name: "timezone",
          description: englishText("command.reminders.set.option.timezone.description"),
          required: true,
          max_length: 64,
          autocomplete: true,
        },
        {
          type: OptionType.String,
          name: "language",
          description: englishText("command.reminders.set.option.language.description"),
          choices: LOCALES.map((l) => ({ name: l.name, value: l.code })),
        },
        {
          type: OptionType.String,
          name: "city",
          description: englishText("command.reminders.set.option.city.description"),
          max_length: 100,
          autocomplete: true,
        },
        {
          type: OptionType.String,
          name: "method",
          description: englishText("command.reminders.set.option.method.description"),
          choices: METHODS.map((m) => ({ name: englishText(`method.${m}`), value: m })),
        },
        {
          type: OptionType.String,
          name: "polar_days",
          description: englishText("command.reminders.set.option.polar_days.description"),
          choices: POLAR_CONVENTIONS.map((c) => ({ name: englishText(`polar_days.${c}`), value: c })),
        },
        {
          type: OptionType.Role,
          name: "role",
          description: englishText("command.reminders.set.option.role.description"),
        },
        {
          type: OptionType.Integer,
          name: "day_offset",
          description: englishText("command.reminders.set.option.day_offset.description"),
          min_value: -2,
          max_value: 2,
        },
        {
          type: OptionType.String,
          name: "start_date",
          description: englishText("command.reminders.set.option.start_date.description"),
          max_length: 10,
        },
      ],
    },
    {
      type: OptionType.Subcommand,
      name: "show",
      description: englishText("command.reminders.show.description"),
    },
    {
      type: OptionType.Subcommand,
      name: "off",
      description: englishText("command.reminders.off.description"),
    },
    {
      type: OptionType.Subcommand,
      name: "preview",
      description: englishText("command.reminders.preview.description"),
      options: [
        {
          type: OptionType.String,
          name: "timezone",
          description: englishText("command.reminders.preview.option.timezone.description"),
          max_length: 64,
          autocomplete: true,
        },
      ],
    },
    {
      type: OptionType.Subcommand,
      name: "test",
      description: englishText("command.reminders.test.description"),
    },
  ],
} satisfies RESTPostAPIChatInputApplicationCommandsJSONBody;

/** Every subcommand waits on storage or on Discord: acknowledge privately first. */
export const defer = "ephemeral";

/** Today's post as the server will see it: in its chosen language, or the moderator's before one is set. */
function previewReply(
  ctx: BotContext,
  invocation: Invocation,
  timeZone: string,
  reminder: Reminder | null,
): Reply {
  const now = ctx.now();
  const sameZone = reminder !== null && reminder.timeZone === timeZone;
  const post = reminderPost({
    corpus: ctx.corpus,
    config: ctx.config,
    now,
    localDate: localParts(now, timeZone).date,
    timeZone,
    settings: reminder ? { ...reminder, place: sameZone ? reminder.place : null } : {},
    markup: invocation.markup,
    lang: reminder ? langFor(reminder.language) : invocation.lang,
  });
  return { ...post, content: undefined, mentionRoleId: undefined, ephemeral: true };
}

/** A Discord id typed or sent where a picked channel or role belongs. */
function snowflake(value: string | undefined, what: "channel" | "role"): string | undefined {
  if (value === undefined) return undefined;
  if (!SNOWFLAKE.test(value))
    throw new UserFacingError("reminders.error.badId", { what, value: value.slice(0, 40) });
  return value;
}

/** The posts' language: as chosen, else the server's own language where talks-bot speaks it, else English. */
function postLanguage(invocation: Invocation): string {
  const chosen = optionString(invocation, "language");
  if (chosen !== undefined) {
    const code = supportedLocale(chosen);
    if (!code) {
      throw new UserFacingError("reminders.error.unknownLanguage", {
        value: chosen.slice(0, 40),
        languages: LOCALES.map((l) => l.name).join(", "),
      });
    }
    return code;
  }
  return supportedLocale(invocation.guildLocale) ?? SOURCE_LOCALE;
}

function chosenMethod(invocation: Invocation): Method | null {
  const chosen = optionString(invocation, "method");
  if (chosen === undefined) return null;
  if (!isMethod(chosen))
    throw new UserFacingError("reminders.error.unknownMethod", { value: chosen.slice(0, 40) });
  return chosen;
}

function chosenPolarConvention(invocation: Invocation): PolarConvention | null {
  const chosen = optionString(invocation, "polar_days");
  if (chosen === undefined) return null;
  if (!isPolarConvention(chosen)) {
    throw new UserFacingError("reminders.error.unknownPolarDays", {
      value: chosen.slice(0, 40),
      choices: POLAR_CONVENTIONS.join(", "),
    });
  }
  return chosen;
}

async function set(
  invocation: Invocation,
  ctx: BotContext,
  storage: Storage,
  guildId: string,
): Promise<Reply> {
  const server = invocation.server;
  const { lang } = invocation;
  if (!server) throw new UserFacingError("reminders.error.needsServer");
  const time = parseDailyTime(optionString(invocation, "time") ?? "");
  const timeZone = validateTimeZone(optionString(invocation, "timezone") ?? "");
  const startDate = optionString(invocation, "start_date")?.trim() || undefined;
  // Errors name the options as the moderator's picker shows them.
  const named = (option: string) =>
    invocation.can.showLocalizedNames ? optionName(lang, ["reminders", "set"], option) : option;
  const startOverride = startDate
    ? (parseOverrideStart(startDate, named("start_date"))?.start ?? null)
    : null;
  const dayOffset = optionNumber(invocation, "day_offset") ?? 0;
  if (startOverride && dayOffset !== 0) {
    throw new UserFacingError("reminders.error.offsetAndStart", {
      dayOffset: named("day_offset"),
      startDate: named("start_date"),
    });
  }
  const language = postLanguage(invocation);
  const typedCity = optionString(invocation, "city")?.trim();
  const city = typedCity ? resolveCity(typedCity, timeZone) : null;
  const method = chosenMethod(invocation);
  const polarConvention = chosenPolarConvention(invocation);
  const channelId = snowflake(optionString(invocation, "channel"), "channel");
  if (!channelId) throw new UserFacingError("reminders.error.pickChannel");
  const roleId = snowflake(optionString(invocation, "role"), "role") ?? null;
  // Where the post would land, as Discord says now: never a channel of another server.
  const channel = await server.channel(channelId);
  if (!channel)
    throw new UserFacingError("reminders.error.cannotSee", { channel: channelMention(channelId) });
  if (channel.guildId !== guildId) throw new UserFacingError("reminders.error.otherServer");
  if (!channel.postable) throw new UserFacingError("reminders.error.notPostable");
  const missing = await server.missingPermissions(channelId);
  if (missing.length > 0) {
    throw new UserFacingError("reminders.error.missingPermissions", {
      channel: channelMention(channelId),
      permissions: lang.list(missing.map((p) => lang.t(`permission.${p}`))),
    });
  }
  const role = roleId ? server.role(roleId) : null;
  const slot = firstSlotFrom(ctx.now(), time.text, timeZone);
  const place = city
    ? { name: city.name, country: city.country, latitude: city.latitude, longitude: city.longitude }
    : null;
  await storage.upsertReminder({
    guildId,
    channelId,
    time: time.text,
    timeZone,
    roleId,
    dayOffset,
    startOverride,
    language,
    place,
    method,
    polarConvention,
    by: invocation.userId,
    nextDueAt: slot.at.getTime(),
  });
  const sun =
    zonePlace(timeZone) === null && !place ? lang.t("reminders.note.noPlace", { zone: timeZone }) : undefined;
  const notes = [
    timeZoneWarning(timeZone, lang),
    sun,
    role && !role.mentionable ? lang.t("reminders.note.roleNotMentionable", { role: role.name }) : undefined,
  ].filter((n): n is string => Boolean(n));
  return reminderSavedView(
    invocation,
    {
      channelId,
      time: time.text,
      timeZone,
      roleId,
      nextAt: slot.at,
      language,
      place,
      method,
      polarConvention,
    },
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
  if (!reminder) throw new UserFacingError("reminders.error.setFirst");
  const post = previewReply(ctx, invocation, reminder.timeZone, reminder);
  try {
    const sent = await (invocation.server as NonNullable<Invocation["server"]>).post(
      reminder.channelId,
      post,
    );
    return testPostedView(invocation, guildId, reminder.channelId, sent.id);
  } catch (error) {
    if (!(error instanceof PostError)) throw error;
    throw new UserFacingError("reminders.error.testFailed", {
      channel: channelMention(reminder.channelId),
      reason: error.reason ? invocation.lang.t(`reminders.pause.${error.reason}`) : error.message,
    });
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
    throw invocation.can.runInServers
      ? new UserFacingError("reminders.error.inServer")
      : new UserFacingError("reminders.error.consoleOnly", { subcommand: invocation.subcommand ?? "" });
  }
  // Discord hides the command from members without Manage Server, but admins can override that and
  // clients can be stale: check again here, before anything is read or saved.
  if (((invocation.memberPermissions ?? 0n) & MANAGE_SERVER) !== MANAGE_SERVER) {
    throw new UserFacingError("reminders.error.notModerator");
  }
  const storage = ctx.storage;
  if (!storage) throw new UserFacingError("reminders.error.noDatabase");
  switch (invocation.subcommand) {
    case "set":
      return set(invocation, ctx, storage, guildId);
    case "show": {
      const reminder = await storage.getReminder(guildId);
      if (!reminder) return noReminderView(invocation);
      return reminderShowView(invocation, guildId, reminder, await storage.lastPost(guildId));
    }
    case "off":
      return reminderOffView(invocation, await storage.disableReminder(guildId, invocation.userId));
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
  invocation: Invocation,
  ctx: BotContext,
): Choice[] {
  if (focused.name === "city")
    return cityChoices(focused.value, optionString(invocation, "timezone"), invocation.lang);
  if (focused.name !== "timezone") return [];
  return timeZoneChoices(focused.value, ctx.now(), invocation.lang);
}
