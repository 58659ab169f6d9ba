import { readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { z } from "zod";
import { PROJECT_ROOT } from "../paths.js";
import type { CandidateFeatures, Confidence, QuestionFeatures } from "./features.js";

/**
 * The fitted models that turn the engine's measurements into decisions, read from
 * `src/search/model/decision.json` (written by `npm run fit`, see `src/tools/fit-decision.ts`):
 * - `rank`: a conditional logit over the candidate paragraphs' features: the probability that each one is the
 *   paragraph that answers the question (a softmax of linear scores over the candidates);
 * - `onTopic`: over a question's features: the probability that it is about the coverage's subject at all
 *   (not the weather, a recipe or the bot itself);
 * - `inScope`: the probability that the coverage answers it;
 * - `correct`: the probability that the best paragraph answers it.
 * A question is refused (`none`) when `onTopic` falls below its threshold; otherwise it is answered `high`
 * when `correct` clears its threshold, refused when `inScope` falls below its threshold, and otherwise given
 * the closest passage (`low`). There are two sets of the three: one
 * that reads the question index's votes too (`withQuestions`), and one for a corpus without labelled questions
 * (`coverageOnly`). The weights are data: refit them, never edit them by hand.
 */

export const DECISION_PATH = join(PROJECT_ROOT, "src", "search", "model", "decision.json");

export const CANDIDATE_FEATURES = [
  "lexical",
  "semantic",
  "semanticNames",
  "meaning",
  "bm25",
  "sentence",
  "typeFit",
  "contextOnly",
  "keyword",
  "sentenceLexical",
  "lead",
  "quoted",
  "size",
  "allOf",
  "sentenceAllOf",
  "votes",
  "voteNearest",
  "closeness",
  "asked",
  "closenessPlace",
  "semanticPlace",
  "closenessTrust",
  "semanticAlone",
  "bm25Alone",
  "sentenceAlone",
  "typeFitAlone",
  "uncovered",
  "semanticUncovered",
  "bm25Uncovered",
  "sentenceUncovered",
  "typeFitUncovered",
  "meaningUncovered",
] as const;
/** The candidate features that come from the question index (absent without one). */
export const VOTE_FEATURES: readonly string[] = [
  "votes",
  "voteNearest",
  "closeness",
  "asked",
  "closenessPlace",
  "closenessTrust",
  "semanticAlone",
  "bm25Alone",
  "sentenceAlone",
  "typeFitAlone",
  "uncovered",
  "semanticUncovered",
  "bm25Uncovered",
  "sentenceUncovered",
  "typeFitUncovered",
  "meaningUncovered",
];
export const QUESTION_FEATURES = [
  "top",
  "margin",
  "lexical",
  "semantic",
  "sentence",
  "typeFit",
  "unknown",
  "unseen",
  "meaning",
  "allOf",
  "sentenceAllOf",
  "specific",
  "length",
  "outOfScope",
  "offTopic",
  "inScopeMass",
  "outOfScopeMass",
  "domain",
  "nearestQuestion",
  "nearestAnswerable",
  "nearestOutOfScope",
  "scopeGap",
  "scopeGapSharp",
  "nearestAgrees",
  "topVotes",
  "topCloseness",
  "topUncovered",
] as const;
/** The question features that come from the question index. */
export const QUESTION_VOTE_FEATURES: readonly string[] = [
  "outOfScope",
  "offTopic",
  "inScopeMass",
  "outOfScopeMass",
  "domain",
  "nearestQuestion",
  "nearestAnswerable",
  "nearestOutOfScope",
  "scopeGap",
  "scopeGapSharp",
  "nearestAgrees",
  "topVotes",
  "topCloseness",
  "topUncovered",
];

// Features are standardised, so a weight or bias beyond these bounds is no fit but damage: with it every
// probability is 0 or 1 and every question would be answered, or refused, the same way.
const MAX_WEIGHT = 100;
const MAX_MEAN = 1e6;
const bounded = (max: number) =>
  z.number().refine((x) => Number.isFinite(x) && Math.abs(x) <= max, {
    message: `must be finite and within ±${max}`,
  });

const logistic = z.object({
  features: z.array(z.string()).min(1),
  /** Features are standardised with these before the weights apply. */
  mean: z.array(bounded(MAX_MEAN)),
  scale: z.array(bounded(MAX_MEAN).refine((x) => x > 1e-9, { message: "must be positive" })),
  weights: z.array(bounded(MAX_WEIGHT)),
  bias: bounded(MAX_WEIGHT),
});

const thresholded = logistic.extend({ threshold: z.number().min(0).max(1) });

const modelSet = z.object({
  rank: logistic,
  onTopic: thresholded,
  inScope: thresholded,
  correct: thresholded,
});

const decisionFile = z.object({
  version: z.literal(2),
  withQuestions: modelSet,
  coverageOnly: modelSet,
  fitted: z.record(z.string(), z.unknown()),
});

export type LogisticModel = z.infer<typeof logistic>;
/** The three models of one kind of corpus: ranking, confidence and refusal. */
export type ModelSet = z.infer<typeof modelSet>;
export type DecisionFile = z.infer<typeof decisionFile>;

/** Candidate features that are shares (0..1) of the question covered: the rank model sees their logarithm. */
const COVERAGE_FEATURES = new Set([
  "lexical",
  "semantic",
  "semanticNames",
  "meaning",
  "bm25",
  "sentence",
  "keyword",
  "sentenceLexical",
  "allOf",
  "sentenceAllOf",
]);

/**
 * What the rank model reads of a paragraph's features: coverage shares as log(0.05 + share), so a softmax
 * over linear scores compares paragraphs by ratios of coverage (covering the whole question beats covering
 * two fifths of it however the kind of answer fits), and the rest as they are.
 */
export function rankInputs(features: CandidateFeatures): Record<string, number> {
  const values: Record<string, number> = {};
  for (const [name, value] of Object.entries(features)) {
    values[name] = COVERAGE_FEATURES.has(name) ? Math.log(0.05 + Math.max(0, value)) : value;
  }
  return values;
}

/**
 * The rank model's score of one candidate, reading only the features the model uses (as {@link rankInputs}
 * transforms them): it runs for every candidate of every question.
 */
function rankScorer(model: LogisticModel): (features: CandidateFeatures) => number {
  const terms = model.features.map((name, i) => ({
    name: name as keyof CandidateFeatures,
    coverage: COVERAGE_FEATURES.has(name),
    mean: model.mean[i] ?? 0,
    scale: model.scale[i] ?? 1,
    weight: model.weights[i] ?? 0,
  }));
  return (features) => {
    let z = model.bias;
    for (const term of terms) {
      const raw = features[term.name] ?? 0;
      const value = term.coverage ? Math.log(0.05 + Math.max(0, raw)) : raw;
      z += (term.weight * (value - term.mean)) / term.scale;
    }
    return z;
  };
}

/** The linear score of a model over named features (standardised as the model says). */
export function linear(model: LogisticModel, values: Readonly<Record<string, number>>): number {
  let z = model.bias;
  model.features.forEach((name, i) => {
    const x = ((values[name] ?? 0) - (model.mean[i] ?? 0)) / (model.scale[i] ?? 1);
    z += (model.weights[i] ?? 0) * x;
  });
  return z;
}

/** Applies a logistic model to named features: a probability. */
export function predict(model: LogisticModel, values: Readonly<Record<string, number>>): number {
  return 1 / (1 + Math.exp(-linear(model, values)));
}

/** The decisions the engine asks for. */
export interface DecisionModel {
  /** A paragraph's ranking score; the engine turns the scores of all candidates into probabilities (softmax). */
  rank(features: CandidateFeatures): number;
  onTopic(features: QuestionFeatures): number;
  inScope(features: QuestionFeatures): number;
  correct(features: QuestionFeatures): number;
  tier(features: QuestionFeatures): Confidence;
}

/** The decisions for a corpus with labelled questions and for one without. */
export interface DecisionModels {
  readonly withQuestions: DecisionModel;
  readonly coverageOnly: DecisionModel;
}

/** A decision model over one parsed set of weights. */
export function decisionModel(file: ModelSet): DecisionModel {
  const check = (name: string, model: LogisticModel, allowed: readonly string[]) => {
    const n = model.features.length;
    if (model.mean.length !== n || model.scale.length !== n || model.weights.length !== n) {
      throw new Error(`decision: ${name}: features, mean, scale and weights must have the same length`);
    }
    const unknown = model.features.filter((f) => !allowed.includes(f));
    if (unknown.length > 0) throw new Error(`decision: ${name}: unknown feature(s) ${unknown.join(", ")}`);
  };
  check("rank", file.rank, CANDIDATE_FEATURES);
  check("onTopic", file.onTopic, QUESTION_FEATURES);
  check("inScope", file.inScope, QUESTION_FEATURES);
  check("correct", file.correct, QUESTION_FEATURES);
  const asRecord = (features: object) => features as Readonly<Record<string, number>>;
  const rank = rankScorer(file.rank);
  const model: DecisionModel = {
    rank,
    onTopic: (features) => predict(file.onTopic, asRecord(features)),
    inScope: (features) => predict(file.inScope, asRecord(features)),
    correct: (features) => predict(file.correct, asRecord(features)),
    tier: (features) => {
      if (model.onTopic(features) < file.onTopic.threshold) return "none";
      if (model.correct(features) >= file.correct.threshold) return "high";
      return model.inScope(features) < file.inScope.threshold ? "none" : "low";
    },
  };
  return model;
}

/** Both decision models of a decision file. */
export function decisionModels(file: DecisionFile): DecisionModels {
  return { withQuestions: decisionModel(file.withQuestions), coverageOnly: decisionModel(file.coverageOnly) };
}

/** Reads and checks `decision.json`; a missing or malformed file fails with its name and the refit command. */
export function loadDecisionModel(path: string = DECISION_PATH): DecisionModels {
  const shown = relative(process.cwd(), path) || path;
  try {
    return decisionModels(decisionFile.parse(JSON.parse(readFileSync(path, "utf8"))));
  } catch (error) {
    const problem =
      (error as NodeJS.ErrnoException).code === "ENOENT"
        ? "file not found"
        : error instanceof z.ZodError
          ? `malformed (${error.issues[0]?.path.join(".") ?? ""}: ${error.issues[0]?.message ?? ""})`
          : error instanceof Error
            ? error.message
            : String(error);
    throw new Error(`decision model: ${shown}: ${problem}; refit it with \`npm run fit\``);
  }
}
