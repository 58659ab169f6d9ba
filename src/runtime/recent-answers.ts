import { randomBytes } from "node:crypto";
import type { Answer } from "../search/engine.js";

interface Entry {
  readonly answer: Answer;
  readonly expiresAt: number;
}

/**
 * Keeps recent answers so their buttons ("More sources", "Post publicly", feedback) can act on them.
 * Bounded in size and age (an interaction token lives 15 minutes), so memory stays flat.
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

  /** Stores an answer and returns its short key (fits a button's custom id). */
  put(answer: Answer): string {
    const key = `${this.#prefix}${(this.#counter++).toString(36)}`;
    this.#entries.set(key, { answer, expiresAt: this.now() + this.ttlMs });
    while (this.#entries.size > this.maxEntries) {
      const oldest = this.#entries.keys().next().value;
      if (oldest === undefined) break;
      this.#entries.delete(oldest);
    }
    return key;
  }

  get(key: string): Answer | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry.answer;
  }

  get size(): number {
    return this.#entries.size;
  }
}
