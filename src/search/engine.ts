import MiniSearch from "minisearch";
import SearchableMap from "minisearch/SearchableMap";
import type { Article, Corpus } from "../corpus/types.js";
import { UserFacingError } from "../errors.js";
import { type Person, peopleIn, peopleOf } from "../people/people.js";
import { expandShorthand, isLightWord, isStopWord, stem, tokenize } from "../text/normalize.js";
import { type SentenceSpan, splitSentences } from "../text/sentences.js";
import { type AnswerType, fitsType, hasQuote, isAttributed } from "./answer-types.js";
import { type DecisionModel, loadDecisionModel } from "./decision.js";
import type { CandidateFeatures, Confidence, QuestionFeatures } from "./features.js";

export type { CandidateFeatures, Confidence, QuestionFeatures };

import { countries } from "./entities.js";
import { isFiller, type ReadMessage, readMessage, type Script } from "./message.js";
import { type Neighbours, SemanticMatcher, SIMILARITY_FLOOR } from "./semantic.js";
import { QuestionSuggester } from "./suggest.js";
import { WordVectors } from "./word-vectors.js";

/** One paragraph of the coverage, as a search result. */
export interface Passage {
  articleId: string;
  /** 1-based paragraph number within the article. */
  paragraph: number;
  text: string;
  /** Relevance, 0..1: the ranking model's estimate that this paragraph answers the question. */
  score: number;
}

/** Why there is no answer: nothing matched, or the question is not in English (the coverage's language). */
export type NoAnswerReason = "no-match" | "other-language";

/** One answered part of a question (a message asking two things gets two). */
export interface AnswerPart {
  readonly question: string;
  /** Verbatim sentence(s) from `passage`. */
  readonly text: string;
  readonly passage: Passage;
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
}

/** Longest question `ask` accepts, in characters. */
export const MAX_QUESTION_LENGTH = 1000;
/**
 * Questions whose answers are remembered. The coverage does not change while the bot runs, so the same
 * question always gets the same answer; communities ask the same few questions again and again (autocomplete
 * offers them word for word), and a remembered answer costs a map lookup instead of a search.
 */
const RECENT_ANSWERS = 500;
/** Parts of one message answered separately, at most. */
const MAX_PARTS = 3;

export interface EngineOptions {
  /** Most passages returned with an answer. */
  readonly maxPassages: number;
  /** Questions offered by `suggest`; defaults to the corpus's `questions.yaml`. */
  readonly suggestedQuestions: readonly string[] | undefined;
  /** Word vectors (default: the shipped artifact, loaded once per process). */
  readonly vectors: WordVectors | undefined;
  /** The fitted ranking and tier models (default: the shipped `decision.json`). */
  readonly decision: DecisionModel | undefined;
  /**
   * Names of the people the coverage quotes, offered as "What did X say?" (the quote book knows them); a
   * function is called the first time a suggestion is needed, so building the quote book can wait until then.
   */
  readonly speakers: readonly string[] | (() => readonly string[]);
  /** How many recent answers `ask` remembers (default {@link RECENT_ANSWERS}; 0 searches every time). */
  readonly recentAnswers: number;
}

const DEFAULT_OPTIONS: EngineOptions = {
  maxPassages: 5,
  suggestedQuestions: undefined,
  vectors: undefined,
  decision: undefined,
  speakers: [],
  recentAnswers: RECENT_ANSWERS,
};

// Field weights for BM25: the paragraph's own words count most; the people it names (full titles resolved
// from earlier mentions) nearly as much. (The paragraph before it, which helps with "this" or "the diplomat
// said", counts in the coverage features, not in the search: it would double every posting list.)
const FIELD_BOOST = { text: 1, people: 0.6 } as const;
type Field = keyof typeof FIELD_BOOST;
const FIELDS = Object.keys(FIELD_BOOST) as Field[];
/** How much a match in the previous paragraph shows that this paragraph covers a word. */
const CONTEXT_CREDIT = 0.5;
/** Light words (see `isLightWord`) weigh this much of their inverse document frequency. */
const LIGHT_WEIGHT = 0.25;
/** BM25 weight of a neighbour term relative to its cosine with the query word. */
const NEIGHBOUR_BOOST = 0.5;
/** Candidates scored in full; the rest stay in BM25 order and are never shown. */
const CANDIDATES = 30;
/** Neighbours of a word added to the BM25 query: at most this many, at least this close. */
const SEARCH_EXPANSIONS = 3;
const SEARCH_EXPANSION_FLOOR = 0.6;
const MAX_SEARCH_TERMS = 12;
/** A word in more than this share of paragraphs is generic: it takes no part in finding candidates. */
const GENERIC_SHARE = 0.3;
/** "how long", "how far": the second word only says what kind of answer is wanted. */
const QUESTION_PHRASE_TAILS = new Set(["long", "far", "old", "often", "much", "many", "come"]);
const NO_NEIGHBOURS: Neighbours = new Map();
/** A word the coverage uses itself stands for other words only when they are this close. */
const KNOWN_WORD_FLOOR = 0.7;

