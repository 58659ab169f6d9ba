import { isStopWord, stem } from "../text/normalize.js";
import type { WordVectors } from "./word-vectors.js";

/**
 * Soft term matching: which words of the coverage a query word means, by the cosine of their word vectors.
 * "captives" finds "hostages", "truce" finds "ceasefire", "spy" finds "intelligence". Built over the coverage's
 * own vocabulary, and optionally a second one (the labelled questions' words), so a lookup compares one query
 * word with every distinct word of both in one pass over a contiguous matrix, and the answers are cached.
 */

/** Below this cosine two words are not taken to mean the same thing. */
export const SIMILARITY_FLOOR = 0.5;
/** Neighbours kept per query word and vocabulary, best first. */
const MAX_NEIGHBOURS = 8;
const CACHE_LIMIT = 5000;

/** Terms (stems) a query word is close to, with their cosine (below 1: never the word itself). */
export type Neighbours = ReadonlyMap<string, number>;

const NONE: Neighbours = new Map();

/** The vocabularies' words as rows: each word's unit vector then its family's, `2 × dimensions` floats. */
interface Rows {
  readonly matrix: Float32Array;
  readonly stems: readonly string[];
  /** 1 for a row of the extra vocabulary. */
  readonly extra: Uint8Array;
}

/** A word's neighbours in each vocabulary. */
interface Found {
  readonly coverage: Neighbours;
  readonly extra: Neighbours;
}

export class SemanticMatcher {
  readonly #coverageWords: readonly string[];
  readonly #extraWords: readonly string[];
  /** Built on the first lookup: a matcher that only serves vectors (meaning of sentences) never pays for it. */
  #rows: Rows | undefined;
  readonly #cache = new Map<string, Found>();

  /**
   * `coverageWords`: what {@link neighbours} finds; `extraWords`: what {@link extraNeighbours} finds (a word in
   * both counts as coverage).
   */
  constructor(
    readonly vectors: WordVectors,
    coverageWords: Iterable<string>,
    extraWords: Iterable<string> = [],
  ) {
    this.#coverageWords = [...new Set(coverageWords)];
    this.#extraWords = [...extraWords];
  }

  /** The rows the lookups scan (see {@link Rows}), built at once if {@link prepare} has not built them. */
  #matrix(): Rows {
    if (!this.#rows) for (const _ of this.prepare());
    return this.#rows as Rows;
  }

