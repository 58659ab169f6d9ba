import type { RESTPostAPIContextMenuApplicationCommandsJSONBody } from "discord-api-types/v10";
import { UserFacingError } from "../src/errors.js";
import { englishText } from "../src/i18n/index.js";
import type { BotContext, Invocation } from "../src/runtime/command.js";
import { CommandType, Context, Integration } from "../src/runtime/command-codes.js";
import { MAX_QUESTION_LENGTH } from "../src/search/engine.js";
import type { Reply } from "../src/views/card.js";
import { truncate } from "../src/views/limits.js";
import { answerFor } from "./ask.js";

/** Right-click a message → Apps → "Ask talks-bot": answers the message's text, privately. */
export const data = {
  type: CommandType.Message,
  name: englishText("command.ask-talks-bot.name"),
  contexts: [Context.Guild],
  integration_types: [Integration.GuildInstall],
} satisfies RESTPostAPIContextMenuApplicationCommandsJSONBody;

export function run(invocation: Invocation, ctx: BotContext): Reply {
  const text = invocation.targetMessage?.content.trim() ?? "";
  if (text.length === 0) throw new UserFacingError("ask.error.noText");
  return answerFor(truncate(text, MAX_QUESTION_LENGTH, ""), invocation, ctx, { hide: true });
}
