import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DECISION_PATH, decisionModels, loadDecisionModel } from "../src/search/decision.js";
import { WORD_VECTORS_PATH, WordVectors, WordVectorsError } from "../src/search/word-vectors.js";
import { fitDecision } from "../src/tools/fit-decision.js";
import { fitConditionalLogit, fitLogistic } from "../src/tools/logistic.js";
import { corpusQuestions } from "../src/tools/questions.js";

const dir = mkdtempSync(join(tmpdir(), "talks-bot-model-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("word vectors", () => {
  it("load the shipped artifact and compare words by meaning", () => {
    const vectors = WordVectors.load();
    expect(vectors.size).toBeGreaterThan(50_000);
    const sim = (a: string, b: string) => vectors.similarity(vectors.id(a), vectors.id(b));
    expect(sim("truce", "ceasefire")).toBeGreaterThan(0.8);
    expect(sim("captives", "hostages")).toBeGreaterThan(0.8);
    expect(sim("football", "ceasefire")).toBeLessThan(0.3);
    expect(vectors.id("nosuchwordatall")).toBe(-1);
  });

  it("stop with one line naming the file and the rebuild command when the artifact is missing or damaged", () => {
    const bytes = readFileSync(WORD_VECTORS_PATH);
    const cases: [string, Buffer | null, RegExp][] = [
      ["missing.bin", null, /file not found/],
      ["flipped.bin", Buffer.from(bytes.map((b, i) => (i === bytes.length - 5 ? b ^ 0xff : b))), /checksum/],
      ["truncated.bin", bytes.subarray(0, bytes.length - 1000), /truncated/],
      ["other.bin", Buffer.from("hello\n"), /not a word-vector file/],
    ];
    for (const [name, content, problem] of cases) {
      const path = join(dir, name);
      if (content) writeFileSync(path, content);
      expect(() => WordVectors.load(path), name).toThrow(WordVectorsError);
      try {
        WordVectors.load(path);
      } catch (error) {
        const message = (error as Error).message;
        expect(message, name).toMatch(problem);
        expect(message, name).toContain(name);
        expect(message, name).toContain("npm run build:vectors");
        expect(message.split("\n"), name).toHaveLength(1);
      }
    }
  });
});

describe("the decision model", () => {
  it("loads the shipped weights", () => {
    const models = loadDecisionModel();
    expect(typeof models.withQuestions.tier).toBe("function");
    expect(typeof models.coverageOnly.tier).toBe("function");
    const file = JSON.parse(readFileSync(DECISION_PATH, "utf8")) as { fitted: { questions: number } };
    expect(file.fitted.questions).toBeGreaterThanOrEqual(300);
  });

  it("names the file and the refit command when the weights are missing or malformed", () => {
    const bad = join(dir, "decision.json");
    writeFileSync(bad, JSON.stringify({ version: 2, withQuestions: { rank: { features: ["x"] } } }));
    expect(() => loadDecisionModel(bad)).toThrow(/decision\.json: malformed .*npm run fit/);
    expect(() => loadDecisionModel(join(dir, "none.json"))).toThrow(/file not found.*npm run fit/);
    copyFileSync(DECISION_PATH, bad);
    expect(() => loadDecisionModel(bad)).not.toThrow();
  });

  it("stops on weights that are not finite or beyond sane bounds, naming the file and the refit", () => {
    const bad = join(dir, "decision.json");
    const shipped = JSON.parse(readFileSync(DECISION_PATH, "utf8")) as {
      withQuestions: { correct: { weights: number[]; bias: number }; inScope: { scale: number[] } };
    };
    const withChange = (change: (file: typeof shipped) => void) => {
      const file = structuredClone(shipped);
      change(file);
      writeFileSync(bad, JSON.stringify(file));
      return () => loadDecisionModel(bad);
    };
    // JSON has no Infinity: 1e308 is as close as a file gets, and it would make every answer the same.
    expect(
      withChange((f) => {
        f.withQuestions.correct.weights[0] = 1e308;
      }),
    ).toThrow(
      /decision\.json: malformed \(withQuestions\.correct\.weights\.0: must be finite and within ±100\).*npm run fit/,
    );
    expect(
      withChange((f) => {
        f.withQuestions.correct.bias = -1e6;
      }),
    ).toThrow(/withQuestions\.correct\.bias: must be finite and within ±100/);
    expect(
      withChange((f) => {
        f.withQuestions.inScope.scale[0] = 0;
      }),
    ).toThrow(/withQuestions\.inScope\.scale\.0: must be positive/);
  });
});

describe("fitting", () => {
  it("logistic regression recovers the direction of known weights", () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const samples = Array.from({ length: 600 }, () => {
      const a = random() * 2 - 1;
      const b = random() * 2 - 1;
      const p = 1 / (1 + Math.exp(-(3 * a - 2 * b)));
      return { x: { a, b, noise: random() }, y: (random() < p ? 1 : 0) as 0 | 1 };
    });
    const model = fitLogistic(samples, ["a", "b", "noise"], 0.1);
    const [a = 0, b = 0, noise = 0] = model.weights;
    expect(a).toBeGreaterThan(0.5);
    expect(b).toBeLessThan(-0.5);
    expect(Math.abs(noise)).toBeLessThan(Math.abs(a) / 3);
  });

  it("the conditional logit learns to put the right candidate first", () => {
    const groups = Array.from({ length: 50 }, (_, g) => ({
      x: [0, 1, 2].map((i) => ({ good: i === g % 3 ? 1 : 0, noise: ((g * 7 + i * 3) % 5) / 5 })),
      gold: [0, 1, 2].map((i) => i === g % 3),
    }));
    const model = fitConditionalLogit(groups, ["good", "noise"], 0.1);
    expect(model.weights[0]).toBeGreaterThan(Math.abs(model.weights[1] ?? 0));
  });

  it("the refit script's fit produces weights the engine accepts", () => {
    const sample = corpusQuestions()
      .filter((q) => q.split === "fit")
      .filter((_, i) => i % 4 === 0);
    const file = fitDecision({
      questions: sample,
      lambdas: [1],
      rankFeatures: ["sentence", "bm25", "typeFit"],
    });
    expect(() => decisionModels(file)).not.toThrow();
    expect(file.fitted.questions).toBe(sample.length);
    for (const set of [file.withQuestions, file.coverageOnly]) {
      expect(set.rank.features).toEqual(["sentence", "bm25", "typeFit"]);
      for (const model of [set.rank, set.onTopic, set.inScope, set.correct]) {
        for (const w of model.weights) expect(Number.isFinite(w)).toBe(true);
      }
      expect(set.correct.threshold).toBeGreaterThanOrEqual(0);
      expect(set.correct.threshold).toBeLessThanOrEqual(1);
    }
  });
});
