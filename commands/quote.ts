import type { RESTPostAPIChatInputApplicationCommandsJSONBody } from "discord-api-types/v10";
import { englishText } from "../src/i18n/index.js";
import { type BotContext, type Choice, type Invocation, optionString } from "../src/runtime/command.js";
import { CommandType, Context, Integration, OptionType } from "../src/runtime/command-codes.js";
import type { Reply } from "../src/views/card.js";
import { textMarkupFor } from "../src/views/markup.js";
import { quoteJson, quoteView, unknownSpeakerText } from "../src/views/quote.js";

export const data = {
  type: CommandType.ChatInput,
  name: "quote",
  description: englishText("command.quote.description"),
  options: [
    {
      type: OptionType.String,
      name: "speaker",
      description: englishText("command.quote.option.speaker.description"),
      max_length: 100,
      autocomplete: true,
    },
    {
      type: OptionType.String,
      name: "topic",
      description: englishText("command.quote.option.topic.description"),
      max_length: 100,
    },
  ],
  contexts: [Context.Guild, Context.BotDM],
  integration_types: [Integration.GuildInstall],
} satisfies RESTPostAPIChatInputApplicationCommandsJSONBody;

export const cli = { usage: "[--speaker X] [--topic Y] [--json]" };

export function run(invocation: Invocation, ctx: BotContext): Reply {
  const speaker = optionString(invocation, "speaker")?.trim() || undefined;
  const topic = optionString(invocation, "topic")?.trim() || undefined;
  const match = ctx.quotes.find({ ...(speaker ? { speaker } : {}), ...(topic ? { topic } : {}) });
  const { lang } = invocation;
  return {
    ...quoteView(invocation, ctx.corpus, match, { speaker, topic }),
    data: quoteJson(match, ctx.corpus),
    failure:
      match.status === "unknown-speaker"
        ? unknownSpeakerText({ markup: textMarkupFor(lang), lang }, match)
        : undefined,
  };
}

export function autocomplete(
  focused: { name: string; value: string },
  _invocation: Invocation,
  ctx: BotContext,
): readonly Choice[] {
  return focused.name === "speaker" ? ctx.quotes.suggestSpeakers(focused.value) : [];
}
