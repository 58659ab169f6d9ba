import { readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { PROJECT_ROOT } from "../paths.js";

/**
 * Labelled question sets. The project's own sets live in `test/questions/*.jsonl`, one file per voice, each
 * question marked once and for all as `fit` (the models are fitted on it) or `held-back` (never fitted on);
 * the fixture article's questions in `test/fixtures/harbourton/questions.jsonl`; the shared development set
 * outside the repository. Paragraphs are 1-based, as the bot cites them.
 */
export interface LabelledQuestion {
  readonly id: string;
  readonly q: string;
  /** 1-based paragraph numbers that answer it; empty when the coverage does not. */
  readonly paras: readonly number[];
  readonly gold: readonly string[];
  readonly kind: string;
  readonly split: "fit" | "held-back" | "dev" | "fixture";
  /** Which file (voice) it comes from. */
  readonly set: string;
}

const ROOT = PROJECT_ROOT;
export const PROJECT_QUESTIONS_DIR = join(ROOT, "test", "questions");
export const FIXTURE_DIR = join(ROOT, "test", "fixtures", "harbourton");
export const DEV_SET = join(ROOT, "..", "shared", "eval", "dev-questions.jsonl");

function readJsonl(file: string): Record<string, unknown>[] {
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

function toQuestion(
  row: Record<string, unknown>,
  set: string,
  split: LabelledQuestion["split"],
): LabelledQuestion {
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

/** Every question of the project's own sets, with its split. */
export function projectQuestions(): LabelledQuestion[] {
  return readdirSync(PROJECT_QUESTIONS_DIR)
    .filter((name) => name.endsWith(".jsonl"))
    .sort()
    .flatMap((name) =>
      readJsonl(join(PROJECT_QUESTIONS_DIR, name)).map((row) =>
        toQuestion(row, basename(name, ".jsonl"), row.split === "held-back" ? "held-back" : "fit"),
      ),
    );
}

/** The fixture article's questions. */
export function fixtureQuestions(): LabelledQuestion[] {
  return readJsonl(join(FIXTURE_DIR, "questions.jsonl")).map((row) => toQuestion(row, "fixture", "fixture"));
}

/** The shared development set (0-based paragraphs there, 1-based here); empty when it is not beside the repo. */
export function devQuestions(file = DEV_SET): LabelledQuestion[] {
  try {
    return readJsonl(file).map((row) =>
      toQuestion({ ...row, paras: ((row.paras as number[]) ?? []).map((p) => p + 1) }, "dev", "dev"),
    );
  } catch {
    return [];
  }
}
