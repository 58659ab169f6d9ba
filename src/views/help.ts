import type { Corpus } from "../corpus/types.js";
import type { Markup, Reply } from "./card.js";
import { LIMITS, truncate } from "./limits.js";
import { formatDate } from "./markup.js";
import { coverageAsOf, sourceLine } from "./source.js";

/** A command as /help lists it. */
export interface CommandSummary {
  readonly name: string;
  readonly description: string;
  /** A message context-menu command ("right-click a message → Apps"). */
  readonly menu: boolean;
}

/** What talks-bot knows, its sources and their dates, and its commands. */
export function helpView(corpus: Corpus, commands: readonly CommandSummary[], markup: Markup): Reply {
  const sources = corpus.articles.map((article) => `• ${sourceLine(article, markup)}`);
  const lines = [
    ...commands.filter((c) => !c.menu).map((c) => `• /${c.name}: ${c.description}`),
    ...commands.filter((c) => c.menu).map((c) => `• ${c.name} (right-click a message → Apps)`),
  ];
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
          { name: "Commands", value: truncate(lines.join("\n"), LIMITS.fieldValue) },
          {
            name: "Tips",
            value:
              "Ask in your own words: “who is brokering the deal?”, “what did Kirby say about the UN vote?”. Answers are as of the source date, not live news.",
          },
        ],
        footer: `Coverage as of ${formatDate(coverageAsOf(corpus))}`,
      },
    ],
  };
}
