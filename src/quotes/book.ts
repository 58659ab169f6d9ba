import { distance } from "fastest-levenshtein";
import type { AliasTable, Article, Corpus } from "../corpus/types.js";
import { UserFacingError } from "../errors.js";
import { identifySpeakers } from "../people/identity.js";
import { POSTMODIFIERS } from "../people/lexicon.js";
import { runNow, runSliced, type Steps } from "../search/steps.js";
import { processTerm, tokenize } from "../text/normalize.js";
import { compact, words } from "../text/prose.js";
import { splitSentences } from "../text/sentences.js";
import { truncate } from "../text/truncate.js";
import { readArticle, UNATTRIBUTED } from "./extract.js";
import type { Quote, QuoteMatch, QuoteQuery, Speaker, SpeakerChoice } from "./types.js";

/** Longest speaker or topic accepted, in characters (Discord's option limit). */
export const MAX_QUERY_LENGTH = 100;
/** Discord shows at most 25 autocomplete choices, each name and value at most 100 characters. */
const MAX_CHOICES = 25;
const MAX_CHOICE_LENGTH = 100;

/** Query words that say nothing about who is meant ("the diplomat", "Mr. Kirby"). */
const SPEAKER_FILLERS = new Set([
  "the",
  "a",
  "an",
  "mr",
  "mrs",
  "ms",
  "dr",
  "prof",
  "said",
  "says",
  "quote",
  "quotes",
  "by",
  "from",
]);

/** Speaker match strengths; a query keeps every speaker at or above the best match's tier. */
const SCORE = { exact: 1, name: 0.9, role: 0.8, within: 0.75, typo: 0.6 } as const;

/** Quotes or speakers handled between two yields of a stepped build (after the articles, one a step). */
const STEP = 200;

/** Topic weights: a term in the quote itself counts most, then its paragraph, then the one before. */
const WEIGHT = { quote: 3, paragraph: 2, previous: 1 } as const;

interface SpeakerEntry {
  readonly speaker: Speaker;
  readonly quotes: Quote[];
  /** Compact forms that match exactly: name, aliases, label, key. */
  readonly exact: ReadonlySet<string>;
  /** Words of the name and aliases. */
  readonly strong: readonly string[];
  /** Words of the role and of the core of a description ("diplomat"; "Israeli officials … Netanyahu"). */
  readonly weak: readonly string[];
  /** Compact name and aliases, for "alansari" inside "majedalansari". */
  readonly compactNames: readonly string[];
}

interface QuoteEntry {
  readonly quote: Quote;
  /** Reading order, newest article first. */
  readonly order: number;
  /** Its article's date: among equally good matches, the newest report's quotes come first. */
  readonly published: string;
  readonly fields: readonly { readonly terms: ReadonlySet<string>; readonly weight: number }[];
}

/** One alternative spelling of a query concept: all its terms must occur. */
type Concept = readonly (readonly string[])[];

/** The words of a description that name the source, not what they are familiar with: "a diplomat familiar with …" → "diplomat". */
function describingWords(label: string): string[] {
  const out: string[] = [];
  let keep = true;
  for (const w of words(label)) {
    if (w === "including" || w === "among") {
      keep = true;
      continue;
    }
    if (POSTMODIFIERS.has(w)) keep = false;
    if (keep && !SPEAKER_FILLERS.has(w)) out.push(w);
  }
  return out;
}

function speakerEntry(speaker: Speaker, quotes: Quote[]): SpeakerEntry {
  const names = [speaker.name, ...speaker.aliases].filter((n): n is string => n !== null);
  const strong = names.flatMap(words);
  const weak = [
    ...(speaker.role ? words(speaker.role) : []),
    ...(speaker.name === null ? describingWords(speaker.label) : []),
  ];
  const exact = new Set([...names, speaker.label, speaker.key].map(compact).filter((c) => c.length > 0));
  return { speaker, quotes, exact, strong, weak, compactNames: names.map(compact) };
}

