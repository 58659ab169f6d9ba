import { type CountdownResult, EVENING_START_TIME, type Evening } from "../calendar/countdown.js";
import { ummAlQuraFirstFast } from "../calendar/umm-al-qura.js";
import type { Corpus } from "../corpus/types.js";
import type { Lang } from "../i18n/index.js";
import type { Card, CardField, Markup, Reply, Voice } from "./card.js";
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
export function deadlineContext({ markup, lang }: Voice, corpus: Corpus): string | undefined {
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
  const { place, method } = result.sun;
  return place && method
    ? lang.t("countdown.sun.place", { place: place.name, method: lang.t(`method.${method}`) })
    : lang.t("countdown.sun.fallback", { zone: result.timeZone });
}

/** "66.5°N": a latitude as the stand-in notes name it. */
function latitudeLabel(latitude: number, lang: Lang): string {
  const degrees = lang.number(Math.round(Math.abs(latitude) * 10) / 10);
  return lang.t(latitude >= 0 ? "countdown.latitude.north" : "countdown.latitude.south", { degrees });
}

/** What stands in for a missing sunset, and under which convention. */
function standInNote(evening: Evening, lang: Lang): string {
  switch (evening.by) {
    case "AqrabBalad":
      return lang.t("countdown.standIn.AqrabBalad", { latitude: latitudeLabel(evening.latitude, lang) });
    case "AqrabYaum":
      return lang.t("countdown.standIn.AqrabYaum", { date: lang.date(evening.fromDate) });
    default:
      return lang.t("countdown.standIn.fixed", { time: EVENING_START_TIME });
  }
}

/**
 * Why there is no sunset on the evenings the card shows, what stands in for each, and a city where the sun
 * sets; undefined when every evening shown is a sunset at the place (or there is no place: the footer says so).
 */
export function noSunsetNote(result: CountdownResult, lang: Lang): string | undefined {
  const place = result.sun.place;
  if (!place) return undefined;
  const shown = result.phase === "before" ? [result.start] : [result.evening, result.end];
  const lines: string[] = [];
  for (const evening of shown) {
    if (evening.fallback === null || evening.fallback === "no-place") continue;
    const line = `${lang.t(`countdown.polar.${evening.fallback}`, {
      place: place.name,
      date: lang.date(evening.date),
    })} ${standInNote(evening, lang)}`;
    if (!lines.includes(line)) lines.push(line);
  }
  if (lines.length === 0) return undefined;
  if (result.phase === "during" && !result.fast) lines.push(lang.t("countdown.noFast.unresolved"));
  const city = result.sun.suggestion;
  if (city) lines.push(lang.t("countdown.suggestCity", { city: city.name, zone: city.timeZone }));
  return lines.join("\n");
}

/**
 * The countdown card; during Ramadan it says which day it is and, where the place is known, when the next
 * fast begins (Fajr: suhoor ends) and ends (Maghrib: iftar). A time is called sunset only where it is one.
 * It takes the markup and the language last, unlike the other views, until the daily post
 * (src/reminders/post.ts) passes a Voice.
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
    description = lang.t(
      result.start.by === "place" ? "countdown.before.description" : "countdown.before.descriptionEvening",
      {
        ramadan,
        when: whenLabel(markup, result.start.at, timeZone),
        firstFast: lang.date(result.firstFast),
        hijri: lang.hijriDate(oneRamadan),
      },
    );
  } else {
    title = lang.t("countdown.during.title", { day: result.day, ramadan });
    const left =
      result.daysLeft === 0
        ? lang.t("countdown.during.lastDay")
        : lang.t("countdown.during.daysLeft", { count: result.daysLeft });
    description = lang.t(
      result.end.by === "place" ? "countdown.during.description" : "countdown.during.descriptionEvening",
      { left, when: whenLabel(markup, result.end.at, timeZone) },
    );
    const place = result.sun.place;
    if (result.fast && place) {
      const times = lang.t("countdown.fastTimes", {
        fajr: lang.time(result.fast.fajr, timeZone),
        maghrib: lang.time(result.fast.maghrib, timeZone),
      });
      fields.push({
        name: lang.t(result.fast.today ? "countdown.field.today" : "countdown.field.tomorrow", {
          place: place.name,
        }),
        value:
          result.fast.by === "place" ? times : `${times}\n${lang.t(`countdown.fastBy.${result.fast.by}`)}`,
      });
    }
  }
  const noSunset = noSunsetNote(result, lang);
  if (noSunset && result.sun.place) {
    fields.push({
      name: lang.t("countdown.field.noSunset", { place: result.sun.place.name }),
      value: truncate(noSunset, LIMITS.fieldValue),
    });
  }
  const context = deadlineContext({ markup, lang }, corpus);
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
