import type { Corpus } from "../corpus/types.js";
import type { Reply, Voice } from "./card.js";
import { LIMITS, truncate } from "./limits.js";
import { coverageAsOf, newestFirst, sourceLine } from "./source.js";

/** A command as /help lists it. */
export interface CommandSummary {
  readonly name: string;
  readonly description: string;
  /** A message context-menu command ("right-click a message → Apps"). */
  readonly menu: boolean;
}

/**
 * Whole lines, as many as fit in `max` characters together with the line that says how many were left out
 * (`more(count)`); a single line longer than the room is cut. Never more than `max`.
 */
export function listWithin(lines: readonly string[], max: number, more: (count: number) => string): string {
  const all = lines.join("\n");
  if (all.length <= max) return all;
  const kept: string[] = [];
  let used = 0;
  for (const [index, line] of lines.entries()) {
    const tail = more(lines.length - index - 1);
    if (used + line.length + 1 + tail.length > max) break;
    kept.push(line);
    used += line.length + 1;
  }
  if (kept.length === 0)
    kept.push(truncate(lines[0] ?? "", Math.max(1, max - more(lines.length - 1).length - 1)));
  return truncate([...kept, more(lines.length - kept.length)].join("\n"), max);
}

/** What talks-bot knows, its sources and their dates (newest first), and its commands. */
export function helpView(voice: Voice, corpus: Corpus, commands: readonly CommandSummary[]): Reply {
  const { lang } = voice;
  const sources = listWithin(
    newestFirst(corpus.articles).map((article) => `• ${sourceLine(voice, article)}`),
    LIMITS.fieldValue,
    (count) => lang.t("help.sources.more", { count }),
  );
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
          { name: lang.t("help.field.sources"), value: sources },
          { name: lang.t("help.field.commands"), value: truncate(lines.join("\n"), LIMITS.fieldValue) },
          { name: lang.t("help.field.tips"), value: lang.t("help.tips") },
        ],
        footer: lang.t("help.footer", { date: lang.date(coverageAsOf(corpus)) }),
      },
    ],
  };
}