function stemOf(word: string): string {
  return processTerm(word) ?? word;
}

/** Edits tolerated in a typed word of this length: none for short words, where any edit changes the word. */
function maxEdits(length: number): number {
  if (length <= 3) return 0;
  if (length <= 4) return 1;
  if (length <= 8) return 2;
  return 3;
}

function wordMatches(query: string, word: string): boolean {
  return query === word || (query.length >= 3 && word.startsWith(query)) || stemOf(query) === stemOf(word);
}

/** Fewest edits from `query` to any of `candidates`, or null beyond the tolerance. */
function closeEdits(query: string, candidates: readonly string[]): number | null {
  let best: number | null = null;
  const limit = maxEdits(query.length);
  if (limit === 0) return null;
  for (const candidate of candidates) {
    const d = distance(query, candidate);
    if (d <= limit && (best === null || d < best)) best = d;
  }
  return best;
}

function queryWords(input: string): string[] {
  return words(input).filter((w) => !SPEAKER_FILLERS.has(w));
}

/** How well a typed speaker matches an entry; 0 for no match. */
function speakerScore(entry: SpeakerEntry, input: string): number {
  const qWords = queryWords(input);
  const qCompact = qWords.join("");
  if (qCompact.length === 0) return 0;
  if (entry.exact.has(qCompact)) return SCORE.exact;
  if (qWords.every((q) => entry.strong.some((w) => wordMatches(q, w)))) return SCORE.name;
  const all = [...entry.strong, ...entry.weak];
  if (qWords.every((q) => all.some((w) => wordMatches(q, w)))) return SCORE.role;
  if (qCompact.length >= 4 && entry.compactNames.some((n) => n.includes(qCompact))) return SCORE.within;
  const whole = closeEdits(qCompact, [...entry.compactNames, ...entry.strong]);
  if (whole !== null) return SCORE.typo - 0.05 * whole;
  let edits = 0;
  for (const q of qWords) {
    const d = all.some((w) => wordMatches(q, w)) ? 0 : closeEdits(q, all);
    if (d === null) return 0;
    edits += d;
  }
  return Math.max(0.3, SCORE.typo - 0.05 * edits);
}

/** Relative closeness of a typed speaker to an entry, for "did you mean"; lower is closer. */
function nearness(entry: SpeakerEntry, input: string): number {
  const qWords = queryWords(input);
  const qCompact = qWords.join("");
  if (qCompact.length === 0) return 1;
  const candidates = [
    ...entry.compactNames,
    ...entry.strong,
    ...entry.weak,
    ...(entry.speaker.role ? [compact(entry.speaker.role)] : []),
  ];
  let best = 1;
  for (const c of candidates) {
    for (const q of [qCompact, ...qWords]) {
      best = Math.min(best, distance(q, c) / Math.max(q.length, c.length));
    }
  }
  return best;
}

/** Extra searchable terms: dotted acronyms ("U.N." → "un") and initials of capitalised runs ("United Nations" → "un"). */
function acronymTerms(text: string): string[] {
  const out: string[] = [];
  for (const token of tokenize(text)) {
    if (/^(?:\p{L}\.)+\p{L}$/u.test(token)) out.push(token.replace(/\./g, ""));
  }
  for (const run of text.match(/\p{Lu}[\p{L}'\u2019-]*(?:\s+\p{Lu}[\p{L}'\u2019-]*)+/gu) ?? []) {
    const initials = run.split(/\s+/).map((w) => w[0]?.toLowerCase() ?? "");
    for (let size = 2; size <= 4; size++) {
      for (let i = 0; i + size <= initials.length; i++) out.push(initials.slice(i, i + size).join(""));
    }
  }
  return out.map((t) => processTerm(t)).filter((t): t is string => t !== null);
}

function termsOf(text: string): Set<string> {
  const out = new Set<string>();
  for (const token of tokenize(text)) {
    const term = processTerm(token);
    if (term !== null) out.add(term);
  }
  for (const term of acronymTerms(text)) out.add(term);
  return out;
}

