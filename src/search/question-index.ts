import MiniSearch from "minisearch";
import type { LabelledQuestion } from "../corpus/types.js";
import { tokenize } from "../text/normalize.js";
import type { AnswerType } from "./answer-types.js";
import { type Concept, type Query, type QueryReader, softCredit } from "./query.js";
import { readQuestion } from "./reading.js";
import type { Neighbours } from "./semantic.js";
import { runNow, type Steps } from "./steps.js";

/**
 * The question index: the corpus's labelled questions, read the way `ask` reads a message (filler set aside,
 * typos corrected, countries, word families), in a MiniSearch index. Members ask the same few things in their
 * own words; a new question's nearest labelled questions say which paragraphs answer it, or that the coverage
 * does not, through what they were labelled with. Their votes are features of the fitted ranking and tier
 * models, never rules of their own.
 *
 * Similarity of two questions: how much of each one's weighted concepts the other covers (a close word counting
 * by its cosine), combined as the geometric mean of the two shares: 1 for the same concepts, 0 for none shared.
 */

/** Similarity at which a labelled question has the same words as the asked one, read the same way. */
const TWIN_SIMILARITY = 0.999;
const NO_NEIGHBOURS: Neighbours = new Map();
/** Nearest labelled questions that vote. */
const NEIGHBOURS = 12;
/** A neighbour's vote is its similarity raised to this power: the closest count most. */
const VOTE_POWER = 2;
/** Labelled questions BM25 hands to the similarity measure. */
const PREFILTER = 60;
/**
 * A long message is compared by its heaviest words only: labelled questions are short, and every extra word
 * costs a posting list and a comparison with each candidate.
 */
const MAX_CONCEPTS = 12;
/**
 * Vote weight (Σ similarity²) every share is taken of besides the neighbours': one distant neighbour's say is
 * a small share, not all of it, until closer ones agree.
 */
const PRIOR_WEIGHT = 0.5;
/** Each paragraph's closeness: the mean similarity of its closest few labelled questions. */
const CLOSEST_PER_PARAGRAPH = 3;
/** Neighbours of a query word looked up among the questions' words, at most, and their floor. */
const EXPANSIONS = 3;
const EXPANSION_FLOOR = 0.6;

/** A labelled question as indexed. */
interface Entry {
  readonly question: LabelledQuestion;
  /** The kind of answer it asks for (see answer-types.ts). */
  readonly type: AnswerType;
  /** Keys of the coverage paragraphs that answer it; empty when out of scope. */
  readonly paragraphs: readonly number[];
  readonly concepts: readonly Concept[];
  readonly terms: ReadonlyMap<string, number>;
  readonly total: number;
}

/** What the nearest labelled questions say about one paragraph. */
export interface ParagraphVote {
  /** Share of the neighbours' vote weight for this paragraph (0..1). */
  readonly share: number;
  /** Similarity of the nearest neighbour that voted for it (0 when none did). */
  readonly nearest: number;
  /** Mean similarity of the paragraph's closest labelled questions (among those BM25 found). */
  readonly closeness: number;
  /**
   * BM25 of the question against all the paragraph's labelled questions taken together (the paragraph's
   * "asked" profile), relative to the best paragraph's: how members ask for this paragraph, in their words.
   */
  readonly asked: number;
}

