import { stemmer } from "stemmer";

/**
 * Text normalisation shared by the index and by queries, so both sides agree on every term:
 * Unicode folding (case, accents, curly quotes), tokenising, stop words and English stemming.
 */

const STOP_WORDS = new Set(
  `a about above after again against all am an and any are aren't as at be because been before being below
between both but by can can't cannot could couldn't did didn't do does doesn't doing don't down during each few
for from further had hadn't has hasn't have haven't having he he'd he'll he's her here here's hers herself him
himself his how how's i i'd i'll i'm i've if in into is isn't it it's its itself let's me more most mustn't my
myself no nor not of off on once only or other ought our ours ourselves out over own same shan't she she'd
she'll she's should shouldn't so some such than that that's the their theirs them themselves then there there's
these they they'd they'll they're they've this those through to too under until up very was wasn't we we'd
we'll we're we've were weren't what what's when when's where where's which while who who's whom why why's with
won't would wouldn't you you'd you'll you're you've your yours yourself yourselves tell know say said says
anything something thing things think please hey hi hello ok okay just really also get got going go any much
many lot lots right now currently latest news update`
    .split(/\s+/)
    .filter(Boolean),
);

/** Lowercases, strips accents and unifies quote marks and dashes. */
export function foldText(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .replace(/[\u2018\u2019\u02bc\u0060\u00b4]/g, "'")
    .replace(/[\u201c\u201d\u201e\u00ab\u00bb]/g, '"')
    .replace(/[\u2010-\u2015\u2212]/g, "-")
    .toLowerCase();
}

/** Splits folded text into word tokens; keeps digits and inner apostrophes, drops possessive 's. */
export function tokenize(text: string): string[] {
  const tokens = foldText(text).match(/[\p{L}\p{N}]+(?:[.,'][\p{L}\p{N}]+)*/gu) ?? [];
  return tokens.map((token) => token.replace(/'s$/, "").replace(/(?<=\d),(?=\d{3}\b)/g, ""));
}

export function isStopWord(token: string): boolean {
  return STOP_WORDS.has(token);
}

/** English (Porter) stem of a folded token; numbers pass through. */
export function stem(token: string): string {
  if (/^[\d.,]+$/.test(token)) return token;
  return stemmer(token.replace(/'/g, ""));
}

/** The full term pipeline for one token: null when the token carries no meaning (a stop word). */
export function processTerm(token: string): string | null {
  const folded = foldText(token);
  if (folded.length === 0 || isStopWord(folded)) return null;
  return stem(folded);
}

/** Content terms of a text, in order: tokenised, stop words removed, stemmed. */
export function contentTerms(text: string): string[] {
  const terms: string[] = [];
  for (const token of tokenize(text)) {
    const term = processTerm(token);
    if (term !== null) terms.push(term);
  }
  return terms;
}
