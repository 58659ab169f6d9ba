import type { Corpus } from "../corpus/types.js";
import { type CountdownResult, ummAlQuraFirstFast } from "../countdown.js";
import type { Lang } from "../i18n/index.js";
import type { Card, CardField, Markup, Reply } from "./card.js";
import { LIMITS, truncate } from "./limits.js";
import { whenLabel } from "./markup.js";
import { citation, findArticle } from "./source.js";

/** "17 days and 6 hours", "5 hours and 3 minutes", "Less than a minute". */
export function remainingLabel(days: number, hours: number, minutes: number, lang: Lang): string {
  const unit = (key: "unit.days" | "unit.hours" | "unit.minutes", count: number) => lang.t(key, { count });
  const pair = (first: string, second: string) => lang.t("unit.pair", { first, second });
  if (days > 0)
    return hours > 0 ? pair(unit("unit.days", days), unit("unit.hours", hours)) : unit("unit.days", days);
  if (hours > 0)
    return minutes > 0
      ? pair(unit("unit.hours", hours), unit("unit.minutes", minutes))
      : unit("unit.hours", hours);
  return minutes > 0 ? unit("unit.minutes", minutes) : lang.t("unit.lessThanMinute");
}

/** Why Ramadan matters to the talks, quoted from the newest status card's deadline section. */
export function deadlineContext(corpus: Corpus, markup: Markup, lang: Lang): string | undefined {
  const card = corpus.statusCards[0];
  const section = card?.sections.find((s) => /deadline/i.test(s.heading));
  const point = section?.points[section.points.length - 1];
  if (!card || !point) return undefined;
  const article = findArticle(corpus, point.cite.articleId);
  const text = point.translations[lang.locale] ?? lang.isolate(point.text);
  return lang.t("countdown.why", {
    date: lang.date(card.asOf),
    point: markup.escape(text),
    source: article ? citation(article, point.cite.paragraphs, markup, lang) : "",
  });
}

/** "+1 day", "−2 days": a server's shift of the calendar. */
export function offsetLabel(offset: number, lang: Lang): string {
  return lang.t("countdown.offsetDays", { offset: lang.signed(offset), count: Math.abs(offset) });
}

/** What the dates rest on: every countdown says a local moon sighting may move them. */
export function calendarNote(result: CountdownResult, lang: Lang): string {
  switch (result.source) {
    case "override":
      return lang.t("countdown.calendar.override");
    case "offset":
      return lang.t("countdown.calendar.offset", { offset: offsetLabel(result.dayOffset, lang) });
    default:
      return lang.t("countdown.calendar.ummAlQura");
  }
}

/** Where sunset and the prayer times were computed, or that 18:00 stands in for sunset. */
export function sunNote(result: CountdownResult, lang: Lang): string {
  return result.sun
    ? lang.t("countdown.sun.place", {
        place: result.sun.place.name,
        method: lang.t(`method.${result.sun.method}`),
      })
    : lang.t("countdown.sun.fallback", { zone: result.timeZone });
}

/**
 * The countdown card; during Ramadan it says which day it is and, where the place is known, when the next
 * fast begins (Fajr: suhoor ends) and ends (Maghrib: iftar).
 */
export function countdownView(corpus: Corpus, result: CountdownResult, markup: Markup, lang: Lang): Reply {
  const { timeZone } = result;
  const fields: CardField[] = [];
  // Named from the Umm al-Qura 1 Ramadan: a community's shifted first fast is still its 1 Ramadan.
  const oneRamadan = ummAlQuraFirstFast(result.hijriYear);
  const ramadan = lang.hijriMonth(oneRamadan);
  let title: string;
  let description: string;
  if (result.phase === "before") {
    title = lang.t("countdown.before.title", {
      remaining: remainingLabel(result.days, result.hours, result.minutes, lang),
      ramadan,
    });
    description = lang.t("countdown.before.description", {
      ramadan,
      when: whenLabel(markup, result.startsAt, timeZone),
      firstFast: lang.date(result.firstFast),
      hijri: lang.hijriDate(oneRamadan),
    });
  } else {
    title = lang.t("countdown.during.title", { day: result.day, ramadan });
    const left =
      result.daysLeft === 0
        ? lang.t("countdown.during.lastDay")
        : lang.t("countdown.during.daysLeft", { count: result.daysLeft });
    description = lang.t("countdown.during.description", {
      left,
      when: whenLabel(markup, result.endsAt, timeZone),
    });
    if (result.fast && result.sun) {
      fields.push({
        name: lang.t(result.fast.today ? "countdown.field.today" : "countdown.field.tomorrow", {
          place: result.sun.place.name,
        }),
        value: lang.t("countdown.fastTimes", {
          fajr: lang.time(result.fast.fajr, timeZone),
          maghrib: lang.time(result.fast.maghrib, timeZone),
        }),
      });
    }
  }
  const context = deadlineContext(corpus, markup, lang);
  if (context)
    fields.push({ name: lang.t("countdown.field.why"), value: truncate(context, LIMITS.fieldValue) });
  const card: Card = {
    title,
    description,
    fields,
    footer: lang.t("countdown.footer", {
      calendar: calendarNote(result, lang),
      sun: sunNote(result, lang),
      zone: timeZone,
    }),
    tone: "info",
  };
  return { dir: lang.dir, cards: [card] };
}
