import type { Speaker } from "../people/people.js";

export type { Speaker };

/**
 * One direct quotation. `text` is copied verbatim from between the quotation marks; only a dangling
 * comma (or semicolon, colon) that belongs to the surrounding sentence is left out.
 */
export interface Quote {
  /** `<articleId>#p<paragraph>-q<n>`, n counting quotes within the paragraph from 1. */
  readonly id: string;
  readonly articleId: string;
  readonly paragraph: number;
  readonly text: string;
  /** `statement`: a spoken or written sentence; `phrase`: a word or fragment quoted inside the reporter's sentence. */
  readonly kind: "statement" | "phrase";
  readonly speaker: Speaker;
  /**
   * For a phrase, the coverage's own sentence that quotes it, verbatim: a word quoted inside the reporter's
   * sentence ("dismissed … as “delusions.”") is shown in that sentence, never as a statement of its own.
   */
  readonly sentence?: string | undefined;
}

/** A speaker's or topic's lookup result. */
export type QuoteMatch =
  | {
      readonly status: "found";
      /** Statements before phrases, best match first. */
      readonly quotes: readonly Quote[];
      /** The speakers the query matched (empty for topic-only queries). */
      readonly speakers: readonly Speaker[];
      /**
       * Set when the typed speaker matched no one as written, only by a close spelling ("kriby"): the reply
       * asks "did you mean John Kirby?" above their quotes.
       */
      readonly didYouMean?: readonly Speaker[] | undefined;
    }
  | {
      readonly status: "unknown-speaker";
      readonly input: string;
      /** Quoted speakers whose name, surname or role is close to the input; may be empty. */
      readonly didYouMean: readonly Speaker[];
      /** Everyone the coverage quotes in full, most quoted first: what to offer when nothing is close. */
      readonly quoted: readonly Speaker[];
    }
  | {
      readonly status: "no-quotes";
      /**
       * `not-quoted`: the speaker appears in the coverage but is never quoted directly.
       * `no-topic-match`: nothing quoted (by the matched speakers, if any) is about the topic.
       */
      readonly reason: "not-quoted" | "no-topic-match";
      readonly speakers: readonly Speaker[];
      readonly topic: string | null;
    };

/** A lookup by speaker, topic or both; empty strings count as absent. */
export interface QuoteQuery {
  readonly speaker?: string | undefined;
  readonly topic?: string | undefined;
}

/** One autocomplete choice, within Discord's 100-character limits. */
export interface SpeakerChoice {
  readonly name: string;
  readonly value: string;
}
