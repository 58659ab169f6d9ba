import type { RESTPostAPIChatInputApplicationCommandsJSONBody } from "discord-api-types/v10";
import { englishText } from "../src/i18n/index.js";
import type { BotContext, Invocation } from "../src/runtime/command.js";
import { CommandType, Context, Integration } from "../src/runtime/command-codes.js";
import type { Reply } from "../src/views/card.js";
import { statusJson, statusView } from "../src/views/status.js";

export const data = {
  type: CommandType.ChatInput,
  name: "status",
  description: englishText("command.status.description"),
  contexts: [Context.Guild, Context.BotDM],
  integration_types: [Integration.GuildInstall],
} satisfies RESTPostAPIChatInputApplicationCommandsJSONBody;

export const cli = { usage: "[--json]" };

export function run(invocation: Invocation, ctx: BotContext): Reply {
  return { ...statusView(invocation, ctx.corpus), data: statusJson(ctx.corpus) };
}
