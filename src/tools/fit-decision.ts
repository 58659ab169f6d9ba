/**
 * `npm run fit`: fits the answer engine's decision models (`src/search/model/decision.json`) on the `fit` part
 * of the project's question sets (`test/questions/*.jsonl`). The `held-back` part is never fitted on: its
 * figures are printed for information only, and so are the development set's.
 *
 * 1. `rank`: a conditional logit over each question's candidate paragraphs; its L2 strength is chosen by
 *    5-fold cross-validated top-1 accuracy.
 * 2. With rank models fitted on the other folds, each question's features are read out of fold, so the tier
 *    models learn from rankings as good as they will be on new questions, not from memorised ones.
 * 3. `correct` (is the best paragraph right?) and `inScope` (does the coverage answer it at all?) are logistic
 *    regressions over the features that forward selection finds to lower their cross-validated log loss.
 *    Thresholds come from cross-validated probabilities: `correct` as low as keeps confident answers to
 *    answerable questions TARGET_PRECISION right and gives a confident answer to at most
 *    MAX_CONFIDENT_OUT_OF_SCOPE of the out-of-scope ones; `inScope` as high as refuses at most
 *    MAX_FALSE_REFUSALS of the answerable questions.
 *
 *   npm run fit             # refit and write decision.json
 *   npm run fit -- --check  # refit and print, write nothing
 */
import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { loadCorpus } from "../corpus/load.js";
import {
  CANDIDATE_FEATURES,
  DECISION_PATH,
  type DecisionFile,
  type DecisionModel,
  decisionModel,
  type LogisticModel,
  linear,
  predict,
  QUESTION_FEATURES,
  rankInputs,
} from "../search/decision.js";
import { AnswerEngine, type CandidateFeatures, type QuestionFeatures } from "../search/engine.js";
import { fitConditionalLogit, fitLogistic, type Group, type Sample } from "./logistic.js";
import { devQuestions, type LabelledQuestion, projectQuestions } from "./questions.js";

const FOLDS = 5;
const LAMBDAS = [0.1, 1, 3, 10];
/** Share of confident (`high`) answers to answerable questions that must be right, in cross-validation. */
const TARGET_PRECISION = 0.96;
/** Share of out-of-scope questions that may get a confident answer, in cross-validation. */
const MAX_CONFIDENT_OUT_OF_SCOPE = 0.05;
/** Share of answerable questions the refusal threshold may refuse, in cross-validation. */
const MAX_FALSE_REFUSALS = 0.02;
/** The question set written to look answerable without being so (see `test/questions/lookalike.jsonl`). */
const LOOKALIKE_SET = "lookalike";
/** Forward selection stops when a feature lowers the cross-validated log loss by less than this. */
const MIN_GAIN = 0.002;

type Values = Readonly<Record<string, number>>;
const asValues = (features: CandidateFeatures | QuestionFeatures) => features as unknown as Values;

/** A decision model with this rank model and placeholder tiers: all the ranking needs. */
function withRank(rank: LogisticModel): DecisionModel {
  const neutral = { features: ["top"], mean: [0], scale: [1], weights: [0], bias: 0, threshold: 0.5 };
  return decisionModel({
    version: 1,
    rank,
    inScope: neutral,
    correct: { ...neutral, threshold: 1 },
    fitted: {},
  });
}

function foldOf(id: string): number {
  return (createHash("sha256").update(id).digest()[0] as number) % FOLDS;
}

interface Outcome {
  readonly question: LabelledQuestion;
  readonly features: QuestionFeatures | null;
  readonly top1: boolean;
}

const isAnswerable = (o: Outcome) => o.question.paras.length > 0;
const isRight = (o: Outcome) => isAnswerable(o) && o.top1;

