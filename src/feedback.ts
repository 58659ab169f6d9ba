import type { Storage } from "./storage/types.js";

export interface FeedbackVote {
  readonly questionKey: string;
  readonly articleId: string;
  readonly paragraph: number;
  readonly helpful: boolean;
  readonly userId: string;
}

export interface FeedbackTotals {
  readonly helpful: number;
  readonly notHelpful: number;
}

/** Where helpful / not-helpful votes on answers go. */
export interface FeedbackSink {
  record(vote: FeedbackVote): Promise<void>;
  totals(): Promise<FeedbackTotals>;
}

/** Votes kept for the life of the process (the console, or a bot without a database). One vote per user per question. */
export class MemoryFeedback implements FeedbackSink {
  readonly #votes = new Map<string, boolean>();

  async record(vote: FeedbackVote): Promise<void> {
    this.#votes.set(`${vote.userId}\u0000${vote.questionKey}`, vote.helpful);
  }

  async totals(): Promise<FeedbackTotals> {
    let helpful = 0;
    for (const value of this.#votes.values()) if (value) helpful++;
    return { helpful, notHelpful: this.#votes.size - helpful };
  }
}

/** Votes stored in the database, so they survive restarts. */
export class StoredFeedback implements FeedbackSink {
  constructor(private readonly storage: Storage) {}

  record(vote: FeedbackVote): Promise<void> {
    return this.storage.recordFeedback(vote);
  }

  totals(): Promise<FeedbackTotals> {
    return this.storage.feedbackTotals();
  }
}
