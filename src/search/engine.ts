import type { Corpus, LabelledQuestion } from "../corpus/types.js";
import { UserFacingError } from "../errors.js";
import { type Answer, type AnswerPart, bestSentences, mergePassages, refusal, toPassage } from "./answer.js";
import { CoverageIndex, type CoverageSnapshot } from "./coverage-index.js";
import { decide, questionFeatures } from "./decide.js";
import { type DecisionModel, type DecisionModels, loadDecisionModel } from "./decision.js";
import type { CandidateFeatures, Confidence, QuestionFeatures } from "./features.js";
import { type Query, QueryReader } from "./query.js";
import { NO_VOTES, QuestionIndex, type QuestionSnapshot, type QuestionVotes } from "./question-index.js";
import { type Candidate, rank } from "./rank.js";
import { type ReadQuestion, readQuestion } from "./reading.js";
import { asksAfter, newestLeads } from "./reports.js";
import { runNow, runSliced, type Steps } from "./steps.js";
import { QuestionSuggester, speakerQuestion } from "./suggest.js";
import { WordVectors } from "./word-vectors.js";

export type { Answer, AnswerPart, NoAnswerReason, Passage } from "./answer.js";
export type { Candidate, CandidateFeatures, Confidence, QuestionFeatures };

/**
 * The answer engine: the question is read (`reading.ts`, `query.ts`); the coverage index finds and measures
 * candidate paragraphs and the question index finds the nearest labelled questions, whose labels vote
 * (`coverage-index.ts`, `question-index.ts`, `rank.ts`); the fitted models rank the candidates and decide between
 * a confident answer, the closest the coverage comes and a refusal (`decision.ts`, `decide.ts`); and the answer
 * is the best paragraph's best sentence(s), verbatim (`answer.ts`). Nothing in it is specific to one article:
 * an article with no labelled questions is answered by the coverage alone.
 */

/** The engine's reading of one question (or one part of it), before the tier decision. */
export interface Analysis {
  readonly query: Query;
  readonly ranked: readonly Candidate[];
  readonly features: QuestionFeatures | null;
  /** What the nearest labelled questions say (no votes without a question index). */
  readonly votes: QuestionVotes;
}

/** An engine's indexes as plain data (see snapshot.ts). */
export interface EngineSnapshot {
  readonly coverage: CoverageSnapshot;
  readonly questions: QuestionSnapshot | null;
  /** The labelled questions' words (spelling correction's extra targets). */
  readonly askedWords: readonly string[];
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
/** A refused message whose nearest labelled questions are mostly greetings is answered as one. */
const GREETING_SHARE = 0.5;

export interface EngineOptions {
  /** Most passages returned with an answer. */
  readonly maxPassages: number;
  /** Questions offered by `suggest`; defaults to the corpus's `questions.yaml`. */
  readonly suggestedQuestions: readonly string[] | undefined;
  /** Word vectors (default: the shipped artifact, loaded once per process). */
  readonly vectors: WordVectors | undefined;
  /**
   * The fitted ranking and tier models (default: the shipped `decision.json`); one model is used whether or not
   * there is a question index.
   */
  readonly decision: DecisionModels | DecisionModel | undefined;
  /** The labelled questions the question index holds (default: the corpus's). */
  readonly questions: readonly LabelledQuestion[] | undefined;
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
  questions: undefined,
  speakers: [],
  recentAnswers: RECENT_ANSWERS,
};

let shippedVectors: WordVectors | undefined;
/** The shipped word vectors, loaded on first use and shared by every engine of the process. */
export function defaultWordVectors(): WordVectors {
  shippedVectors ??= WordVectors.load();
  return shippedVectors;
}

/**
 * A question the labelled set holds word for word (its twin, see decide.ts) is answered by its labelled
 * paragraph: the best-ranked of them goes first, the rest keep their order.
 */
function twinFirst(ranked: Candidate[], votes: QuestionVotes): Candidate[] {
  const twin = votes.twin;
  if (!twin || twin.paragraphs.length === 0) return ranked;
  const answer = ranked.find(
    (c) => c.doc.articleId === twin.articleId && twin.paragraphs.includes(c.doc.paragraph),
  );
  return answer ? [answer, ...ranked.filter((c) => c !== answer)] : ranked;
}

/** Answers questions from the corpus: see the module comment. */
export class AnswerEngine {
  readonly #coverage: CoverageIndex;
  readonly #labelled: readonly LabelledQuestion[];
  readonly #reader: QueryReader;
  readonly #questions: QuestionIndex | null;
  readonly #models: DecisionModels;
  readonly #decision: DecisionModel;
  readonly #options: EngineOptions;
  readonly #suggestedQuestions: readonly string[];
  #suggester: QuestionSuggester | undefined;
  /** Answers to the latest questions, exactly as typed: see {@link RECENT_ANSWERS}. */
  readonly #recent = new Map<string, Readonly<Answer>>();

