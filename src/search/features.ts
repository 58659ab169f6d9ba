/** What the engine measures of a question and its candidate paragraphs, and what it decides from them. */

/**
 * How sure the engine is:
 * - `high`: the answer is the coverage's answer to the question;
 * - `low`: the closest the coverage comes, which may not answer it (shown as such);
 * - `none`: nothing in the coverage is about the question.
 */
export type Confidence = "high" | "low" | "none";

/** What the ranking model sees of one paragraph for one question. */
export interface CandidateFeatures {
  /** Weighted share of the question's words the paragraph has (exact terms). */
  readonly lexical: number;
  /** The same, counting words of close meaning by their cosine (common words only: never one name for another). */
  readonly semantic: number;
  /** The same, also letting a word match a name close to it ("spy" → CIA). */
  readonly semanticNames: number;
  /** Cosine of the question's and the best sentence's rarity-weighted mean word vectors. */
  readonly meaning: number;
  /** BM25 relative to the best paragraph's. */
  readonly bm25: number;
  /** Semantic coverage of the paragraph's best sentence. */
  readonly sentence: number;
  /** The best sentence holds the kind of answer asked for (a number for "how many"…). */
  readonly typeFit: number;
  /** Share of the coverage that comes only from the previous paragraph. */
  readonly contextOnly: number;
  /** Credit of the question's most specific (heaviest) word. */
  readonly keyword: number;
  /** Lexical coverage of the best sentence. */
  readonly sentenceLexical: number;
  /** 1 for an article's first paragraph, 1/2 for the second…: leads sum up the story. */
  readonly lead: number;
  /** The question asks who said what, and the paragraph quotes someone. */
  readonly quoted: number;
  /** log of the paragraph's number of terms: long paragraphs match more words by chance. */
  readonly size: number;
  /** Weighted geometric mean of the words' credits (smoothed): high only when every word is matched. */
  readonly allOf: number;
  /** The same within the best sentence: one sentence that says all the question asks about. */
  readonly sentenceAllOf: number;
  /** Share of the nearest labelled questions' votes that goes to this paragraph (0 without a question index). */
  readonly votes: number;
  /** Similarity of the nearest labelled question that this paragraph answers, among the voters. */
  readonly voteNearest: number;
  /** Mean similarity of the closest few labelled questions this paragraph answers. */
  readonly closeness: number;
  /** BM25 against the paragraph's labelled questions taken together, relative to the best paragraph's. */
  readonly asked: number;
  /** 1 / its place among the candidates by closeness (0 when not close at all). */
  readonly closenessPlace: number;
  /** 1 / its place among the candidates by semantic coverage. */
  readonly semanticPlace: number;
  /** Closeness times the nearest labelled question's similarity: trusted when the index knows the question. */
  readonly closenessTrust: number;
  /** Semantic coverage times one minus that similarity: what counts when the index does not. */
  readonly semanticAlone: number;
  readonly bm25Alone: number;
  readonly sentenceAlone: number;
  readonly typeFitAlone: number;
  /** 1 when no labelled question in the index is answered by this paragraph (an article without any). */
  readonly uncovered: number;
  /** The paragraph's own evidence when it is uncovered (0 otherwise). */
  readonly semanticUncovered: number;
  readonly bm25Uncovered: number;
  readonly sentenceUncovered: number;
  readonly typeFitUncovered: number;
  readonly meaningUncovered: number;
}

/** What the tier model sees of a question. */
export interface QuestionFeatures {
  readonly top: number;
  readonly margin: number;
  readonly lexical: number;
  readonly semantic: number;
  readonly sentence: number;
  readonly typeFit: number;
  /**
   * Weighted share of the question the coverage cannot match anywhere: 1 for a word neither the coverage nor a
   * word close to it in meaning has, less for a word only loosely close to a coverage word.
   */
  readonly unknown: number;
  /** Weighted share of the question's words that the coverage does not use itself. */
  readonly unseen: number;
  readonly meaning: number;
  readonly allOf: number;
  readonly sentenceAllOf: number;
  /** The best paragraph matches at least one word that is not generic. */
  readonly specific: number;
  /** log(1 + number of concepts). */
  readonly length: number;
  /** Share of the nearest labelled questions' votes saying the coverage does not answer it. */
  readonly outOfScope: number;
  /** Share of those votes from messages about something else entirely. */
  readonly offTopic: number;
  /** The neighbours' vote weights for some paragraph and for "not answered" (Σ similarity²). */
  readonly inScopeMass: number;
  readonly outOfScopeMass: number;
  /** Weighted share of the question's words the subject knows (see QuestionVotes.domain). */
  readonly domain: number;
  /** Similarity of the nearest labelled question. */
  readonly nearestQuestion: number;
  /** Its nearest answerable and nearest out-of-scope labelled questions' similarities, and their difference. */
  readonly nearestAnswerable: number;
  readonly nearestOutOfScope: number;
  readonly scopeGap: number;
  /** The same difference of their fourth powers: large only when one of them is nearly the same question. */
  readonly scopeGapSharp: number;
  /**
   * The best paragraph answers the nearest answerable labelled question: that question's similarity to the
   * fourth power (near 1 only when it is nearly the same question), else 0.
   */
  readonly nearestAgrees: number;
  /** The best paragraph's share of the votes. */
  readonly topVotes: number;
  /** The best paragraph's closeness (see CandidateFeatures). */
  readonly topCloseness: number;
  /** The best paragraph is one no labelled question is answered by. */
  readonly topUncovered: number;
}
