import { ApplicationIntegrationType, InteractionContextType, SlashCommandBuilder } from "discord.js";
import type { BotContext, Invocation } from "../src/command.js";
import type { Reply } from "../src/views/card.js";
import { LIMITS, truncate } from "../src/views/limits.js";
import { formatDate } from "../src/views/markup.js";
import { coverageAsOf, publishedLabel } from "../src/views/source.js";

export const data = new SlashCommandBuilder()
  .setName("help")
  .setDescription("What talks-bot knows, its sources and their dates, and its commands")
  .setContexts(InteractionContextType.Guild, InteractionContextType.BotDM)
  .setIntegrationTypes(ApplicationIntegrationType.GuildInstall)
  .toJSON();

export function run(invocation: Invocation, ctx: BotContext): Reply {
  const { markup } = invocation;
  const sources = ctx.corpus.articles.map((article) => {
    const title = article.url
      ? markup.link(markup.escape(article.title), article.url)
      : `“${markup.escape(article.title)}”`;
    return `• ${markup.escape(article.source)}, ${title}, ${publishedLabel(article)} (${article.paragraphs.length} paragraphs)`;
  });
  const commands = ctx.commands
    .filter((command) => command.data.type === undefined || command.data.type === 1)
    .map(
      (command) =>
        `• /${command.data.name}: ${"description" in command.data ? command.data.description : ""}`,
    );
  const menus = ctx.commands
    .filter((command) => command.data.type === 3)
    .map((command) => `• ${command.data.name} (right-click a message → Apps)`);
  return {
    ephemeral: true,
    cards: [
      {
        title: "talks-bot: the ceasefire and hostage talks, from the coverage",
        tone: "info",
        description:
          "I answer questions about the Israel–Hamas ceasefire and hostage negotiations using only the coverage listed below, quoting it and citing the paragraph. When the coverage does not say, I say so instead of guessing.",
        fields: [
          { name: "Sources", value: truncate(sources.join("\n"), LIMITS.fieldValue) },
          { name: "Commands", value: truncate([...commands, ...menus].join("\n"), LIMITS.fieldValue) },
          {
            name: "Tips",
            value:
              "Ask in your own words: “who is brokering the deal?”, “what did Kirby say about the UN vote?”. Answers are as of the source date, not live news.",
          },
        ],
        footer: `Coverage as of ${formatDate(coverageAsOf(ctx.corpus))}`,
      },
    ],
  };
}
