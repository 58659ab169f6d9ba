/**
 * Sentence splitting for news prose: answers quote whole sentences verbatim, so a split inside
 * "U.S. officials" or "Dr. Qatari…" would cut a quotation in half.
 */

/** One sentence of a text: `text === source.slice(start, end)`. */
export interface SentenceSpan {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

// Titles and other abbreviations that are followed by a capitalised name, never by a new sentence.
const TITLES = new Set([
  "dr",
  "mr",
  "mrs",
  "ms",
  "prof",
  "gen",
  "lt",
  "col",
  "maj",
  "capt",
  "sgt",
  "cmdr",
  "adm",
  "sen",
  "rep",
  "gov",
  "pres",
  "amb",
  "rev",
  "st",
  "mt",
  "ft",
  "jr",
  "sr",
  "no",
  "vs",
  "jan",
  "feb",
  "mar",
  "apr",
  "jun",
  "jul",
  "aug",
  "sep",
  "sept",
  "oct",
  "nov",
  "dec",
]);

// After "U.S." or "etc." a capitalised word is usually a name ("U.S. President"), but one of these
// starts a new sentence ("…the U.S. The talks…").
const SENTENCE_STARTERS = new Set([
  "the",
  "this",
  "that",
  "these",
  "those",
  "it",
  "he",
  "she",
  "they",
  "we",
  "i",
  "but",
  "and",
  "in",
  "a",
  "an",
  "however",
  "meanwhile",
  "still",
  "yet",
  "there",
  "since",
  "while",
  "if",
  "when",
  "after",
  "on",
  "at",
]);

const CANDIDATE_END = /[.!?]+["'\u201d\u2019)\]]*/g;
const OPENERS = /[\p{Lu}\p{N}"'\u201c\u2018([]/u;

function wordBefore(text: string, dot: number): string {
  const match = /[\p{L}.]+$/u.exec(text.slice(Math.max(0, dot - 20), dot));
  return match ? match[0] : "";
}

function nextWord(text: string, from: number): string {
  const match = /^[\s"'\u201c\u2018([]*([\p{L}]+)/u.exec(text.slice(from, from + 40));
  return match?.[1] ?? "";
}

function isBoundary(text: string, punctStart: number, punctEnd: number): boolean {
  const after = text.slice(punctEnd);
  const gap = /^\s+/.exec(after);
  if (gap === null) return punctEnd >= text.length;
  const nextStart = punctEnd + gap[0].length;
  if (nextStart >= text.length) return true;
  const next = text.charAt(nextStart);
  if (!OPENERS.test(next)) return false;
  // Only a full stop can belong to an abbreviation.
  if (text.charAt(punctStart) !== "." || text.slice(punctStart, punctEnd).startsWith("..")) return true;
  const before = wordBefore(text, punctStart);
  const bare = before.replace(/\./g, "").toLowerCase();
  if (before.includes(".") || /^\p{Lu}$/u.test(before)) {
    // "U.S." / "U.N." / an initial: a sentence ends here only if a typical sentence opener follows.
    return SENTENCE_STARTERS.has(nextWord(text, nextStart).toLowerCase());
  }
  if (TITLES.has(bare)) return false;
  return true;
}

/** Splits text into sentences, each span trimmed; every character outside the spans is whitespace. */
export function splitSentences(text: string): SentenceSpan[] {
  const spans: SentenceSpan[] = [];
  let start = 0;
  const push = (end: number) => {
    let s = start;
    while (s < end && /\s/.test(text.charAt(s))) s += 1;
    let e = end;
    while (e > s && /\s/.test(text.charAt(e - 1))) e -= 1;
    if (e > s) spans.push({ start: s, end: e, text: text.slice(s, e) });
  };
  for (const match of text.matchAll(CANDIDATE_END)) {
    const punctStart = match.index;
    const punctEnd = punctStart + match[0].length;
    if (isBoundary(text, punctStart, punctEnd)) {
      push(punctEnd);
      start = punctEnd;
    }
  }
  push(text.length);
  return spans;
}
