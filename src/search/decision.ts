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
 * - `inScope`: over a question's features: the probability that the coverage answers it at all;
 * - `correct`: the probability that the best paragraph answers it.
 * A question is answered `high` when `correct` clears its threshold, refused (`none`) when `inScope` falls
 * below its threshold, and otherwise given the closest passage (`low`). The weights are data: refit them,
 * never edit them by hand.
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
] as const;
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
] as const;

const logistic = z.object({
  features: z.array(z.string()).min(1),
  /** Features are standardised with these before the weights apply. */
  mean: z.array(z.number()),
  scale: z.array(z.number().positive()),
  weights: z.array(z.number()),
  bias: z.number(),
});

const thresholded = logistic.extend({ threshold: z.number().min(0).max(1) });

const decisionFile = z.object({
  version: z.literal(1),
  rank: logistic,
  inScope: thresholded,
  correct: thresholded,
  fitted: z.record(z.string(), z.unknown()),
});

export type LogisticModel = z.infer<typeof logistic>;
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
  inScope(features: QuestionFeatures): number;
  correct(features: QuestionFeatures): number;
  tier(features: QuestionFeatures): Confidence;
}

/** A decision model over parsed weights. */
export function decisionModel(file: DecisionFile): DecisionModel {
  const check = (name: string, model: LogisticModel, allowed: readonly string[]) => {
    const n = model.features.length;
    if (model.mean.length !== n || model.scale.length !== n || model.weights.length !== n) {
      throw new Error(`decision: ${name}: features, mean, scale and weights must have the same length`);
    }
    const unknown = model.features.filter((f) => !allowed.includes(f));
    if (unknown.length > 0) throw new Error(`decision: ${name}: unknown feature(s) ${unknown.join(", ")}`);
  };
  check("rank", file.rank, CANDIDATE_FEATURES);
  check("inScope", file.inScope, QUESTION_FEATURES);
  check("correct", file.correct, QUESTION_FEATURES);
  const asRecord = (features: object) => features as Readonly<Record<string, number>>;
  const model: DecisionModel = {
    rank: (features) => linear(file.rank, rankInputs(features)),
    inScope: (features) => predict(file.inScope, asRecord(features)),
    correct: (features) => predict(file.correct, asRecord(features)),
    tier: (features) => {
      if (model.correct(features) >= file.correct.threshold) return "high";
      return model.inScope(features) < file.inScope.threshold ? "none" : "low";
    },
  };
  return model;
}

/** Reads and checks `decision.json`; a missing or malformed file fails with its name and the refit command. */
export function loadDecisionModel(path: string = DECISION_PATH): DecisionModel {
  const shown = relative(process.cwd(), path) || path;
  try {
    return decisionModel(decisionFile.parse(JSON.parse(readFileSync(path, "utf8"))));
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
