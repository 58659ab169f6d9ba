import { randomBytes } from "node:crypto";
import type { Corpus } from "../corpus/types.js";
import type { Answer } from "../search/engine.js";

/** An answer and the corpus it was made from. */
export interface RecentAnswer {
  readonly answer: Answer;
  /**
   * The corpus whose engine made it. Its buttons render it with this corpus, not the one serving when they are
   * pressed: after a reload, a report it cites may have changed or gone, and the answer's paragraphs, its
   * citations and its "as of" date must still agree with each other and with what the person saw.
   */
  readonly corpus: Corpus;
}

interface Entry extends RecentAnswer {
  readonly expiresAt: number;
}

/**
 * Keeps recent answers so their buttons ("More sources", "Post publicly", feedback) can act on them.
 * Bounded in size and age (an interaction token lives 15 minutes), so memory stays flat; a corpus replaced by
 * a reload is kept only as long as an answer made from it.
 */
export class RecentAnswers {
  readonly #entries = new Map<string, Entry>();
  /**
   * Keys are this process's random prefix (24 bits) and a counter: unique within the process, and a button
   * left from before a restart finds no answer ("this answer has expired") unless the prefixes collide.
   */
  readonly #prefix = randomBytes(3).toString("base64url");
  #counter = 0;

  constructor(
    private readonly now: () => number,
    private readonly maxEntries = 1000,
    private readonly ttlMs = 15 * 60_000,
  ) {}

  /** Stores an answer, with the corpus it was made from, and returns its short key (fits a button's custom id). */
  put(answer: Answer, corpus: Corpus): string {
    const key = `${this.#prefix}${(this.#counter++).toString(36)}`;
    this.#entries.set(key, { answer, corpus, expiresAt: this.now() + this.ttlMs });
    while (this.#entries.size > this.maxEntries) {
      const oldest = this.#entries.keys().next().value;
      if (oldest === undefined) break;
      this.#entries.delete(oldest);
    }
    return key;
  }

  get(key: string): RecentAnswer | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry;
  }

  get size(): number {
    return this.#entries.size;
  }
}