/** An engine whose rank model can be swapped between analyses, and what it makes of questions. */
class Bench {
  #current: DecisionModel = withRank({
    features: ["semantic"],
    mean: [0],
    scale: [1],
    weights: [5],
    bias: 0,
  });
  readonly engine: AnswerEngine;

  constructor(corpusDir: string | undefined) {
    const decision: DecisionModel = {
      rank: (f) => this.#current.rank(f),
      inScope: (f) => this.#current.inScope(f),
      correct: (f) => this.#current.correct(f),
      tier: (f) => this.#current.tier(f),
    };
    this.engine = AnswerEngine.fromCorpus(loadCorpus(corpusDir), { decision });
  }

  use(model: DecisionModel): void {
    this.#current = model;
  }

  /** Every part's candidates, labelled: the rank model's training data for one question. */
  group(question: LabelledQuestion): Group {
    const candidates = this.engine.analyse(question.q).parts.flatMap((part) => part.ranked);
    return {
      x: candidates.map((c) => rankInputs(c.features)),
      gold: candidates.map((c) => question.paras.includes(c.doc.paragraph)),
    };
  }

  outcomes(questions: readonly LabelledQuestion[]): Outcome[] {
    return questions.map((question) => {
      const first = this.engine.analyse(question.q).parts[0];
      const top = first?.ranked[0];
      return {
        question,
        features: first?.features ?? null,
        top1: top !== undefined && question.paras.includes(top.doc.paragraph),
      };
    });
  }
}

function top1Rate(list: readonly Outcome[]): number {
  const answerable = list.filter(isAnswerable);
  return answerable.filter((o) => o.top1).length / Math.max(1, answerable.length);
}

function tierSamples(list: readonly Outcome[], label: (o: Outcome) => boolean): Sample[] {
  return list.flatMap((o) =>
    o.features ? [{ x: asValues(o.features), y: label(o) ? (1 as const) : (0 as const) }] : [],
  );
}

export interface FitOptions {
  /** Questions to fit on (the `fit` split). */
  readonly questions: readonly LabelledQuestion[];
  /** L2 strengths tried for the rank model. */
  readonly lambdas?: readonly number[];
  /** Progress lines (stderr in the script). */
  readonly log?: (line: string) => void;
  /** Rank features to use instead of selecting them. */
  readonly rankFeatures?: readonly string[];
}

