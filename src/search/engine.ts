import type { Corpus } from "../corpus/types.js";
import { UserFacingError } from "../errors.js";
import { type Answer, type AnswerPart, bestSentences, mergePassages, refusal, toPassage } from "./answer.js";
import { CoverageIndex } from "./coverage-index.js";
import { decide, questionFeatures } from "./decide.js";
import { type DecisionModel, loadDecisionModel } from "./decision.js";
import type { CandidateFeatures, Confidence, QuestionFeatures } from "./features.js";
import { type Query, QueryReader } from "./query.js";
import { type Candidate, rank } from "./rank.js";
import { type ReadQuestion, readQuestion } from "./reading.js";
import { QuestionSuggester } from "./suggest.js";
import { WordVectors } from "./word-vectors.js";

export type { Answer, AnswerPart, NoAnswerReason, Passage } from "./answer.js";
export type { Candidate, CandidateFeatures, Confidence, QuestionFeatures };

/**
 * The answer engine: the question is read (`reading.ts`, `query.ts`), the coverage index finds and measures
 * candidate paragraphs (`coverage-index.ts`, `rank.ts`), the fitted models rank them and decide between a
 * confident answer, the closest the coverage comes and a refusal (`decision.ts`, `decide.ts`), and the answer is
 * the best paragraph's best sentence(s), verbatim (`answer.ts`). Nothing in it is specific to one article.
 */

/** The engine's reading of one question (or one part of it), before the tier decision. */
export interface Analysis {
  readonly query: Query;
  readonly ranked: readonly Candidate[];
  readonly features: QuestionFeatures | null;
}

/** Longest question `ask` accepts, in characters. */
export const MAX_QUESTION_LENGTH = 1000;
/**
 * Questions whose answers are remembered. The coverage does not change while the bot runs, so the same
 * question always gets the same answer; communities ask the same few questions again and again (autocomplete
 * offers them word for word), and a remembered answer costs a map lookup instead of a search.
 */
const RECENT_ANSWERS = 500;
/** Parts of one message answered separately, at most. */
const MAX_PARTS = 3;

export interface EngineOptions {
  /** Most passages returned with an answer. */
  readonly maxPassages: number;
  /** Questions offered by `suggest`; defaults to the corpus's `questions.yaml`. */
  readonly suggestedQuestions: readonly string[] | undefined;
  /** Word vectors (default: the shipped artifact, loaded once per process). */
  readonly vectors: WordVectors | undefined;
  /** The fitted ranking and tier models (default: the shipped `decision.json`). */
  readonly decision: DecisionModel | undefined;
  /**
   * Names of the people the coverage quotes, offered as "What did X say?" (the quote book knows them); a
   * function is called the first time a suggestion is needed, so building the quote book can wait until then.
   */
  readonly speakers: readonly string[] | (() => readonly string[]);
  /** How many recent answers `ask` remembers (default {@link RECENT_ANSWERS}; 0 searches every time). */
  readonly recentAnswers: number;
}

const DEFAULT_OPTIONS: EngineOptions = {
  maxPassages: 5,
  suggestedQuestions: undefined,
  vectors: undefined,
  decision: undefined,
  speakers: [],
  recentAnswers: RECENT_ANSWERS,
};

let shippedVectors: WordVectors | undefined;
/** The shipped word vectors, loaded on first use and shared by every engine of the process. */
export function defaultWordVectors(): WordVectors {
  shippedVectors ??= WordVectors.load();
  return shippedVectors;
}

/** Answers questions from the corpus: see the module comment. */
export class AnswerEngine {
  readonly #reader: QueryReader;
  readonly #decision: DecisionModel;
  readonly #options: EngineOptions;
  readonly #suggestedQuestions: readonly string[];
  #suggester: QuestionSuggester | undefined;
  /** Answers to the latest questions, exactly as typed: see {@link RECENT_ANSWERS}. */
  readonly #recent = new Map<string, Readonly<Answer>>();

  private constructor(corpus: Corpus, options: EngineOptions) {
    this.#options = options;
    this.#decision = options.decision ?? loadDecisionModel();
    this.#reader = new QueryReader(new CoverageIndex(corpus, options.vectors ?? defaultWordVectors()));
    this.#suggestedQuestions = options.suggestedQuestions ?? corpus.suggestedQuestions;
  }

  /** Builds the index for every paragraph of every article in the corpus. */
  static fromCorpus(corpus: Corpus, options: Partial<EngineOptions> = {}): AnswerEngine {
    return new AnswerEngine(corpus, { ...DEFAULT_OPTIONS, ...options });
  }

