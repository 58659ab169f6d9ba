import MiniSearch from "minisearch";
import SearchableMap from "minisearch/SearchableMap";
import type { Article, Corpus } from "../corpus/types.js";
import { type Person, peopleIn, peopleOf } from "../people/people.js";
import { isStopWord, stem, tokenize } from "../text/normalize.js";
import { type SentenceSpan, splitSentences } from "../text/sentences.js";
import { countries } from "./entities.js";
import { SemanticMatcher } from "./semantic.js";
import { runNow, type Steps } from "./steps.js";
import { addScaled, firstPrincipalComponentSteps, removeProjection } from "./vector-math.js";
import type { WordVectors } from "./word-vectors.js";

/**
 * The coverage index: every paragraph of every article in a MiniSearch (BM25) index over its analysed terms,
 * with what the later stages read of the coverage: how many paragraphs use each term, the words as written
 * (what spelling correction aims at), the names, each paragraph's sentences and the meaning vectors of texts.
 */

/** One paragraph, as indexed. `key` is its position in {@link CoverageIndex.docs}. */
export interface IndexedParagraph {
  readonly key: number;
  readonly articleId: string;
  readonly paragraph: number;
  readonly text: string;
  readonly fields: Record<Field, string>;
  /** Terms of the paragraph (text and people: 1) and of the one before it (CONTEXT_CREDIT). */
  readonly terms: ReadonlyMap<string, number>;
}

export interface SentenceInfo {
  readonly span: SentenceSpan;
  readonly terms: ReadonlySet<string>;
  /** Rarity-weighted sum of its words' vectors (not normalised); null when none has a vector. */
  readonly vector: Float32Array | null;
}

// Field weights for BM25: the paragraph's own words count most; the people it names (full titles resolved
// from earlier mentions) nearly as much. (The paragraph before it, which helps with "this" or "the diplomat
// said", counts in the coverage features, not in the search: it would double every posting list.)
const FIELD_BOOST = { text: 1, people: 0.6 } as const;
type Field = keyof typeof FIELD_BOOST;
const FIELDS = Object.keys(FIELD_BOOST) as Field[];
/** How much a match in the previous paragraph shows that this paragraph covers a word. */
const CONTEXT_CREDIT = 0.5;
/** Most terms one BM25 query holds: the heaviest find the candidates, all of them score them. */
const MAX_SEARCH_TERMS = 12;
/** A word in more than this share of paragraphs is generic: it takes no part in finding candidates. */
const GENERIC_SHARE = 0.3;
/** Paragraphs (or vectors) handled between two yields of a stepped build. */
const STEP = 50;
/** Paragraphs whose features are computed in full. */
export const CANDIDATES = 30;

/** Inverse document frequency, BM25's form (never negative). */
export function idf(documentFrequency: number, documents: number): number {
  return Math.log(1 + (documents - documentFrequency + 0.5) / (documentFrequency + 0.5));
}

/** A paragraph found by BM25, with its score. */
export interface Hit {
  readonly doc: IndexedParagraph;
  readonly score: number;
}

const split = (text: string) => (text.length === 0 ? [] : text.split(" "));
const INDEX_OPTIONS = {
  idField: "key",
  fields: FIELDS,
  extractField: (doc: IndexedParagraph, field: string) =>
    field === "key" ? doc.key : doc.fields[field as Field],
  // Fields are stored already analysed (terms joined by spaces), so both sides share one pipeline.
  tokenize: split,
  processTerm: (term: string) => term,
  searchOptions: {
    tokenize: split,
    processTerm: (term: string) => term,
    boost: { ...FIELD_BOOST },
    combineWith: "OR" as const,
  },
};

/** The coverage index as plain data (see snapshot.ts). */
export interface CoverageSnapshot {
  readonly docs: readonly (Omit<IndexedParagraph, "terms"> & { readonly terms: [string, number][] })[];
  readonly vocabulary: [string, number][];
  readonly lexicon: [string, number][];
  readonly names: string[];
  readonly words: readonly string[];
  readonly people: [string, readonly Person[]][];
  readonly reports: [string, { readonly source: string; readonly published: string }][];
  readonly commonDirection: number[] | null;
  /** The MiniSearch index, as its own JSON. */
  readonly index: string;
}

