import { ApplicationIntegrationType, InteractionContextType, SlashCommandBuilder } from "discord.js";
import type { BotContext, Invocation } from "../src/command.js";
import type { Reply } from "../src/views/card.js";
import { helpView } from "../src/views/help.js";

export const data = new SlashCommandBuilder()
  .setName("help")
  .setDescription("What talks-bot knows, its sources and their dates, and its commands")
  .setContexts(InteractionContextType.Guild, InteractionContextType.BotDM)
  .setIntegrationTypes(ApplicationIntegrationType.GuildInstall)
  .toJSON();

export function run(invocation: Invocation, ctx: BotContext): Reply {
  const commands = ctx.commands.map((command) => ({
    name: command.data.name,
    description: ("description" in command.data ? command.data.description : undefined) ?? "",
    menu: command.data.type === 3,
  }));
  return helpView(ctx.corpus, commands, invocation.markup);
}