function closeOnly(neighbours: Neighbours, floor: number): Neighbours {
  return new Map([...neighbours].filter(([, similarity]) => similarity >= floor));
}

/** Something the question asks about: one content word, with the coverage words it may mean. */
interface Concept {
  readonly token: string;
  readonly term: string;
  /** Inverse document frequency times light-word and segment factors. */
  readonly weight: number;
  readonly neighbours: Neighbours;
  /** The coverage uses the word itself. */
  readonly known: boolean;
  /** The word was a misspelling corrected to a coverage word. */
  readonly corrected: boolean;
  /** Used in most paragraphs ("israel" in an article about Israel): a match says little. */
  readonly generic: boolean;
  /** The word's vector, for the sentence-meaning comparison. */
  readonly vector: Float32Array | undefined;
}

interface Query {
  readonly text: string;
  readonly type: AnswerType;
  readonly concepts: readonly Concept[];
  /** Every token of the question, to tell a new answer from a word the question already has. */
  readonly tokens: ReadonlySet<string>;
}

interface IndexedParagraph {
  readonly key: number;
  readonly articleId: string;
  readonly paragraph: number;
  readonly text: string;
  readonly fields: Record<Field, string>;
  /** Terms of the paragraph (text and people: 1) and of the one before it (CONTEXT_CREDIT). */
  readonly terms: ReadonlyMap<string, number>;
}

interface SentenceInfo {
  readonly span: SentenceSpan;
  readonly terms: ReadonlySet<string>;
  /** Rarity-weighted sum of its words' vectors (not normalised); null when none has a vector. */
  readonly vector: Float32Array | null;
}

/** One scored paragraph. */
export interface Candidate {
  readonly doc: IndexedParagraph;
  readonly features: CandidateFeatures;
  /** The ranking model's probability that this paragraph answers the question. */
  readonly score: number;
  readonly bestSentence: number;
}

/** The engine's reading of one question (or one part of it), before the tier decision. */
export interface Analysis {
  readonly query: Query;
  readonly ranked: readonly Candidate[];
  readonly features: QuestionFeatures | null;
}

/** Optimal string alignment distance (Levenshtein plus adjacent transpositions: "isreal" is one from "israel"). */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[] = new Array(rows * cols).fill(0);
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(
        (d[(i - 1) * cols + j] as number) + 1,
        (d[i * cols + j - 1] as number) + 1,
        (d[(i - 1) * cols + j - 1] as number) + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, (d[(i - 2) * cols + j - 2] as number) + 1);
      }
      d[i * cols + j] = best;
    }
  }
  return d[rows * cols - 1] as number;
}

function idf(documentFrequency: number, documents: number): number {
  return Math.log(1 + (documents - documentFrequency + 0.5) / (documentFrequency + 0.5));
}

