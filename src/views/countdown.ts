import type { Corpus } from "../corpus/types.js";
import type { CountdownResult } from "../countdown.js";
import type { Card, Markup, Reply } from "./card.js";
import { LIMITS, truncate } from "./limits.js";
import { formatDate, whenLabel } from "./markup.js";
import { citation, findArticle } from "./source.js";

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** "17 days and 6 hours", "5 hours and 3 minutes". */
export function remainingLabel(days: number, hours: number, minutes: number): string {
  if (days > 0)
    return hours > 0 ? `${plural(days, "day")} and ${plural(hours, "hour")}` : plural(days, "day");
  if (hours > 0)
    return minutes > 0 ? `${plural(hours, "hour")} and ${plural(minutes, "minute")}` : plural(hours, "hour");
  return minutes > 0 ? plural(minutes, "minute") : "Less than a minute";
}

/** Why Ramadan matters to the talks, quoted from the newest status card's deadline section. */
export function deadlineContext(corpus: Corpus, markup: Markup): string | undefined {
  const card = corpus.statusCards[0];
  const section = card?.sections.find((s) => /deadline/i.test(s.heading));
  const point = section?.points[section.points.length - 1];
  if (!card || !point) return undefined;
  const article = findArticle(corpus, point.cite.articleId);
  const source = article ? citation(article, point.cite.paragraphs, markup) : "";
  return `In the coverage as of ${formatDate(card.asOf)}, Ramadan was the deadline the talks raced against: ${markup.escape(point.text)} (${source})`;
}

function sourceNote(result: CountdownResult): string {
  switch (result.source) {
    case "override":
      return "First day of fasting set for this community (local moon sighting)";
    case "offset":
      return "Umm al-Qura calendar, shifted by this server's day offset (local moon sighting)";
    default:
      return "Umm al-Qura calendar; the fast begins at sunset, taken here as 18:00 local time";
  }
}

/** The countdown card; during Ramadan it says which day it is. */
export function countdownView(
  corpus: Corpus,
  result: CountdownResult,
  timeZone: string,
  markup: Markup,
): Reply {
  const fields: { name: string; value: string }[] = [];
  let title: string;
  let description: string;
  if (result.phase === "before") {
    title = `${remainingLabel(result.days, result.hours, result.minutes)} until Ramadan ${result.hijriYear}`;
    description = `Ramadan ${result.hijriYear} begins on the evening of ${whenLabel(markup, result.startsAt, timeZone)}; the first fast is ${formatDate(result.firstFast)}.`;
  } else {
    title = `Day ${result.day} of Ramadan ${result.hijriYear}`;
    const left =
      result.daysLeft === 0 ? "This is the last day" : `${plural(result.daysLeft, "day")} left after today`;
    description = `${left}; Eid al-Fitr begins on the evening of ${whenLabel(markup, result.endsAt, timeZone)}.`;
  }
  const context = deadlineContext(corpus, markup);
  if (context) fields.push({ name: "Why it matters", value: truncate(context, LIMITS.fieldValue) });
  const card: Card = {
    title,
    description,
    fields,
    footer: `${sourceNote(result)} · time zone ${timeZone}`,
    tone: "info",
  };
  return { cards: [card] };
}
