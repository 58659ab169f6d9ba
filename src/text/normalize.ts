import { stemmer } from "stemmer";

/**
 * Text normalisation shared by the index and by queries, so both sides agree on every term:
 * Unicode folding (case, accents, curly quotes), tokenising, stop words and English stemming.
 */

// Function words, plus what people pad chat questions with ("hey so like whats…"): none of these
// tells us which paragraph is meant, and leaving them in would count against a good match.
const STOP_WORDS = new Set(
  `a about above after again against all am an and any are aren't as at be because been before being below
between both but by can can't cannot could couldn't did didn't do does doesn't doing don't down during each few
for from further had hadn't has hasn't have haven't having he he'd he'll he's her here here's hers herself him
himself his how how's i i'd i'll i'm i've if in into is isn't it it's its itself let's me more most mustn't my
myself no nor not of off on once only or other ought our ours ourselves out over own same shan't she she'd
she'll she's should shouldn't so some such than that that's the their theirs them themselves then there there's
these they they'd they'll they're they've this those through to too under until up very was wasn't we we'd
we'll we're we've were weren't what what's when when's where where's which while who who's whom why why's with
will won't would wouldn't you you'd you'll you're you've your yours yourself yourselves tell know say said says
anything something thing things think please hey hi hello ok okay just really also get got going go any much
many lot lots right now currently latest news update
whats whos wheres whens hows whys im ive id dont doesnt didnt isnt arent wasnt werent cant couldnt
wouldnt shouldnt thats theres u ur pls plz thx thanks thank lol lmao yo ya yeah yes guys anyone someone explain
happen happens happened happening like kinda sorta actually keep hearing heard hear wondering wonder curious
question info information details situation stuff mean means idk tbh btw imo exactly basically gonna wanna
done whose though although wait per via whether`
    .split(/\s+/)
    .filter(Boolean),
);

// Small numbers are written both ways ("six-week pause", "6 weeks"); indexing digits makes them meet.
const NUMBER_WORDS: ReadonlyMap<string, string> = new Map(
  ["two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"].map(
    (word, i) => [word, String(i + 2)],
  ),
);

const NUMBER_SUFFIX: ReadonlyMap<string, string> = new Map([
  ["k", "thousand"],
  ["m", "million"],
  ["mn", "million"],
  ["bn", "billion"],
]);

// Common verbs, adverbs and adjectives that carry little of a question's topic ("does the US *still*
// support…", "what *new* condition…"). They still match, but count for less when deciding whether a
// paragraph answers: an unknown light word must not sink an answer the way an unknown name should.
const LIGHT_WORDS = new Set(
  `able actual again already always another back become becomes big came come comes current different done
else even ever every find found gave give gives going gone good great keep kind last long look looks made
make makes might must need needs new next old own put real see seem seems set show shows still sure take
takes taken took try trying use used way well went yet position stance view views opinion thoughts
supposed meant sort type point side part gets getting making given giving saying talking asking told`
    .split(/\s+/)
    .filter(Boolean),
);

// Porter stemming slips on a few words this coverage uses: "added" → "ad" (but "add" → "add"),
// and "willing" → "will" (which would meet the modal verb).
const STEM_EXCEPTIONS: ReadonlyMap<string, string> = new Map([
  ["added", "add"],
  ["adding", "add"],
  ["willing", "willing"],
]);

/** Lowercases, strips accents and unifies quote marks and dashes. */
export function foldText(text: string): string {
  // Plain ASCII (most chat and most tokens) needs only lowercasing; NFKD is the slow part.
  if (/^[\x20-\x5f\x61-\x7e\t\n\r]*$/.test(text)) return text.toLowerCase();
  return text
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .replace(/[\u2018\u2019\u02bc\u0060\u00b4]/g, "'")
    .replace(/[\u201c\u201d\u201e\u00ab\u00bb]/g, '"')
    .replace(/[\u2010-\u2015\u2212]/g, "-")
    .toLowerCase();
}

