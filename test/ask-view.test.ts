import { beforeAll, describe, expect, it } from "vitest";
import { renderText } from "../src/console/render.js";
import { loadCorpus } from "../src/corpus/load.js";
import type { Corpus } from "../src/corpus/types.js";
import { discordMarkup } from "../src/discord/markup.js";
import { toDiscordMessage } from "../src/discord/render.js";
import { english } from "../src/i18n/index.js";
import type { Answer } from "../src/search/engine.js";
import { askView } from "../src/views/ask.js";
import { textMarkup } from "../src/views/markup.js";

const ARTICLE = "cnn-2024-02-22-ceasefire-talks";
const en = english();
/** English, written for Discord and for a terminal. */
const inDiscord = { markup: discordMarkup, lang: en };
const inText = { markup: textMarkup, lang: en };
const NO_ANSWER = en.t("ask.noAnswer");
const NOT_SURE = en.t("ask.notSure");
let corpus: Corpus;
beforeAll(() => {
  corpus = loadCorpus();
});

function answer(confidence: Answer["confidence"], extra: Partial<Answer> = {}): Answer {
  const text = corpus.articles[0]?.paragraphs[1]?.text ?? "";
  const passage = { articleId: ARTICLE, paragraph: 2, text, score: 0.9 };
  const sentence = text.split(". ")[0] ?? text;
  return confidence === "none"
    ? {
        question: "q?",
        answer: null,
        confidence,
        reason: "no-match",
        parts: [],
        unanswered: [],
        best: null,
        passages: [],
      }
    : {
        question: "how many people fled to rafah",
        answer: sentence,
        confidence,
        parts: [{ question: "how many people fled to rafah", text: sentence, passage }],
        unanswered: [],
        best: passage,
        passages: [passage],
        ...extra,
      };
}

describe("the answer card's three tiers", () => {
  it("a confident answer quotes the sentence and cites the paragraph", () => {
    const [card] = askView(inDiscord, corpus, answer("high")).cards;
    expect(card?.tone).toBe("answer");
    expect(card?.title).toBe("how many people fled to rafah");
    expect(card?.description).toMatch(/^> At the heart/);
    expect(card?.description).not.toContain(NOT_SURE);
    expect(card?.fields?.map((f) => f.name)).toEqual(["From the article (¶2)", "Source"]);
  });

  it("the closest passage is labelled as possibly not answering, with what to try instead", () => {
    const reply = askView(inDiscord, corpus, answer("low"));
    const [card] = reply.cards;
    expect(card?.tone).toBe("tentative");
    expect(card?.description?.startsWith(NOT_SURE)).toBe(true);
    expect(card?.fields?.find((f) => f.name === "Source")?.value).toMatch(/¶2$/);
    expect(card?.fields?.find((f) => f.name === "Not what you asked?")?.value).toMatch(/\/status.*\/quote/);
    // Discord shows it in its own colour; the console with its own lead line.
    const colours = (r: ReturnType<typeof askView>) => toDiscordMessage(r).embeds[0]?.color;
    expect(colours(reply)).not.toBe(colours(askView(inDiscord, corpus, answer("high"))));
    expect(renderText(askView(inText, corpus, answer("low")))).toContain(NOT_SURE);
    expect(renderText(askView(inText, corpus, answer("high")))).not.toContain(NOT_SURE);
  });

  it("a refusal says what the coverage does cover and offers questions it answers", () => {
    const [card] = askView(inText, corpus, answer("none"), {
      suggestions: ["Who is brokering the talks?"],
    }).cards;
    expect(card?.tone).toBe("notice");
    expect(card?.description).toContain(NO_ANSWER);
    expect(card?.description).toContain("mediators");
    expect(card?.fields?.[0]?.value).toContain("Who is brokering the talks?");
  });

  it("a question in another language is told the coverage is English, with /status offered", () => {
    const [card] = askView(inText, corpus, { ...answer("none"), reason: "other-language" }).cards;
    expect(card?.description).toMatch(/in English.*\/status/s);
    expect(card?.description).not.toContain(NO_ANSWER);
  });

  it("a two-part answer shows each part with its paragraph, and names the part not covered", () => {
    const two = answer("high", {
      unanswered: ["who won the super bowl"],
    });
    const [card] = askView(inText, corpus, {
      ...two,
      parts: [...two.parts, { ...two.parts[0], question: "again" } as Answer["parts"][number]],
    }).cards;
    expect(card?.description).toContain("how many people fled to rafah");
    expect(card?.description).toContain("(¶2)");
    expect(card?.fields?.find((f) => f.name === "Not in the coverage")?.value).toContain(
      "who won the super bowl",
    );
  });
});

describe("an answer asked again", () => {
  it("shares its cards, built once per language and surface, while each reply gets its own buttons", () => {
    const same = answer("high");
    const first = askView(inDiscord, corpus, same, { actionKey: "k1" });
    const second = askView(inDiscord, corpus, same, { actionKey: "k2", ephemeral: true });
    expect(second.cards).toBe(first.cards);
    expect(first.actions?.map((a) => a.key)).toEqual(["k1"]);
    expect(second.actions?.map((a) => [a.kind, a.key])).toEqual([
      ["post-publicly", "k2"],
      ["feedback", "k2"],
    ]);
    expect(askView(inText, corpus, same).cards).not.toBe(first.cards);
    // Another answer with the same text is another answer: nothing is shared by content.
    expect(askView(inDiscord, corpus, answer("high")).cards).not.toBe(first.cards);
  });
});
