/**
 * `npm run fit`: fits the answer engine's decision models (`src/search/model/decision.json`) on the `fit` part
 * of the corpus's labelled questions (`corpus/questions/*.jsonl`). The `held-back` part is never fitted on: its
 * figures are printed for information only, measured with a question index that holds only the `fit` part;
 * so are the development set's, with the index the bot ships (both parts).
 *
 * Two sets of models are fitted: `withQuestions`, which also reads the question index's votes, and
 * `coverageOnly`, for a corpus without labelled questions. For each:
 * 1. `rank`: a conditional logit over each question's candidate paragraphs, over the features forward selection
 *    finds to lower its cross-validated log loss; its L2 strength is chosen by cross-validated top-1.
 * 2. With rank models fitted on the other folds, each question's features are read out of fold, so the tier
 *    models learn from rankings as good as they will be on new questions, not from memorised ones.
 * 3. `correct` (is the best paragraph right?) and `inScope` (does the coverage answer it at all?) are logistic
 *    regressions over forward-selected features. Thresholds come from cross-validated probabilities: `correct` as
 *    low as keeps confident answers to answerable questions TARGET_PRECISION right and gives a confident answer to
 *    at most MAX_CONFIDENT_OUT_OF_SCOPE of the out-of-scope ones; `inScope` as high as refuses at most
 *    MAX_FALSE_REFUSALS of the answerable questions.
 *
 * Cross-fitting: a question's votes always come from a question index that does not hold it. Each fold's
 * questions are read with an index of the other folds' `fit` questions; otherwise the fit would learn to trust
 * an exact match, which a member's new wording never is.
 *
 *   npm run fit             # refit and write decision.json
 *   npm run fit -- --check  # refit and print, write nothing
 */
import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { loadCorpus } from "../corpus/load.js";
import type { Corpus, LabelledQuestion } from "../corpus/types.js";
import {
  CANDIDATE_FEATURES,
  DECISION_PATH,
  type DecisionFile,
  type DecisionModel,
  decisionModel,
  decisionModels,
  type LogisticModel,
  linear,
  type ModelSet,
  predict,
  QUESTION_FEATURES,
  QUESTION_VOTE_FEATURES,
  rankInputs,
  VOTE_FEATURES,
} from "../search/decision.js";
import { AnswerEngine, type QuestionFeatures } from "../search/engine.js";
import { fitConditionalLogit, fitLogistic, type Group, type Sample } from "./logistic.js";
import { corpusQuestions, devQuestions, type EvalQuestion } from "./questions.js";

const FOLDS = 5;
const LAMBDAS = [0.3, 1, 3, 10];
/** Share of confident (`high`) answers to answerable questions that must be right, in cross-validation. */
const TARGET_PRECISION = 0.95;
/** Share of out-of-scope questions that may get a confident answer, in cross-validation. */
const MAX_CONFIDENT_OUT_OF_SCOPE = 0.04;
/** Share of answerable questions the refusal threshold may refuse, in cross-validation. */
const MAX_FALSE_REFUSALS = 0.03;
/**
 * Share of the paragraphs whose labelled questions each fold's index leaves out, so that the models also learn
 * from paragraphs of an article without labelled questions (see CrossFitBench).
 */
const UNCOVERED_SHARE = 0.3;
/** Share of answerable questions the off-topic gate may refuse, in cross-validation. */
const MAX_OFF_TOPIC_REFUSALS = 0.01;
/** Kinds of the labelled messages about something else entirely (see corpus/load.ts). */
const OFF_TOPIC_KINDS = ["offtopic", "greeting"];
/** Forward selection stops when a feature lowers the cross-validated log loss by less than this. */
const MIN_GAIN = 0.002;

type Values = Readonly<Record<string, number>>;
const asValues = (features: QuestionFeatures) => features as unknown as Values;

const NEUTRAL = { features: ["top"], mean: [0], scale: [1], weights: [0], bias: 0 };

/** A decision model with this rank model and placeholder tiers: all the ranking needs. */
function withRank(rank: LogisticModel): DecisionModel {
  return decisionModel({
    rank,
    onTopic: { ...NEUTRAL, threshold: 0 },
    inScope: { ...NEUTRAL, threshold: 0.5 },
    correct: { ...NEUTRAL, threshold: 1 },
  });
}