  /** Builds the rows the lookups scan, in steps of a few hundred words (see steps.ts). */
  *prepare(): Generator<void, void, void> {
    if (this.#rows) return;
    const { vectors } = this;
    const rows: { id: number; stem: string; extra: boolean }[] = [];
    const seen = new Set<string>();
    const add = (word: string, extra: boolean) => {
      if (seen.has(word)) return;
      seen.add(word);
      const id = vectors.id(word);
      if (id >= 0 && !isStopWord(word)) rows.push({ id, stem: stem(word), extra });
    };
    for (const word of this.#coverageWords) add(word, false);
    for (const word of this.#extraWords) add(word, true);
    yield;
    const d = vectors.dimensions;
    const matrix = new Float32Array(rows.length * 2 * d);
    for (const [i, row] of rows.entries()) {
      vectors.writeVector(row.id, matrix, i * 2 * d);
      matrix.set(vectors.familyVector(row.id), i * 2 * d + d);
      if (i % 500 === 499) yield;
    }
    this.#rows = {
      matrix,
      stems: rows.map((row) => row.stem),
      extra: Uint8Array.from(rows, (row) => (row.extra ? 1 : 0)),
    };
  }

  /** A matcher over the same coverage words plus `extraWords`. */
  withExtraWords(extraWords: Iterable<string>): SemanticMatcher {
    return new SemanticMatcher(this.vectors, this.#coverageWords, extraWords);
  }

  /** True when the vectors know the word (it can be matched by meaning). */
  knows(word: string): boolean {
    return this.vectors.has(word);
  }

  /**
   * How much a word can tell paragraphs apart in general English, `floor`..1, from its frequency rank: "said"
   * or "time" little, "ceasefire" much. Words the vectors do not know are taken as rare (1).
   */
  informativeness(word: string, floor = 0.35): number {
    const id = this.vectors.id(word);
    if (id < 0) return 1;
    return Math.min(1, Math.max(floor, Math.log10(this.vectors.rank(id) + 1) / 4));
  }

  /**
   * Smooth inverse frequency weight a / (a + p(word)), with p from the word's frequency rank by Zipf's law
   * (p ≈ 0.1 / rank): "the" near 0, rare words near 1. Unknown words count as rare.
   */
  sifWeight(word: string): number {
    const id = this.vectors.id(word);
    if (id < 0) return 1;
    const p = 0.1 / (this.vectors.rank(id) + 1);
    return 1e-3 / (1e-3 + p);
  }

  /** The unit vector of a word, or undefined when the vectors do not know it. */
  vector(word: string): Float32Array | undefined {
    const id = this.vectors.id(word);
    return id < 0 ? undefined : this.vectors.vector(id);
  }

  /**
   * Coverage stems whose words are at least SIMILARITY_FLOOR close to `word` (a folded token), other than
   * its own stem, best first.
   */
  neighbours(word: string): Neighbours {
    return this.#find(word).coverage;
  }

  /** The same among the extra vocabulary's stems. */
  extraNeighbours(word: string): Neighbours {
    return this.#find(word).extra;
  }

  #find(word: string): Found {
    const cached = this.#cache.get(word);
    if (cached) return cached;
    const id = this.vectors.id(word);
    let found: Found = { coverage: NONE, extra: NONE };
    if (id >= 0) {
      const own = stem(word);
      const d = this.vectors.dimensions;
      const wordVector = this.vectors.vector(id);
      const family = this.vectors.familyVector(id);
      const best = [new Map<string, number>(), new Map<string, number>()];
      const rows = this.#matrix();
      const m = rows.matrix;
      for (let i = 0, at = 0; i < rows.stems.length; i++, at += 2 * d) {
        // As words or as families, whichever is closer: "mediating" meets "brokered" through "brokering".
        const asWord = dotAt(wordVector, m, at, d);
        const asFamily = dotAt(family, m, at + d, d);
        const similarity = Math.min(1, Math.max(asWord, asFamily));
        if (similarity < SIMILARITY_FLOOR) continue;
        const term = rows.stems[i] as string;
        if (term === own) continue;
        const into = best[rows.extra[i] as number] as Map<string, number>;
        if (similarity > (into.get(term) ?? 0)) into.set(term, similarity);
      }
      const top = (map: Map<string, number>): Neighbours =>
        map.size === 0 ? NONE : new Map([...map].sort((a, b) => b[1] - a[1]).slice(0, MAX_NEIGHBOURS));
      found = { coverage: top(best[0] as Map<string, number>), extra: top(best[1] as Map<string, number>) };
    }
    if (this.#cache.size >= CACHE_LIMIT) this.#cache.clear();
    this.#cache.set(word, found);
    return found;
  }
}

/** Σ a[k]·m[at + k] for k < d, four at a time (the scan's inner loop). */
function dotAt(a: Float32Array, m: Float32Array, at: number, d: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let k = 0;
  for (; k + 3 < d; k += 4) {
    s0 += (a[k] as number) * (m[at + k] as number);
    s1 += (a[k + 1] as number) * (m[at + k + 1] as number);
    s2 += (a[k + 2] as number) * (m[at + k + 2] as number);
    s3 += (a[k + 3] as number) * (m[at + k + 3] as number);
  }
  for (; k < d; k++) s0 += (a[k] as number) * (m[at + k] as number);
  return s0 + s1 + s2 + s3;
}