  private constructor(parts: {
    coverage: CoverageIndex;
    labelled: readonly LabelledQuestion[];
    reader: QueryReader;
    questions: QuestionIndex | null;
    suggestedQuestions: readonly string[];
    models: DecisionModels;
    options: EngineOptions;
  }) {
    this.#options = parts.options;
    this.#models = parts.models;
    this.#coverage = parts.coverage;
    this.#labelled = parts.labelled;
    this.#reader = parts.reader;
    this.#questions = parts.questions;
    this.#decision = parts.questions ? parts.models.withQuestions : parts.models.coverageOnly;
    this.#suggestedQuestions = parts.suggestedQuestions;
  }

  /** The engine over a coverage index, with a question index of `labelled`, in steps. */
  static *#assemble(
    coverage: CoverageIndex,
    labelled: readonly LabelledQuestion[],
    suggestedQuestions: readonly string[],
    options: EngineOptions,
    loaded?: DecisionModels,
  ): Steps<AnswerEngine> {
    const decision = loaded ?? options.decision ?? loadDecisionModel();
    const models =
      "withQuestions" in decision ? decision : { withQuestions: decision, coverageOnly: decision };
    const reader = new QueryReader(coverage, QuestionIndex.wordsOf(labelled));
    yield* reader.semantic.prepare();
    const questions = yield* QuestionIndex.steps(reader, labelled);
    return new AnswerEngine({ coverage, labelled, reader, questions, suggestedQuestions, models, options });
  }