export interface QuestionVotes {
  /** By paragraph key; paragraphs no labelled question found are absent. */
  readonly paragraphs: ReadonlyMap<number, ParagraphVote>;
  /** Share of the neighbours' vote weight that says the coverage does not answer it (on-topic or not). */
  readonly outOfScope: number;
  /** Share of the vote weight from greetings and thanks. */
  readonly greeting: number;
  /** Share of the vote weight from messages about something else entirely (off-topic and greetings). */
  readonly offTopic: number;
  /** The vote weights themselves (Σ similarity², not shares): how much evidence there is either way. */
  readonly inScopeMass: number;
  readonly outOfScopeMass: number;
  /**
   * Weighted share of the question's words that the subject knows: words the coverage or the on-topic labelled
   * questions use, or words close to one of them in meaning (by their cosine). Low for a message about
   * something else ("my dog ate a sock"), whatever the neighbours say.
   */
  readonly domain: number;
  /** Similarity of the nearest labelled question (0 when none shares a word). */
  readonly nearest: number;
  /** Similarity of the nearest labelled question the coverage answers, and of the nearest it does not. */
  readonly nearestAnswerable: number;
  readonly nearestOutOfScope: number;
  /** Paragraph keys of the nearest answerable labelled question. */
  readonly nearestAnswers: readonly number[];
  /**
   * Keys of the paragraphs some labelled question of the index is answered by. A paragraph outside it (of an
   * article with no labelled questions) gets no votes whatever it says: the ranking knows to judge it by the
   * coverage alone.
   */
  readonly covered: ReadonlySet<number>;
  /** The neighbours, nearest first, for explanations and tests. */
  readonly neighbours: readonly { readonly question: LabelledQuestion; readonly similarity: number }[];
  /**
   * A labelled question that is the asked one, as read: the same words (similarity 1) asking for the same
   * kind of answer. Null when there is none.
   */
  readonly twin: LabelledQuestion | null;
}

export const NO_VOTES: QuestionVotes = {
  paragraphs: new Map(),
  outOfScope: 0,
  greeting: 0,
  offTopic: 0,
  inScopeMass: 0,
  outOfScopeMass: 0,
  domain: 0,
  nearest: 0,
  nearestAnswerable: 0,
  nearestOutOfScope: 0,
  nearestAnswers: [],
  twin: null,
  covered: new Set(),
  neighbours: [],
};

const split = (text: string) => (text.length === 0 ? [] : text.split(" "));
/** Both MiniSearch indexes hold terms already read, joined by spaces. */
const TERMS_INDEX = {
  fields: ["terms"],
  tokenize: split,
  processTerm: (term: string) => term,
  searchOptions: { tokenize: split, processTerm: (term: string) => term, combineWith: "OR" as const },
};

/** The question index as plain data (see snapshot.ts): labelled questions by id. */
export interface QuestionSnapshot {
  readonly entries: readonly {
    readonly id: string;
    readonly type: AnswerType;
    readonly paragraphs: readonly number[];
    readonly concepts: readonly Pick<
      Concept,
      "token" | "term" | "weight" | "known" | "corrected" | "generic"
    >[];
  }[];
  readonly search: string;
  readonly profiles: string;
}

export class QuestionIndex {
  readonly #entries: Entry[];
  readonly #search: MiniSearch<{ id: number; terms: string }>;
  /** One document per paragraph: the terms of every labelled question it answers. */
  readonly #profiles: MiniSearch<{ id: number; terms: string }>;
  /** Terms of the labelled questions about an article: the subject's words as members use them. */
  readonly #onTopicTerms = new Set<string>();
  readonly #covered = new Set<number>();
  readonly #coverageTerms: ReadonlyMap<string, number>;

  private constructor(
    entries: Entry[],
    coverageTerms: ReadonlyMap<string, number>,
    stored?: { readonly search: string; readonly profiles: string },
  ) {
    this.#entries = entries;
    this.#coverageTerms = coverageTerms;
    for (const entry of entries) {
      for (const key of entry.paragraphs) this.#covered.add(key);
      if (entry.question.articleId !== null)
        for (const term of entry.terms.keys()) this.#onTopicTerms.add(term);
    }
    if (stored) {
      this.#search = MiniSearch.loadJSON(stored.search, TERMS_INDEX);
      this.#profiles = MiniSearch.loadJSON(stored.profiles, TERMS_INDEX);
      return;
    }
    this.#search = new MiniSearch(TERMS_INDEX);
    this.#search.addAll(entries.map((entry, id) => ({ id, terms: [...entry.terms.keys()].join(" ") })));
    const profiles = new Map<number, string[]>();
    for (const entry of entries) {
      for (const key of entry.paragraphs) {
        const list = profiles.get(key) ?? [];
        list.push(...entry.terms.keys());
        profiles.set(key, list);
      }
    }
    this.#profiles = new MiniSearch(TERMS_INDEX);
    this.#profiles.addAll([...profiles].map(([id, terms]) => ({ id, terms: terms.join(" ") })));
  }

