import { isStopWord, stem } from "../text/normalize.js";
import { dot } from "./vector-math.js";
import type { WordVectors } from "./word-vectors.js";

/**
 * Soft term matching: which words of the coverage a query word means, by the cosine of their word vectors.
 * "captives" finds "hostages", "truce" finds "ceasefire", "spy" finds "intelligence". Built once per corpus
 * over the coverage's own vocabulary, so a lookup compares one query word with every distinct coverage word
 * that has a vector (a few thousand at most), and the answers are cached.
 */

/** Below this cosine two words are not taken to mean the same thing. */
export const SIMILARITY_FLOOR = 0.5;
/** Neighbours kept per query word, best first. */
const MAX_NEIGHBOURS = 8;
const CACHE_LIMIT = 5000;

/** Coverage terms (stems) a query word is close to, with their cosine (below 1: never the word itself). */
export type Neighbours = ReadonlyMap<string, number>;

const NONE: Neighbours = new Map();

export class SemanticMatcher {
  /** Vector rows of the coverage's words, their family vectors, and the stem each word indexes under. */
  readonly #rows: Int32Array;
  readonly #families: Float32Array[];
  readonly #stems: string[];
  readonly #cache = new Map<string, Neighbours>();

  constructor(
    private readonly vectors: WordVectors,
    coverageWords: Iterable<string>,
  ) {
    const rows: number[] = [];
    const stems: string[] = [];
    for (const word of new Set(coverageWords)) {
      const id = vectors.id(word);
      if (id < 0 || isStopWord(word)) continue;
      rows.push(id);
      stems.push(stem(word));
    }
    this.#rows = Int32Array.from(rows);
    this.#families = rows.map((row) => vectors.familyVector(row));
    this.#stems = stems;
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
    const cached = this.#cache.get(word);
    if (cached) return cached;
    const id = this.vectors.id(word);
    let result = NONE;
    if (id >= 0) {
      const own = stem(word);
      const family = this.vectors.familyVector(id);
      const best = new Map<string, number>();
      for (let i = 0; i < this.#rows.length; i++) {
        const term = this.#stems[i] as string;
        if (term === own) continue;
        // As words or as families, whichever is closer: "mediating" meets "brokered" through "brokering".
        const similarity = Math.max(
          this.vectors.similarity(id, this.#rows[i] as number),
          dot(family, this.#families[i] as Float32Array),
        );
        if (similarity >= SIMILARITY_FLOOR && similarity > (best.get(term) ?? 0)) best.set(term, similarity);
      }
      result = new Map([...best].sort((a, b) => b[1] - a[1]).slice(0, MAX_NEIGHBOURS));
    }
    if (this.#cache.size >= CACHE_LIMIT) this.#cache.clear();
    this.#cache.set(word, result);
    return result;
  }
}
