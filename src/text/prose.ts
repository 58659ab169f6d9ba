/**
 * Low-level reading of one paragraph for quote extraction: quote spans, word tokens with offsets
 * (so every label and quote can be sliced verbatim from the source) and sentence boundaries.
 */

import { splitSentences } from "./sentences.js";

/** A stretch of quoted text. `close` is the offset of the closing mark, or the paragraph length when none. */
export interface QuoteSpan {
  readonly open: number;
  readonly close: number;
  /** The characters between the marks, untouched. */
  readonly inner: string;
}

export type TokenKind = "word" | "punct" | "quote";

export interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  readonly start: number;
  readonly end: number;
  /** Index into the paragraph's spans, for `quote` tokens. */
  readonly span?: number | undefined;
}

/** A paragraph cut into tokens, with each quote span kept whole as one opaque token. */
export interface ReadParagraph {
  readonly text: string;
  readonly spans: readonly QuoteSpan[];
  readonly tokens: readonly Token[];
  /** Half-open token ranges [start, end), in order, covering every token. */
  readonly sentences: readonly (readonly [number, number])[];
}

const OPEN = "\u201c";
const CLOSE = "\u201d";

/**
 * Curly quotation marks are the norm in edited copy; straight ones are paired only when a paragraph has no
 * curly marks at all, because a stray inch sign or apostrophe would otherwise swallow the paragraph.
 * An unclosed mark runs to the end of the paragraph (a quote continued in the next paragraph).
 */
export function findQuoteSpans(text: string): QuoteSpan[] {
  const spans: QuoteSpan[] = [];
  const curly = text.includes(OPEN) || text.includes(CLOSE);
  const opens = curly ? OPEN : '"';
  const closes = curly ? CLOSE : '"';
  let open = -1;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (open < 0 && ch === opens) {
      open = i;
    } else if (open >= 0 && ch === closes) {
      spans.push({ open, close: i, inner: text.slice(open + 1, i) });
      open = -1;
    } else if (open >= 0 && curly && ch === OPEN) {
      // A second opening mark before any close: the first quote was left open by the writer.
      spans.push({ open, close: i, inner: text.slice(open + 1, i) });
      open = i;
    }
  }
  if (open >= 0) spans.push({ open, close: text.length, inner: text.slice(open + 1) });
  return spans.filter((span) => span.inner.trim().length > 0);
}

const WORD = /[\p{L}\p{N}]+(?:['\u2019.\-\u2010\u2011][\p{L}\p{N}]+)*/uy;

/** Tokenises a paragraph, keeping each quote span as a single token. */
export function readParagraph(text: string): ReadParagraph {
  const spans = findQuoteSpans(text);
  const tokens: Token[] = [];
  let next = 0;
  let pos = 0;
  while (pos < text.length) {
    const span = spans[next];
    if (span && pos === span.open) {
      const end = Math.min(text.length, span.close + 1);
      tokens.push({ kind: "quote", text: text.slice(span.open, end), start: span.open, end, span: next });
      next++;
      pos = end;
      continue;
    }
    const ch = text[pos] ?? "";
    if (/\s/u.test(ch)) {
      pos++;
      continue;
    }
    WORD.lastIndex = pos;
    const word = WORD.exec(text);
    if (word && word.index === pos) {
      tokens.push({ kind: "word", text: word[0], start: pos, end: pos + word[0].length });
      pos += word[0].length;
      continue;
    }
    tokens.push({ kind: "punct", text: ch, start: pos, end: pos + 1 });
    pos++;
  }
  return { text, spans, tokens, sentences: tokenSentences(text, tokens, spans) };
}

/**
 * Token ranges of the paragraph's sentences. Quotations stay whole: the splitter may end a sentence
 * with one ("…a “temporary ceasefire.” This…") but never inside one.
 */
function tokenSentences(
  text: string,
  tokens: readonly Token[],
  spans: readonly QuoteSpan[],
): [number, number][] {
  const keepWhole = spans.map((span) => ({ start: span.open, end: Math.min(text.length, span.close + 1) }));
  const sentences: [number, number][] = [];
  let first = 0;
  for (const sentence of splitSentences(text, { keepWhole })) {
    let last = first;
    while (last < tokens.length && (tokens[last]?.start ?? Number.POSITIVE_INFINITY) < sentence.end) last++;
    if (last > first) sentences.push([first, last]);
    first = last;
  }
  if (first < tokens.length) sentences.push([first, tokens.length]);
  return sentences;
}

/** The sentence range holding token `index`. */
export function sentenceOf(read: ReadParagraph, index: number): readonly [number, number] {
  return read.sentences.find(([s, e]) => index >= s && index < e) ?? [0, read.tokens.length];
}

/** Whether a word starts with a capital letter (names, titles, acronyms). */
export function isCapitalized(word: string): boolean {
  return /^\p{Lu}/u.test(word);
}

/** Lowercase form for word-list lookups; curly apostrophes unified. */
export function lower(word: string): string {
  return word.toLowerCase().replace(/\u2019/g, "'");
}

/** Drops a possessive ending: "Biden's" → "Biden"; reports whether there was one. */
export function stripPossessive(word: string): { word: string; possessive: boolean } {
  const match = /^(.*\p{L})['\u2019]s$/u.exec(word);
  return match?.[1] ? { word: match[1], possessive: true } : { word, possessive: false };
}

/**
 * Whether token `i` is the apostrophe of a plural possessive ("the employers' chief negotiator", "Burns'
 * visit"): a bare apostrophe written against a word that ends in s. It belongs to that word, not to the
 * punctuation of the sentence.
 */
export function isPossessiveApostrophe(read: ReadParagraph, i: number): boolean {
  const token = read.tokens[i];
  const before = read.tokens[i - 1];
  return (
    token?.kind === "punct" &&
    /^['\u2019]$/u.test(token.text) &&
    before?.kind === "word" &&
    before.end === token.start &&
    /s$/iu.test(before.text)
  );
}

/** Lowercase, accent-free, letters and digits only: "Al-Ansari" → "alansari". */
export function compact(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, "");
}

/** Lowercase, accent-free word list: "Al-Ansari, Qatari" → ["al", "ansari", "qatari"]. */
export function words(text: string): string[] {
  return text
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase()
    .replace(/['\u2019]s\b/gu, "")
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0);
}

/** URL-safe slug for keys. */
export function slug(text: string): string {
  return words(text).join("-");
}

/** FNV-1a, base 36: a short, stable suffix that keeps keys of anonymous sources distinct per article. */
export function shortHash(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(36);
}
