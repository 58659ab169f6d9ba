import {
  ApplicationCommandType,
  ApplicationIntegrationType,
  ContextMenuCommandBuilder,
  InteractionContextType,
} from "discord.js";
import type { BotContext, Invocation } from "../src/command.js";
import { UserFacingError } from "../src/errors.js";
import { en } from "../src/i18n/index.js";
import { MAX_QUESTION_LENGTH } from "../src/search/engine.js";
import type { Reply } from "../src/views/card.js";
import { truncate } from "../src/views/limits.js";
import { answerFor } from "./ask.js";

/** Right-click a message → Apps → "Ask talks-bot": answers the message's text, privately. */
export const data = new ContextMenuCommandBuilder()
  .setName(en("command.ask-talks-bot.name"))
  .setType(ApplicationCommandType.Message)
  .setContexts(InteractionContextType.Guild)
  .setIntegrationTypes(ApplicationIntegrationType.GuildInstall)
  .toJSON();

export function run(invocation: Invocation, ctx: BotContext): Reply {
  const text = invocation.targetMessage?.content.trim() ?? "";
  if (text.length === 0) throw new UserFacingError("ask.error.noText");
  return answerFor(truncate(text, MAX_QUESTION_LENGTH, ""), invocation, ctx, { hide: true });
}
