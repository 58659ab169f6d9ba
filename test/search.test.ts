import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { loadCorpus } from "../src/corpus/load.js";
import type { Article, Corpus } from "../src/corpus/types.js";
import { UserFacingError } from "../src/errors.js";
import { AnswerEngine, MAX_QUESTION_LENGTH, plainMiniSearchBaseline } from "../src/search/engine.js";
import { evaluate, FIGURES_HEADER, type Figures, figuresRow } from "../src/search/evaluate.js";
import { findPeople } from "../src/search/people.js";
import { splitSentences } from "../src/search/sentences.js";
import {
  ANSWERABLE,
  HELD_OUT_ANSWERABLE,
  HELD_OUT_UNANSWERABLE,
  QUESTION_ARTICLE,
  UNANSWERABLE,
} from "./questions.js";

let corpus: Corpus;
let engine: AnswerEngine;

beforeAll(() => {
  corpus = loadCorpus();
  engine = AnswerEngine.fromCorpus(corpus);
});

const paragraphs = (question: string) => engine.ask(question).passages.map((p) => p.paragraph);

describe("question set", () => {
  let ours: Figures;

  beforeAll(() => {
    ours = evaluate((q) => engine.ask(q).passages, [...ANSWERABLE, ...UNANSWERABLE], QUESTION_ARTICLE);
  });

  it("has enough questions of every kind", () => {
    expect(ANSWERABLE.length + UNANSWERABLE.length).toBeGreaterThanOrEqual(60);
    expect(UNANSWERABLE.length).toBeGreaterThanOrEqual(15);
    const questions = [...ANSWERABLE, ...UNANSWERABLE, ...HELD_OUT_ANSWERABLE, ...HELD_OUT_UNANSWERABLE].map(
      (c) => c.q,
    );
    expect(new Set(questions).size).toBe(questions.length);
    const count = corpus.articles.find((a) => a.id === QUESTION_ARTICLE)?.paragraphs.length ?? 0;
    for (const c of [...ANSWERABLE, ...HELD_OUT_ANSWERABLE]) {
      for (const n of c.expect ?? []) expect(n, c.q).toBeLessThanOrEqual(count);
    }
  });

  it("puts a correct paragraph first for at least 85% of answerable questions", () => {
    expect(ours.top1 / ours.answerable, JSON.stringify(ours.misses, null, 1)).toBeGreaterThanOrEqual(0.85);
  });

  it("refuses at least 80% of the questions the coverage does not answer", () => {
    expect(
      ours.unanswerableRefused / ours.unanswerable,
      JSON.stringify(ours.misses, null, 1),
    ).toBeGreaterThanOrEqual(0.8);
  });

  it("refuses at most 5% of answerable questions", () => {
    expect(ours.answerableRefused / ours.answerable).toBeLessThanOrEqual(0.05);
  });

  it("reports the figures against plain MiniSearch", () => {
    const baseline = plainMiniSearchBaseline(corpus);
    const tuned = [...ANSWERABLE, ...UNANSWERABLE];
    const heldOut = [...HELD_OUT_ANSWERABLE, ...HELD_OUT_UNANSWERABLE];
    const base = evaluate((q) => baseline.ask(q), tuned, QUESTION_ARTICLE);
    const oursHeldOut = evaluate((q) => engine.ask(q).passages, heldOut, QUESTION_ARTICLE);
    const baseHeldOut = evaluate((q) => baseline.ask(q), heldOut, QUESTION_ARTICLE);
    console.log(
      [
        FIGURES_HEADER,
        figuresRow("AnswerEngine, question set", ours),
        figuresRow("plain MiniSearch, question set", base),
        figuresRow("AnswerEngine, held-out set", oursHeldOut),
        figuresRow("plain MiniSearch, held-out set", baseHeldOut),
      ].join("\n"),
    );
    expect(ours.top1).toBeGreaterThan(base.top1);
    expect(oursHeldOut.top1).toBeGreaterThanOrEqual(baseHeldOut.top1);
  });
});

