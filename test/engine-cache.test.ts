import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { loadCorpus } from "../src/corpus/load.js";
import type { Corpus } from "../src/corpus/types.js";
import { AnswerEngine } from "../src/search/engine.js";
import { engineFromCache } from "../src/search/snapshot.js";
import { corpusQuestions, devQuestions } from "../src/tools/questions.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function cacheDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "talks-bot-engine-cache-"));
  dirs.push(dir);
  return dir;
}

let corpus: Corpus;
let built: AnswerEngine;
beforeAll(() => {
  corpus = loadCorpus();
  built = AnswerEngine.fromCorpus(corpus, { recentAnswers: 0 });
});

/** Questions in every voice, the development set's included: what the two engines are compared on. */
const sample = () => [
  ...corpusQuestions(corpus)
    .filter((_, i) => i % 9 === 0)
    .map((q) => q.q),
  ...devQuestions()
    .filter((_, i) => i % 5 === 0)
    .map((q) => q.q),
  "who is mediating?",
  "what's the weather in paris",
  "thanks!",
];

describe("the engine cache", () => {
  it("restores indexes that answer exactly as freshly built ones do", () => {
    const dir = cacheDir();
    engineFromCache(corpus, dir, { recentAnswers: 0 });
    expect(readFileSync(join(dir, "engine.json"), "utf8").length).toBeGreaterThan(1000);
    const restored = engineFromCache(corpus, dir, { recentAnswers: 0 });
    expect(restored.questionCount).toBe(built.questionCount);
    for (const question of sample()) expect(restored.ask(question), question).toEqual(built.ask(question));
  });

  it("builds again, never quoting stale indexes, when the corpus changed", () => {
    const dir = cacheDir();
    engineFromCache(corpus, dir);
    const [first, ...rest] = corpus.articles;
    if (!first) throw new Error("no article");
    const edited: Corpus = {
      ...corpus,
      articles: [
        {
          ...first,
          paragraphs: first.paragraphs.map((p) =>
            p.number === 3
              ? { ...p, text: p.text.replace("Qatar, Egypt and the United States", "Norway alone") }
              : p,
          ),
        },
        ...rest,
      ],
    };
    const answer = engineFromCache(edited, dir).ask("who is brokering the talks?");
    expect(answer.answer).toContain("Norway alone");
  });

  it("ignores a snapshot edited with its key intact, and replaces it", () => {
    const dir = cacheDir();
    engineFromCache(corpus, dir);
    const path = join(dir, "engine.json");
    const file = readFileSync(path, "utf8");
    writeFileSync(path, file.replace("Qatar, Egypt and the United States", "Norway alone"));
    const answer = engineFromCache(corpus, dir).ask("who is brokering the talks?");
    expect(answer.answer).toContain("Qatar, Egypt and the United States");
    expect(readFileSync(path, "utf8")).toBe(file);
  });

  it("works, building every time, when the folder cannot be written", () => {
    const parent = cacheDir();
    const blocked = join(parent, "file");
    writeFileSync(blocked, "not a folder");
    const engine = engineFromCache(corpus, join(blocked, "cache"));
    expect(engine.ask("who is mediating?").best?.paragraph).toBe(3);
  });
});
