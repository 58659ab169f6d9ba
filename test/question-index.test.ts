import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.js";
import { loadCorpus } from "../src/corpus/load.js";
import type { Corpus } from "../src/corpus/types.js";
import { createLogger } from "../src/logger.js";
import { createContext } from "../src/runtime/context.js";
import { AnswerEngine } from "../src/search/engine.js";
import { CrossFitBench, foldOf } from "../src/tools/fit-decision.js";
import { corpusQuestions, FIXTURE_DIR, REPORTS_DIR } from "../src/tools/questions.js";

const ARTICLE = "cnn-2024-02-22-ceasefire-talks";
let corpus: Corpus;
let engine: AnswerEngine;

beforeAll(() => {
  corpus = loadCorpus();
  engine = AnswerEngine.fromCorpus(corpus, { recentAnswers: 0 });
});

describe("the question index", () => {
  it("holds the corpus's labelled questions, and its nearest ones vote for the paragraphs they were labelled with", () => {
    expect(engine.questionCount).toBeGreaterThan(1000);
    const { votes, ranked } = engine.analyse("which countries are mediating").parts[0] ?? {};
    expect(votes?.neighbours.length).toBeGreaterThan(0);
    // Paragraph 3 names the brokers: the questions nearest to this one were labelled with it.
    const mostVotes = [...(ranked ?? [])].sort((a, b) => b.features.votes - a.features.votes)[0];
    expect(mostVotes?.doc).toMatchObject({ articleId: ARTICLE, paragraph: 3 });
    expect(ranked?.[0]?.doc.paragraph).toBe(3);
  });

  it("says when the nearest labelled questions are ones the coverage does not answer", () => {
    const onTopic = engine.analyse("how many hostages have died in captivity so far").parts[0];
    const answerable = engine.analyse("how many people have fled to rafah").parts[0];
    expect(onTopic?.votes.outOfScope).toBeGreaterThan(answerable?.votes.outOfScope ?? 1);
    const offTopic = engine.analyse("what's a good pizza place in new york").parts[0];
    expect(offTopic?.votes.domain).toBeLessThan(answerable?.votes.domain ?? 0);
  });

  it("gives a labelled twin its label: confident for an answered question, refused for one the coverage does not answer", () => {
    const answered = engine.ask("Who is brokering the talks?");
    expect(answered.confidence).toBe("high");
    expect(answered.best).toMatchObject({ articleId: ARTICLE, paragraph: 3 });
    const twin = corpus.questions.find((q) => q.articleId === ARTICLE && q.kind === "oos");
    expect(twin).toBeDefined();
    expect(engine.ask(twin?.text ?? "").confidence).toBe("none");
  });

  it("marks the paragraphs of an article no one labelled as uncovered, and only those", () => {
    const reports = loadCorpus(REPORTS_DIR);
    const mixed = AnswerEngine.fromCorpus({ ...corpus, articles: [...corpus.articles, ...reports.articles] });
    const { ranked, votes } = mixed.analyse("what is the pay offer for the dockworkers?").parts[0] ?? {};
    expect(votes?.covered.size).toBeGreaterThanOrEqual(28);
    const cnn = ranked?.filter((c) => c.doc.articleId === ARTICLE) ?? [];
    const port = ranked?.filter((c) => c.doc.articleId !== ARTICLE) ?? [];
    expect(cnn.length).toBeGreaterThan(0);
    expect(port.length).toBeGreaterThan(0);
    for (const c of cnn) expect(c.features.uncovered, `¶${c.doc.paragraph}`).toBe(0);
    for (const c of port) expect(c.features.uncovered, `${c.doc.articleId} ¶${c.doc.paragraph}`).toBe(1);
    expect(ranked?.[0]?.doc.articleId).not.toBe(ARTICLE);
  });

  it("answers a corpus without labelled questions from the coverage alone, and the log says so", async () => {
    const fixture = loadCorpus(FIXTURE_DIR);
    expect(fixture.questions).toEqual([]);
    const alone = AnswerEngine.fromCorpus(fixture);
    expect(alone.questionCount).toBe(0);
    expect(alone.ask("how much do the drivers earn an hour?").answer).toContain("$31.40");

    const lines: string[] = [];
    const dir = mkdtempSync(join(tmpdir(), "talks-bot-qi-"));
    try {
      const logger = createLogger({ level: "info", write: (line) => lines.push(line) });
      const config = loadConfig({ CORPUS_DIR: FIXTURE_DIR, CACHE_DIR: dir }, { cwd: dir });
      await createContext({ config, logger });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(lines.join("\n")).toContain("no labelled questions");
  });
});

describe("cross-fitting", () => {
  let bench: CrossFitBench;
  const fitQuestions = () => corpusQuestions(corpus).filter((q) => q.split === "fit");

  beforeAll(() => {
    bench = new CrossFitBench(corpus, new Set(fitQuestions().map((q) => q.id)));
  });

  it("reads every fit question with an index that holds neither it nor any question of its fold", () => {
    const sample = fitQuestions().filter((_, i) => i % 7 === 0);
    expect(sample.length).toBeGreaterThan(80);
    for (const question of sample) {
      for (const part of bench.analyse(question).parts) {
        for (const { question: neighbour } of part.votes.neighbours) {
          expect(neighbour.id, question.id).not.toBe(question.id);
          expect(foldOf(neighbour.id), question.id).not.toBe(foldOf(question.id));
          expect(neighbour.split, question.id).toBe("fit");
        }
      }
    }
  });

  it("never lets a question meet itself, though the shipped index would find it word for word", () => {
    const question = fitQuestions().find((q) => q.q === "who is mediating?");
    expect(question).toBeDefined();
    if (!question) return;
    const shipped = engine.analyse(question.q).parts[0]?.votes;
    expect(shipped?.neighbours.find((n) => n.question.id === question.id)?.similarity).toBeCloseTo(1);
    const crossFitted = bench.analyse(question).parts[0]?.votes;
    expect(crossFitted?.neighbours.some((n) => n.question.id === question.id)).toBe(false);
  });
});