/** A stable number in 0..1 for a string. */
function share(key: string): number {
  return (createHash("sha256").update(key).digest().readUInt32BE(0) as number) / 2 ** 32;
}

/** The fold a labelled question belongs to, by its id (stable across runs and machines). */
export function foldOf(id: string): number {
  return (createHash("sha256").update(id).digest()[0] as number) % FOLDS;
}

interface Outcome {
  readonly question: EvalQuestion;
  readonly features: QuestionFeatures | null;
  readonly top1: boolean;
}

const isAnswerable = (o: Outcome) => o.question.paras.length > 0;
/** About the subject at all: answerable, or an on-topic question the coverage does not answer. */
const isOnTopic = (o: Outcome) => !OFF_TOPIC_KINDS.includes(o.question.kind);
const isRight = (o: Outcome) => isAnswerable(o) && o.top1;

/**
 * An engine whose rank model can be swapped between analyses, with one question index per fold (each without
 * that fold's questions), and what it makes of questions: every question is read with the index of its own
 * fold, which never holds it.
 */
export class CrossFitBench {
  #current: DecisionModel = withRank({
    features: ["semantic"],
    mean: [0],
    scale: [1],
    weights: [5],
    bias: 0,
  });
  readonly #full: AnswerEngine;
  readonly #byFold: AnswerEngine[];

  /**
   * `indexed`: the labelled questions the question index may hold (never the one being read: see the module
   * comment); none for the coverage-only models.
   */
  constructor(corpus: Corpus, indexed: ReadonlySet<string>, uncoveredShare = 0) {
    const decision: DecisionModel = {
      rank: (f) => this.#current.rank(f),
      onTopic: (f) => this.#current.onTopic(f),
      inScope: (f) => this.#current.inScope(f),
      correct: (f) => this.#current.correct(f),
      tier: (f) => this.#current.tier(f),
    };
    this.#full = AnswerEngine.fromCorpus(corpus, { decision, recentAnswers: 0 });
    // Each fold's index also leaves out every question about a share of the paragraphs, as if they were in
    // an article no one has labelled: the ranking learns to judge such paragraphs by the coverage alone.
    const uncovered = (fold: number, q: LabelledQuestion) =>
      q.articleId !== null && q.paragraphs.some((p) => share(`${fold}:${q.articleId}:${p}`) < uncoveredShare);
    this.#byFold = Array.from({ length: FOLDS }, (_, fold) =>
      this.#full.withQuestions(
        (q: LabelledQuestion) => indexed.has(q.id) && foldOf(q.id) !== fold && !uncovered(fold, q),
      ),
    );
  }

  use(model: DecisionModel): void {
    this.#current = model;
  }

  /** The engine's reading of a question, with the question index of its fold. */
  analyse(question: EvalQuestion) {
    return (this.#byFold[foldOf(question.id)] as AnswerEngine).analyse(question.q);
  }

  /** Every part's candidates, labelled: the rank model's training data for one question. */
  group(question: EvalQuestion): Group {
    const candidates = this.analyse(question).parts.flatMap((part) => part.ranked);
    return {
      x: candidates.map((c) => rankInputs(c.features)),
      gold: candidates.map((c) => question.paras.includes(c.doc.paragraph)),
    };
  }

  outcomes(questions: readonly EvalQuestion[]): Outcome[] {
    return questions.map((question) => {
      const first = this.analyse(question).parts[0];
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
  readonly questions: readonly EvalQuestion[];
  /** The corpus whose coverage and question index the questions are read with (default: the shipped one). */
  readonly corpus?: Corpus;
  /** L2 strengths tried for the rank model. */
  readonly lambdas?: readonly number[];
  /** Progress lines (stderr in the script). */
  readonly log?: (line: string) => void;
  /** Rank features to use instead of selecting them (the vote features are dropped for `coverageOnly`). */
  readonly rankFeatures?: readonly string[];
}

/** What one set's fit reports besides its models. */
interface SetReport {
  readonly rankLambda: number;
  readonly crossValidatedTop1: number;
}

/**
 * Fits one set of models (see the module comment): the rank model with questions read on `bench`, the tier
 * models with questions read on `tierBench` (by default the same).
 */
function fitSet(
  bench: CrossFitBench,
  questions: readonly EvalQuestion[],
  options: {
    tierBench?: CrossFitBench;
    candidateFeatures: readonly string[];
    questionFeatures: readonly string[];
    rankFeatures: readonly string[] | undefined;
    lambdas: readonly number[];
    log: (line: string) => void;
  },
): { models: ModelSet; report: SetReport } {
  const { log } = options;
  const groups = questions.map((q) => {
    const group = bench.group(q);
    return { id: q.id, group, answerable: q.paras.length > 0 && group.gold.some(Boolean) };
  });

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
  const rankFeatures =
    options.rankFeatures?.filter((f) => options.candidateFeatures.includes(f)) ??
    forwardSelect(options.candidateFeatures, (f) => rankLoss(f, 1));
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
  let best = { lambda: options.lambdas[0] ?? 1, top1: -1, outcomes: [] as Outcome[] };
  for (const lambda of options.lambdas) {
    const list = outOfFold(lambda);
    const top1 = top1Rate(list);
    log(`rank: lambda ${lambda}: cross-validated top-1 ${top1.toFixed(3)}`);
    if (top1 > best.top1) best = { lambda, top1, outcomes: list };
  }
  const rank = fitRank(null, best.lambda);
  const tierBench = options.tierBench ?? bench;
  let oof = best.outcomes;
  if (tierBench !== bench) {
    oof = [];
    for (let fold = 0; fold < FOLDS; fold++) {
      tierBench.use(withRank(fitRank(fold, best.lambda)));
      oof.push(...tierBench.outcomes(questions.filter((q) => foldOf(q.id) === fold)));
    }
    log(`rank: cross-validated top-1 with every paragraph's questions indexed ${top1Rate(oof).toFixed(3)}`);
  }

  // 2. Tier models over forward-selected features, thresholds from cross-validated probabilities.
  const cvProbabilities = (label: (o: Outcome) => boolean, features: readonly string[]) => {
    const p = new Map<string, number>();
    for (let fold = 0; fold < FOLDS; fold++) {
      const train = oof.filter((o) => foldOf(o.question.id) !== fold);
      const model = fitLogistic(tierSamples(train, label), features, 1);
      for (const o of oof.filter((x) => foldOf(x.question.id) === fold)) {
        p.set(o.question.id, o.features ? predict(model, asValues(o.features)) : 0);
      }
    }
    return p;
  };
  const selectFeatures = (label: (o: Outcome) => boolean): string[] =>
    forwardSelect(options.questionFeatures, (features) => {
      const p = cvProbabilities(label, features);
      let sum = 0;
      for (const o of oof) {
        const q = Math.min(1 - 1e-6, Math.max(1e-6, p.get(o.question.id) ?? 0));
        sum -= label(o) ? Math.log(q) : Math.log(1 - q);
      }
      return sum / Math.max(1, oof.length);
    });
  const onTopicFeatures = selectFeatures(isOnTopic);
  const correctFeatures = selectFeatures(isRight);
  const inScopeFeatures = selectFeatures(isAnswerable);
  log(
    `tiers: onTopic over ${onTopicFeatures.join(", ")}; correct over ${correctFeatures.join(", ")}; inScope over ${inScopeFeatures.join(", ")}`,
  );
  const pOnTopic = cvProbabilities(isOnTopic, onTopicFeatures);
  const onTopicThreshold = chooseRefusalThreshold(oof, pOnTopic, MAX_OFF_TOPIC_REFUSALS);
  // The later decisions only see what the off-topic gate lets through.
  const through = (o: Outcome) => (pOnTopic.get(o.question.id) ?? 0) >= onTopicThreshold;
  const pCorrect = cvProbabilities(isRight, correctFeatures);
  const pInScope = cvProbabilities(isAnswerable, inScopeFeatures);
  const correctThreshold = chooseCorrectThreshold(oof, pCorrect, through);
  const inScopeThreshold = chooseInScopeThreshold(oof, pInScope, pCorrect, correctThreshold, through);
  log(`thresholds: onTopic ${onTopicThreshold}, correct ${correctThreshold}, inScope ${inScopeThreshold}`);
  return {
    models: {
      rank,
      onTopic: {
        ...fitLogistic(tierSamples(oof, isOnTopic), onTopicFeatures, 1),
        threshold: onTopicThreshold,
      },
      inScope: {
        ...fitLogistic(tierSamples(oof, isAnswerable), inScopeFeatures, 1),
        threshold: inScopeThreshold,
      },
      correct: { ...fitLogistic(tierSamples(oof, isRight), correctFeatures, 1), threshold: correctThreshold },
    },
    report: { rankLambda: best.lambda, crossValidatedTop1: Number(best.top1.toFixed(3)) },
  };
}

/** Fits both sets of models and their thresholds on `questions` (see the module comment). */
export function fitDecision(options: FitOptions): DecisionFile {
  const { questions } = options;
  const corpus = options.corpus ?? loadCorpus();
  const log = options.log ?? (() => {});
  const lambdas = options.lambdas ?? LAMBDAS;
  const ids = new Set(questions.map((q) => q.id));
  log("with the question index:");
  // The ranking learns from folds with uncovered paragraphs; the tiers from folds as the shipped bot sees its
  // own article (every paragraph covered): an answer from an uncovered paragraph is decided by the
  // coverage-only tiers (see decide.ts).
  const withQuestions = fitSet(new CrossFitBench(corpus, ids, UNCOVERED_SHARE), questions, {
    tierBench: new CrossFitBench(corpus, ids),
    candidateFeatures: CANDIDATE_FEATURES,
    questionFeatures: QUESTION_FEATURES,
    rankFeatures: options.rankFeatures,
    lambdas,
    log,
  });
  log("the coverage alone:");
  const coverageOnly = fitSet(new CrossFitBench(corpus, new Set()), questions, {
    candidateFeatures: CANDIDATE_FEATURES.filter((f) => !VOTE_FEATURES.includes(f)),
    questionFeatures: QUESTION_FEATURES.filter((f) => !QUESTION_VOTE_FEATURES.includes(f)),
    rankFeatures: options.rankFeatures,
    lambdas,
    log,
  });
  return {
    version: 2,
    withQuestions: withQuestions.models,
    coverageOnly: coverageOnly.models,
    fitted: {
      questions: questions.length,
      answerable: questions.filter((q) => q.paras.length > 0).length,
      voices: [...new Set(questions.map((q) => q.set))].sort(),
      folds: FOLDS,
      withQuestions: withQuestions.report,
      coverageOnly: coverageOnly.report,
      targetPrecision: TARGET_PRECISION,
      maxConfidentOutOfScope: MAX_CONFIDENT_OUT_OF_SCOPE,
      maxFalseRefusals: MAX_FALSE_REFUSALS,
      maxOffTopicRefusals: MAX_OFF_TOPIC_REFUSALS,
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
function chooseCorrectThreshold(
  list: readonly Outcome[],
  p: ReadonlyMap<string, number>,
  through: (o: Outcome) => boolean,
): number {
  const sorted = [...list]
    .filter(through)
    .sort((a, b) => (p.get(b.question.id) ?? 0) - (p.get(a.question.id) ?? 0));
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

/**
 * The highest threshold under which `p` refuses at most `budget` of the answerable questions among
 * `candidates` (a share of all the answerable ones).
 */
function chooseRefusalThreshold(
  list: readonly Outcome[],
  p: ReadonlyMap<string, number>,
  budget: number,
  candidates: readonly Outcome[] = list,
): number {
  const total = list.filter(isAnswerable).length;
  const values = [...new Set(candidates.map((o) => p.get(o.question.id) ?? 0))].sort((a, b) => a - b);
  let threshold = 0;
  for (const value of values) {
    const refused = candidates.filter((o) => isAnswerable(o) && (p.get(o.question.id) ?? 0) < value).length;
    if (refused / Math.max(1, total) > budget) break;
    threshold = value;
  }
  return Number(threshold.toFixed(4));
}

/**
 * The highest refusal threshold that refuses at most MAX_FALSE_REFUSALS of the answerable questions, counting
 * those the off-topic gate already refused; questions answered confidently are never refused.
 */
function chooseInScopeThreshold(
  list: readonly Outcome[],
  pIn: ReadonlyMap<string, number>,
  pCorrect: ReadonlyMap<string, number>,
  correctThreshold: number,
  through: (o: Outcome) => boolean,
): number {
  const gated = list.filter((o) => isAnswerable(o) && !through(o)).length;
  const total = Math.max(1, list.filter(isAnswerable).length);
  const candidates = list.filter((o) => through(o) && (pCorrect.get(o.question.id) ?? 0) < correctThreshold);
  return chooseRefusalThreshold(list, pIn, Math.max(0, MAX_FALSE_REFUSALS - gated / total), candidates);
}

/**
 * One line of figures for a question set under a fitted model, read with an engine whose question index holds
 * the labelled questions `indexed` accepts.
 */
export function describe(
  file: DecisionFile,
  name: string,
  questions: readonly EvalQuestion[],
  indexed: (question: LabelledQuestion) => boolean,
  corpus: Corpus = loadCorpus(),
): string {
  const engine = AnswerEngine.fromCorpus(corpus, {
    decision: decisionModels(file),
    recentAnswers: 0,
  }).withQuestions(indexed);
  const list = questions.map((question) => {
    const answer = engine.ask(question.q);
    const first = answer.passages[0];
    return {
      answerable: question.paras.length > 0,
      top1: first !== undefined && question.paras.includes(first.paragraph),
      tier: answer.confidence,
    };
  });
  const answerable = list.filter((o) => o.answerable);
  const oos = list.filter((o) => !o.answerable);
  const high = answerable.filter((o) => o.tier === "high");
  const share = (part: number, whole: number) => (part / Math.max(1, whole)).toFixed(3);
  return (
    `${name.padEnd(10)} top1 ${share(answerable.filter((o) => o.top1).length, answerable.length)}  refused ${share(answerable.filter((o) => o.tier === "none").length, answerable.length)}  ` +
    `high ${share(high.length, answerable.length)} (right ${share(high.filter((o) => o.top1).length, high.length)})  ` +
    `oos refused ${share(oos.filter((o) => o.tier === "none").length, oos.length)}  oos high ${share(oos.filter((o) => o.tier === "high").length, oos.length)}`
  );
}

/**
 * JSON as the project's formatter (Biome) writes it: two-space indents, and an array of plain values on one
 * line when the line fits in 110 characters.
 */
export function formatJson(value: unknown): string {
  const lines = JSON.stringify(value, null, 2).split("\n");
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.endsWith("[")) {
      const end = lines.findIndex((l, j) => j > i && /^\s*\],?$/.test(l));
      const items = lines.slice(i + 1, end).map((l) => l.trim());
      if (end > i && items.every((item) => !/[[{]/.test(item))) {
        const close = (lines[end] as string).trim().slice(1);
        const joined = `${line}${items.join(" ")}]${close}`;
        if (joined.length <= 110) {
          out.push(joined);
          i = end;
          continue;
        }
      }
    }
    out.push(line);
  }
  return `${out.join("\n")}\n`;
}

function main(): void {
  const { values } = parseArgs({ options: { check: { type: "boolean", default: false } } });
  const corpus = loadCorpus();
  const all = corpusQuestions(corpus);
  const fit = all.filter((q) => q.split === "fit");
  const file = fitDecision({ questions: fit, corpus, log: (line) => process.stderr.write(`${line}\n`) });
  process.stdout.write(
    `thresholds: with questions: onTopic ${file.withQuestions.onTopic.threshold}, correct ${file.withQuestions.correct.threshold}, inScope ${file.withQuestions.inScope.threshold}; ` +
      `coverage only: onTopic ${file.coverageOnly.onTopic.threshold}, correct ${file.coverageOnly.correct.threshold}, inScope ${file.coverageOnly.inScope.threshold}\n`,
  );
  const fitOnly = (q: LabelledQuestion) => q.split === "fit";
  process.stdout.write(
    `${describe(
      file,
      "held-back",
      all.filter((q) => q.split === "held-back"),
      fitOnly,
      corpus,
    )}\n`,
  );
  const dev = devQuestions();
  if (dev.length > 0) process.stdout.write(`${describe(file, "dev", dev, () => true, corpus)}\n`);
  if (!values.check) {
    writeFileSync(DECISION_PATH, formatJson(file));
    process.stdout.write(`wrote ${DECISION_PATH}\n`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) main();