  /** The words of some labelled questions (what a reader may correct typos to, and the index matches). */
  static wordsOf(questions: readonly LabelledQuestion[]): Set<string> {
    const words = new Set<string>();
    for (const question of questions) for (const word of tokenize(question.text)) words.add(word);
    return words;
  }

  /**
   * Indexes `questions`, read by `reader` (whose extra words should be {@link wordsOf} them); those about an
   * article must name paragraphs the coverage index has. Null when there is nothing to index: the engine then
   * ranks and decides by the coverage alone.
   */
  static build(reader: QueryReader, questions: readonly LabelledQuestion[]): QuestionIndex | null {
    return runNow(QuestionIndex.steps(reader, questions));
  }

  /** The same, in steps (see steps.ts): twenty questions at a time. */
  static *steps(reader: QueryReader, questions: readonly LabelledQuestion[]): Steps<QuestionIndex | null> {
    const entries: Entry[] = [];
    for (const [i, question] of questions.entries()) {
      if (i % 20 === 19) yield;
      const paragraphs = question.articleId
        ? question.paragraphs.flatMap(
            (number) => reader.index.paragraph(question.articleId as string, number)?.key ?? [],
          )
        : [];
      const query = reader.read(question.text, readQuestion(question.text), true);
      // A bare "thanks" has nothing to match; the reading of a message sets it aside as chat.
      if (query.concepts.length === 0) continue;
      const { concepts } = query;
      const terms = new Map(concepts.map((c) => [c.term, c.weight]));
      entries.push({
        question,
        type: query.type,
        paragraphs,
        concepts,
        terms,
        total: concepts.reduce((sum, c) => sum + c.weight, 0),
      });
    }
    return entries.length === 0 ? null : new QuestionIndex(entries, reader.index.vocabulary);
  }