  static *#steps(corpus: Corpus, options: Partial<EngineOptions>): Steps<AnswerEngine> {
    const settings = { ...DEFAULT_OPTIONS, ...options };
    const coverage = yield* CoverageIndex.steps(corpus, settings.vectors ?? defaultWordVectors());
    return yield* AnswerEngine.#assemble(
      coverage,
      settings.questions ?? corpus.questions,
      settings.suggestedQuestions ?? corpus.suggestedQuestions,
      settings,
    );
  }

  /** The indexes as plain data, to store and restore with {@link AnswerEngine.fromSnapshot} (snapshot.ts). */
  snapshot(): EngineSnapshot {
    return {
      coverage: this.#coverage.toSnapshot(),
      questions: this.#questions?.toSnapshot() ?? null,
      askedWords: [...QuestionIndex.wordsOf(this.#labelled)],
    };
  }

  /**
   * The engine a snapshot of this corpus describes, without reading the coverage or the questions again; null
   * when the snapshot does not fit the corpus's labelled questions.
   */
  static fromSnapshot(
    snapshot: EngineSnapshot,
    corpus: Corpus,
    options: Partial<EngineOptions> = {},
  ): AnswerEngine | null {
    const settings = { ...DEFAULT_OPTIONS, ...options };
    const coverage = CoverageIndex.fromSnapshot(snapshot.coverage, settings.vectors ?? defaultWordVectors());
    const labelled = settings.questions ?? corpus.questions;
    const questions = snapshot.questions
      ? QuestionIndex.fromSnapshot(snapshot.questions, labelled, coverage.vocabulary)
      : null;
    if (snapshot.questions && !questions) return null;
    const decision = settings.decision ?? loadDecisionModel();
    const models =
      "withQuestions" in decision ? decision : { withQuestions: decision, coverageOnly: decision };
    return new AnswerEngine({
      coverage,
      labelled,
      reader: new QueryReader(
        coverage,
        options.questions ? QuestionIndex.wordsOf(labelled) : snapshot.askedWords,
      ),
      questions,
      suggestedQuestions: settings.suggestedQuestions ?? corpus.suggestedQuestions,
      models,
      options: settings,
    });
  }

  /**
   * Builds the coverage index for every paragraph of every article in the corpus, and the question index for
   * its labelled questions (none when it has none).
   */
  static fromCorpus(corpus: Corpus, options: Partial<EngineOptions> = {}): AnswerEngine {
    return runNow(AnswerEngine.#steps(corpus, options));
  }

  /**
   * The same, in slices of about `sliceMs` between which the event loop runs: a bot rebuilds its indexes for
   * a changed corpus this way while it keeps answering with the old ones.
   */
  static build(corpus: Corpus, options: Partial<EngineOptions> = {}, sliceMs = 20): Promise<AnswerEngine> {
    return runSliced(AnswerEngine.#steps(corpus, options), sliceMs);
  }

  /**
   * The same engine with only the labelled questions `keep` accepts in its question index (the coverage index
   * is shared): for cross-fitting, and to measure on questions the index does not hold.
   */
  withQuestions(keep: (question: LabelledQuestion) => boolean): AnswerEngine {
    return runNow(
      AnswerEngine.#assemble(
        this.#coverage,
        this.#labelled.filter(keep),
        this.#suggestedQuestions,
        this.#options,
        this.#models,
      ),
    );
  }

  /** Number of paragraphs indexed. */
  get size(): number {
    return this.#reader.index.size;
  }

  /** Number of labelled questions in the question index (0: answers come from the coverage alone). */
  get questionCount(): number {
    return this.#questions?.size ?? 0;
  }

  /**
   * The suggested questions, with the quoted speakers' "What did X say?", built on first use. Only those the
   * engine answers with confidence are offered (a speaker's question only when the answer quotes the speaker):
   * a suggestion the bot itself hedges would mislead.
   */
  #suggestions(): QuestionSuggester {
    if (!this.#suggester) {
      const { speakers } = this.#options;
      const names = typeof speakers === "function" ? speakers() : speakers;
      const confident = (question: string, mustName?: string) => {
        const answer = this.ask(question);
        if (answer.confidence !== "high") return false;
        const surname = mustName?.split(/\s+/).pop()?.toLowerCase();
        return surname === undefined || (answer.best?.text.toLowerCase().includes(surname) ?? false);
      };
      this.#suggester = new QuestionSuggester(
        this.#suggestedQuestions.filter((question) => confident(question)),
        names.filter((name) => confident(speakerQuestion(name), name)),
      );
    }
    return this.#suggester;
  }

  #analyse(text: string, read: ReadQuestion): Analysis {
    const query = this.#reader.read(text, read);
    const votes = this.#questions?.votes(query) ?? NO_VOTES;
    const ranked = twinFirst(rank(this.#reader, this.#decision, query, votes), votes);
    return { query, ranked, votes, features: questionFeatures(this.#reader, query, ranked, votes) };
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
    if (read.smallTalk) return refusal(question, read.smallTalk === "thanks" ? "thanks" : "greeting");
    const newest = this.#coverage.newestReport;
    const newestReport = newest && asksAfter(read.text, newest.published) ? newest : undefined;
    const decided = parts.map((analysis) => ({
      analysis,
      tier: decide(
        this.#decision,
        analysis.features,
        analysis.ranked,
        analysis.votes,
        this.#models.coverageOnly,
      ),
    }));
    const answered = decided.filter((d) => d.tier !== "none" && d.analysis.ranked.length > 0);
    if (answered.length === 0) {
      // Refused, and mostly like the greetings the index holds: a friendly line rather than the refusal.
      const greeting = parts.length === 1 && (parts[0]?.votes.greeting ?? 0) >= GREETING_SHARE;
      return refusal(question, greeting ? "greeting" : "no-match", undefined, newestReport);
    }
    const confidence: Confidence = answered.every((d) => d.tier === "high") ? "high" : "low";
    const answerParts: AnswerPart[] = [];
    const rankings: Candidate[][] = [];
    for (const { analysis } of answered) {
      const { lead, earlier } = newestLeads(this.#coverage, analysis.ranked, analysis.query) ?? {
        lead: analysis.ranked[0] as Candidate,
        earlier: null,
      };
      // The lead first, then the rest as ranked: the passages show the newer report first.
      rankings.push([lead, ...analysis.ranked.filter((c) => c !== lead)]);
      if (
        answerParts.some(
          (p) => p.passage.articleId === lead.doc.articleId && p.passage.paragraph === lead.doc.paragraph,
        )
      )
        continue;
      answerParts.push({
        question: analysis.query.text,
        text: bestSentences(this.#reader, analysis.query, lead),
        passage: toPassage(lead),
        ...(earlier
          ? {
              earlier: {
                text: bestSentences(this.#reader, analysis.query, earlier),
                passage: toPassage(earlier),
              },
            }
          : {}),
      });
    }
    return {
      question,
      answer: answerParts.map((p) => p.text).join("\n\n"),
      confidence,
      parts: answerParts,
      unanswered: decided.filter((d) => !answered.includes(d)).map((d) => d.analysis.query.text),
      best: answerParts[0]?.passage ?? null,
      passages: mergePassages(rankings, this.#options.maxPassages),
      ...(newestReport ? { newestReport } : {}),
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
