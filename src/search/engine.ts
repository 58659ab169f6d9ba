import MiniSearch, { type SearchResult } from "minisearch";
import SearchableMap from "minisearch/SearchableMap";
import type { Article, Corpus } from "../corpus/types.js";
import { UserFacingError } from "../errors.js";
import { AliasMatcher } from "./aliases.js";
import { contentTerms, isStopWord, stem, tokenize } from "./normalize.js";
import { findPeople, type Person, peopleIn } from "./people.js";
import { type AnswerKind, planQuery, type QueryPlan } from "./query.js";
import { type SentenceSpan, splitSentences } from "./sentences.js";
import { QuestionSuggester } from "./suggest.js";

/** One paragraph of the coverage, as a search result. */
export interface Passage {
  articleId: string;
  /** 1-based paragraph number within the article. */
  paragraph: number;
  text: string;
  /** Relevance after re-ranking; only meaningful relative to other passages of the same answer. */
  score: number;
}

/** The engine's reply to a question. */
export interface Answer {
  question: string;
  /** The best sentence(s), verbatim from the best paragraph; null when the coverage does not answer. */
  answer: string | null;
  best: Passage | null;
  /** Best first, at most `maxPassages`; empty when `answer` is null. */
  passages: Passage[];
}

/** Tuning knobs; the defaults are calibrated on the question set in `test/questions.ts`. */
export interface EngineOptions {
  /**
   * Share (0..1) of the question's content, weighted by how rare each word is in the coverage, that
   * the best paragraph must match before it counts as an answer.
   */
  minCoverage: number;
  /** Most passages returned with an answer. */
  maxPassages: number;
  /** Use `corpus.aliases` to widen queries. */
  useAliases: boolean;
  /** Match misspelt words (not words under 5 letters, not numbers). */
  typoTolerance: boolean;
  /** Complete the last word of an unfinished question. */
  prefixLastTerm: boolean;
  /** Questions offered by `suggest`; defaults to the corpus's `questions.yaml`. */
  suggestedQuestions: readonly string[] | undefined;
}

/** Longest question `ask` accepts, in characters. */
export const MAX_QUESTION_LENGTH = 1000;

const DEFAULT_OPTIONS: EngineOptions = {
  minCoverage: 0.65,
  maxPassages: 5,
  useAliases: true,
  typoTolerance: true,
  prefixLastTerm: true,
  suggestedQuestions: undefined,
};

// Field weights for BM25: the paragraph's own words count most; the people it names (full titles
// resolved from earlier mentions) nearly as much; the paragraph before it helps with "this",
// "the diplomat said"; the article title only separates articles, it says nothing about a paragraph.
const FIELD_BOOST = { text: 1, people: 0.6, context: 0.25, title: 0.15 } as const;
type Field = keyof typeof FIELD_BOOST;
const FIELDS = Object.keys(FIELD_BOOST) as Field[];
// How much a match in each field shows that the paragraph itself covers the concept.
const FIELD_CREDIT: Record<Field, number> = { text: 1, people: 1, context: 0.5, title: 0 };

/** Credit of a concept whose word was corrected, by edit distance. */
const FUZZY_CREDIT = [1, 0.8, 0.6] as const;
const PREFIX_CREDIT = 0.8;
/** Light words (see `isLightWord`) weigh this much of their inverse document frequency. */
const LIGHT_WEIGHT = 0.25;
const MAX_PREFIX_EXPANSIONS = 5;
/** Results re-ranked by coverage; the rest stay in BM25 order and are never shown. */
const RERANK_DEPTH = 30;
/** Coverage is raised to this power in the final score: matching every concept matters more than repeats. */
const COVERAGE_POWER = 2;

// Words every article about this war uses: a match on these alone says nothing about the question.
const GENERIC_WORDS = ["israel", "israeli", "israelis", "hamas", "gaza", "war", "conflict", "palestinian"];