function termOfQueryToken(token: string): string | null {
  return processTerm(/^(?:\p{L}\.)+\p{L}$/u.test(token) ? token.replace(/\./g, "") : token);
}

function phraseTerms(text: string): string[] {
  return tokenize(text)
    .map(termOfQueryToken)
    .filter((t): t is string => t !== null);
}

/**
 * Splits a topic into concepts, each a set of alternatives. A word is one concept; a phrase listed in the
 * corpus alias table ("un vote") becomes one concept whose alternatives are the phrase and its targets.
 */
function topicConcepts(topic: string, aliases: AliasTable): Concept[] {
  const tokens = tokenize(topic);
  const keys = [...aliases.entries.keys()]
    .map((key) => ({ key, tokens: tokenize(key) }))
    .filter((a) => a.tokens.length > 0);
  const concepts: Concept[] = [];
  for (let i = 0; i < tokens.length; ) {
    let matched: { length: number; targets: readonly string[] } | null = null;
    for (const alias of keys) {
      const n = alias.tokens.length;
      if (n > (matched?.length ?? 0) && alias.tokens.every((t, k) => tokens[i + k] === t)) {
        matched = { length: n, targets: aliases.entries.get(alias.key) ?? [] };
      }
    }
    if (matched) {
      const own = phraseTerms(tokens.slice(i, i + matched.length).join(" "));
      const alternatives = [own, ...matched.targets.map(phraseTerms)].filter((a) => a.length > 0);
      if (alternatives.length > 0) concepts.push(alternatives);
      i += matched.length;
      continue;
    }
    const term = termOfQueryToken(tokens[i] ?? "");
    if (term !== null) concepts.push([[term]]);
    i++;
  }
  return concepts;
}

/** Topic relevance of one quote in [0, 1]; 0 when any concept is missing. */
function topicScore(entry: QuoteEntry, concepts: readonly Concept[]): number {
  let total = 0;
  for (const concept of concepts) {
    let best = 0;
    for (const field of entry.fields) {
      for (const alternative of concept) {
        if (alternative.every((t) => field.terms.has(t))) best = Math.max(best, field.weight);
      }
    }
    if (best === 0) {
      // A misspelt word ("medecine") still finds its term, at half weight.
      for (const field of entry.fields) {
        for (const alternative of concept) {
          const [only] = alternative;
          if (alternative.length !== 1 || only === undefined || only.length < 5) continue;
          if ([...field.terms].some((t) => Math.abs(t.length - only.length) <= 1 && distance(t, only) <= 1)) {
            best = Math.max(best, field.weight / 2);
          }
        }
      }
    }
    if (best === 0) return 0;
    total += best;
  }
  return total / (WEIGHT.quote * concepts.length);
}

function checkLength(what: "speaker" | "topic", value: string): void {
  const length = [...value].length;
  if (length > MAX_QUERY_LENGTH) {
    throw new UserFacingError(
      what === "speaker" ? "quote.error.speakerTooLong" : "quote.error.topicTooLong",
      {
        max: MAX_QUERY_LENGTH,
        length,
      },
    );
  }
}

function truncateChoice(text: string): string {
  return truncate(text, MAX_CHOICE_LENGTH);
}

/** The sentence of `paragraph` that quotes `phrase` (“phrase”), verbatim; the paragraph when none does. */
function sentenceQuoting(paragraph: string, phrase: string): string {
  const quoted = `\u201c${phrase}`;
  return splitSentences(paragraph).find((s) => s.text.includes(quoted))?.text ?? paragraph;
}

/** Articles newest first, as the corpus lists them; a corpus built by hand may list them in any order. */
function newestFirst(articles: readonly Article[]): Article[] {
  return [...articles].sort((a, b) => b.published.localeCompare(a.published));
}

