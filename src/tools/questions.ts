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
  /** In a corpus of several reports: the report whose paragraphs `paras` are (absent: the only one). */
  readonly article?: string | undefined;
  /** The answer changed between reports: `article` is the newest that gives it, `earlier` an older one. */
  readonly earlier?: { readonly article: string; readonly paras: readonly number[] } | undefined;
}

export const FIXTURE_DIR = join(PROJECT_ROOT, "test", "fixtures", "harbourton");
/** Four fictional reports of one story whose facts change between them, and questions about them. */
export const REPORTS_DIR = join(PROJECT_ROOT, "test", "fixtures", "port-ellery");
/** Two more such stories, to tune answers across reports on (REPORTS_DIR measures them). */
export const TUNING_REPORTS_DIRS = ["veyl-river", "halvenport-nurses"].map((name) =>
  join(PROJECT_ROOT, "test", "fixtures", name),
);
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

/** The paragraphs of `articleId` that hold one of `gold`; throws when a phrase is in none of them. */
function paragraphsOf(corpus: Corpus, articleId: string, gold: readonly string[], id: string): number[] {
  const article = corpus.articles.find((a) => a.id === articleId);
  if (!article) throw new Error(`questions: ${id}: no article ${articleId}`);
  return gold.map((phrase) => {
    const found = article.paragraphs.find((p) => p.text.includes(phrase));
    if (!found) throw new Error(`questions: ${id}: "${phrase}" is not in ${articleId}`);
    return found.number;
  });
}

/**
 * A fictional story's questions (`test/fixtures/port-ellery/questions.jsonl` and the like): the answering report and
 * paragraphs from the gold phrases, the superseded answer of a fact that changed, and `after-newest` for a
 * question about a time after the newest report (no answer: the bot should say how recent its coverage is).
 */
export function reportsQuestions(dir = REPORTS_DIR, corpus: Corpus = loadCorpus(dir)): EvalQuestion[] {
  return readJsonl(join(dir, "questions.jsonl")).map((row) => {
    const id = String(row.id);
    const article = typeof row.article === "string" ? row.article : undefined;
    const gold = (row.gold as string[]) ?? [];
    const earlier = row.earlier as { article: string; gold: string[] } | undefined;
    return {
      ...fromRow(
        { ...row, paras: article ? paragraphsOf(corpus, article, gold, id) : [] },
        "reports",
        "fixture",
      ),
      article,
      earlier: earlier
        ? { article: earlier.article, paras: paragraphsOf(corpus, earlier.article, earlier.gold, id) }
        : undefined,
    };
  });
}
