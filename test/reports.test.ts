/**
 * Answers across reports: when reports of one story disagree, the newest leads, labelled "as of" its date, and
 * the earlier answer stays visible with its own; a question about a time after the newest report is told how
 * recent the coverage is. On the fictional four-report fixture (test/fixtures/port-ellery).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { answerJson } from "../commands/ask.js";
import { loadCorpus } from "../src/corpus/load.js";
import type { Corpus } from "../src/corpus/types.js";
import { langFor } from "../src/i18n/index.js";
import { AnswerEngine } from "../src/search/engine.js";
import { asksAfter } from "../src/search/reports.js";
import { REPORTS_DIR } from "../src/tools/questions.js";
import { askView } from "../src/views/ask.js";
import { textMarkup } from "../src/views/markup.js";

const NEWEST = "2025-06-04-harbour-wire-dockworkers-accept-deal";
let corpus: Corpus;
let engine: AnswerEngine;

beforeAll(() => {
  corpus = loadCorpus(REPORTS_DIR);
  engine = AnswerEngine.fromCorpus(corpus);
});

describe("reports that disagree", () => {
  it("lead with the newest report, and keep the earlier answer apart, with its date", () => {
    const answer = engine.ask("what is the current pay offer for port ellery dockworkers?");
    expect(answer.best?.articleId).toBe(NEWEST);
    expect(answer.answer).toContain("5% pay rise");
    const earlier = answer.parts[0]?.earlier;
    expect(earlier).toBeDefined();
    expect(earlier?.passage.articleId).not.toBe(NEWEST);
    // Never one report's facts in another's sentence.
    expect(answer.answer).not.toContain(earlier?.text ?? "<none>");
    expect(answer.passages[0]).toMatchObject({ articleId: NEWEST });

    const card = askView({ markup: textMarkup, lang: langFor("en") }, corpus, answer).cards[0];
    expect(card?.description).toContain("As of 4 June 2025:");
    expect(card?.fields?.some((f) => /^Earlier, as of \d+ \w+ 2025$/.test(f.name))).toBe(true);

    const json = answerJson(answer, corpus);
    expect(json.passages[0]).toMatchObject({ article: NEWEST, published: "2025-06-04" });
    expect(json.earlier).toMatchObject({ published: expect.stringMatching(/^2025-0[45]-/) });
  });

  it("do not let a newer report of another story take the lead", () => {
    const both = AnswerEngine.fromCorpus({
      ...loadCorpus(),
      articles: [...loadCorpus().articles, ...corpus.articles],
    });
    const answer = both.ask("who is brokering the talks?");
    expect(answer.best).toMatchObject({ articleId: "cnn-2024-02-22-ceasefire-talks", paragraph: 3 });
    expect(answer.parts[0]?.earlier).toBeUndefined();
  });
});

describe("questions about a time after the newest report", () => {
  it("are told how recent the coverage is, answered or not", () => {
    for (const question of ["is the port still congested?", "what happened at port ellery in july 2025"]) {
      const answer = engine.ask(question);
      expect(answer.newestReport, question).toEqual({
        source: "Harbour Wire (fictional)",
        published: "2025-06-04",
      });
      const card = askView({ markup: textMarkup, lang: langFor("en") }, corpus, answer).cards[0];
      expect(card?.description, question).toContain("The newest report I have is from 4 June 2025");
    }
    expect(engine.ask("who leads the terminal operators?").newestReport).toBeUndefined();
  });

  it("are told apart by years, months, seasons and words for now", () => {
    const newest = "2024-02-22";
    for (const q of ["was a ceasefire agreed in march 2024?", "did the hostages come home in 2025?"])
      expect(asksAfter(q, newest), q).toBe(true);
    for (const q of ["is netanyahu still refusing?", "what's the latest on the talks", "any deal yet?"])
      expect(asksAfter(q, newest), q).toBe(true);
    expect(asksAfter("did the deal hold through the summer?", newest)).toBe(true);
    for (const q of ["who is mediating?", "what happened in january 2024", "when does ramadan begin?"])
      expect(asksAfter(q, newest), q).toBe(false);
  });
});
