import type { Passage } from "./engine.js";

/**
 * Accuracy figures for a labelled question set, for any search that returns passages best first
 * (an empty list is a refusal). The tests assert on these and the README quotes them.
 */

/** A question and the paragraphs that answer it (null: the coverage does not). */
export interface LabelledQuestion {
  readonly q: string;
  readonly expect: readonly number[] | null;
}

/** A question the search got wrong. */
export interface Miss {
  readonly q: string;
  readonly expected: readonly number[] | null;
  /** Top paragraph returned, or null for a refusal. */
  readonly got: number | null;
}

/** How a search did on a question set. */
export interface Figures {
  readonly answerable: number;
  /** Answerable questions whose top passage is an expected paragraph of the expected article. */
  readonly top1: number;
  /** Answerable questions that got no passage at all. */
  readonly answerableRefused: number;
  readonly unanswerable: number;
  /** Unanswerable questions that got no passage. */
  readonly unanswerableRefused: number;
  readonly misses: readonly Miss[];
}

/** Runs every question through `search` and counts. */
export function evaluate(
  search: (question: string) => readonly Passage[],
  questions: readonly LabelledQuestion[],
  articleId: string,
): Figures {
  let answerable = 0;
  let top1 = 0;
  let answerableRefused = 0;
  let unanswerable = 0;
  let unanswerableRefused = 0;
  const misses: Miss[] = [];
  for (const { q, expect } of questions) {
    const top = search(q)[0];
    const got = top ? top.paragraph : null;
    if (expect === null) {
      unanswerable += 1;
      if (!top) unanswerableRefused += 1;
      else misses.push({ q, expected: null, got });
      continue;
    }
    answerable += 1;
    if (!top) answerableRefused += 1;
    if (top && top.articleId === articleId && expect.includes(top.paragraph)) top1 += 1;
    else misses.push({ q, expected: expect, got });
  }
  return { answerable, top1, answerableRefused, unanswerable, unanswerableRefused, misses };
}

const percent = (part: number, whole: number) =>
  whole === 0 ? "–" : `${((100 * part) / whole).toFixed(1)}%`;

/** One Markdown table row: name | top-1 | unanswerable refused | answerable refused. */
export function figuresRow(name: string, figures: Figures): string {
  const { answerable, top1, answerableRefused, unanswerable, unanswerableRefused } = figures;
  return `| ${name} | ${percent(top1, answerable)} (${top1}/${answerable}) | ${percent(unanswerableRefused, unanswerable)} (${unanswerableRefused}/${unanswerable}) | ${percent(answerableRefused, answerable)} (${answerableRefused}/${answerable}) |`;
}

/** Markdown table header matching `figuresRow`. */
export const FIGURES_HEADER =
  "| search | top-1 correct | unanswerable refused | answerable refused |\n| --- | --- | --- | --- |";
