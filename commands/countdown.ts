import { ApplicationIntegrationType, InteractionContextType, SlashCommandBuilder } from "discord.js";
import { type BotContext, type Choice, type Invocation, optionString } from "../src/command.js";
import { countdownFor } from "../src/countdown.js";
import { timeZoneChoices, validateTimeZone } from "../src/timezones.js";
import type { Reply } from "../src/views/card.js";
import { countdownView } from "../src/views/countdown.js";

export const data = new SlashCommandBuilder()
  .setName("countdown")
  .setDescription("Time until Ramadan, the deadline the talks race against")
  .addStringOption((option) =>
    option
      .setName("timezone")
      .setDescription("Your time zone, e.g. Europe/London (default: the server's)")
      .setMaxLength(64)
      .setAutocomplete(true),
  )
  .setContexts(InteractionContextType.Guild, InteractionContextType.BotDM)
  .setIntegrationTypes(ApplicationIntegrationType.GuildInstall)
  .toJSON();

export const cli = { usage: "[--tz Zone] [--json]", aliases: { tz: "timezone" } };

/** `--json`: the countdown (phase, days, hours, minutes, dates, source…) and the time zone it is for. */
export async function run(invocation: Invocation, ctx: BotContext): Promise<Reply> {
  const typed = optionString(invocation, "timezone")?.trim();
  const reminder =
    invocation.guildId && ctx.storage ? await ctx.storage.getReminder(invocation.guildId) : null;
  const timeZone = typed ? validateTimeZone(typed) : (reminder?.timeZone ?? ctx.config.defaultTimeZone);
  const result = countdownFor(ctx, ctx.now(), timeZone, reminder);
  return { ...countdownView(ctx.corpus, result, timeZone, invocation.markup), data: { ...result, timeZone } };
}

export function autocomplete(
  focused: { name: string; value: string },
  _invocation: Invocation,
  ctx: BotContext,
): Choice[] {
  return timeZoneChoices(focused.value, ctx.now());
}