  /** Number of paragraphs indexed. */
  get size(): number {
    return this.#reader.index.size;
  }

  /** The suggested questions, with the quoted speakers' "What did X say?", built on first use. */
  #suggestions(): QuestionSuggester {
    if (!this.#suggester) {
      const { speakers } = this.#options;
      this.#suggester = new QuestionSuggester(
        this.#suggestedQuestions,
        typeof speakers === "function" ? speakers() : speakers,
      );
    }
    return this.#suggester;
  }

  #analyse(text: string, read: ReadQuestion): Analysis {
    const query = this.#reader.read(text, read);
    const ranked = rank(this.#reader, this.#decision, query);
    return { query, ranked, features: questionFeatures(this.#reader, query, ranked) };
  }

  /**
   * The engine's reading of a question, before the tier decision: one analysis per part (a message asking
   * two things has two). Exposed for fitting the models and for the evaluation.
   */
  analyse(question: string): { read: ReadQuestion; parts: Analysis[] } {
    const read = readQuestion(question);
    const partTexts = read.parts.slice(0, MAX_PARTS);
    if (partTexts.length > 1) {
      return { read, parts: partTexts.map((part) => this.#analyse(part, readQuestion(part))) };
    }
    return { read, parts: [this.#analyse(read.text, read)] };
  }

  /**
   * Answers a question from the coverage. Throws UserFacingError for an empty question, one with no words,
   * or one longer than MAX_QUESTION_LENGTH.
   */
  ask(question: string): Answer {
    const remembered = this.#recent.get(question);
    if (remembered) {
      // Most recently used last, so the oldest is the first to go.
      this.#recent.delete(question);
      this.#recent.set(question, remembered);
      return remembered;
    }
    const answer = this.#answer(question);
    if (this.#options.recentAnswers <= 0) return answer;
    this.#recent.set(question, answer);
    if (this.#recent.size > this.#options.recentAnswers) {
      const oldest = this.#recent.keys().next().value;
      if (oldest !== undefined) this.#recent.delete(oldest);
    }
    return answer;
  }

  #answer(question: string): Answer {
    if (question.trim().length === 0) throw new UserFacingError("ask.error.empty");
    if (question.length > MAX_QUESTION_LENGTH) {
      throw new UserFacingError("ask.error.tooLong", { max: MAX_QUESTION_LENGTH, length: question.length });
    }
    const { read, parts } = this.analyse(question);
    if (read.script === "none" || read.text.length === 0) {
      throw new UserFacingError("ask.error.noWords");
    }
    if (read.script !== "latin") return refusal(question, "other-language", read.script);
    const decided = parts.map((analysis) => ({ analysis, tier: decide(this.#decision, analysis.features) }));
    const answered = decided.filter((d) => d.tier !== "none" && d.analysis.ranked.length > 0);
    if (answered.length === 0) return refusal(question, "no-match");
    const confidence: Confidence = answered.every((d) => d.tier === "high") ? "high" : "low";
    const answerParts: AnswerPart[] = [];
    for (const { analysis } of answered) {
      const top = analysis.ranked[0] as Candidate;
      if (
        answerParts.some(
          (p) => p.passage.articleId === top.doc.articleId && p.passage.paragraph === top.doc.paragraph,
        )
      )
        continue;
      answerParts.push({
        question: analysis.query.text,
        text: bestSentences(this.#reader, analysis.query, top),
        passage: toPassage(top),
      });
    }
    const passages = mergePassages(
      answered.map((d) => d.analysis.ranked),
      this.#options.maxPassages,
    );
    return {
      question,
      answer: answerParts.map((p) => p.text).join("\n\n"),
      confidence,
      parts: answerParts,
      unanswered: decided.filter((d) => !answered.includes(d)).map((d) => d.analysis.query.text),
      best: answerParts[0]?.passage ?? null,
      passages,
    };
  }

  /**
   * Suggested questions for autocomplete, best match first: at most `limit` (default 25), each at
   * most 100 characters. Never throws, whatever is typed.
   */
  suggest(partial: string, limit = 25): string[] {
    // Autocomplete runs on every keystroke; a failure there must cost a suggestion, not the interaction.
    try {
      return this.#suggestions().suggest(typeof partial === "string" ? partial : "", limit);
    } catch {
      return [];
    }
  }

  /** Every question `suggest` can offer (curated, then generated from the coverage). */
  suggestions(): readonly string[] {
    return this.#suggestions().all();
  }
}