/** Fits the three models and their thresholds on `questions` (see the module comment). */
export function fitDecision(options: FitOptions): DecisionFile {
  const { questions } = options;
  const log = options.log ?? (() => {});
  const bench = new Bench(undefined);
  const groups = questions.map((q) => ({
    id: q.id,
    group: bench.group(q),
    answerable: q.paras.length > 0 && bench.group(q).gold.some(Boolean),
  }));

  // 1. The rank model: features by forward selection on the cross-validated log loss of the right paragraphs
  //    (the candidates' features do not depend on the model, so no re-reading is needed), then the L2
  //    strength by cross-validated top-1, with each question's features read out of fold.
  const rankLoss = (features: readonly string[], lambda: number) => {
    let sum = 0;
    for (let fold = 0; fold < FOLDS; fold++) {
      const train = groups.filter((g) => g.answerable && foldOf(g.id) !== fold).map((g) => g.group);
      const model = fitConditionalLogit(train, features, lambda);
      for (const g of groups.filter((x) => x.answerable && foldOf(x.id) === fold)) {
        const z = g.group.x.map((x) => linear(model, x));
        const max = Math.max(...z);
        const total = z.reduce((a, v) => a + Math.exp(v - max), 0);
        const gold = z.reduce((a, v, i) => a + (g.group.gold[i] ? Math.exp(v - max) : 0), 0);
        sum -= Math.log(Math.max(1e-12, gold / total));
      }
    }
    return sum / Math.max(1, groups.filter((g) => g.answerable).length);
  };
  const rankFeatures = options.rankFeatures ?? forwardSelect(CANDIDATE_FEATURES, (f) => rankLoss(f, 1));
  log(`rank: over ${rankFeatures.join(", ")}`);
  const fitRank = (fold: number | null, lambda: number) =>
    fitConditionalLogit(
      groups.filter((g) => g.answerable && (fold === null || foldOf(g.id) !== fold)).map((g) => g.group),
      rankFeatures,
      lambda,
    );
  const outOfFold = (lambda: number) => {
    const list: Outcome[] = [];
    for (let fold = 0; fold < FOLDS; fold++) {
      bench.use(withRank(fitRank(fold, lambda)));
      list.push(...bench.outcomes(questions.filter((q) => foldOf(q.id) === fold)));
    }
    return list;
  };
  let best = { lambda: options.lambdas?.[0] ?? 1, top1: -1, outcomes: [] as Outcome[] };
  for (const lambda of options.lambdas ?? LAMBDAS) {
    const list = outOfFold(lambda);
    const top1 = top1Rate(list);
    log(`rank: lambda ${lambda}: cross-validated top-1 ${top1.toFixed(3)}`);
    if (top1 > best.top1) best = { lambda, top1, outcomes: list };
  }
  const rank = fitRank(null, best.lambda);
  const oof = best.outcomes;

  // 2. Tier models over forward-selected features, thresholds from cross-validated probabilities.
  // The refusal is for questions nothing in the coverage is about; the questions written to look answerable
  // (the article's own names and topics, asking what it never reports) are about it, and are kept out of the
  // refusal model's training: the confidence model alone keeps them from a confident answer.
  const lookalike = (o: Outcome) => o.question.set === LOOKALIKE_SET && !isAnswerable(o);
  const cvProbabilities = (
    label: (o: Outcome) => boolean,
    features: readonly string[],
    skip = (_o: Outcome) => false,
  ) => {
    const p = new Map<string, number>();
    for (let fold = 0; fold < FOLDS; fold++) {
      const train = oof.filter((o) => foldOf(o.question.id) !== fold && !skip(o));
      const model = fitLogistic(tierSamples(train, label), features, 1);
      for (const o of oof.filter((x) => foldOf(x.question.id) === fold)) {
        p.set(o.question.id, o.features ? predict(model, asValues(o.features)) : 0);
      }
    }
    return p;
  };
  const selectFeatures = (label: (o: Outcome) => boolean, skip = (_o: Outcome) => false): string[] =>
    forwardSelect(QUESTION_FEATURES, (features) => {
      const p = cvProbabilities(label, features, skip);
      const scored = oof.filter((o) => !skip(o));
      let sum = 0;
      for (const o of scored) {
        const q = Math.min(1 - 1e-6, Math.max(1e-6, p.get(o.question.id) ?? 0));
        sum -= label(o) ? Math.log(q) : Math.log(1 - q);
      }
      return sum / Math.max(1, scored.length);
    });
  const correctFeatures = selectFeatures(isRight);
  const inScopeFeatures = selectFeatures(isAnswerable, lookalike);
  log(`tiers: correct over ${correctFeatures.join(", ")}; inScope over ${inScopeFeatures.join(", ")}`);
  const pCorrect = cvProbabilities(isRight, correctFeatures);
  const pInScope = cvProbabilities(isAnswerable, inScopeFeatures, lookalike);
  const correctThreshold = chooseCorrectThreshold(oof, pCorrect);
  const inScopeThreshold = chooseInScopeThreshold(oof, pInScope, pCorrect, correctThreshold);

  return {
    version: 1,
    rank,
    inScope: {
      ...fitLogistic(
        tierSamples(
          oof.filter((o) => !lookalike(o)),
          isAnswerable,
        ),
        inScopeFeatures,
        1,
      ),
      threshold: inScopeThreshold,
    },
    correct: { ...fitLogistic(tierSamples(oof, isRight), correctFeatures, 1), threshold: correctThreshold },
    fitted: {
      questions: questions.length,
      answerable: questions.filter((q) => q.paras.length > 0).length,
      sets: [...new Set(questions.map((q) => q.set))],
      rankLambda: best.lambda,
      rankFeatures: [...rankFeatures],
      crossValidatedTop1: Number(best.top1.toFixed(3)),
      targetPrecision: TARGET_PRECISION,
      maxConfidentOutOfScope: MAX_CONFIDENT_OUT_OF_SCOPE,
      maxFalseRefusals: MAX_FALSE_REFUSALS,
      dataSha256: createHash("sha256")
        .update(JSON.stringify(questions.map((q) => [q.id, q.q, q.paras])))
        .digest("hex"),
    },
  };
}

/** Greedy forward selection: adds the feature that most lowers `loss`, while it lowers it by MIN_GAIN. */
function forwardSelect(all: readonly string[], loss: (features: readonly string[]) => number): string[] {
  const chosen: string[] = [];
  let current = Number.POSITIVE_INFINITY;
  for (;;) {
    let next: { feature: string; loss: number } | null = null;
    for (const feature of all.filter((f) => !chosen.includes(f))) {
      const value = loss([...chosen, feature]);
      if (!next || value < next.loss) next = { feature, loss: value };
    }
    if (!next || next.loss > current - MIN_GAIN) break;
    chosen.push(next.feature);
    current = next.loss;
  }
  return chosen.length > 0 ? chosen : [all[0] as string];
}