// A sentence that opens with one of these leans on the sentence before it for its subject.
const ANAPHORIC_START = /^(?:this|that|these|those|it|he|she|they|his|her|their|such|but it|but this)\b/i;
const QUOTE_OPEN = /^["\u201c\u2018']/;

let shippedVectors: WordVectors | undefined;
/** The shipped word vectors, loaded on first use and shared by every engine of the process. */
export function defaultWordVectors(): WordVectors {
  shippedVectors ??= WordVectors.load();
  return shippedVectors;
}

/**
 * Answers questions from the corpus. A MiniSearch (BM25) index over paragraphs finds candidates for the
 * question's words and for the coverage words closest to them in meaning (word vectors); a fitted ranking
 * model orders the candidates by lexical and semantic coverage, BM25, the best sentence and whether it holds
 * the kind of answer asked for; a fitted tier model then decides between a confident answer, the closest the
 * coverage comes, and a refusal. Nothing in it is specific to one article.
 */
export class AnswerEngine {
  private readonly docs: IndexedParagraph[] = [];
  private readonly index: MiniSearch<IndexedParagraph>;
  /** Terms (stems) → number of paragraphs using them in their text or people fields. */
  private readonly vocabulary = new Map<string, number>();
  /** Words as written (folded) in the coverage: what spelling correction aims at. */
  private readonly lexicon = new SearchableMap<number>();
  private readonly sentenceCache = new Map<number, SentenceInfo[]>();
  private readonly semantic: SemanticMatcher;
  private readonly decision: DecisionModel;
  #suggester: QuestionSuggester | undefined;
  /** Answers to the latest questions, exactly as typed: see {@link RECENT_ANSWERS}. */
  readonly #recent = new Map<string, Readonly<Answer>>();
  readonly #suggestedQuestions: readonly string[];
  private readonly options: EngineOptions;
  private readonly peopleByArticle = new Map<string, readonly Person[]>();
  /** The direction most paragraph meaning vectors share (their first principal component), removed from all. */
  private commonDirection: Float32Array | null = null;
  /** Mid-sentence occurrences of each word, capitalised and not (only while indexing). */
  private readonly capitals = new Map<string, [number, number]>();
  /** Terms the coverage writes capitalised mid-sentence: names, which never stand in for one another. */
  private readonly names = new Set<string>();

  private constructor(corpus: Corpus, options: EngineOptions) {
    this.options = options;
    this.decision = options.decision ?? loadDecisionModel();
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
    const words = new Set<string>();
    for (const article of corpus.articles) this.addArticle(article, words);
    this.index.addAll(this.docs);
    for (const [word, [upper, lower]] of this.capitals)
      if (upper > 0 && upper >= 4 * lower) this.names.add(stem(word));
    this.capitals.clear();
    this.semantic = new SemanticMatcher(options.vectors ?? defaultWordVectors(), words);
    this.commonDirection = this.firstComponent();
    this.#suggestedQuestions = options.suggestedQuestions ?? corpus.suggestedQuestions;
  }

  /** First principal component of (at most 2,000 evenly spread) paragraphs' meaning vectors, by power iteration. */
  private firstComponent(): Float32Array | null {
    const step = Math.max(1, Math.floor(this.docs.length / 2000));
    const vectors: Float32Array[] = [];
    for (let i = 0; i < this.docs.length; i += step) {
      const vector = this.meaningVector((this.docs[i] as IndexedParagraph).text);
      if (vector) vectors.push(vector);
    }
    const first = vectors[0];
    if (!first || vectors.length < 3) return null;
    let direction = Float32Array.from(first);
    for (let round = 0; round < 20; round++) {
      const next = new Float32Array(direction.length);
      for (const v of vectors) {
        let dot = 0;
        for (let i = 0; i < v.length; i++) dot += (v[i] as number) * (direction[i] as number);
        for (let i = 0; i < v.length; i++) next[i] = (next[i] as number) + dot * (v[i] as number);
      }
      const norm = Math.hypot(...next) || 1;
      for (let i = 0; i < next.length; i++) next[i] = (next[i] as number) / norm;
      direction = next;
    }
    return direction;
  }

  /** The suggested questions, with the quoted speakers' "What did X say?", built on first use. */
  private suggester(): QuestionSuggester {
    if (!this.#suggester) {
      const { speakers } = this.options;
      this.#suggester = new QuestionSuggester(
        this.#suggestedQuestions,
        typeof speakers === "function" ? speakers() : speakers,
      );
    }
    return this.#suggester;
  }

  /** Builds the index for every paragraph of every article in the corpus. */
  static fromCorpus(corpus: Corpus, options: Partial<EngineOptions> = {}): AnswerEngine {
    return new AnswerEngine(corpus, { ...DEFAULT_OPTIONS, ...options });
  }

  /** Number of paragraphs indexed. */
  get size(): number {
    return this.docs.length;
  }

  private addArticle(article: Article, words: Set<string>): void {
    for (const paragraph of article.paragraphs) countCapitals(paragraph.text, this.capitals);
    const people = peopleOf(article);
    this.peopleByArticle.set(article.id, people);
    let previous: string[] = [];
    for (const paragraph of article.paragraphs) {
      const textTerms = termsOf(paragraph.text);
      const named = peopleIn(paragraph.text, people).flatMap((person) => person.descriptions);
      const peopleTerms = termsOf(named.join(" "));
      const terms = new Map<string, number>();
      for (const term of previous) terms.set(term, CONTEXT_CREDIT);
      for (const term of [...textTerms, ...peopleTerms]) terms.set(term, 1);
      const doc: IndexedParagraph = {
        key: this.docs.length,
        articleId: article.id,
        paragraph: paragraph.number,
        text: paragraph.text,
        fields: { text: textTerms.join(" "), people: peopleTerms.join(" ") },
        terms,
      };
      previous = textTerms;
      this.docs.push(doc);
      for (const word of tokenize(`${paragraph.text} ${named.join(" ")}`)) {
        words.add(word);
        if (word.length >= 3 && !isStopWord(word) && !/^[\d.,]+$/.test(word)) {
          this.lexicon.set(word, (this.lexicon.get(word) ?? 0) + 1);
        }
      }
      for (const term of new Set([...textTerms, ...peopleTerms])) {
        this.vocabulary.set(term, (this.vocabulary.get(term) ?? 0) + 1);
      }
    }
  }

  /**
   * Spelling correction for a word neither the coverage nor the word vectors know: the coverage word at the
   * smallest edit distance (1, or 2 for words of 8+ letters), the commonest on a tie. Short words and numbers
   * are left alone: "pope" is one letter from "hope", "10" from "100".
   */
  private correct(token: string, unfinished: boolean): string | null {
    if (token.length < 3 || /\d/.test(token)) return null;
    if (this.lexicon.has(token) || this.vocabulary.has(stem(token))) return null;
    if (unfinished) {
      // The last word of a message still being typed ("what did kir"): the commonest coverage word it begins.
      let completion: { word: string; count: number } | null = null;
      for (const [word, count] of this.lexicon.atPrefix(token)) {
        if (!completion || count > completion.count) completion = { word, count };
      }
      if (completion) return completion.word;
    }
    if (token.length < 4 || this.semantic.knows(token)) return null;
    const maxDistance = token.length >= 8 ? 2 : 1;
    let best: { word: string; distance: number; count: number } | null = null;
    for (const [word, [count]] of this.lexicon.fuzzyGet(token, 2)) {
      const distance = editDistance(token, word);
      if (distance > maxDistance) continue;
      if (!best || distance < best.distance || (distance === best.distance && count > best.count)) {
        best = { word, distance, count };
      }
    }
    return best?.word ?? null;
  }

  /** The question's concepts: its content words, corrected, weighted by rarity and by where they stand. */
  private query(text: string, read: ReadMessage | null): Query {
    const segments = read ? read.segments : [{ text, weight: 1, question: true }];
    const concepts = new Map<string, Concept>();
    const n = this.docs.length;
    // A message that ends in a letter may end in a word still being typed.
    const unfinished = /[\p{L}]$/u.test(text);
    for (const segment of segments) {
      const tokens = tokenize(segment.text).map(expandShorthand);
      const entityAt = new Map(
        countries()
          .find(tokens)
          .map((m) => [m.at, m]),
      );
      let skipUntil = 0;
      tokens.forEach((raw, i) => {
        if (i < skipUntil) return;
        const entity = entityAt.get(i);
        if (entity) {
          skipUntil = i + entity.length;
          const df = this.vocabulary.get(entity.term) ?? 0;
          const weight = idf(df, n) * segment.weight;
          const existing = concepts.get(entity.term);
          if (existing && existing.weight >= weight) return;
          concepts.set(entity.term, {
            token: entity.term,
            term: entity.term,
            weight,
            neighbours: NO_NEIGHBOURS,
            known: df > 0,
            corrected: false,
            generic: n >= 10 && df / n >= 0.5,
            vector: undefined,
          });
          return;
        }
        if (i > 0 && tokens[i - 1] === "how" && QUESTION_PHRASE_TAILS.has(raw)) return;
        if (isStopWord(raw) || isFiller(raw) || (raw.length < 2 && !/^\d$/.test(raw))) return;
        const fix = this.correct(raw, unfinished && i === tokens.length - 1);
        const token = fix ?? raw;
        const term = stem(token);
        const df = this.vocabulary.get(term) ?? 0;
        // A name the coverage uses matches itself only: its neighbours are other names.
        const neighbours = this.names.has(term)
          ? NO_NEIGHBOURS
          : df > 0
            ? closeOnly(this.semantic.neighbours(token), KNOWN_WORD_FLOOR)
            : this.semantic.neighbours(token);
        let weight: number;
        if (df > 0) weight = idf(df, n);
        else {
          // A word the coverage does not use weighs as much as the rarest coverage word it means, or as an
          // unseen word when it means none of them (a name the coverage never mentions).
          const [closest] = neighbours.keys();
          weight = closest === undefined ? idf(0, n) : idf(this.vocabulary.get(closest) ?? 0, n);
        }
        const general =
          df > 0 ? this.semantic.informativeness(token) : this.semantic.informativeness(token, 0.1);
        weight *= general * (isLightWord(token) ? LIGHT_WEIGHT : 1) * segment.weight;
        const existing = concepts.get(term);
        if (existing && existing.weight >= weight) return;
        concepts.set(term, {
          token,
          term,
          weight,
          neighbours,
          known: df > 0,
          corrected: fix !== null,
          generic: n >= 10 && df / n >= 0.5,
          vector: this.semantic.vector(token),
        });
      });
    }
    return {
      text,
      type: read?.type ?? "what",
      concepts: [...concepts.values()],
      tokens: new Set(segments.flatMap((segment) => tokenize(segment.text))),
    };
  }

  private sentences(doc: IndexedParagraph): SentenceInfo[] {
    let cached = this.sentenceCache.get(doc.key);
    if (!cached) {
      const people = this.peopleByArticle.get(doc.articleId) ?? [];
      cached = splitSentences(doc.text).map((span) => {
        const named = peopleIn(span.text, people).flatMap((person) => person.descriptions);
        return {
          span,
          terms: new Set([...termsOf(span.text), ...termsOf(named.join(" "))]),
          vector: this.meaningVector(span.text),
        };
      });
      this.sentenceCache.set(doc.key, cached);
    }
    return cached;
  }

  /**
   * Credit (0..1) of a concept in a set of terms: 1 for the word itself, its cosine for a close word; a close
   * word that is a name counts only with `names`.
   */
  private credit(
    concept: Concept,
    has: (term: string) => number,
    names: boolean,
  ): { exact: number; soft: number } {
    const exact = has(concept.term);
    let soft = exact;
    for (const [term, similarity] of concept.neighbours) {
      if (softCredit(similarity) <= soft) break;
      if (!names && this.names.has(term)) continue;
      const field = has(term);
      if (field > 0) soft = Math.max(soft, softCredit(similarity) * field);
    }
    return { exact, soft };
  }

  private coverage(
    query: Query,
    has: (term: string) => number,
  ): { lexical: number; semantic: number; semanticNames: number; allOf: number } {
    let total = 0;
    let lexical = 0;
    let semantic = 0;
    let semanticNames = 0;
    let logAll = 0;
    for (const concept of query.concepts) {
      const common = this.credit(concept, has, false);
      const withNames = this.credit(concept, has, true);
      total += concept.weight;
      lexical += concept.weight * common.exact;
      semantic += concept.weight * common.soft;
      semanticNames += concept.weight * withNames.soft;
      logAll += concept.weight * Math.log(0.1 + 0.9 * common.soft);
    }
    return total > 0
      ? {
          lexical: lexical / total,
          semantic: semantic / total,
          semanticNames: semanticNames / total,
          allOf: Math.exp(logAll / total),
        }
      : { lexical: 0, semantic: 0, semanticNames: 0, allOf: 0 };
  }

  /**
   * A text's meaning as one vector: the smooth-inverse-frequency average of its words' vectors (Arora et al.,
   * 2017: frequent words weigh less), minus its projection on the coverage's common direction. Null when none
   * of its words has a vector.
   */
  private meaningVector(text: string): Float32Array | null {
    let sum: Float32Array | null = null;
    for (const token of tokenize(text)) {
      if (isStopWord(token)) continue;
      const vector = this.semantic.vector(token);
      if (!vector) continue;
      const weight = this.semantic.sifWeight(token);
      sum ??= new Float32Array(vector.length);
      for (let i = 0; i < vector.length; i++) sum[i] = (sum[i] as number) + weight * (vector[i] as number);
    }
    return sum && this.removeCommon(sum);
  }

  private removeCommon(vector: Float32Array): Float32Array {
    const common = this.commonDirection;
    if (!common) return vector;
    let dot = 0;
    for (let i = 0; i < vector.length; i++) dot += (vector[i] as number) * (common[i] as number);
    for (let i = 0; i < vector.length; i++) vector[i] = (vector[i] as number) - dot * (common[i] as number);
    return vector;
  }

  private queryVector(query: Query): Float32Array | null {
    let sum: Float32Array | null = null;
    for (const concept of query.concepts) {
      if (!concept.vector) continue;
      const weight = this.semantic.sifWeight(concept.token);
      sum ??= new Float32Array(concept.vector.length);
      for (let i = 0; i < concept.vector.length; i++) {
        sum[i] = (sum[i] as number) + weight * (concept.vector[i] as number);
      }
    }
    return sum && this.removeCommon(sum);
  }

  /** Ranks paragraphs for one question (or one part of a message). */
  private analyseQuery(query: Query): Analysis {
    if (query.concepts.length === 0) return { query, ranked: [], features: null };
    const boosts = new Map<string, number>();
    const boost = (term: string, value: number) => boosts.set(term, Math.max(boosts.get(term) ?? 0, value));
    for (const concept of query.concepts) {
      if (this.vocabulary.has(concept.term)) boost(concept.term, concept.weight);
      // Only the closest few: every extra term costs a posting list in a large corpus.
      let expanded = 0;
      for (const [term, similarity] of concept.neighbours) {
        if (similarity < SEARCH_EXPANSION_FLOOR || expanded++ >= SEARCH_EXPANSIONS) break;
        boost(term, concept.weight * similarity * similarity * NEIGHBOUR_BOOST);
      }
    }
    // A long message can name dozens of words: the heaviest few find the candidates, all of them score them.
    // Words in most paragraphs find nothing in particular and cost the longest posting lists.
    const n = this.docs.length;
    const specific = [...boosts].filter(([term]) => (this.vocabulary.get(term) ?? 0) <= n * GENERIC_SHARE);
    const heaviest = (terms: [string, number][]) =>
      terms.sort((x, y) => y[1] - x[1]).slice(0, MAX_SEARCH_TERMS);
    const search = (terms: readonly [string, number][]) =>
      terms.length === 0
        ? []
        : this.index.search(terms.map(([term]) => term).join(" "), {
            boostTerm: (term) => boosts.get(term) ?? 1,
          });
    let results = search(heaviest(specific.length > 0 ? specific : [...boosts]));
    // Too few paragraphs have the specific words: the answer may use only common ones ("how many hostages are
    // still in Gaza"), so the common words search too, beside the specific ones (whatever those found is found
    // again, scored in the same query). A small corpus, like the shipped one, often gets here; a large one,
    // where the specific words find enough, rarely does.
    if (results.length < CANDIDATES && specific.length > 0 && specific.length < boosts.size) {
      const generic = [...boosts].filter(([term]) => !specific.some(([s]) => s === term));
      results = search([...heaviest(specific), ...heaviest(generic)]);
    }
    const topBm25 = results[0]?.score ?? 0;
    const queryVector = this.queryVector(query);
    const ranked: Candidate[] = [];
    for (const result of results.slice(0, CANDIDATES)) {
      const doc = this.docs[result.id as number];
      if (!doc) continue;
      const paragraph = this.coverage(query, (term) => doc.terms.get(term) ?? 0);
      const own = this.coverage(query, (term) => ((doc.terms.get(term) ?? 0) === 1 ? 1 : 0));
      const sentences = this.sentences(doc);
      let bestSentence = 0;
      let sentenceScore = -1;
      let sentenceCoverage = { lexical: 0, semantic: 0, semanticNames: 0, allOf: 0 };
      sentences.forEach((sentence, i) => {
        const coverage = this.coverage(query, (term) => (sentence.terms.has(term) ? 1 : 0));
        const score = coverage.semantic * (fitsType(sentence.span.text, query.type, query.tokens) ? 1.25 : 1);
        if (score > sentenceScore) {
          sentenceScore = score;
          sentenceCoverage = coverage;
          bestSentence = i;
        }
      });
      const chosen = sentences[bestSentence];
      let meaning = 0;
      for (const sentence of sentences) meaning = Math.max(meaning, cosine(queryVector, sentence.vector));
      const heaviest = query.concepts.reduce<Concept | undefined>(
        (best, c) => (!best || c.weight > best.weight ? c : best),
        undefined,
      );
      const features: CandidateFeatures = {
        lexical: paragraph.lexical,
        semantic: paragraph.semantic,
        semanticNames: paragraph.semanticNames,
        meaning,
        bm25: topBm25 > 0 ? result.score / topBm25 : 0,
        sentence: sentenceCoverage.semantic,
        typeFit: chosen && fitsType(chosen.span.text, query.type, query.tokens) ? 1 : 0,
        contextOnly: paragraph.semantic > 0 ? Math.max(0, 1 - own.semantic / paragraph.semantic) : 0,
        keyword: heaviest ? this.credit(heaviest, (term) => doc.terms.get(term) ?? 0, false).soft : 0,
        sentenceLexical: sentenceCoverage.lexical,
        lead: 1 / doc.paragraph,
        quoted: (query.type === "quote" || query.type === "who") && hasQuote(doc.text) ? 1 : 0,
        size: Math.log1p(doc.terms.size),
        allOf: paragraph.allOf,
        sentenceAllOf: sentenceCoverage.allOf,
      };
      ranked.push({ doc, features, score: this.decision.rank(features), bestSentence });
    }
    // Scores become probabilities over the candidates (the ranking model is a conditional logit).
    const max = Math.max(...ranked.map((c) => c.score));
    let total = 0;
    for (const c of ranked) total += Math.exp(c.score - max);
    for (const c of ranked) (c as { score: number }).score = Math.exp(c.score - max) / total;
    ranked.sort((a, b) => b.score - a.score || a.doc.key - b.doc.key);
    return { query, ranked, features: this.questionFeatures(query, ranked) };
  }

  private questionFeatures(query: Query, ranked: readonly Candidate[]): QuestionFeatures | null {
    const top = ranked[0];
    if (!top) return null;
    let total = 0;
    let unknown = 0;
    let unseen = 0;
    let specific = 0;
    for (const concept of query.concepts) {
      total += concept.weight;
      if (!concept.known) unseen += concept.weight;
      if (!concept.known) {
        const [closest = 0] = [...concept.neighbours.values()];
        unknown += concept.weight * (1 - softCredit(closest));
      }
      const { soft } = this.credit(concept, (term) => top.doc.terms.get(term) ?? 0, false);
      if (soft >= 0.5 && !concept.generic) specific = 1;
    }
    return {
      top: top.score,
      margin: top.score - (ranked[1]?.score ?? 0),
      lexical: top.features.lexical,
      semantic: top.features.semantic,
      sentence: top.features.sentence,
      typeFit: top.features.typeFit,
      unknown: total > 0 ? unknown / total : 1,
      unseen: total > 0 ? unseen / total : 1,
      meaning: top.features.meaning,
      allOf: top.features.allOf,
      sentenceAllOf: top.features.sentenceAllOf,
      specific,
      length: Math.log1p(query.concepts.length),
    };
  }

  /**
   * The engine's reading of a question, before the tier decision: one analysis per part (a message asking
   * two things has two). Exposed for fitting the models and for the evaluation.
   */
  analyse(question: string): { read: ReadMessage; parts: Analysis[] } {
    const read = readMessage(question);
    const partTexts = read.parts.slice(0, MAX_PARTS);
    if (partTexts.length > 1) {
      return {
        read,
        parts: partTexts.map((part) => this.analyseQuery(this.query(part, readMessage(part)))),
      };
    }
    return { read, parts: [this.analyseQuery(this.query(read.text, read))] };
  }

  /**
   * Answers a question from the coverage. Throws UserFacingError for an empty question, one with no words,
   * or one longer than MAX_QUESTION_LENGTH.
   */
  ask(question: string): Answer {
    const remembered = this.#recent.get(question);
    if (remembered) {
      // Most recently used last, so the oldest is the first to go.
      this.#recent.delete(question);
      this.#recent.set(question, remembered);
      return remembered;
    }
    const answer = this.#answer(question);
    if (this.options.recentAnswers <= 0) return answer;
    this.#recent.set(question, answer);
    if (this.#recent.size > this.options.recentAnswers) {
      const oldest = this.#recent.keys().next().value;
      if (oldest !== undefined) this.#recent.delete(oldest);
    }
    return answer;
  }

  #answer(question: string): Answer {
    if (question.trim().length === 0) throw new UserFacingError("ask.error.empty");
    if (question.length > MAX_QUESTION_LENGTH) {
      throw new UserFacingError("ask.error.tooLong", { max: MAX_QUESTION_LENGTH, length: question.length });
    }
    const { read, parts } = this.analyse(question);
    if (read.script === "none" || read.text.length === 0) {
      throw new UserFacingError("ask.error.noWords");
    }
    if (read.script !== "latin") return refusal(question, "other-language", read.script);
    const decided = parts.map((analysis) => ({ analysis, tier: this.tier(analysis) }));
    const answered = decided.filter((d) => d.tier !== "none" && d.analysis.ranked.length > 0);
    if (answered.length === 0) return refusal(question, "no-match");
    const confidence: Confidence = answered.every((d) => d.tier === "high") ? "high" : "low";
    const answerParts: AnswerPart[] = [];
    for (const { analysis } of answered) {
      const top = analysis.ranked[0] as Candidate;
      if (
        answerParts.some(
          (p) => p.passage.articleId === top.doc.articleId && p.passage.paragraph === top.doc.paragraph,
        )
      )
        continue;
      answerParts.push({
        question: analysis.query.text,
        text: this.bestSentences(analysis.query, top),
        passage: toPassage(top),
      });
    }
    const passages = mergePassages(
      answered.map((d) => d.analysis.ranked),
      this.options.maxPassages,
    );
    return {
      question,
      answer: answerParts.map((p) => p.text).join("\n\n"),
      confidence,
      parts: answerParts,
      unanswered: decided.filter((d) => !answered.includes(d)).map((d) => d.analysis.query.text),
      best: answerParts[0]?.passage ?? null,
      passages,
    };
  }

  private tier(analysis: Analysis): Confidence {
    return analysis.features ? this.decision.tier(analysis.features) : "none";
  }

  /** The best sentence of a paragraph, with its neighbour when the answer needs it; verbatim. */
  private bestSentences(query: Query, candidate: Candidate): string {
    const { doc } = candidate;
    const sentences = this.sentences(doc);
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
      const alone = this.coverage(query, has(chosen)).semantic;
      const joined = this.coverage(query, (term) =>
        chosen.terms.has(term) || after.terms.has(term) ? 1 : 0,
      );
      if (joined.semantic >= alone + 0.2) to = best + 1;
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
      return this.suggester().suggest(typeof partial === "string" ? partial : "", limit);
    } catch {
      return [];
    }
  }

  /** Every question `suggest` can offer (curated, then generated from the coverage). */
  suggestions(): readonly string[] {
    return this.suggester().all();
  }
}

