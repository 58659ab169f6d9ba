import type { Corpus } from "../corpus/types.js";
import type { Reply, Voice } from "./card.js";
import { LIMITS, truncate } from "./limits.js";
import { coverageAsOf, sourceLine } from "./source.js";

/** A command as /help lists it. */
export interface CommandSummary {
  readonly name: string;
  readonly description: string;
  /** A message context-menu command ("right-click a message → Apps"). */
  readonly menu: boolean;
}

/** What talks-bot knows, its sources and their dates, and its commands. */
export function helpView(voice: Voice, corpus: Corpus, commands: readonly CommandSummary[]): Reply {
  const { lang } = voice;
  const sources = corpus.articles.map((article) => `• ${sourceLine(voice, article)}`);
  const lines = [
    ...commands
      .filter((c) => !c.menu)
      .map((c) => `• ${lang.t("help.command", { name: c.name, description: c.description })}`),
    ...commands.filter((c) => c.menu).map((c) => `• ${lang.t("help.menu", { name: c.name })}`),
  ];
  return {
    dir: lang.dir,
    ephemeral: true,
    cards: [
      {
        title: lang.t("help.title"),
        tone: "info",
        description: lang.t("help.description"),
        fields: [
          { name: lang.t("help.field.sources"), value: truncate(sources.join("\n"), LIMITS.fieldValue) },
          { name: lang.t("help.field.commands"), value: truncate(lines.join("\n"), LIMITS.fieldValue) },
          { name: lang.t("help.field.tips"), value: lang.t("help.tips") },
        ],
        footer: lang.t("help.footer", { date: lang.date(coverageAsOf(corpus)) }),
      },
    ],
  };
}
