import SearchableMap from "minisearch/SearchableMap";
import { expandShorthand, isLightWord, isStopWord, stem, tokenize } from "../text/normalize.js";
import type { AnswerType } from "./answer-types.js";
import { type CoverageIndex, idf } from "./coverage-index.js";
import { editDistance } from "./edit-distance.js";
import { countries } from "./entities.js";
import { isFiller, type ReadQuestion } from "./reading.js";
import { type Neighbours, type SemanticMatcher, SIMILARITY_FLOOR } from "./semantic.js";

/**
 * A question as the indexes search it: its content words ("concepts"), each spelled as the coverage spells it
 * when it was a typo, stemmed, weighted by how rare it is in the coverage and where it stands in the message,
 * with the coverage words close to it in meaning. And the measure every later stage uses: how much of a
 * question a set of terms covers, a close word counting by its cosine.
 */

/** Something the question asks about: one content word, with the coverage words it may mean. */
export interface Concept {
  readonly token: string;
  readonly term: string;
  /** Inverse document frequency times light-word and segment factors. */
  readonly weight: number;
  readonly neighbours: Neighbours;
  /** Words of the labelled questions (none the coverage uses) close to it in meaning, best first. */
  readonly askedNeighbours: Neighbours;
  /** The coverage uses the word itself. */
  readonly known: boolean;
  /** The word was a misspelling corrected to a coverage word. */
  readonly corrected: boolean;
  /** Used in most paragraphs ("israel" in an article about Israel): a match says little. */
  readonly generic: boolean;
  /** The word's vector, for the sentence-meaning comparison. */
  readonly vector: Float32Array | undefined;
}

export interface Query {
  readonly text: string;
  readonly type: AnswerType;
  readonly concepts: readonly Concept[];
  /** Every token of the question, to tell a new answer from a word the question already has. */
  readonly tokens: ReadonlySet<string>;
}

/** "how long", "how far": the second word only says what kind of answer is wanted. */
const QUESTION_PHRASE_TAILS = new Set(["long", "far", "old", "often", "much", "many", "come"]);
const NO_NEIGHBOURS: Neighbours = new Map();
/** A word the coverage uses itself stands for other words only when they are this close. */
const KNOWN_WORD_FLOOR = 0.7;

function closeOnly(neighbours: Neighbours, floor: number): Neighbours {
  return new Map([...neighbours].filter(([, similarity]) => similarity >= floor));
}

/** Credit of a match by a word of close meaning: 0 at the similarity floor, rising to 1 for the same word. */
export function softCredit(similarity: number): number {
  return Math.max(0, (similarity - SIMILARITY_FLOOR) / (1 - SIMILARITY_FLOOR));
}

/** How much of a question a text covers, four ways (each 0..1). */
export interface Coverage {
  /** Weighted share of the question's words present as such. */
  readonly lexical: number;
  /** The same, a close word counting by its cosine (common words only: never one name for another). */
  readonly semantic: number;
  /** The same, also letting a word match a name close to it ("spy" → CIA). */
  readonly semanticNames: number;
  /** Weighted geometric mean of the words' credits (smoothed): high only when every word is matched. */
  readonly allOf: number;
}

const NOTHING: Coverage = { lexical: 0, semantic: 0, semanticNames: 0, allOf: 0 };

/** Reads questions against one coverage index. */
export class QueryReader {
  /**
   * English words the labelled questions use and the coverage does not ("mediating"): a typo of one is
   * corrected to it too. Only words the vectors know: the questions' own typos are never a target.
   */
  readonly #extraWords = new SearchableMap<number>();

  /** Soft matching against the coverage's words and the extra words. */
  readonly semantic: SemanticMatcher;

  /**
   * `extraWords`: the labelled questions' words, which spelling correction may aim at besides the coverage's
   * and which close words are looked for among too.
   */
  constructor(
    readonly index: CoverageIndex,
    extraWords: Iterable<string> = [],
  ) {
    const extra = [...extraWords];
    this.semantic = extra.length > 0 ? index.semantic.withExtraWords(extra) : index.semantic;
    for (const word of extra) {
      if (word.length < 3 || isStopWord(word) || /^[\d.,]+$/.test(word) || this.index.lexicon.has(word))
        continue;
      this.#extraWords.set(word, (this.#extraWords.get(word) ?? 0) + 1);
    }
  }