  /** What a snapshot needs to rebuild the index without reading the questions again. */
  toSnapshot(): QuestionSnapshot {
    return {
      entries: this.#entries.map((entry) => ({
        id: entry.question.id,
        type: entry.type,
        paragraphs: entry.paragraphs,
        concepts: entry.concepts.map(({ token, term, weight, known, corrected, generic }) => ({
          token,
          term,
          weight,
          known,
          corrected,
          generic,
        })),
      })),
      search: JSON.stringify(this.#search),
      profiles: JSON.stringify(this.#profiles),
    };
  }

  /**
   * The index a snapshot describes, over `questions` (by id; a snapshot naming a question they lack is
   * stale: null) and the coverage's vocabulary.
   */
  static fromSnapshot(
    snapshot: QuestionSnapshot,
    questions: readonly LabelledQuestion[],
    coverageTerms: ReadonlyMap<string, number>,
  ): QuestionIndex | null {
    const byId = new Map(questions.map((question) => [question.id, question]));
    const entries: Entry[] = [];
    for (const stored of snapshot.entries) {
      const question = byId.get(stored.id);
      if (!question) return null;
      const concepts: Concept[] = stored.concepts.map((concept) => ({
        ...concept,
        neighbours: NO_NEIGHBOURS,
        askedNeighbours: NO_NEIGHBOURS,
        vector: undefined,
      }));
      entries.push({
        question,
        type: stored.type,
        paragraphs: stored.paragraphs,
        concepts,
        terms: new Map(concepts.map((c) => [c.term, c.weight])),
        total: concepts.reduce((sum, c) => sum + c.weight, 0),
      });
    }
    return entries.length === 0 ? null : new QuestionIndex(entries, coverageTerms, snapshot);
  }

  /** Number of labelled questions indexed. */
  get size(): number {
    return this.#entries.length;
  }

  /** See {@link QuestionVotes.domain}. */
  #domain(concepts: readonly Concept[], total: number): number {
    if (total <= 0) return 0;
    let sum = 0;
    for (const concept of concepts) {
      let credit = concept.known || this.#onTopicTerms.has(concept.term) ? 1 : 0;
      for (const [term, similarity] of concept.neighbours) {
        if (credit >= 1) break;
        // The concept's neighbours are coverage words and the questions' words (see withQuestionNeighbours).
        if (this.#onTopicTerms.has(term) || this.#coverageTerms.has(term))
          credit = Math.max(credit, softCredit(similarity));
      }
      sum += concept.weight * credit;
    }
    return sum / total;
  }

  /** The nearest labelled questions' votes for `query` (read by the same reader). */
  votes(query: Query): QuestionVotes {
    if (query.concepts.length === 0) return NO_VOTES;
    const heaviest =
      query.concepts.length <= MAX_CONCEPTS
        ? query.concepts
        : [...query.concepts].sort((a, b) => b.weight - a.weight).slice(0, MAX_CONCEPTS);
    const concepts = withAskedNeighbours(heaviest);
    const boosts = new Map<string, number>();
    for (const concept of concepts) {
      boosts.set(concept.term, Math.max(boosts.get(concept.term) ?? 0, concept.weight));
      let expanded = 0;
      for (const [term, similarity] of concept.neighbours) {
        if (similarity < EXPANSION_FLOOR || expanded++ >= EXPANSIONS) break;
        const value = concept.weight * softCredit(similarity);
        boosts.set(term, Math.max(boosts.get(term) ?? 0, value));
      }
    }
    const total = concepts.reduce((sum, c) => sum + c.weight, 0);
    const reach = reachOf(concepts);
    const found = this.#search
      .search([...boosts.keys()].join(" "), { boostTerm: (term) => boosts.get(term) ?? 1 })
      .slice(0, PREFILTER);
    const scored: { entry: Entry; similarity: number }[] = [];
    for (const hit of found) {
      const entry = this.#entries[hit.id as number] as Entry;
      const similarity = similarityOf(concepts, total, reach, entry);
      if (similarity > 0) scored.push({ entry, similarity });
    }
    scored.sort(
      (a, b) => b.similarity - a.similarity || a.entry.question.id.localeCompare(b.entry.question.id),
    );
    const nearest = scored.slice(0, NEIGHBOURS);
    let weight = PRIOR_WEIGHT;
    let outOfScope = 0;
    let greeting = 0;
    let offTopic = 0;
    const share = new Map<number, number>();
    const nearestFor = new Map<number, number>();
    for (const { entry, similarity } of nearest) {
      const w = similarity ** VOTE_POWER;
      weight += w;
      if (entry.paragraphs.length === 0) {
        outOfScope += w;
        if (entry.question.kind === "greeting") greeting += w;
        if (entry.question.articleId === null) offTopic += w;
        continue;
      }
      for (const key of entry.paragraphs) {
        share.set(key, (share.get(key) ?? 0) + w / entry.paragraphs.length);
        nearestFor.set(key, Math.max(nearestFor.get(key) ?? 0, similarity));
      }
    }
    const closest = new Map<number, number[]>();
    for (const { entry, similarity } of scored) {
      for (const key of entry.paragraphs) {
        const list = closest.get(key) ?? [];
        if (list.length < CLOSEST_PER_PARAGRAPH) list.push(similarity);
        closest.set(key, list);
      }
    }
    const asked = new Map<number, number>();
    const profileHits = this.#profiles.search([...boosts.keys()].join(" "), {
      boostTerm: (term) => boosts.get(term) ?? 1,
    });
    const topAsked = profileHits[0]?.score ?? 0;
    for (const hit of profileHits) asked.set(hit.id as number, topAsked > 0 ? hit.score / topAsked : 0);
    const paragraphs = new Map<number, ParagraphVote>();
    for (const key of new Set([...closest.keys(), ...asked.keys()])) {
      const list = closest.get(key) ?? [];
      paragraphs.set(key, {
        share: (share.get(key) ?? 0) / weight,
        nearest: nearestFor.get(key) ?? 0,
        closeness: list.reduce((a, b) => a + b, 0) / CLOSEST_PER_PARAGRAPH,
        asked: asked.get(key) ?? 0,
      });
    }
    return {
      paragraphs,
      domain: this.#domain(concepts, total),
      outOfScope: outOfScope / weight,
      greeting: greeting / weight,
      offTopic: offTopic / weight,
      inScopeMass: weight - PRIOR_WEIGHT - outOfScope,
      outOfScopeMass: outOfScope,
      nearest: nearest[0]?.similarity ?? 0,
      nearestAnswerable: nearest.find(({ entry }) => entry.paragraphs.length > 0)?.similarity ?? 0,
      nearestAnswers: nearest.find(({ entry }) => entry.paragraphs.length > 0)?.entry.paragraphs ?? [],
      nearestOutOfScope: nearest.find(({ entry }) => entry.paragraphs.length === 0)?.similarity ?? 0,
      neighbours: nearest.map(({ entry, similarity }) => ({ question: entry.question, similarity })),
      covered: this.#covered,
      twin:
        nearest.find(({ entry, similarity }) => similarity >= TWIN_SIMILARITY && entry.type === query.type)
          ?.entry.question ?? null,
    };
  }
}

