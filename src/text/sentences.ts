/**
 * Sentence splitting for news prose, shared by the answer engine (which quotes whole sentences
 * verbatim) and quote extraction (which reads an attribution within its sentence). A split inside
 * "U.S. officials" or "Dr. Qatari…" would cut a quotation or an attribution in half.
 */

/** A stretch of a text, `[start, end)`. */
export interface TextRange {
  readonly start: number;
  readonly end: number;
}

/** One sentence of a text: `text === source.slice(start, end)`. */
export interface SentenceSpan extends TextRange {
  readonly text: string;
}

export interface SplitOptions {
  /** Stretches no sentence ends inside, such as quotations read as one unit; they may end one. */
  readonly keepWhole?: readonly TextRange[];
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
  "hon",
  "st",
  "mt",
  "ft",
  "jr",
  "sr",
  "vs",
]);

// Abbreviations that stand before a number ("No. 10", "Feb. 22"); before anything else the full
// stop ends a sentence ("…said no. The talks…").
const BEFORE_NUMBER = new Set([
  "no",
  "nos",
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

// Abbreviations that may end a sentence as well as precede a name, like "U.S." or an initial.
const OPEN_ENDED = new Set(["etc", "inc", "ltd", "corp", "co"]);

// After "U.S.", an initial or "etc." a capitalised word is usually a name ("U.S. President"), but
// one of these starts a new sentence ("…the U.S. The talks…").
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
  "as",
  "for",
  "with",
  "then",
  "his",
  "her",
  "their",
  "its",
]);

// End punctuation with any closing marks after it; a stray space before a closing curly quote is
// common in wire copy ("ceasefire. ”").
const CANDIDATE_END = /[.!?]+(?:\s*\u201d|["'\u2019)\]])*/gu;
const OPENERS = /[\p{Lu}\p{N}"'\u201c\u2018([]/u;

function wordBefore(text: string, dot: number): string {
  const match = /[\p{L}.]+$/u.exec(text.slice(Math.max(0, dot - 20), dot));
  return match ? match[0] : "";
}

function nextWord(text: string, from: number): string {
  const match = /^[\s"'\u201c\u2018([]*([\p{L}]+)/u.exec(text.slice(from, from + 40));
  return match?.[1] ?? "";
}

/** Whether the full stop at `dot` belongs to an abbreviation rather than ending the sentence. */
function isAbbreviation(text: string, dot: number, nextStart: number): boolean {
  const before = wordBefore(text, dot);
  const bare = before.replace(/\./g, "").toLowerCase();
  if (before.includes(".") || /^\p{Lu}$/u.test(before) || OPEN_ENDED.has(bare)) {
    // "U.S." / "U.N." / an initial: a sentence ends here only if a typical sentence opener follows.
    return !SENTENCE_STARTERS.has(nextWord(text, nextStart).toLowerCase());
  }
  if (BEFORE_NUMBER.has(bare)) return /\p{N}/u.test(text.charAt(nextStart));
  return TITLES.has(bare);
}

function isBoundary(text: string, punctStart: number, punctEnd: number): boolean {
  const gap = /^\s+/.exec(text.slice(punctEnd));
  if (gap === null) return punctEnd >= text.length;
  const nextStart = punctEnd + gap[0].length;
  if (nextStart >= text.length) return true;
  if (!OPENERS.test(text.charAt(nextStart))) return false;
  // Only a single full stop can belong to an abbreviation.
  if (text.charAt(punctStart) !== "." || text.slice(punctStart, punctEnd).startsWith("..")) return true;
  return !isAbbreviation(text, punctStart, nextStart);
}

/** Splits text into sentences, each span trimmed; every character outside the spans is whitespace. */
export function splitSentences(text: string, options: SplitOptions = {}): SentenceSpan[] {
  const keepWhole = options.keepWhole ?? [];
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
    if (keepWhole.some((range) => range.start < punctEnd && punctEnd < range.end)) continue;
    if (isBoundary(text, punctStart, punctEnd)) {
      push(punctEnd);
      start = punctEnd;
    }
  }
  push(text.length);
  return spans;
}
