import { createHash } from "node:crypto";
import { type CalendarSettings, countdownFor } from "../calendar/countdown.js";
import { daysBetweenLocalDates } from "../calendar/time.js";
import type { Corpus } from "../corpus/types.js";
import type { Lang } from "../i18n/index.js";
import type { Markup, Reply } from "../views/card.js";
import { countdownView } from "../views/countdown.js";
import { LIMITS, truncate } from "../views/limits.js";
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
export function pointOfTheDay(
  corpus: Corpus,
  localDate: string,
  markup: Markup,
  lang: Lang,
): string | undefined {
  const card = corpus.statusCards[0];
  if (!card) return undefined;
  const points = card.sections.flatMap((section) => section.points);
  if (points.length === 0) return undefined;
  const index =
    ((daysBetweenLocalDates("2000-01-01", localDate) % points.length) + points.length) % points.length;
  const point = points[index];
  if (!point) return undefined;
  const article = findArticle(corpus, point.cite.articleId);
  const text = point.translations[lang.locale] ?? lang.isolate(point.text);
  return lang.t("reminders.post.point", {
    point: markup.escape(text),
    source: article ? citation(article, point.cite.paragraphs, markup, lang) : "",
    date: lang.date(card.asOf),
  });
}

export interface ReminderPostInput {
  readonly corpus: Corpus;
  readonly config: { readonly ramadanStart: string | undefined };
  readonly now: Date;
  readonly localDate: string;
  readonly timeZone: string;
  readonly settings: CalendarSettings & { readonly roleId?: string | null | undefined };
  readonly markup: Markup;
  /** The server's chosen language for its posts. */
  readonly lang: Lang;
}

/** The daily post: the countdown (or the day of Ramadan and the fast's times), with one cited point. */
export function reminderPost(input: ReminderPostInput): Reply {
  const { lang } = input;
  const result = countdownFor(input, input.now, input.timeZone, input.settings);
  const base = countdownView(input.corpus, result, input.markup, lang);
  const [card] = base.cards;
  const point = pointOfTheDay(input.corpus, input.localDate, input.markup, lang);
  const why = lang.t("countdown.field.why");
  const fields = [
    ...(card?.fields ?? []).filter((f) => f.name !== why),
    ...(point
      ? [{ name: lang.t("reminders.post.fromCoverage"), value: truncate(point, LIMITS.fieldValue) }]
      : []),
  ];
  const roleId = input.settings.roleId ?? undefined;
  return {
    dir: lang.dir,
    content: roleId ? `<@&${roleId}>` : undefined,
    mentionRoleId: roleId,
    cards: card ? [{ ...card, title: lang.t("reminders.post.title", { title: card.title }), fields }] : [],
  };
}