/** The concepts, each with the labelled questions' words close to it in meaning among its neighbours. */
function withAskedNeighbours(concepts: readonly Concept[]): Concept[] {
  return concepts.map((concept) => {
    if (concept.askedNeighbours.size === 0) return concept;
    const neighbours = new Map(concept.askedNeighbours);
    for (const [term, similarity] of concept.neighbours) neighbours.set(term, similarity);
    return { ...concept, neighbours: sortedByCloseness(neighbours) };
  });
}

function sortedByCloseness(neighbours: Map<string, number>): Neighbours {
  return new Map([...neighbours].sort((a, b) => b[1] - a[1]));
}

/** Share of `concepts` (weights summing to `total`) covered by `terms`, a close word by its cosine. */
function covered(concepts: readonly Concept[], total: number, terms: ReadonlyMap<string, number>): number {
  if (total <= 0) return 0;
  let sum = 0;
  for (const concept of concepts) {
    let credit = terms.has(concept.term) ? 1 : 0;
    if (credit < 1) {
      for (const [term, similarity] of concept.neighbours) {
        const value = softCredit(similarity);
        if (value <= credit) break;
        if (terms.has(term)) credit = value;
      }
    }
    sum += concept.weight * credit;
  }
  return sum / total;
}

/**
 * What a question's words reach, with their credit: each word itself (1) and the words close to it in meaning
 * (by their cosine). Meaning is symmetric, so the asker's close words also say how much of a labelled question
 * the asker covers.
 */
function reachOf(concepts: readonly Concept[]): Map<string, number> {
  const reach = new Map<string, number>();
  for (const concept of concepts) {
    reach.set(concept.term, 1);
    for (const [term, similarity] of concept.neighbours) {
      const credit = softCredit(similarity);
      if (credit > (reach.get(term) ?? 0)) reach.set(term, credit);
    }
  }
  return reach;
}

/** Geometric mean of the shares of each question the other covers (see the module comment). */
function similarityOf(
  concepts: readonly Concept[],
  total: number,
  reach: ReadonlyMap<string, number>,
  entry: Entry,
): number {
  const forward = covered(concepts, total, entry.terms);
  if (forward === 0 || entry.total <= 0) return 0;
  let backward = 0;
  for (const concept of entry.concepts) backward += concept.weight * (reach.get(concept.term) ?? 0);
  return Math.sqrt(forward * (backward / entry.total));
}
