import { ApplicationIntegrationType, InteractionContextType, SlashCommandBuilder } from "discord.js";
import type { BotContext, Invocation } from "../src/command.js";
import { en } from "../src/i18n/index.js";
import type { Reply } from "../src/views/card.js";
import { statusJson, statusView } from "../src/views/status.js";

export const data = new SlashCommandBuilder()
  .setName("status")
  .setDescription(en("command.status.description"))
  .setContexts(InteractionContextType.Guild, InteractionContextType.BotDM)
  .setIntegrationTypes(ApplicationIntegrationType.GuildInstall)
  .toJSON();

export const cli = { usage: "[--json]" };

export function run(invocation: Invocation, ctx: BotContext): Reply {
  return { ...statusView(ctx.corpus, invocation.markup, invocation.lang), data: statusJson(ctx.corpus) };
}
