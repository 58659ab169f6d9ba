import { isAttributed } from "./answer-types.js";
import type { SentenceInfo } from "./coverage-index.js";
import type { Confidence } from "./features.js";
import type { Query, QueryReader } from "./query.js";
import type { Candidate } from "./rank.js";
import type { Script } from "./reading.js";

/**
 * Building the answer: the best sentence(s) of the chosen paragraph, verbatim, with the neighbour a quotation
 * or an "it" needs; the passages shown beside it; and the shapes every surface renders.
 */

/** One paragraph of the coverage, as a search result. */
export interface Passage {
  articleId: string;
  /** 1-based paragraph number within the article. */
  paragraph: number;
  text: string;
  /** Relevance, 0..1: the ranking model's estimate that this paragraph answers the question. */
  score: number;
}

/**
 * Why there is no answer: nothing matched, the question is not in English (the coverage's language), or the
 * message is only a greeting or thanks (small talk), which gets a friendly line instead of a refusal.
 */
export type NoAnswerReason = "no-match" | "other-language" | "greeting" | "thanks";

/** One answered part of a question (a message asking two things gets two). */
export interface AnswerPart {
  readonly question: string;
  /** Verbatim sentence(s) from `passage`. */
  readonly text: string;
  readonly passage: Passage;
  /**
   * An earlier report's answer to the same part, when a newer report leads (see reports.ts): shown with its
   * own date so the change is visible, never merged into `text`.
   */
  readonly earlier?: { readonly text: string; readonly passage: Passage } | undefined;
}

/** The newest report of the coverage: its outlet and date (ISO). */
export interface ReportDate {
  readonly source: string;
  readonly published: string;
}

/** The engine's reply to a question. */
export interface Answer {
  question: string;
  /** The best sentence(s), verbatim; for a two-part question both answers. Null only when `confidence` is none. */
  answer: string | null;
  confidence: Confidence;
  /** Set when `confidence` is none. */
  reason?: NoAnswerReason | undefined;
  /** The script of a question not written in English (reason "other-language"). */
  script?: Script | undefined;
  /** Each answered part with its passage; one for most questions, empty for none. */
  parts: readonly AnswerPart[];
  /** Parts of a several-part message that the coverage does not answer. */
  unanswered: readonly string[];
  best: Passage | null;
  /** Best first, at most `maxPassages`; empty when `confidence` is none. */
  passages: Passage[];
  /**
   * Set when the question asks about a time after the newest report ("in 2025", "still", "right now"): the
   * answer says how recent the coverage is.
   */
  newestReport?: ReportDate | undefined;
}

// A sentence that opens with one of these leans on the sentence before it for its subject.
const ANAPHORIC_START = /^(?:this|that|these|those|it|he|she|they|his|her|their|such|but it|but this)\b/i;
const QUOTE_OPEN = /^["\u201c\u2018']/;

/** The best sentence of a paragraph, with its neighbour when the answer needs it; verbatim. */
export function bestSentences(reader: QueryReader, query: Query, candidate: Candidate): string {
  const { doc } = candidate;
  const sentences = reader.index.sentences(doc);
  if (sentences.length <= 1) return doc.text;
  const best = candidate.bestSentence;
  const chosen = sentences[best];
  if (!chosen) return doc.text;
  let from = best;
  let to = best;
  const text = chosen.span.text;
  const before = sentences[best - 1];
  const after = sentences[best + 1];
  if (QUOTE_OPEN.test(text) && !isAttributed(text.replace(/["\u201c][^"\u201d]*["\u201d]/g, ""))) {
    // A quotation without its speaker: add the neighbour that names them.
    if (before && isAttributed(before.span.text)) from = best - 1;
    else if (after && isAttributed(after.span.text)) to = best + 1;
  } else if (before && ANAPHORIC_START.test(text)) {
    from = best - 1;
  } else if (after) {
    // The next sentence adds what this one lacks (the second half of an answer).
    const has = (s: SentenceInfo) => (term: string) => (s.terms.has(term) ? 1 : 0);
    const alone = reader.coverage(query, has(chosen)).semantic;
    const joined = reader.coverage(query, (term) =>
      chosen.terms.has(term) || after.terms.has(term) ? 1 : 0,
    );
    if (joined.semantic >= alone + 0.2) to = best + 1;
  }
  const start = sentences[from]?.span.start ?? chosen.span.start;
  const end = sentences[to]?.span.end ?? chosen.span.end;
  return doc.text.slice(start, end);
}

export function toPassage(candidate: Candidate): Passage {
  return {
    articleId: candidate.doc.articleId,
    paragraph: candidate.doc.paragraph,
    text: candidate.doc.text,
    score: Number(candidate.score.toFixed(4)),
  };
}

/** The parts' rankings interleaved (each part's best first), without repeats. */
export function mergePassages(rankings: readonly (readonly Candidate[])[], max: number): Passage[] {
  const out: Passage[] = [];
  const seen = new Set<number>();
  for (let rank = 0; out.length < max && rankings.some((r) => rank < r.length); rank++) {
    for (const ranking of rankings) {
      const candidate = ranking[rank];
      if (!candidate || seen.has(candidate.doc.key) || out.length >= max) continue;
      seen.add(candidate.doc.key);
      out.push(toPassage(candidate));
    }
  }
  return out;
}

/** An answer that answers nothing, and why. */
export function refusal(
  question: string,
  reason: NoAnswerReason,
  script?: Script,
  newestReport?: ReportDate,
): Answer {
  return {
    question,
    ...(newestReport ? { newestReport } : {}),
    answer: null,
    confidence: "none",
    reason,
    ...(script ? { script } : {}),
    parts: [],
    unanswered: [],
    best: null,
    passages: [],
  };
}
