import type { RESTPostAPIChatInputApplicationCommandsJSONBody } from "discord-api-types/v10";
import { cityChoices, resolveCity } from "../src/calendar/city-choices.js";
import { countdownFor } from "../src/calendar/countdown.js";
import { timeZoneChoices, validateTimeZone } from "../src/calendar/timezones.js";
import { englishText } from "../src/i18n/index.js";
import { type BotContext, type Choice, type Invocation, optionString } from "../src/runtime/command.js";
import { CommandType, Context, Integration, OptionType } from "../src/runtime/command-codes.js";
import type { Reply } from "../src/views/card.js";
import { countdownView } from "../src/views/countdown.js";

export const data = {
  type: CommandType.ChatInput,
  name: "countdown",
  description: englishText("command.countdown.description"),
  options: [
    {
      type: OptionType.String,
      name: "timezone",
      description: englishText("command.countdown.option.timezone.description"),
      max_length: 64,
      autocomplete: true,
    },
    {
      type: OptionType.String,
      name: "city",
      description: englishText("command.countdown.option.city.description"),
      max_length: 100,
      autocomplete: true,
    },
  ],
  contexts: [Context.Guild, Context.BotDM],
  integration_types: [Integration.GuildInstall],
} satisfies RESTPostAPIChatInputApplicationCommandsJSONBody;

export const cli = { usage: "[--tz Zone] [--city City] [--json]", aliases: { tz: "timezone" } };

/**
 * `--json`: the countdown (phase, days, hours, minutes, dates, source, the place and method of its sunset and
 * prayer times, and during Ramadan the next fast's Fajr and Maghrib) and the time zone it is for. Where an
 * evening has no sunset, `sun.fallback` says why (`no-place`, `polar-night`, `midnight-sun`), `start`, `end`
 * and `evening` say what stands in (`by`), and a null `fast` comes with `noFastReason`.
 */
export async function run(invocation: Invocation, ctx: BotContext): Promise<Reply> {
  const typed = optionString(invocation, "timezone")?.trim();
  const typedCity = optionString(invocation, "city")?.trim();
  const reminder =
    invocation.guildId && ctx.storage ? await ctx.storage.getReminder(invocation.guildId) : null;
  // A city alone also says the time zone; a zone alone uses its principal city (or the server's city).
  const city = typedCity ? resolveCity(typedCity, typed ? validateTimeZone(typed) : undefined) : null;
  const timeZone = typed
    ? validateTimeZone(typed)
    : city
      ? validateTimeZone(city.timeZone)
      : (reminder?.timeZone ?? ctx.config.defaultTimeZone);
  const sameZone = reminder && reminder.timeZone === timeZone;
  const settings = {
    dayOffset: reminder?.dayOffset,
    startOverride: reminder?.startOverride,
    place: city ?? (sameZone ? reminder.place : null),
    method: reminder?.method,
    polarConvention: reminder?.polarConvention,
  };
  const result = countdownFor(ctx, ctx.now(), timeZone, settings);
  return {
    ...countdownView(ctx.corpus, result, invocation.markup, invocation.lang),
    data: { ...result, timeZone },
  };
}

export function autocomplete(
  focused: { name: string; value: string },
  invocation: Invocation,
  ctx: BotContext,
): Choice[] {
  if (focused.name === "city") {
    const zone = optionString(invocation, "timezone");
    return cityChoices(focused.value, zone, invocation.lang);
  }
  return timeZoneChoices(focused.value, ctx.now(), invocation.lang);
}
