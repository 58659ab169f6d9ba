import { ApplicationIntegrationType, InteractionContextType, SlashCommandBuilder } from "discord.js";
import { type BotContext, type Choice, type Invocation, optionString } from "../src/command.js";
import type { Reply } from "../src/views/card.js";
import { textMarkup } from "../src/views/markup.js";
import { quoteJson, quoteView, unknownSpeakerText } from "../src/views/quote.js";

export const data = new SlashCommandBuilder()
  .setName("quote")
  .setDescription("Who said what: verbatim quotes from the coverage, by speaker or topic")
  .addStringOption((option) =>
    option
      .setName("speaker")
      .setDescription("Who, e.g. Kirby, Gantz, the diplomat")
      .setMaxLength(100)
      .setAutocomplete(true),
  )
  .addStringOption((option) =>
    option.setName("topic").setDescription("About what, e.g. Rafah, medicine, UN vote").setMaxLength(100),
  )
  .setContexts(InteractionContextType.Guild, InteractionContextType.BotDM)
  .setIntegrationTypes(ApplicationIntegrationType.GuildInstall)
  .toJSON();

export const cli = { usage: "[--speaker X] [--topic Y] [--json]" };

export function run(invocation: Invocation, ctx: BotContext): Reply {
  const speaker = optionString(invocation, "speaker")?.trim() || undefined;
  const topic = optionString(invocation, "topic")?.trim() || undefined;
  const match = ctx.quotes.find({ ...(speaker ? { speaker } : {}), ...(topic ? { topic } : {}) });
  return {
    ...quoteView(ctx.corpus, match, { speaker, topic }, invocation.markup),
    data: quoteJson(match),
    failure: match.status === "unknown-speaker" ? unknownSpeakerText(match, textMarkup) : undefined,
  };
}

export function autocomplete(
  focused: { name: string; value: string },
  _invocation: Invocation,
  ctx: BotContext,
): readonly Choice[] {
  return focused.name === "speaker" ? ctx.quotes.suggestSpeakers(focused.value) : [];
}