/** Credit of a match by a word of close meaning: 0 at the similarity floor, rising to 1 for the same word. */
function softCredit(similarity: number): number {
  return Math.max(0, (similarity - SIMILARITY_FLOOR) / (1 - SIMILARITY_FLOOR));
}

function cosine(a: Float32Array | null, b: Float32Array | null): number {
  if (!a || !b) return 0;
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  return na > 0 && nb > 0 ? dot / Math.sqrt(na * nb) : 0;
}

/** Counts, for each word, its mid-sentence occurrences written capitalised and not. */
function countCapitals(text: string, counts: Map<string, [number, number]>): void {
  for (const match of text.matchAll(/[\p{L}][\p{L}'\u2019-]*/gu)) {
    const before = text.slice(Math.max(0, match.index - 3), match.index);
    // Sentence starts and quotation starts capitalise any word.
    if (match.index === 0 || /[.!?:\u201c"]\s*$/.test(before)) continue;
    for (const token of tokenize(match[0])) {
      const entry = counts.get(token) ?? [0, 0];
      if (/^\p{Lu}/u.test(match[0])) entry[0]++;
      else entry[1]++;
      counts.set(token, entry);
    }
  }
}

// In the coverage "US" and "U.S." are always the country (chat writes "us" for both, see entities.ts).
const US_ABBREVIATION = /\bU\.S\.(?:A\.)?|\bUSA?\b/g;

/** A coverage text's terms: its content words (stemmed), then the countries and capitals it names. */
function termsOf(text: string): string[] {
  const tokens = tokenize(text.replace(US_ABBREVIATION, " United States "));
  const terms: string[] = [];
  for (const token of tokens) {
    if (token.length < 2 && !/^\d$/.test(token)) continue;
    if (!isStopWord(token)) terms.push(stem(token));
  }
  for (const match of countries().find(tokens)) terms.push(match.term);
  return terms;
}

function toPassage(candidate: Candidate): Passage {
  return {
    articleId: candidate.doc.articleId,
    paragraph: candidate.doc.paragraph,
    text: candidate.doc.text,
    score: Number(candidate.score.toFixed(4)),
  };
}

/** The parts' rankings interleaved (each part's best first), without repeats. */
function mergePassages(rankings: readonly (readonly Candidate[])[], max: number): Passage[] {
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

function refusal(question: string, reason: NoAnswerReason, script?: Script): Answer {
  return {
    question,
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

/**
 * Plain MiniSearch with its default options over the same paragraphs, for comparison figures: no
 * stemming, vectors, typo tolerance or tiers. It refuses only when nothing matches at all.
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
