import type { FeedbackAnswerTotal, FeedbackTotals, FeedbackVote, Storage } from "../storage/types.js";

export type { FeedbackTotals, FeedbackVote };

/** Where helpful / not-helpful votes on answers go: the database, or memory where there is none. */
export type FeedbackSink = Pick<Storage, "recordFeedback" | "feedbackTotals">;

/** Votes kept for the life of the process (a bot without a database). One vote per user per question. */
export class MemoryFeedback implements FeedbackSink {
  readonly #votes = new Map<string, FeedbackVote>();

  async recordFeedback(vote: FeedbackVote): Promise<void> {
    this.#votes.set(`${vote.userId}\u0000${vote.questionKey}`, vote);
  }

  async feedbackTotals(): Promise<FeedbackTotals> {
    const byAnswer = new Map<string, FeedbackAnswerTotal>();
    for (const vote of this.#votes.values()) {
      const key = `${vote.questionKey}\u0000${vote.articleId}\u0000${vote.paragraph}`;
      const total = byAnswer.get(key) ?? { ...vote, helpful: 0, notHelpful: 0 };
      byAnswer.set(key, {
        questionKey: total.questionKey,
        articleId: total.articleId,
        paragraph: total.paragraph,
        helpful: total.helpful + (vote.helpful ? 1 : 0),
        notHelpful: total.notHelpful + (vote.helpful ? 0 : 1),
      });
    }
    const answers = [...byAnswer.values()].sort(
      (a, b) =>
        a.questionKey.localeCompare(b.questionKey) ||
        a.articleId.localeCompare(b.articleId) ||
        a.paragraph - b.paragraph,
    );
    return {
      helpful: answers.reduce((n, a) => n + a.helpful, 0),
      notHelpful: answers.reduce((n, a) => n + a.notHelpful, 0),
      byAnswer: answers,
    };
  }
}