describe("ask", () => {
  it("answers the Rafah question with the 1.5 million figure from paragraph 2", () => {
    const answer = engine.ask("how many people fled to rafah");
    expect(answer.best?.paragraph).toBe(2);
    expect(answer.best?.articleId).toBe(QUESTION_ARTICLE);
    expect(answer.answer).toContain("1.5 million");
    expect(answer.passages[0]).toEqual(answer.best);
  });

  it("ranks the paragraph with every term above those with one", () => {
    expect(paragraphs("hostage coordinator")).toEqual([15, 9]);
    expect(paragraphs("mcgurk cairo")[0]).toBe(9);
    expect(paragraphs("burns paris")[0]).toBe(10);
    expect(paragraphs("kirby un vote")[0]).toBe(29);
  });

  it("orders passages best first", () => {
    const { passages } = engine.ask("netanyahu");
    expect(passages.length).toBeGreaterThan(1);
    expect(passages.length).toBeLessThanOrEqual(5);
    for (let i = 1; i < passages.length; i += 1) {
      expect(passages[i - 1]?.score ?? 0).toBeGreaterThanOrEqual(passages[i]?.score ?? 0);
    }
  });

  it("tolerates typos in longer words", () => {
    expect(paragraphs("is netanyhu ready for a deal")[0]).toBe(6);
    expect(paragraphs("ceasfire before ramadan")[0]).toBe(1);
    expect(paragraphs("hostges medicine proof")[0]).toBe(14);
  });

  it("does not guess at short words or numbers", () => {
    // "pope" is one letter from "hope", "10" from "100": neither may count as a match.
    expect(engine.ask("what did the pope say").answer).toBeNull();
    expect(engine.ask("how many hostages were released in 2019").answer).toBeNull();
  });

  it("matches synonyms and aliases from corpus/aliases.yaml", () => {
    expect(paragraphs("did bibi reject the hamas offer")[0]).toBe(11);
    expect(paragraphs("what is the spy chief doing in paris")[0]).toBe(10);
    expect(paragraphs("idf withdrawal from gaza")[0]).toBe(12);
    expect(paragraphs("who are the mediators")[0]).toBe(3);
    expect(paragraphs("did the us veto the un resolution")[0]).toBe(26);
  });

  it("finds people from their title when the paragraph only has their surname", () => {
    // Paragraph 10 says "Burns is expected to travel to Paris"; paragraph 9 introduced "CIA Director Bill Burns".
    expect(paragraphs("where is the cia director going on friday")[0]).toBe(10);
  });

  it("completes a half-typed last word", () => {
    expect(paragraphs("what did kir")[0]).toBe(29);
    expect(engine.ask("what did kir?").answer).toBeNull();
  });

  it("refuses, with no passages, when the coverage does not answer", () => {
    for (const q of [
      "who won the super bowl",
      "weather in paris on friday",
      "is there a ceasefire in lebanon",
    ]) {
      const answer = engine.ask(q);
      expect(answer, q).toEqual({ question: q, answer: null, best: null, passages: [] });
    }
  });

  it("does not count words every article uses as an answer", () => {
    for (const q of ["gaza", "israel hamas war", "what about the war in gaza"])
      expect(engine.ask(q).answer, q).toBeNull();
  });

  it("refuses questions with no content words", () => {
    expect(engine.ask("what is it?").answer).toBeNull();
    expect(engine.ask("🙂🙂").answer).toBeNull();
  });

  it("rejects empty and over-long questions with a message that gives the limit", () => {
    for (const q of ["", "   ", "\n\t"]) expect(() => engine.ask(q)).toThrow(UserFacingError);
    const long = "rafah ".repeat(200);
    expect(() => engine.ask(long)).toThrow(UserFacingError);
    expect(() => engine.ask(long)).toThrow(String(MAX_QUESTION_LENGTH));
    expect(() => engine.ask("a".repeat(MAX_QUESTION_LENGTH))).not.toThrow();
    expect(MAX_QUESTION_LENGTH).toBe(1000);
  });

  it("quotes whole sentences verbatim from the best paragraph", () => {
    for (const { q } of [...ANSWERABLE, ...HELD_OUT_ANSWERABLE]) {
      const { answer, best } = engine.ask(q);
      if (answer === null || best === null) continue;
      expect(best.text, q).toContain(answer);
      const starts = splitSentences(best.text).map((s) => s.start);
      expect(starts, q).toContain(best.text.indexOf(answer));
    }
  });

  it("adds the attribution to a quotation that lacks it", () => {
    const { answer } = engine.ask("what did kirby say about the un vote");
    expect(answer).toContain("John Kirby said");
    expect(answer).toContain("if we just voted");
  });

  it("adds the previous sentence when the best one starts with 'This'", () => {
    const { answer } = engine.ask("when did the us first use the word ceasefire at the un");
    expect(answer).toMatch(/^Instead, the US began circulating/);
    expect(answer).toContain("This was the first time");
  });

  it("answers every question with the answer inside a returned passage or refuses cleanly", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", minLength: 1, maxLength: 200 }), (q) => {
        if (q.trim().length === 0) return;
        const { answer, best, passages } = engine.ask(q);
        if (answer === null) {
          expect(best).toBeNull();
          expect(passages).toEqual([]);
        } else {
          expect(best?.text).toContain(answer);
          expect(passages.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe("suggest", () => {
  it("offers at most 25 questions of at most 100 characters", () => {
    for (const partial of ["", "what", "rafah", "how many h", "w"]) {
      const suggestions = engine.suggest(partial);
      expect(suggestions.length, partial).toBeLessThanOrEqual(25);
      for (const s of suggestions) expect(s.length).toBeLessThanOrEqual(100);
    }
    expect(engine.suggest("").length).toBeGreaterThan(0);
    expect(engine.suggest("", 3)).toHaveLength(3);
    expect(engine.suggest("what", 0)).toEqual([]);
  });

  it("ranks questions that match what was typed first", () => {
    expect(engine.suggest("kir")[0]).toMatch(/Kirby/);
    expect(engine.suggest("bibi")[0]).toMatch(/Netanyahu/);
    expect(engine.suggest("when does r")[0]).toMatch(/Ramadan/);
    expect(engine.suggest("ceasfire").every((s) => /ceasefire/i.test(s))).toBe(true);
  });

  it("suggests only questions the engine answers", () => {
    const all = engine.suggestions();
    expect(all.length).toBeGreaterThanOrEqual(25);
    for (const q of all) {
      expect(q.length, q).toBeLessThanOrEqual(100);
      expect(engine.ask(q).answer, q).not.toBeNull();
    }
  });

  it("generates a 'What did X say?' suggestion for each person the coverage quotes", () => {
    const all = engine.suggestions();
    for (const name of ["John Kirby", "Benny Gantz", "Gal Hirsch", "Majed Al-Ansari"]) {
      expect(all, name).toContain(`What did ${name} say?`);
    }
    // Named only inside someone else's quotation: not quoted.
    expect(all).not.toContain("What did Benjamin Netanyahu say?");
  });

  it("never throws, whatever is typed", () => {
    for (const partial of ["x".repeat(6000), "🙂🙂🙂", ".*+?^$(){}|[]\\", "\u0000\uffff", "\ud800", "   "]) {
      const suggestions = engine.suggest(partial);
      expect(suggestions.length).toBeLessThanOrEqual(25);
    }
    fc.assert(
      fc.property(
        fc.string({ unit: "binary", maxLength: 400 }),
        fc.integer({ min: -5, max: 40 }),
        (partial, limit) => {
          const suggestions = engine.suggest(partial, limit);
          expect(suggestions.length).toBeLessThanOrEqual(Math.max(0, limit));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("people", () => {
  it("finds people introduced with a title or a role, and who is quoted", () => {
    const article = corpus.articles.find((a) => a.id === QUESTION_ARTICLE);
    if (!article) throw new Error("seed article missing");
    const people = new Map(findPeople(article).map((p) => [p.name, p]));
    expect(people.get("Bill Burns")?.descriptions).toContain("CIA Director Bill Burns");
    expect(people.get("Gal Hirsch")?.descriptions.join(" ")).toMatch(/hostage coordinator/);
    expect(people.get("John Kirby")?.speaker).toBe(true);
    expect(people.get("Bill Burns")?.speaker).toBe(false);
    expect(people.has("Supporting Algeria")).toBe(false);
  });
});

describe("a second article", () => {
  const FIXTURE_ID = "fixture-2024-03-01-examplehaven";
  const fixture = (): Article => {
    const texts = [
      "Officials in the port of Examplehaven said a maritime aid corridor would open on Sunday, according to a statement.",
      "“The first ship is loaded and ready,” Port Director Jo Quillon said on Thursday.",
      "The corridor is expected to carry flour and fuel, officials said.",
    ];
    return {
      id: FIXTURE_ID,
      title: "Test fixture: Examplehaven aid corridor",
      source: "Fixture",
      published: "2024-03-01",
      publishedInferred: false,
      byline: [],
      contributors: [],
      file: `articles/${FIXTURE_ID}.md`,
      paragraphs: texts.map((text, i) => ({ articleId: FIXTURE_ID, number: i + 1, text })),
      notes: [],
    };
  };

  it("makes the new paragraphs searchable and cites them with their own article id", () => {
    expect(engine.ask("when will the examplehaven aid corridor open").answer).toBeNull();
    const both = AnswerEngine.fromCorpus({ ...corpus, articles: [fixture(), ...corpus.articles] });
    expect(both.size).toBe(engine.size + 3);
    const answer = both.ask("when will the examplehaven aid corridor open");
    expect(answer.best).toMatchObject({ articleId: FIXTURE_ID, paragraph: 1 });
    expect(answer.answer).toContain("would open on Sunday");
    expect(both.ask("what did the port director say").best).toMatchObject({
      articleId: FIXTURE_ID,
      paragraph: 2,
    });
    const rafah = both.ask("how many people fled to rafah");
    expect(rafah.best).toMatchObject({ articleId: QUESTION_ARTICLE, paragraph: 2 });
    expect(both.suggestions()).toContain("What did Jo Quillon say?");
  });
});