/**
 * The lowest threshold at which confident answers to answerable questions are at least TARGET_PRECISION right
 * and at most MAX_CONFIDENT_OUT_OF_SCOPE of the out-of-scope questions get a confident answer.
 */
function chooseCorrectThreshold(list: readonly Outcome[], p: ReadonlyMap<string, number>): number {
  const sorted = [...list].sort((a, b) => (p.get(b.question.id) ?? 0) - (p.get(a.question.id) ?? 0));
  const outOfScope = list.filter((o) => !isAnswerable(o)).length;
  let answerable = 0;
  let right = 0;
  let confidentOutOfScope = 0;
  let threshold = 1;
  for (const o of sorted) {
    if (!isAnswerable(o)) confidentOutOfScope++;
    else {
      answerable++;
      if (o.top1) right++;
    }
    if (confidentOutOfScope > MAX_CONFIDENT_OUT_OF_SCOPE * outOfScope) break;
    if (answerable > 0 && right / answerable >= TARGET_PRECISION) threshold = p.get(o.question.id) ?? 1;
  }
  return Number(threshold.toFixed(4));
}

/** The highest refusal threshold that refuses at most MAX_FALSE_REFUSALS of the answerable questions. */
function chooseInScopeThreshold(
  list: readonly Outcome[],
  pIn: ReadonlyMap<string, number>,
  pCorrect: ReadonlyMap<string, number>,
  correctThreshold: number,
): number {
  // Questions answered confidently are never refused.
  const candidates = list.filter((o) => (pCorrect.get(o.question.id) ?? 0) < correctThreshold);
  const total = list.filter(isAnswerable).length;
  const values = [...new Set(candidates.map((o) => pIn.get(o.question.id) ?? 0))].sort((a, b) => a - b);
  let threshold = 0;
  for (const value of values) {
    const refused = candidates.filter((o) => isAnswerable(o) && (pIn.get(o.question.id) ?? 0) < value).length;
    if (refused / Math.max(1, total) > MAX_FALSE_REFUSALS) break;
    threshold = value;
  }
  return Number(threshold.toFixed(4));
}

/** One line of figures for a question set under a fitted model. */
export function describe(file: DecisionFile, name: string, questions: readonly LabelledQuestion[]): string {
  const bench = new Bench(undefined);
  const model = decisionModel(file);
  bench.use(model);
  const list = bench
    .outcomes(questions)
    .map((o) => ({ ...o, tier: o.features ? model.tier(o.features) : "none" }));
  const answerable = list.filter(isAnswerable);
  const oos = list.filter((o) => !isAnswerable(o));
  const high = answerable.filter((o) => o.tier === "high");
  const share = (part: number, whole: number) => (part / Math.max(1, whole)).toFixed(3);
  return (
    `${name.padEnd(10)} top1 ${top1Rate(list).toFixed(3)}  refused ${share(answerable.filter((o) => o.tier === "none").length, answerable.length)}  ` +
    `high ${share(high.length, answerable.length)} (right ${share(high.filter((o) => o.top1).length, high.length)})  ` +
    `oos refused ${share(oos.filter((o) => o.tier === "none").length, oos.length)}  oos high ${share(oos.filter((o) => o.tier === "high").length, oos.length)}`
  );
}

function main(): void {
  const { values } = parseArgs({ options: { check: { type: "boolean", default: false } } });
  const all = projectQuestions();
  const fit = all.filter((q) => q.split === "fit");
  const file = fitDecision({ questions: fit, log: (line) => process.stderr.write(`${line}\n`) });
  process.stdout.write(
    `rank lambda ${file.fitted.rankLambda}; thresholds: correct ${file.correct.threshold}, inScope ${file.inScope.threshold}\n`,
  );
  process.stdout.write(`${describe(file, "fit", fit)}\n`);
  process.stdout.write(
    `${describe(
      file,
      "held-back",
      all.filter((q) => q.split === "held-back"),
    )}\n`,
  );
  const dev = devQuestions();
  if (dev.length > 0) process.stdout.write(`${describe(file, "dev", dev)}\n`);
  if (!values.check) {
    writeFileSync(DECISION_PATH, `${JSON.stringify(file, null, 2)}\n`);
    process.stdout.write(`wrote ${DECISION_PATH}\n`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) main();