export class CoverageIndex {
  readonly docs: IndexedParagraph[] = [];
  /** Terms (stems) → number of paragraphs using them in their text or people fields. */
  readonly vocabulary = new Map<string, number>();
  /** Words as written (folded) in the coverage, with their counts: what spelling correction aims at. */
  readonly lexicon = new SearchableMap<number>();
  /** Terms the coverage writes capitalised mid-sentence: names, which never stand in for one another. */
  readonly names = new Set<string>();
  readonly #index: MiniSearch<IndexedParagraph>;
  readonly #peopleByArticle = new Map<string, readonly Person[]>();
  /** Each article's report: outlet and date (ISO), for answers across reports. */
  readonly reports = new Map<string, { readonly source: string; readonly published: string }>();
  readonly #sentenceCache = new Map<number, SentenceInfo[]>();
  #semantic: SemanticMatcher | undefined;
  /** The direction most paragraph meaning vectors share (their first principal component), removed from all. */
  #commonDirection: Float32Array | null = null;

  /** The coverage's words (tokens of the paragraphs and the people they name): what meaning matches. */
  #words: readonly string[] = [];

  private constructor(stored?: string) {
    this.#index = stored ? MiniSearch.loadJSON(stored, INDEX_OPTIONS) : new MiniSearch(INDEX_OPTIONS);
  }