  /**
   * Spelling correction for a word neither the coverage nor the word vectors know: the coverage word at the
   * smallest edit distance (1, or 2 for words of 8+ letters), the commonest on a tie. Short words and numbers
   * are left alone: "pope" is one letter from "hope", "10" from "100".
   */
  correct(token: string, unfinished: boolean): string | null {
    const { lexicon } = this.index;
    if (token.length < 3 || /\d/.test(token)) return null;
    if (lexicon.has(token) || this.#extraWords.has(token) || this.index.vocabulary.has(stem(token)))
      return null;
    if (unfinished) {
      // The last word of a message still being typed ("what did kir"): the commonest coverage word it begins.
      // A word in its own right ("vet") is finished, unless what it begins is a name ("kir" → Kirby).
      const known = this.semantic.knows(token);
      let completion: { word: string; count: number } | null = null;
      for (const [word, count] of lexicon.atPrefix(token)) {
        if (known && !this.index.names.has(stem(word))) continue;
        if (!completion || count > completion.count) completion = { word, count };
      }
      if (completion) return completion.word;
    }
    if (token.length < 4 || this.semantic.knows(token)) return null;
    const maxDistance = token.length >= 8 ? 2 : 1;
    let best: { word: string; distance: number; count: number } | null = null;
    for (const source of [lexicon, this.#extraWords]) {
      for (const [word, [count]] of source.fuzzyGet(token, 2)) {
        const distance = editDistance(token, word);
        if (distance > maxDistance) continue;
        if (!best || distance < best.distance || (distance === best.distance && count > best.count)) {
          best = { word, distance, count };
        }
      }
    }
    return best?.word ?? null;
  }

  /**
   * The question's concepts: its content words, corrected, weighted by rarity and by where they stand. `light`
   * skips the words close in meaning (a labelled question stored in the question index needs only its own
   * words: the asker's close words meet them); a word the coverage does not use then weighs as an unseen one.
   */
  read(text: string, read: ReadQuestion | null, light = false): Query {
    const { index, semantic } = this;
    const segments = read ? read.segments : [{ text, weight: 1, question: true }];
    const concepts = new Map<string, Concept>();
    const n = index.size;
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
          const df = index.documentFrequency(entity.term);
          const weight = idf(df, n) * segment.weight;
          const existing = concepts.get(entity.term);
          if (existing && existing.weight >= weight) return;
          concepts.set(entity.term, {
            token: entity.term,
            term: entity.term,
            weight,
            neighbours: NO_NEIGHBOURS,
            askedNeighbours: NO_NEIGHBOURS,
            known: df > 0,
            corrected: false,
            generic: index.isGeneric(df),
            vector: undefined,
          });
          return;
        }
        if (i > 0 && tokens[i - 1] === "how" && QUESTION_PHRASE_TAILS.has(raw)) return;
        if (isStopWord(raw) || isFiller(raw) || (raw.length < 2 && !/^\d$/.test(raw))) return;
        const fix = this.correct(raw, unfinished && i === tokens.length - 1);
        const token = fix ?? raw;
        const term = stem(token);
        const df = index.documentFrequency(term);
        // A name the coverage uses matches itself only: its neighbours are other names.
        const neighbours =
          light || index.names.has(term)
            ? NO_NEIGHBOURS
            : df > 0
              ? closeOnly(semantic.neighbours(token), KNOWN_WORD_FLOOR)
              : semantic.neighbours(token);
        let weight: number;
        if (df > 0) weight = idf(df, n);
        else {
          // A word the coverage does not use weighs as much as the rarest coverage word it means, or as an
          // unseen word when it means none of them (a name the coverage never mentions).
          const [closest] = neighbours.keys();
          weight = closest === undefined ? idf(0, n) : idf(index.documentFrequency(closest), n);
        }
        const general = df > 0 ? semantic.informativeness(token) : semantic.informativeness(token, 0.1);
        weight *= general * (isLightWord(token) ? LIGHT_WEIGHT : 1) * segment.weight;
        const existing = concepts.get(term);
        if (existing && existing.weight >= weight) return;
        concepts.set(term, {
          token,
          term,
          weight,
          neighbours,
          askedNeighbours: light ? NO_NEIGHBOURS : semantic.extraNeighbours(token),
          known: df > 0,
          corrected: fix !== null,
          generic: index.isGeneric(df),
          vector: semantic.vector(token),
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

  /**
   * Credit (0..1) of a concept in a set of terms: 1 for the word itself, its cosine for a close word; a close
   * word that is a name counts only with `names`.
   */
  credit(concept: Concept, has: (term: string) => number, names: boolean): { exact: number; soft: number } {
    const exact = has(concept.term);
    let soft = exact;
    for (const [term, similarity] of concept.neighbours) {
      if (softCredit(similarity) <= soft) break;
      if (!names && this.index.names.has(term)) continue;
      const field = has(term);
      if (field > 0) soft = Math.max(soft, softCredit(similarity) * field);
    }
    return { exact, soft };
  }

  /** How much of `query` the terms `has` reports cover (`has` gives each term's credit, 0..1). */
  coverage(query: Query, has: (term: string) => number): Coverage {
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
      : NOTHING;
  }

  /** The question's meaning vector (see {@link CoverageIndex.meaningVector}). */
  meaning(query: Query): Float32Array | null {
    return this.index.meaningOfTokens(query.concepts.map((concept) => concept.token));
  }
}

/** Light words (see `isLightWord`) weigh this much of their inverse document frequency. */
const LIGHT_WEIGHT = 0.25;