/** Every quote in the corpus, searchable by speaker and topic. */
export class QuoteBook {
  private readonly entries: readonly QuoteEntry[];
  /** Quoted speakers first, then people the coverage names but never quotes. */
  private readonly people: readonly SpeakerEntry[];
  private readonly aliases: AliasTable;

  private constructor(quotes: readonly QuoteEntry[], people: readonly SpeakerEntry[], aliases: AliasTable) {
    this.entries = quotes;
    this.people = people;
    this.aliases = aliases;
  }

  /**
   * Extracts the quotes of every article. A person named in several articles is one speaker, however each
   * article spells them (see `people/identity.ts`): the newest article's description of them wins, and every
   * name and alias they were given finds them.
   */
  static fromCorpus(corpus: Corpus): QuoteBook {
    return runNow(QuoteBook.#steps(corpus));
  }

  /**
   * The same, an article at a time in slices of about `sliceMs`, between which the event loop runs: a bot
   * reading a changed corpus builds its new quote book this way while it keeps answering with the old one.
   */
  static build(corpus: Corpus, sliceMs = 20): Promise<QuoteBook> {
    return runSliced(QuoteBook.#steps(corpus), sliceMs);
  }

  static *#steps(corpus: Corpus): Steps<QuoteBook> {
    const occurrences: Speaker[] = [];
    const raw: { quote: Quote; fields: QuoteEntry["fields"]; published: string }[] = [];
    for (const article of newestFirst(corpus.articles)) {
      const { quotes, people } = readArticle(article);
      occurrences.push(...people.values());
      const paragraphTerms = new Map(article.paragraphs.map((p) => [p.number, termsOf(p.text)]));
      for (const quote of quotes) {
        if (quote.speaker.key === UNATTRIBUTED.key) occurrences.push(quote.speaker);
        const fields = [
          { terms: termsOf(quote.text), weight: WEIGHT.quote },
          { terms: paragraphTerms.get(quote.paragraph) ?? new Set<string>(), weight: WEIGHT.paragraph },
          { terms: paragraphTerms.get(quote.paragraph - 1) ?? new Set<string>(), weight: WEIGHT.previous },
        ];
        raw.push({ quote, fields, published: article.published });
      }
      yield;
    }
    const identity = identifySpeakers(occurrences);
    const final = (key: string) => identity.get(key);
    const speakers = new Map<string, Speaker>();
    for (const speaker of identity.values()) speakers.set(speaker.key, speaker);
    yield;
    const paragraphs = new Map(
      corpus.articles.flatMap((a) => a.paragraphs.map((p) => [`${a.id}#${p.number}`, p.text] as const)),
    );
    yield;
    const entries: QuoteEntry[] = [];
    for (const [order, { quote, fields, published }] of raw.entries()) {
      entries.push({
        quote: {
          ...quote,
          speaker: final(quote.speaker.key) ?? quote.speaker,
          ...(quote.kind === "phrase"
            ? {
                sentence: sentenceQuoting(
                  paragraphs.get(`${quote.articleId}#${quote.paragraph}`) ?? "",
                  quote.text,
                ),
              }
            : {}),
        },
        order,
        published,
        fields,
      });
      if (order % STEP === STEP - 1) yield;
    }
    const byKey = new Map<string, Quote[]>();
    for (const { quote } of entries) {
      const quotes = byKey.get(quote.speaker.key);
      if (quotes) quotes.push(quote);
      else byKey.set(quote.speaker.key, [quote]);
    }
    yield;
    const people: SpeakerEntry[] = [];
    for (const speaker of speakers.values()) {
      people.push(speakerEntry(speaker, byKey.get(speaker.key) ?? []));
      if (people.length % STEP === 0) yield;
    }
    people.sort(
      (a, b) => b.quotes.length - a.quotes.length || a.speaker.label.localeCompare(b.speaker.label),
    );
    return new QuoteBook(entries, people, corpus.aliases);
  }

  /** Every quote, newest article first, in reading order within an article. */
  all(): Quote[] {
    return this.entries.map((e) => e.quote);
  }

  /** Everyone quoted at least once, most quoted first. */
  speakers(): Speaker[] {
    return this.people.filter((p) => p.quotes.length > 0).map((p) => p.speaker);
  }

  /** Names of the people quoted with a full statement (not only a word or phrase), most quoted first. */
  namesQuotedInFull(): string[] {
    return this.people.flatMap((p) =>
      p.speaker.name !== null && p.quotes.some((q) => q.kind === "statement") ? [p.speaker.name] : [],
    );
  }

  /**
   * Quotes by speaker and/or topic. A speaker may be typed as a key, a name or part of one ("kirby",
   * "al ansari"), a role ("war minister", "diplomat") or with a typo ("kriby"); a topic is matched by
   * word stems and corpus aliases against the quote, its paragraph and the paragraph before it.
   * Throws UserFacingError for inputs over 100 characters.
   */
  find(query: QuoteQuery): QuoteMatch {
    const speakerInput = query.speaker?.trim() ?? "";
    const topicInput = query.topic?.trim() ?? "";
    checkLength("speaker", speakerInput);
    checkLength("topic", topicInput);

    let scored: { entry: QuoteEntry; score: number }[] = this.entries.map((entry) => ({ entry, score: 1 }));
    let matched: Speaker[] = [];
    let corrected = false;
    if (speakerInput.length > 0) {
      const found = this.matchSpeakers(speakerInput);
      if (found.length === 0) {
        return {
          status: "unknown-speaker",
          input: speakerInput,
          didYouMean: this.didYouMean(speakerInput),
          quoted: this.quotedInFull().map((p) => p.speaker),
        };
      }
      // Matched only by a close spelling, not by a name, role or description as typed.
      corrected = found.every((f) => f.score < SCORE.within);
      matched = found.map((f) => f.entry.speaker);
      const quoted = found.filter((f) => f.entry.quotes.length > 0);
      if (quoted.length === 0)
        return { status: "no-quotes", reason: "not-quoted", speakers: matched, topic: topicInput || null };
      matched = quoted.map((f) => f.entry.speaker);
      const weight = new Map(quoted.map((f) => [f.entry.speaker.key, f.score]));
      scored = this.entries
        .filter((e) => weight.has(e.quote.speaker.key))
        .map((entry) => ({ entry, score: weight.get(entry.quote.speaker.key) ?? 0 }));
    }

    const concepts = topicInput.length > 0 ? topicConcepts(topicInput, this.aliases) : [];
    if (concepts.length > 0) {
      scored = scored
        .map(({ entry, score }) => ({ entry, score: score * topicScore(entry, concepts) }))
        .filter(({ score }) => score > 0);
      if (scored.length === 0)
        return { status: "no-quotes", reason: "no-topic-match", speakers: matched, topic: topicInput };
    }

    scored.sort(
      (a, b) =>
        Number(a.entry.quote.kind === "phrase") - Number(b.entry.quote.kind === "phrase") ||
        b.score - a.score ||
        b.entry.published.localeCompare(a.entry.published) ||
        a.entry.order - b.entry.order,
    );
    return {
      status: "found",
      quotes: scored.map((s) => s.entry.quote),
      speakers: matched,
      ...(corrected ? { didYouMean: matched } : {}),
    };
  }

  /** Speakers quoted with at least one full statement, most quoted first. */
  private quotedInFull(): SpeakerEntry[] {
    return this.people.filter((p) => p.quotes.some((q) => q.kind === "statement"));
  }

  /**
   * Speakers matching the input; failing that, speakers matching what the corpus alias table says the
   * input stands for ("bibi" → "netanyahu", "cia chief" → "burns").
   */
  private matchSpeakers(input: string): { entry: SpeakerEntry; score: number }[] {
    const direct = this.matchSpeakersDirectly(input);
    if (direct.length > 0) return direct;
    const typed = words(input).join(" ");
    const targets = [...this.aliases.entries].find(([key]) => words(key).join(" ") === typed)?.[1] ?? [];
    const best = new Map<string, { entry: SpeakerEntry; score: number }>();
    for (const target of targets) {
      for (const m of this.matchSpeakersDirectly(target)) {
        const known = best.get(m.entry.speaker.key);
        if (!known || known.score < m.score) best.set(m.entry.speaker.key, m);
      }
    }
    return [...best.values()].sort((a, b) => b.score - a.score);
  }

  /** Speakers matching the input, best first: all at the best tier (exact/name/role) or the closest typos. */
  private matchSpeakersDirectly(input: string): { entry: SpeakerEntry; score: number }[] {
    const byKey = this.people.find((p) => p.speaker.key === input.toLowerCase());
    if (byKey) return [{ entry: byKey, score: SCORE.exact }];
    const scored = this.people
      .map((entry) => ({ entry, score: speakerScore(entry, input) }))
      .filter((s) => s.score > 0)
      .sort((a, b) => b.score - a.score);
    const best = scored[0]?.score ?? 0;
    const floor = Math.min(best, SCORE.within);
    return scored.filter((s) => s.score >= floor);
  }

  private didYouMean(input: string): Speaker[] {
    return this.people
      .filter((p) => p.quotes.length > 0)
      .map((entry) => ({ entry, near: nearness(entry, input) }))
      .filter((c) => c.near <= 0.4)
      .sort((a, b) => a.near - b.near || b.entry.quotes.length - a.entry.quotes.length)
      .slice(0, 3)
      .map((c) => c.entry.speaker);
  }

  /**
   * Autocomplete for the speaker option: quoted speakers whose name, surname, role or description starts
   * with (or contains, or nearly matches) what was typed; everyone, most quoted first, for empty input.
   * Names are labels and values keys, both within Discord's limits. Never throws.
   */
  suggestSpeakers(partial: string, limit = MAX_CHOICES): SpeakerChoice[] {
    const cap = Number.isFinite(limit) ? Math.max(0, Math.min(MAX_CHOICES, Math.floor(limit))) : MAX_CHOICES;
    const typed = typeof partial === "string" ? [...partial].slice(0, MAX_QUERY_LENGTH).join("") : "";
    const qWords = queryWords(typed);
    const qCompact = qWords.join("");
    const quoted = this.people.filter((p) => p.quotes.length > 0);
    const ranked =
      qCompact.length === 0
        ? quoted
        : quoted
            .map((entry) => ({ entry, score: suggestionScore(entry, qWords, qCompact, typed) }))
            .filter((s) => s.score > 0)
            .sort((a, b) => b.score - a.score || b.entry.quotes.length - a.entry.quotes.length)
            .map((s) => s.entry);
    return ranked.slice(0, cap).map((p) => ({
      name: truncateChoice(p.speaker.label),
      value: p.speaker.key.slice(0, MAX_CHOICE_LENGTH),
    }));
  }
}

function suggestionScore(
  entry: SpeakerEntry,
  qWords: readonly string[],
  qCompact: string,
  typed: string,
): number {
  const label = compact(entry.speaker.label);
  if (entry.compactNames.some((n) => n.startsWith(qCompact)) || label.startsWith(qCompact)) return 5;
  const all = [...entry.strong, ...entry.weak];
  // Every word typed so far matches a word of the speaker, the last one as a prefix of any length.
  const lastWord = qWords[qWords.length - 1] ?? "";
  const earlier = qWords.slice(0, -1);
  if (earlier.every((q) => all.some((w) => wordMatches(q, w))) && all.some((w) => w.startsWith(lastWord))) {
    return entry.strong.some((w) => w.startsWith(lastWord)) ? 4 : 3;
  }
  if (qCompact.length >= 3 && label.includes(qCompact)) return 2;
  return speakerScore(entry, typed) > 0 ? 1 : 0;
}
