import { ApplicationIntegrationType, InteractionContextType, SlashCommandBuilder } from "discord.js";
import { type BotContext, type Choice, type Invocation, optionString } from "../src/command.js";
import { en } from "../src/i18n/index.js";
import type { Reply } from "../src/views/card.js";
import { textMarkupFor } from "../src/views/markup.js";
import { quoteJson, quoteView, unknownSpeakerText } from "../src/views/quote.js";

export const data = new SlashCommandBuilder()
  .setName("quote")
  .setDescription(en("command.quote.description"))
  .addStringOption((option) =>
    option
      .setName("speaker")
      .setDescription(en("command.quote.option.speaker.description"))
      .setMaxLength(100)
      .setAutocomplete(true),
  )
  .addStringOption((option) =>
    option.setName("topic").setDescription(en("command.quote.option.topic.description")).setMaxLength(100),
  )
  .setContexts(InteractionContextType.Guild, InteractionContextType.BotDM)
  .setIntegrationTypes(ApplicationIntegrationType.GuildInstall)
  .toJSON();

export const cli = { usage: "[--speaker X] [--topic Y] [--json]" };

export function run(invocation: Invocation, ctx: BotContext): Reply {
  const speaker = optionString(invocation, "speaker")?.trim() || undefined;
  const topic = optionString(invocation, "topic")?.trim() || undefined;
  const match = ctx.quotes.find({ ...(speaker ? { speaker } : {}), ...(topic ? { topic } : {}) });
  const { lang } = invocation;
  return {
    ...quoteView(ctx.corpus, match, { speaker, topic }, invocation.markup, lang),
    data: quoteJson(match),
    failure:
      match.status === "unknown-speaker" ? unknownSpeakerText(match, textMarkupFor(lang), lang) : undefined,
  };
}

export function autocomplete(
  focused: { name: string; value: string },
  _invocation: Invocation,
  ctx: BotContext,
): readonly Choice[] {
  return focused.name === "speaker" ? ctx.quotes.suggestSpeakers(focused.value) : [];
}
