import type { CoverageIndex } from "./coverage-index.js";
import type { Query } from "./query.js";
import type { Candidate } from "./rank.js";

/**
 * Answers across reports. The coverage may hold several reports of one story, and what they say changes:
 * an offer that moves, a count that grows. When the best paragraphs come from reports of different dates and
 * answer the question about as well, the newest leads (labelled "as of" its date) and the best earlier one
 * follows with its own date, so the change is visible; two reports' facts are never merged into one sentence.
 * And a question about a time after the newest report is told how recent the coverage is.
 */

/**
 * A newer paragraph leads when its ranking probability is at least this share of the best one's (a rival for
 * the answer, not a stray match)… A newer report often answers in other words than the question's ("the union
 * withdrew its strike notice" for "when is the strike deadline"), so the bar is low; both values were chosen on
 * the two tuning stories (test/fixtures/veyl-river, halvenport-nurses) and are measured on port-ellery.
 */
const RIVAL_SHARE = 0.05;
/** …and its best sentence covers the question at least this share as well as the best one's does… */
const RIVAL_COVERAGE = 0.5;
/** …and the two reports are of one story: they share at least this share of the names they use. */
const SAME_STORY = 0.2;

export interface ReportLead {
  /** The paragraph the answer leads with: the newest close rival, or the best one. */
  readonly lead: Candidate;
  /** The best paragraph of an earlier report it replaces as the lead, when there is one. */
  readonly earlier: Candidate | null;
}

/**
 * Who leads among the ranked paragraphs (see the module comment); `ranked` is best first. A newer paragraph
 * must also name whoever the question names and the best one names ("what did Ambleforth say?" is not
 * answered by a newer paragraph that only thanks her).
 */
export function newestLeads(
  index: CoverageIndex,
  ranked: readonly Candidate[],
  query: Query,
): ReportLead | null {
  const best = ranked[0];
  if (!best) return null;
  const names = query.concepts
    .map((concept) => concept.term)
    .filter((term) => index.names.has(term) && best.doc.terms.get(term) === 1);
  const dateOf = (c: Candidate) => index.reports.get(c.doc.articleId)?.published ?? "";
  let lead = best;
  for (const rival of ranked.slice(1)) {
    if (rival.score < RIVAL_SHARE * best.score) break;
    if (dateOf(rival) <= dateOf(lead)) continue;
    if (rival.features.sentence < RIVAL_COVERAGE * best.features.sentence) continue;
    if (index.storyOverlap(rival.doc.articleId, best.doc.articleId) < SAME_STORY) continue;
    if (names.some((name) => rival.doc.terms.get(name) !== 1)) continue;
    lead = rival;
  }
  return { lead, earlier: lead === best ? null : best };
}

const MONTHS = [
  "january",
  "february",
  "march",
  "april",
  "may",
  "june",
  "july",
  "august",
  "september",
  "october",
  "november",
  "december",
];
const MONTH = new RegExp(`\\b(${MONTHS.join("|")}|${MONTHS.map((m) => m.slice(0, 3)).join("|")})\\b`, "i");
// Words that ask about now, or about what came after, rather than about a report's day.
const NOW =
  /\b(?:now|right now|currently|current|today|tonight|this (?:week|month|year)|latest|these days|still|anymore|any more|yet|so far|at this point|in the end|eventually|ever since|since then|afterwards|later on)\b/i;
/** The last month of each season (northern), for "through the summer". */
const SEASON_END: Readonly<Record<string, number>> = {
  spring: 5,
  summer: 8,
  autumn: 11,
  fall: 11,
  winter: 14,
};

/**
 * True when a question asks about a time after `newest` (an ISO date): a year, a month or a season after it
 * ("in 2025", "march 2024" or "in the summer" when the coverage ends in February 2024), or now or later
 * ("still", "right now", "latest", "yet", "in the end").
 */
export function asksAfter(question: string, newest: string): boolean {
  if (NOW.test(question)) return true;
  const newestYear = Number(newest.slice(0, 4));
  const newestMonth = Number(newest.slice(5, 7));
  const years = [...question.matchAll(/\b((?:19|20)\d\d)\b/g)].map((m) => Number(m[1]));
  if (years.some((year) => year > newestYear)) return true;
  // A month or a season in the newest report's year (named, or left unsaid).
  if (years.length === 0 || years.includes(newestYear)) {
    const month = MONTH.exec(question)?.[1]?.toLowerCase().slice(0, 3);
    if (month && MONTHS.findIndex((m) => m.startsWith(month)) + 1 > newestMonth) return true;
    const season = /\b(spring|summer|autumn|fall|winter)\b/i.exec(question)?.[1]?.toLowerCase();
    if (season && (SEASON_END[season] ?? 0) > newestMonth) return true;
  }
  return false;
}
