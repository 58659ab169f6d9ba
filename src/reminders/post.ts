import { createHash } from "node:crypto";
import type { Corpus } from "../corpus/types.js";
import { type CalendarSettings, countdownFor } from "../countdown.js";
import { daysBetweenLocalDates } from "../time.js";
import type { Markup, Reply } from "../views/card.js";
import { countdownView } from "../views/countdown.js";
import { LIMITS, truncate } from "../views/limits.js";
import { formatDate } from "../views/markup.js";
import { citation, findArticle } from "../views/source.js";

/**
 * Discord's message nonce for a guild's post of one local date: the same on every attempt, so a retried
 * or re-sent request is dropped by Discord (`enforce_nonce`) instead of posting twice. At most 25 chars.
 */
export function reminderNonce(guildId: string, localDate: string): string {
  return createHash("sha256")
    .update(`talks-bot:reminder:${guildId}:${localDate}`)
    .digest("base64url")
    .slice(0, 25);
}

/** One point of the status card per day, in turn, so the daily post says something new each day. */
export function pointOfTheDay(corpus: Corpus, localDate: string, markup: Markup): string | undefined {
  const card = corpus.statusCards[0];
  if (!card) return undefined;
  const points = card.sections.flatMap((section) => section.points);
  if (points.length === 0) return undefined;
  const index =
    ((daysBetweenLocalDates("2000-01-01", localDate) % points.length) + points.length) % points.length;
  const point = points[index];
  if (!point) return undefined;
  const article = findArticle(corpus, point.cite.articleId);
  const source = article ? citation(article, point.cite.paragraphs, markup) : "";
  return `${markup.escape(point.text)}\n${source} · as of ${formatDate(card.asOf)}`;
}

export interface ReminderPostInput {
  readonly corpus: Corpus;
  readonly config: { readonly ramadanStart: string | undefined };
  readonly now: Date;
  readonly localDate: string;
  readonly timeZone: string;
  readonly settings: CalendarSettings & { readonly roleId?: string | null | undefined };
  readonly markup: Markup;
}

/** The daily post: the countdown (or the day of Ramadan), with one cited point from the coverage. */
export function reminderPost(input: ReminderPostInput): Reply {
  const result = countdownFor(input, input.now, input.timeZone, input.settings);
  const base = countdownView(input.corpus, result, input.timeZone, input.markup);
  const [card] = base.cards;
  const point = pointOfTheDay(input.corpus, input.localDate, input.markup);
  // Said only when it shapes this post: a first-fast date counts for its own year alone.
  const calendar =
    result.source === "override"
      ? `Counting from a first fast on ${formatDate(result.firstFast)} (local moon sighting).`
      : result.source === "offset"
        ? `This server shifts the Umm al-Qura calendar by ${(input.settings.dayOffset ?? 0) > 0 ? "+" : ""}${input.settings.dayOffset ?? 0} day(s) (local moon sighting).`
        : undefined;
  const fields = [
    ...(card?.fields ?? []).filter((f) => f.name !== "Why it matters"),
    ...(point ? [{ name: "From the coverage", value: truncate(point, LIMITS.fieldValue) }] : []),
    ...(calendar ? [{ name: "Calendar", value: calendar }] : []),
  ];
  const roleId = input.settings.roleId ?? undefined;
  return {
    content: roleId ? `<@&${roleId}>` : undefined,
    mentionRoleId: roleId,
    cards: card ? [{ ...card, title: `Daily countdown: ${card.title}`, fields }] : [],
  };
}
