import { readFileSync } from "node:fs";
import { join } from "node:path";
import { loadCorpus } from "../corpus/load.js";
import type { Corpus } from "../corpus/types.js";
import { PROJECT_ROOT } from "../paths.js";

/**
 * Question sets the tools fit on and measure with. The labelled questions live in the corpus
 * (`corpus/questions/*.jsonl`), each marked once and for all as `fit` (the models are fitted on it and the
 * question index holds it) or `held-back` (never fitted on); the fixture article's questions in
 * `test/fixtures/harbourton/questions.jsonl`; the shared development set outside the repository. Paragraphs
 * are 1-based, as the bot cites them.
 */
export interface EvalQuestion {
  readonly id: string;
  readonly q: string;
  /** 1-based paragraph numbers that answer it; empty when the coverage does not. */
  readonly paras: readonly number[];
  readonly gold: readonly string[];
  readonly kind: string;
  readonly split: "fit" | "held-back" | "dev" | "fixture";
  /** Which voice (question set) it comes from. */
  readonly set: string;
}

export const FIXTURE_DIR = join(PROJECT_ROOT, "test", "fixtures", "harbourton");
export const DEV_SET = join(PROJECT_ROOT, "..", "shared", "eval", "dev-questions.jsonl");

function readJsonl(file: string): Record<string, unknown>[] {
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

function fromRow(row: Record<string, unknown>, set: string, split: EvalQuestion["split"]): EvalQuestion {
  return {
    id: String(row.id),
    q: String(row.q),
    paras: (row.paras as number[]) ?? [],
    gold: (row.gold as string[]) ?? [],
    kind: String(row.kind ?? ""),
    split,
    set,
  };
}

/** Every labelled question of the corpus (the shipped one by default), with its split. */
export function corpusQuestions(corpus: Corpus = loadCorpus()): EvalQuestion[] {
  return corpus.questions.map((question) => ({
    id: question.id,
    q: question.text,
    paras: question.paragraphs,
    gold: question.gold,
    kind: question.kind,
    split: question.split,
    set: question.voice,
  }));
}

/** The fixture article's questions. */
export function fixtureQuestions(): EvalQuestion[] {
  return readJsonl(join(FIXTURE_DIR, "questions.jsonl")).map((row) => fromRow(row, "fixture", "fixture"));
}

/** The shared development set (0-based paragraphs there, 1-based here); empty when it is not beside the repo. */
export function devQuestions(file = DEV_SET): EvalQuestion[] {
  try {
    return readJsonl(file).map((row) =>
      fromRow({ ...row, paras: ((row.paras as number[]) ?? []).map((p) => p + 1) }, "dev", "dev"),
    );
  } catch {
    return [];
  }
}
