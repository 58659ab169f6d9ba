/** A searchable paragraph: `number` is 1-based, counted from the first non-empty line after the dateline. */
export interface Paragraph {
  readonly articleId: string;
  readonly number: number;
  readonly text: string;
}

export interface Article {
  readonly id: string;
  readonly title: string;
  readonly source: string;
  /** ISO date (YYYY-MM-DD). */
  readonly published: string;
  /** True when the date was worked out from the text rather than printed in it. */
  readonly publishedInferred: boolean;
  readonly publishedNote?: string | undefined;
  readonly url?: string | undefined;
  /** ISO date the report was added to the corpus (`talks-bot add` writes it). */
  readonly added?: string | undefined;
  readonly byline: readonly string[];
  readonly contributors: readonly string[];
  /** Path relative to the corpus folder, for error messages. */
  readonly file: string;
  readonly paragraphs: readonly Paragraph[];
  /** Editorial lines after the body ("This story has been updated…"): shown as metadata, never searched. */
  readonly notes: readonly string[];
}

/** Where a point or an answer comes from. */
export interface Citation {
  readonly articleId: string;
  readonly paragraphs: readonly number[];
}

/** Reviewed translations of a curated text, by catalog code; English is the text itself. */
export type Translations = Readonly<Record<string, string>>;

export interface StatusPoint {
  readonly text: string;
  readonly translations: Translations;
  /** A phrase that occurs verbatim in the cited paragraph(s): the point's proof. */
  readonly evidence: string;
  readonly cite: Citation;
}

export interface StatusSection {
  readonly heading: string;
  /** Of the heading. */
  readonly translations: Translations;
  readonly points: readonly StatusPoint[];
}

/** "Where the talks stand", written in our own words, every point cited. */
export interface StatusCard {
  readonly id: string;
  /** ISO date the card describes. */
  readonly asOf: string;
  readonly file: string;
  readonly sections: readonly StatusSection[];
}

/** Query-side vocabulary: each alias (a word or phrase users type) maps to the words the coverage uses. */
export interface AliasTable {
  readonly entries: ReadonlyMap<string, readonly string[]>;
}

/** The split a labelled question belongs to, for good: fitted on, or held back to measure on. */
export type QuestionSplit = "fit" | "held-back";

/**
 * A question members ask, labelled with what answers it: the paragraphs of its article that hold one of its
 * gold phrases (verbatim), or none when the coverage does not answer it. The answer engine learns from them.
 */
export interface LabelledQuestion {
  readonly id: string;
  readonly text: string;
  /** The article it asks about; null for a message about something else entirely (off-topic, a greeting). */
  readonly articleId: string | null;
  /** 1-based paragraphs holding a gold phrase; empty when the coverage does not answer it. */
  readonly paragraphs: readonly number[];
  /** Phrases of the answering sentence(s), each verbatim in exactly one paragraph of the article. */
  readonly gold: readonly string[];
  /** What it asks (who, when, …); `oos` for an on-topic question the article does not answer, `offtopic` and
   * `greeting` for messages about something else. */
  readonly kind: string;
  /** Who asks it this way (the question set's voice). */
  readonly voice: string;
  readonly split: QuestionSplit;
  /** `questions/<file>.jsonl:<line>`, for messages. */
  readonly source: string;
}

export interface Corpus {
  readonly dir: string;
  /** Newest first. */
  readonly articles: readonly Article[];
  readonly aliases: AliasTable;
  /** Newest first; `statusCards[0]` is the current card. */
  readonly statusCards: readonly StatusCard[];
  /** Questions `/ask` autocomplete offers (`questions.yaml`); each must be answerable. */
  readonly suggestedQuestions: readonly string[];
  /** The labelled questions (`questions/*.jsonl`), in file order; an article needs none. */
  readonly questions: readonly LabelledQuestion[];
}