interface IndexedParagraph {
  readonly key: number;
  readonly articleId: string;
  readonly paragraph: number;
  readonly text: string;
  readonly fields: Record<Field, string>;
}

interface SentenceInfo {
  readonly span: SentenceSpan;
  readonly terms: ReadonlySet<string>;
}

interface LeafRef {
  readonly concept: number;
  readonly alt: number;
  readonly word: number;
  readonly credit: number;
}

interface Leaf {
  boost: number;
  readonly refs: LeafRef[];
}

interface ExpandedQuery {
  readonly plan: QueryPlan;
  readonly leaves: Map<string, Leaf>;
  /** Weight of each concept: its inverse document frequency (unknown words weigh most). */
  readonly weights: number[];
  /** Credit factor of each concept: below 1 when its word was a spelling correction. */
  readonly factors: number[];
  readonly generic: boolean[];
}

interface Scored {
  readonly doc: IndexedParagraph;
  readonly score: number;
  readonly coverage: number;
  readonly specific: boolean;
}

const NUMBER_WORD =
  /\b(?:\d[\d.,]*|dozens?|hundreds?|thousands?|millions?|billions?|two|three|four|five|six|seven|eight|nine|ten)\b/i;
const TIME_WORD =
  /\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|january|february|march|april|may|june|july|august|september|october|november|december|weekend|week|weeks|month|months|today|yesterday|tomorrow|ago)\b/i;