const RAW_TOKEN = /[\p{L}\p{N}]+(?:[.,'][\p{L}\p{N}]+)*/gu;
// "u.s", "u.n", "a.m": single letters joined by dots are one abbreviation, not several words.
const DOTTED_ABBREVIATION = /^(?:\p{L}\.)+\p{L}$/u;
const NUMBER = /^\d+(?:[.,]\d+)*$/;

function splitRawToken(raw: string, out: string[]): void {
  if (DOTTED_ABBREVIATION.test(raw)) {
    out.push(raw.replace(/\./g, ""));
    return;
  }
  if (NUMBER.test(raw)) {
    // "1,500" is one number; "1.5" keeps its point.
    out.push(raw.replace(/(?<=\d),(?=\d{3}\b)/g, ""));
    return;
  }
  // A dot or comma between words is missing whitespace ("Cairo,Doha"), not part of a word.
  for (const part of raw.split(/(?<!\d)[.,]|[.,](?!\d)/)) {
    if (part.length === 0) continue;
    const word = part.replace(/'s$/, "").replace(/'$/, "");
    const ordinal = /^(\d+)(?:st|nd|rd|th)$/.exec(word);
    if (ordinal?.[1] !== undefined) {
      out.push(ordinal[1]);
      continue;
    }
    const withUnit = /^(\d+(?:\.\d+)?)(k|m|mn|bn)$/.exec(word);
    const unit = withUnit?.[2] === undefined ? undefined : NUMBER_SUFFIX.get(withUnit[2]);
    if (withUnit?.[1] !== undefined && unit !== undefined) {
      out.push(withUnit[1], unit);
      continue;
    }
    if (word.length > 0) out.push(word);
  }
}

/**
 * Splits text into folded word tokens, in order. Keeps digits, decimal points and inner apostrophes,
 * drops possessive 's, turns dotted abbreviations into one word ("U.S." → "us") and ordinals into
 * numbers ("7th" → "7"), and spells out unit suffixes ("1.5m" → "1.5", "million").
 */
export function tokenize(text: string): string[] {
  const tokens: string[] = [];
  for (const match of foldText(text).matchAll(RAW_TOKEN)) splitRawToken(match[0], tokens);
  return tokens;
}

// Chat shorthand for everyday words (general English, nothing about any article): what people type for
// "people", "government", "because"… Word vectors trained on news do not know these spellings.
const SHORTHAND: ReadonlyMap<string, string> = new Map(
  Object.entries({
    ppl: "people",
    ppls: "people",
    govt: "government",
    gov: "government",
    gvt: "government",
    admin: "administration",
    abt: "about",
    bc: "because",
    bcs: "because",
    cuz: "because",
    coz: "because",
    tho: "though",
    thru: "through",
    smth: "something",
    sth: "something",
    b4: "before",
    msg: "message",
    info: "information",
    approx: "approximately",
    yr: "year",
    yrs: "years",
    hr: "hour",
    hrs: "hours",
    mins: "minutes",
    wk: "week",
    wks: "weeks",
    prez: "president",
    pres: "president",
    meds: "medicine",
    intl: "international",
    dept: "department",
    convo: "conversation",
    jan: "january",
    feb: "february",
    mar: "march",
    apr: "april",
    jun: "june",
    jul: "july",
    aug: "august",
    sep: "september",
    sept: "september",
    oct: "october",
    nov: "november",
    dec: "december",
  }),
);

/** The everyday word a chat abbreviation stands for ("ppl" → "people"), or the token itself. */
export function expandShorthand(token: string): string {
  return SHORTHAND.get(token) ?? token;
}

/** True for words that carry no meaning for search (function words and chat filler). */
export function isStopWord(token: string): boolean {
  return STOP_WORDS.has(token);
}

/** True for common words that say little about a question's topic (see LIGHT_WORDS). */
export function isLightWord(token: string): boolean {
  return LIGHT_WORDS.has(token);
}

// Stemming is the costliest step of indexing and the vocabulary is small: remember the answers.
const STEM_CACHE = new Map<string, string>();
const STEM_CACHE_LIMIT = 200_000;

/** English (Porter) stem of a folded token; numbers pass through and small number words become digits. */
export function stem(token: string): string {
  const cached = STEM_CACHE.get(token);
  if (cached !== undefined) return cached;
  let result: string;
  if (/^[\d.,]+$/.test(token)) result = token;
  else result = NUMBER_WORDS.get(token) ?? STEM_EXCEPTIONS.get(token) ?? stemmer(token.replace(/'/g, ""));
  if (STEM_CACHE.size >= STEM_CACHE_LIMIT) STEM_CACHE.clear();
  STEM_CACHE.set(token, result);
  return result;
}

function termOfFolded(folded: string): string | null {
  // A lone letter is a stray initial or chat shorthand ("w/"), never a topic.
  if (folded.length <= 1 ? !/^\d$/.test(folded) : isStopWord(folded)) return null;
  return stem(folded);
}

/** The full term pipeline for one token: null when the token carries no meaning (a stop word). */
export function processTerm(token: string): string | null {
  return termOfFolded(foldText(token));
}

/** Content terms of a text, in order: tokenised, stop words removed, stemmed. */
export function contentTerms(text: string): string[] {
  const terms: string[] = [];
  // Tokens come out of `tokenize` already folded.
  for (const token of tokenize(text)) {
    const term = termOfFolded(token);
    if (term !== null) terms.push(term);
  }
  return terms;
}
