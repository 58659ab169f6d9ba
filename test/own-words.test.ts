/**
 * The bot's own words: every question talks-bot offers (questions.yaml, the suggestions after a refusal,
 * autocomplete, /help's examples, the README's examples) is answered with confidence, from the right paragraph.
 * And what is not a question about the coverage (another subject, a greeting, thanks) gets no paragraph.
 */
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { loadCorpus } from "../src/corpus/load.js";
import type { Corpus } from "../src/corpus/types.js";
import { englishText, LOCALES, langFor } from "../src/i18n/index.js";
import { QuoteBook } from "../src/quotes.js";
import { AnswerEngine } from "../src/search/engine.js";
import { askView } from "../src/views/ask.js";
import { textMarkup } from "../src/views/markup.js";

let corpus: Corpus;
let engine: AnswerEngine;

beforeAll(() => {
  corpus = loadCorpus();
  engine = AnswerEngine.fromCorpus(corpus, {
    speakers: () => QuoteBook.fromCorpus(corpus).namesQuotedInFull(),
  });
});

/** The paragraphs a labelled question with this text (case aside) is answered by. */
function labelled(question: string): readonly number[] {
  const found = corpus.questions.find((q) => q.text.toLowerCase() === question.toLowerCase());
  return found?.paragraphs ?? [];
}

function expectConfidentFromTheRightParagraph(question: string) {
  const answer = engine.ask(question);
  expect(answer.confidence, question).toBe("high");
  const paragraphs = labelled(question);
  expect(
    paragraphs.length,
    `${question}: a labelled question says which paragraph answers it`,
  ).toBeGreaterThan(0);
  expect(paragraphs, question).toContain(answer.best?.paragraph);
}

describe("the bot's own words get confident answers", () => {
  it("every question of questions.yaml is offered and answered from its paragraph", () => {
    expect(corpus.suggestedQuestions.length).toBeGreaterThanOrEqual(25);
    const offered = engine.suggestions();
    for (const question of corpus.suggestedQuestions) {
      expect(offered, question).toContain(question);
      expectConfidentFromTheRightParagraph(question);
    }
  });

  it("every suggestion, autocomplete's and a refusal's included, is answered with confidence", () => {
    const offered = new Set(engine.suggestions());
    for (const typed of ["", "who", "how many", "rafah", "what did", "kirb", "ramadan", "medicine", "zzz"]) {
      for (const suggestion of engine.suggest(typed)) expect(offered, typed).toContain(suggestion);
    }
    for (const question of offered) {
      const answer = engine.ask(question);
      expect(answer.confidence, question).toBe("high");
      const speaker = /^What did (.+) say\?$/.exec(question)?.[1];
      if (speaker) expect(answer.best?.text, question).toContain(speaker.split(" ").pop());
      else expect(labelled(question), question).toContain(answer.best?.paragraph);
    }
  });

  it("/help's example questions, in every language", () => {
    for (const locale of LOCALES) {
      const tips = langFor(locale.code).t("help.tips");
      const examples = [...tips.matchAll(/[a-z][a-z' ]+[a-z]\?/gi)].map((m) => m[0]);
      expect(examples.length, locale.code).toBeGreaterThanOrEqual(2);
      for (const example of examples) expectConfidentFromTheRightParagraph(example);
    }
    expect(englishText("help.tips")).toContain("who is brokering the deal?");
  });

  it("every question the README shows, answered or refused as it shows", () => {
    const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
    const shown = [
      ...[...readme.matchAll(/talks-bot ask "([^"]+)"/g)].map((m) => m[1] as string),
      ...[...readme.matchAll(/\/ask question: ([^"`\n]+?)\s*(?:["`]|\n|$)/g)].map((m) =>
        (m[1] as string).trim(),
      ),
    ];
    expect(shown).toContain("who is mediating?");
    // The README's one example of a refusal.
    const refused = new Set(["who won the super bowl?"]);
    for (const question of new Set(shown)) {
      if (refused.has(question)) expect(engine.ask(question).confidence, question).toBe("none");
      else expectConfidentFromTheRightParagraph(question);
    }
  });
});

describe("messages that are not about the coverage", () => {
  it("refuses other subjects, among them ones that reuse a word of the coverage", () => {
    for (const message of [
      "what's the best pizza in new york",
      "recommend a good movie",
      "what's the weather in paris",
      "best deal on airpods rn",
      "how do i release an npm package",
      "are you chatgpt",
      "can you help me with my calculus homework",
      "who won the champions league final",
    ]) {
      const answer = engine.ask(message);
      expect(answer, message).toMatchObject({ confidence: "none", reason: "no-match", passages: [] });
    }
  });

  it("answers a greeting or thanks with a short friendly line and the help pointer, not the refusal", () => {
    const lang = langFor("en");
    for (const [message, reason] of [
      ["hi", "greeting"],
      ["hello everyone!", "greeting"],
      ["how are you doing today bot", "greeting"],
      ["thanks!", "thanks"],
      ["ty that helped", "thanks"],
    ] as const) {
      const answer = engine.ask(message);
      expect(answer, message).toMatchObject({ confidence: "none", reason, passages: [] });
      const card = askView({ markup: textMarkup, lang }, corpus, answer).cards[0];
      expect(card?.description, message).toContain("/help");
      expect(card?.description, message).not.toContain(englishText("ask.noAnswer"));
    }
    // A greeting around a real question is the question.
    expect(engine.ask("hi all, who is mediating?").confidence).toBe("high");
  });
});