const DURATION_WORD = /\b(?:\w+-(?:day|week|month|year)|(?:day|week|month|year)s?\b)/i;
// A sentence that opens with one of these leans on the sentence before it for its subject.
const ANAPHORIC_START = /^(?:this|that|these|those|it|he|she|they|his|her|their|such|but it|but this)\b/i;
const QUOTE_OPEN = /^["\u201c\u2018']/;
const ATTRIBUTION = /\b(?:said|says|told|warned|wrote|added|described|dismissed|according to)\b/i;

function fitsKind(text: string, kind: AnswerKind): boolean {
  if (kind === "number") return NUMBER_WORD.test(text);
  if (kind === "time") return TIME_WORD.test(text);
  if (kind === "duration") return DURATION_WORD.test(text);
  if (kind === "quote") return /["\u201c\u201d]/.test(text) || ATTRIBUTION.test(text);
  return false;
}

function idf(documentFrequency: number, documents: number): number {
  return Math.log(1 + (documents - documentFrequency + 0.5) / (documentFrequency + 0.5));
}

/**
 * Answers questions from the corpus: a MiniSearch (BM25) index over paragraphs, queried through
 * folding, stop words, stemming, aliases, typo tolerance and last-word completion, then re-ranked by
 * how much of the question each paragraph covers. Refuses rather than guess when nothing covers it.
 */
export class AnswerEngine {
  private readonly docs: IndexedParagraph[] = [];
  private readonly index: MiniSearch<IndexedParagraph>;
  /** Index terms (stems) → number of paragraphs using them in their text or people fields. */
  private readonly vocabulary = new SearchableMap<number>();
  /** Words as written (folded) in the coverage and the alias table: what spelling correction aims at. */
  private readonly lexicon = new SearchableMap<number>();
  private readonly sentenceCache = new Map<number, SentenceInfo[]>();
  private readonly genericTerms: ReadonlySet<string>;
  private readonly aliases: AliasMatcher;
  private readonly suggester: QuestionSuggester;
  private readonly options: EngineOptions;

  private constructor(corpus: Corpus, options: EngineOptions) {
    this.options = options;
    this.aliases = new AliasMatcher(corpus.aliases);
    this.genericTerms = new Set(GENERIC_WORDS.map(stem));
    const split = (text: string) => (text.length === 0 ? [] : text.split(" "));
    this.index = new MiniSearch<IndexedParagraph>({
      idField: "key",
      fields: FIELDS,
      extractField: (doc, field) => (field === "key" ? doc.key : doc.fields[field as Field]),
      // Fields are stored already analysed (terms joined by spaces), so both sides share one pipeline.
      tokenize: split,
      processTerm: (term) => term,
      searchOptions: {
        tokenize: split,
        processTerm: (term) => term,
        boost: { ...FIELD_BOOST },
        combineWith: "OR",
      },
    });
    for (const article of corpus.articles) this.addArticle(article);
    this.index.addAll(this.docs);
    for (const alias of corpus.aliases.entries.keys()) {
      const words = tokenize(alias);
      if (words.length === 1 && words[0] !== undefined) this.addWord(words[0]);
    }
    const people = corpus.articles.flatMap((article) => findPeople(article));
    const questions = options.suggestedQuestions ?? corpus.suggestedQuestions;
    this.suggester = new QuestionSuggester(questions, people, this.aliases);
  }

  /** Builds the index for every paragraph of every article in the corpus. */
  static fromCorpus(corpus: Corpus, options: Partial<EngineOptions> = {}): AnswerEngine {
    return new AnswerEngine(corpus, { ...DEFAULT_OPTIONS, ...options });
  }

  /** Number of paragraphs indexed. */
  get size(): number {
    return this.docs.length;
  }

  private addArticle(article: Article): void {
    const people: readonly Person[] = findPeople(article);
    const title = contentTerms(article.title).join(" ");
    let previous = "";
    for (const paragraph of article.paragraphs) {
      const text = contentTerms(paragraph.text).join(" ");
      const named = peopleIn(paragraph.text, people).flatMap((person) => person.descriptions);
      const doc: IndexedParagraph = {
        key: this.docs.length,
        articleId: article.id,
        paragraph: paragraph.number,
        text: paragraph.text,
        fields: { text, people: contentTerms(named.join(" ")).join(" "), context: previous, title },
      };
      previous = text;
      this.docs.push(doc);
      for (const word of tokenize(`${paragraph.text} ${named.join(" ")}`)) this.addWord(word);
      const terms = new Set([...doc.fields.text.split(" "), ...doc.fields.people.split(" ")]);
      for (const term of terms) {
        if (term.length > 0) this.vocabulary.set(term, (this.vocabulary.get(term) ?? 0) + 1);
      }
    }
  }

  private addWord(word: string): void {
    if (word.length < 3 || isStopWord(word) || /^[\d.,]+$/.test(word)) return;
    this.lexicon.set(word, (this.lexicon.get(word) ?? 0) + 1);
  }

  /**
   * Spelling correction for a word the coverage does not know: the closest known word, one edit away
   * (two for words of 9+ letters). Short words and numbers are left alone: "pope" is one letter from
   * "hope", "10" from "100".
   */
  private correct(token: string): { token: string; distance: number } | null {
    if (!this.options.typoTolerance || token.length < 5 || /\d/.test(token)) return null;
    if (this.lexicon.has(token) || this.vocabulary.has(stem(token))) return null;
    const maxDistance = token.length >= 9 ? 2 : 1;
    let best: { token: string; distance: number; count: number } | null = null;
    for (const [word, [count, distance]] of this.lexicon.fuzzyGet(token, maxDistance)) {
      if (distance === 0) return null;
      if (!best || distance < best.distance || (distance === best.distance && count > best.count)) {
        best = { token: word, distance, count };
      }
    }
    return best && { token: best.token, distance: best.distance };
  }

  private documentFrequency(term: string): number {
    return this.vocabulary.get(term) ?? 0;
  }

  private expand(plan: QueryPlan): ExpandedQuery {
    const leaves = new Map<string, Leaf>();
    const weights: number[] = [];
    const factors: number[] = [];
    const generic: boolean[] = [];
    const n = this.docs.length;
    const addLeaf = (term: string, ref: LeafRef, boost: number) => {
      const leaf = leaves.get(term);
      if (leaf) {
        leaf.boost = Math.max(leaf.boost, boost);
        leaf.refs.push(ref);
      } else {
        leaves.set(term, { boost, refs: [ref] });
      }
    };
    plan.concepts.forEach((concept, c) => {
      const typedFrequencies: number[] = [];
      const aliasFrequencies: number[] = [];
      concept.alternatives.forEach((alt, a) => {
        alt.words.forEach((word, w) => {
          const df = this.documentFrequency(word);
          if (df === 0) return;
          // A phrase alternative spreads its weight over its words, so "united states" is not
          // worth twice "qatar" when both stand for the mediators.
          addLeaf(word, { concept: c, alt: a, word: w, credit: 1 }, alt.credit / alt.words.length);
          (alt.credit === 1 ? typedFrequencies : aliasFrequencies).push(df);
        });
      });
      // What the user typed decides how rare the concept is; an alias only when the typed word is unknown.
      const exactFrequencies = typedFrequencies.length > 0 ? typedFrequencies : aliasFrequencies;
      const typedToken = concept.typed[0] ?? "";
      let looseFrequencies: number[] = [];
      if (concept.single && concept.last && this.options.prefixLastTerm && typedToken.length >= 3) {
        looseFrequencies = this.addPrefix(typedToken, c, addLeaf);
      }
      const frequencies = exactFrequencies.length > 0 ? exactFrequencies : looseFrequencies;
      const df = frequencies.length > 0 ? Math.min(...frequencies) : 0;
      weights.push(idf(df, n) * (concept.light ? LIGHT_WEIGHT : 1));
      factors.push(FUZZY_CREDIT[concept.corrected] ?? 0.5);
      const typedGeneric =
        concept.typedTerms.length > 0 && concept.typedTerms.every((t) => this.genericTerms.has(t));
      generic.push(typedGeneric || (n >= 10 && df / n >= 0.5));
    });
    return { plan, leaves, weights, factors, generic };
  }

  /** Completes a half-typed last word: the commonest known words starting with it. */
  private addPrefix(
    token: string,
    concept: number,
    addLeaf: (term: string, ref: LeafRef, boost: number) => void,
  ): number[] {
    const typedTerm = stem(token);
    const completions = new Map<string, number>();
    for (const [word, count] of this.lexicon.atPrefix(token)) {
      const term = stem(word);
      const df = this.documentFrequency(term);
      if (term !== typedTerm && df > 0) completions.set(term, Math.max(completions.get(term) ?? 0, count));
    }
    const best = [...completions].sort((a, b) => b[1] - a[1]).slice(0, MAX_PREFIX_EXPANSIONS);
    for (const [term] of best)
      addLeaf(term, { concept, alt: 0, word: 0, credit: PREFIX_CREDIT }, PREFIX_CREDIT);
    return best.map(([term]) => this.documentFrequency(term));
  }

  /**
   * How far each concept of the query is matched (0..1), given the credit of each index term: the
   * best alternative wins, and a phrase alternative counts by the share of its words matched.
   */
  private conceptCredits(query: ExpandedQuery, termCredit: (term: string) => number): number[] {
    const { concepts } = query.plan;
    const wordCredit = concepts.map((concept) => concept.alternatives.map((alt) => alt.words.map(() => 0)));
    for (const [term, leaf] of query.leaves) {
      const credit = termCredit(term);
      if (credit === 0) continue;
      for (const ref of leaf.refs) {
        const words = wordCredit[ref.concept]?.[ref.alt];
        if (words && ref.word < words.length) {
          words[ref.word] = Math.max(words[ref.word] ?? 0, ref.credit * credit);
        }
      }
    }
    return concepts.map((concept, c) => {
      let best = 0;
      concept.alternatives.forEach((alt, a) => {
        const words = wordCredit[c]?.[a] ?? [];
        const mean = words.reduce((sum, x) => sum + x, 0) / Math.max(1, words.length);
        best = Math.max(best, alt.credit * mean);
      });
      return best * (query.factors[c] ?? 1);
    });
  }

  private score(query: ExpandedQuery, result: SearchResult): Scored | null {
    const doc = this.docs[result.id as number];
    if (!doc) return null;
    const credits = this.conceptCredits(query, (term) => {
      const fields = result.match[term];
      if (!fields || !Object.hasOwn(result.match, term)) return 0;
      let best = 0;
      for (const field of fields) best = Math.max(best, FIELD_CREDIT[field as Field] ?? 0);
      return best;
    });
    let covered = 0;
    let total = 0;
    let specific = false;
    credits.forEach((credit, c) => {
      const weight = query.weights[c] ?? 0;
      covered += weight * credit;
      total += weight;
      if (credit >= 0.5 && !query.generic[c]) specific = true;
    });
    const coverage = total > 0 ? covered / total : 0;
    // MiniSearch multiplies the score by the number of query terms matched, which would count an
    // alias's words again; the coverage factor below does that job with each concept counted once.
    const bm25 = result.score / Math.max(1, result.queryTerms.length);
    const kindBonus = fitsKind(doc.text, query.plan.kind) ? 1.1 : 1;
    return { doc, score: bm25 * coverage ** COVERAGE_POWER * kindBonus, coverage, specific };
  }

  private search(question: string): { query: ExpandedQuery; ranked: Scored[] } {
    const plan = planQuery(question, {
      aliases: this.options.useAliases ? this.aliases : null,
      correct: (token) => this.correct(token),
    });
    const query = this.expand(plan);
    if (query.leaves.size === 0) return { query, ranked: [] };
    const results = this.index.search([...query.leaves.keys()].join(" "), {
      boostTerm: (term) => query.leaves.get(term)?.boost ?? 1,
    });
    const ranked: Scored[] = [];
    for (const result of results.slice(0, RERANK_DEPTH)) {
      const scored = this.score(query, result);
      if (scored) ranked.push(scored);
    }
    ranked.sort((a, b) => b.score - a.score || a.doc.key - b.doc.key);
    return { query, ranked };
  }

  /**
   * Answers a question from the coverage. Throws UserFacingError for an empty question or one longer
   * than MAX_QUESTION_LENGTH; returns `answer: null` (and no passages) when the coverage does not say.
   */
  ask(question: string): Answer {
    if (question.trim().length === 0) throw new UserFacingError("Please type a question.");
    if (question.length > MAX_QUESTION_LENGTH) {
      throw new UserFacingError(
        `Questions can be at most ${MAX_QUESTION_LENGTH} characters long (yours has ${question.length}). Please shorten it.`,
      );
    }
    const { query, ranked } = this.search(question);
    const top = ranked[0];
    if (!top || top.coverage < this.options.minCoverage || !top.specific) {
      return { question, answer: null, best: null, passages: [] };
    }
    const passages = ranked
      .filter(
        (r) =>
          r === top ||
          (r.specific && r.coverage >= this.options.minCoverage / 2 && r.score >= top.score * 0.2),
      )
      .slice(0, this.options.maxPassages)
      .map((r) => ({
        articleId: r.doc.articleId,
        paragraph: r.doc.paragraph,
        text: r.doc.text,
        score: r.score,
      }));
    return { question, answer: this.bestSentences(query, top.doc), best: passages[0] ?? null, passages };
  }

  private sentences(doc: IndexedParagraph): SentenceInfo[] {
    let cached = this.sentenceCache.get(doc.key);
    if (!cached) {
      cached = splitSentences(doc.text).map((span) => ({ span, terms: new Set(contentTerms(span.text)) }));
      this.sentenceCache.set(doc.key, cached);
    }
    return cached;
  }

  private sentenceScore(
    query: ExpandedQuery,
    sentence: SentenceInfo,
  ): { score: number; covered: Set<number> } {
    const credits = this.conceptCredits(query, (term) => (sentence.terms.has(term) ? 1 : 0));
    let score = 0;
    const covered = new Set<number>();
    credits.forEach((credit, c) => {
      if (credit > 0) covered.add(c);
      score += credit * (query.weights[c] ?? 0);
    });
    // A sentence of the kind asked for (a number for "how many") is likelier to hold the answer.
    if (score > 0 && fitsKind(sentence.span.text, query.plan.kind)) score *= 1.25;
    return { score, covered };
  }

  /** The best sentence of a paragraph, with its neighbour when the answer needs it; verbatim. */
  private bestSentences(query: ExpandedQuery, doc: IndexedParagraph): string {
    const sentences = this.sentences(doc);
    if (sentences.length <= 1) return doc.text;
    const scores = sentences.map((s) => this.sentenceScore(query, s));
    let best = 0;
    scores.forEach((s, i) => {
      if (s.score > (scores[best]?.score ?? 0)) best = i;
    });
    const chosen = sentences[best];
    const bestScore = scores[best];
    if (!chosen || !bestScore) return doc.text;
    let from = best;
    let to = best;
    const text = chosen.span.text;
    const before = sentences[best - 1];
    const after = sentences[best + 1];
    if (QUOTE_OPEN.test(text) && !ATTRIBUTION.test(text.replace(/["\u201c][^"\u201d]*["\u201d]/g, ""))) {
      // A quotation without its speaker: add the neighbour that names them.
      if (before && ATTRIBUTION.test(before.span.text)) from = best - 1;
      else if (after && ATTRIBUTION.test(after.span.text)) to = best + 1;
    } else if (before && ANAPHORIC_START.test(text)) {
      from = best - 1;
    } else if (after) {
      const next = scores[best + 1];
      const adds = next ? [...next.covered].some((c) => !bestScore.covered.has(c)) : false;
      if (next && adds && next.score >= bestScore.score * 0.5) to = best + 1;
    }
    const start = sentences[from]?.span.start ?? chosen.span.start;
    const end = sentences[to]?.span.end ?? chosen.span.end;
    return doc.text.slice(start, end);
  }

  /**
   * Suggested questions for autocomplete, best match first: at most `limit` (default 25), each at
   * most 100 characters. Never throws, whatever is typed.
   */
  suggest(partial: string, limit = 25): string[] {
    // Autocomplete runs on every keystroke; a failure there must cost a suggestion, not the interaction.
    try {
      return this.suggester.suggest(typeof partial === "string" ? partial : "", limit);
    } catch {
      return [];
    }
  }

  /** Every question `suggest` can offer (curated, then generated from the coverage). */
  suggestions(): readonly string[] {
    return this.suggester.all();
  }
}

/**
 * Plain MiniSearch with its default options over the same paragraphs, for comparison figures: no
 * stemming, aliases, typo tolerance or threshold. It refuses only when nothing matches at all.
 */
export function plainMiniSearchBaseline(corpus: Corpus): { ask(question: string): Passage[] } {
  const docs = corpus.articles.flatMap((article) =>
    article.paragraphs.map((p) => ({
      id: `${article.id}#${p.number}`,
      articleId: article.id,
      paragraph: p.number,
      text: p.text,
    })),
  );
  const byId = new Map(docs.map((doc) => [doc.id, doc]));
  const index = new MiniSearch<(typeof docs)[number]>({ fields: ["text"] });
  index.addAll(docs);
  return {
    ask(question: string): Passage[] {
      return index
        .search(question)
        .slice(0, 5)
        .flatMap((result) => {
          const doc = byId.get(result.id as string);
          return doc
            ? [{ articleId: doc.articleId, paragraph: doc.paragraph, text: doc.text, score: result.score }]
            : [];
        });
    },
  };
}