  /** What a snapshot needs to rebuild the index without reading the coverage again (see snapshot.ts). */
  toSnapshot(): CoverageSnapshot {
    return {
      docs: this.docs.map((doc) => ({ ...doc, terms: [...doc.terms] })),
      vocabulary: [...this.vocabulary],
      lexicon: [...this.lexicon],
      names: [...this.names],
      words: this.#words,
      people: [...this.#peopleByArticle],
      reports: [...this.reports],
      commonDirection: this.#commonDirection ? [...this.#commonDirection] : null,
      index: JSON.stringify(this.#index),
    };
  }

  /** The index a snapshot describes, with `vectors` for meaning. */
  static fromSnapshot(snapshot: CoverageSnapshot, vectors: WordVectors): CoverageIndex {
    const index = new CoverageIndex(snapshot.index);
    for (const doc of snapshot.docs) index.docs.push({ ...doc, terms: new Map(doc.terms) });
    for (const [term, count] of snapshot.vocabulary) index.vocabulary.set(term, count);
    for (const [word, count] of snapshot.lexicon) index.lexicon.set(word, count);
    for (const name of snapshot.names) index.names.add(name);
    for (const [id, people] of snapshot.people) index.#peopleByArticle.set(id, people);
    for (const [id, report] of snapshot.reports) index.reports.set(id, report);
    index.#words = snapshot.words;
    index.#semantic = new SemanticMatcher(vectors, snapshot.words);
    index.#commonDirection = snapshot.commonDirection ? Float32Array.from(snapshot.commonDirection) : null;
    return index;
  }

  /** Indexes every paragraph of every article of the corpus. */
  static build(corpus: Corpus, vectors: WordVectors): CoverageIndex {
    return runNow(CoverageIndex.steps(corpus, vectors));
  }

  /** The same, in steps (see steps.ts): an article, a few hundred paragraphs or vectors at a time. */
  static *steps(corpus: Corpus, vectors: WordVectors): Steps<CoverageIndex> {
    const index = new CoverageIndex();
    const words = new Set<string>();
    const capitals = new Map<string, [number, number]>();
    for (const article of corpus.articles) {
      index.#addArticle(article, words, capitals);
      yield;
    }
    for (let from = 0; from < index.docs.length; from += STEP) {
      index.#index.addAll(index.docs.slice(from, from + STEP));
      yield;
    }
    for (const [word, [upper, lower]] of capitals)
      if (upper > 0 && upper >= 4 * lower) index.names.add(stem(word));
    index.#words = [...words];
    index.#semantic = new SemanticMatcher(vectors, words);
    yield;
    // Measured on at most 2,000 evenly spread paragraphs: enough for one direction, bounded for large corpora.
    const every = Math.max(1, Math.floor(index.docs.length / 2000));
    const sample: Float32Array[] = [];
    for (let i = 0; i < index.docs.length; i += every) {
      const vector = index.meaningVector((index.docs[i] as IndexedParagraph).text);
      if (vector) sample.push(vector);
      if (sample.length % STEP === 0) yield;
    }
    index.#commonDirection = yield* firstPrincipalComponentSteps(sample);
    return index;
  }

  /** Soft matching of any word against the coverage's words. */
  get semantic(): SemanticMatcher {
    return this.#semantic as SemanticMatcher;
  }

  /**
   * How much two articles are reports of one story: the Jaccard overlap of the names they use (people, places,
   * bodies: the terms written capitalised mid-sentence). Reports of one story name the same actors.
   */
  storyOverlap(a: string, b: string): number {
    if (a === b) return 1;
    const namesOf = (id: string) => {
      let names = this.#storyNames.get(id);
      if (!names) {
        names = new Set();
        for (const doc of this.#byArticle().get(id) ?? [])
          for (const term of doc.terms.keys()) if (this.names.has(term)) names.add(term);
        this.#storyNames.set(id, names);
      }
      return names;
    };
    const x = namesOf(a);
    const y = namesOf(b);
    let shared = 0;
    for (const name of x) if (y.has(name)) shared++;
    const union = x.size + y.size - shared;
    return union > 0 ? shared / union : 0;
  }

  readonly #storyNames = new Map<string, Set<string>>();

  /** The newest report's date (ISO) and outlet; null for an empty corpus. */
  get newestReport(): { readonly source: string; readonly published: string } | null {
    let newest: { source: string; published: string } | null = null;
    for (const report of this.reports.values())
      if (!newest || report.published > newest.published) newest = report;
    return newest;
  }

  /** Number of paragraphs indexed. */
  get size(): number {
    return this.docs.length;
  }

  /** The paragraph of an article, or undefined. */
  paragraph(articleId: string, number: number): IndexedParagraph | undefined {
    return this.#byArticle().get(articleId)?.[number - 1];
  }

  #articles: Map<string, IndexedParagraph[]> | undefined;
  #byArticle(): Map<string, IndexedParagraph[]> {
    if (!this.#articles) {
      this.#articles = new Map();
      for (const doc of this.docs) {
        const list = this.#articles.get(doc.articleId) ?? [];
        list[doc.paragraph - 1] = doc;
        this.#articles.set(doc.articleId, list);
      }
    }
    return this.#articles;
  }

  /** Number of paragraphs that use a term. */
  documentFrequency(term: string): number {
    return this.vocabulary.get(term) ?? 0;
  }

  /** True for a term in more than half the paragraphs of a corpus of ten or more ("israel" in this one). */
  isGeneric(documentFrequency: number): boolean {
    const n = this.docs.length;
    return n >= 10 && documentFrequency / n >= 0.5;
  }

  #addArticle(article: Article, words: Set<string>, capitals: Map<string, [number, number]>): void {
    for (const paragraph of article.paragraphs) countCapitals(paragraph.text, capitals);
    const people = peopleOf(article);
    this.#peopleByArticle.set(article.id, people);
    this.reports.set(article.id, { source: article.source, published: article.published });
    let previous: string[] = [];
    for (const paragraph of article.paragraphs) {
      const textTerms = termsOf(paragraph.text);
      const named = peopleIn(paragraph.text, people).flatMap((person) => person.descriptions);
      const peopleTerms = termsOf(named.join(" "));
      const terms = new Map<string, number>();
      for (const term of previous) terms.set(term, CONTEXT_CREDIT);
      for (const term of [...textTerms, ...peopleTerms]) terms.set(term, 1);
      this.docs.push({
        key: this.docs.length,
        articleId: article.id,
        paragraph: paragraph.number,
        text: paragraph.text,
        fields: { text: textTerms.join(" "), people: peopleTerms.join(" ") },
        terms,
      });
      previous = textTerms;
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
   * BM25 over the boosted terms. The heaviest specific terms find the candidates; words in most paragraphs
   * find nothing in particular and cost the longest posting lists. When too few paragraphs have the specific
   * words, the answer may use only common ones ("how many hostages are still in Gaza"), so the common words
   * search too, beside the specific ones (whatever those found is found again, scored in the same query). A
   * small corpus, like the shipped one, often gets there; a large one, where the specific words find enough,
   * rarely does.
   */
  search(boosts: ReadonlyMap<string, number>): Hit[] {
    const n = this.docs.length;
    const specific = [...boosts].filter(([term]) => this.documentFrequency(term) <= n * GENERIC_SHARE);
    const heaviest = (terms: [string, number][]) =>
      terms.sort((x, y) => y[1] - x[1]).slice(0, MAX_SEARCH_TERMS);
    const run = (terms: readonly [string, number][]) =>
      terms.length === 0
        ? []
        : this.#index.search(terms.map(([term]) => term).join(" "), {
            boostTerm: (term) => boosts.get(term) ?? 1,
          });
    let results = run(heaviest(specific.length > 0 ? specific : [...boosts]));
    if (results.length < CANDIDATES && specific.length > 0 && specific.length < boosts.size) {
      const generic = [...boosts].filter(([term]) => !specific.some(([s]) => s === term));
      results = run([...heaviest(specific), ...heaviest(generic)]);
    }
    return results.flatMap((result) => {
      const doc = this.docs[result.id as number];
      return doc ? [{ doc, score: result.score }] : [];
    });
  }

  /** A paragraph's sentences, with their terms (and the people they name) and meaning vectors; cached. */
  sentences(doc: IndexedParagraph): SentenceInfo[] {
    let cached = this.#sentenceCache.get(doc.key);
    if (!cached) {
      const people = this.#peopleByArticle.get(doc.articleId) ?? [];
      cached = splitSentences(doc.text).map((span) => {
        const named = peopleIn(span.text, people).flatMap((person) => person.descriptions);
        return {
          span,
          terms: new Set([...termsOf(span.text), ...termsOf(named.join(" "))]),
          vector: this.meaningVector(span.text),
        };
      });
      this.#sentenceCache.set(doc.key, cached);
    }
    return cached;
  }

  /**
   * A text's meaning as one vector: the smooth-inverse-frequency average of its words' vectors (Arora et al.,
   * 2017: frequent words weigh less), minus its projection on the coverage's common direction. Null when none
   * of its words has a vector.
   */
  meaningVector(text: string): Float32Array | null {
    let sum: Float32Array | null = null;
    for (const token of tokenize(text)) {
      if (isStopWord(token)) continue;
      const vector = this.semantic.vector(token);
      if (vector) sum = addScaled(sum, vector, this.semantic.sifWeight(token));
    }
    return sum && removeProjection(sum, this.#commonDirection);
  }

  /** The same for a set of (word, weight-independent) tokens already read from a question. */
  meaningOfTokens(tokens: readonly string[]): Float32Array | null {
    let sum: Float32Array | null = null;
    for (const token of tokens) {
      const vector = this.semantic.vector(token);
      if (vector) sum = addScaled(sum, vector, this.semantic.sifWeight(token));
    }
    return sum && removeProjection(sum, this.#commonDirection);
  }
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
export function termsOf(text: string): string[] {
  const tokens = tokenize(text.replace(US_ABBREVIATION, " United States "));
  const terms: string[] = [];
  for (const token of tokens) {
    if (token.length < 2 && !/^\d$/.test(token)) continue;
    if (!isStopWord(token)) terms.push(stem(token));
  }
  for (const match of countries().find(tokens)) terms.push(match.term);
  return terms;
}
