import type { RESTPostAPIChatInputApplicationCommandsJSONBody } from "discord-api-types/v10";
import { englishText } from "../src/i18n/index.js";
import { type BotContext, type Invocation, optionNumber } from "../src/runtime/command.js";
import { CommandType, Context, Integration, OptionType } from "../src/runtime/command-codes.js";
import type { Reply } from "../src/views/card.js";
import { sourcesJson, sourcesView } from "../src/views/sources.js";

export const data = {
  type: CommandType.ChatInput,
  name: "sources",
  description: englishText("command.sources.description"),
  options: [
    {
      type: OptionType.Integer,
      name: "page",
      description: englishText("command.sources.option.page.description"),
      min_value: 1,
    },
  ],
  contexts: [Context.Guild, Context.BotDM],
  integration_types: [Integration.GuildInstall],
} satisfies RESTPostAPIChatInputApplicationCommandsJSONBody;

export const cli = { usage: "[--page N] [--json]" };

export function run(invocation: Invocation, ctx: BotContext): Reply {
  const page = optionNumber(invocation, "page") ?? 1;
  return { ...sourcesView(invocation, ctx.corpus, page), data: sourcesJson(ctx.corpus) };
}
