import { describe, expect, it } from "vitest";
import { answerType, fitsType } from "../src/search/answer-types.js";
import { countries } from "../src/search/entities.js";
import { cleanQuestion, readQuestion, scriptOf } from "../src/search/reading.js";
import { tokenize } from "../src/text/normalize.js";

describe("reading a chat message", () => {
  it("drops greetings, apologies and chat filler, and keeps the question", () => {
    const read = readQuestion("hey all, sorry if this was asked already, but why is the hostage deal stuck?");
    expect(read.segments.map((s) => s.text)).toEqual(["but why is the hostage deal stuck?"]);
    expect(read.type).toBe("why");
  });

  it("weighs the question above the chat around it", () => {
    const read = readQuestion(
      "ok so I was reading about this at work. who is brokering the talks? thanks lol",
    );
    const byText = new Map(read.segments.map((s) => [s.text, s.weight]));
    expect(byText.get("who is brokering the talks?")).toBe(1);
    expect(byText.get("ok so I was reading about this at work.")).toBeLessThan(1);
    expect([...byText.keys()].some((t) => t.includes("thanks"))).toBe(false);
  });

  it("splits a message that asks two things into its parts", () => {
    expect(readQuestion("who is mediating and when does ramadan start").parts).toEqual([
      "who is mediating",
      "when does ramadan start",
    ]);
    expect(readQuestion("who brokers the talks? and when does ramadan begin?").parts).toHaveLength(2);
    expect(readQuestion("how many people fled to rafah").parts).toEqual(["how many people fled to rafah"]);
  });

  it("removes mentions, links, emoji, terminal escapes and control characters", () => {
    expect(cleanQuestion("<@123456789012345678> @talks-bot hi 🙂 see https://example.org/x now")).toBe(
      "hi see now",
    );
    expect(cleanQuestion("\u001b[31mred\u001b[0m\u0000 text\u200f")).toBe("red text");
  });

  it("tells the script a message is written in", () => {
    expect(scriptOf("who is mediating?")).toBe("latin");
    expect(scriptOf("من يتوسط في المحادثات؟")).toBe("arabic");
    expect(scriptOf("מי מתווך בשיחות?")).toBe("hebrew");
    expect(scriptOf("🙂 ?!")).toBe("none");
  });
});

describe("answer types", () => {
  it("takes the kind of answer from the first question word", () => {
    expect(answerType("how many people fled")).toBe("number");
    expect(answerType("how long is the pause")).toBe("duration");
    expect(answerType("when does ramadan begin")).toBe("when");
    expect(answerType("where is burns going")).toBe("where");
    expect(answerType("why did the us veto it")).toBe("why");
    expect(answerType("who is mediating, and when")).toBe("who");
    expect(answerType("what did kirby say")).toBe("quote");
    expect(answerType("is a deal close")).toBe("yesno");
    expect(answerType("rafah offensive")).toBe("what");
  });

  it("recognises a sentence holding an answer the question does not already contain", () => {
    const question = new Set(tokenize("how many people fled to rafah"));
    expect(fitsType("around 1.5 million displaced Gazans have fled", "number", question)).toBe(true);
    expect(fitsType("people have fled to Rafah", "number", question)).toBe(false);
    expect(fitsType("Burns is expected to travel to Paris on Friday", "when", new Set())).toBe(true);
    expect(fitsType("brokered by Qatar, Egypt and the United States", "who", new Set(["who"]))).toBe(true);
  });
});

describe("countries", () => {
  const terms = (text: string) =>
    countries()
      .find(tokenize(text))
      .map((m) => m.term);

  it("reads every name of a country as one", () => {
    for (const text of ["the US", "the United States", "America", "Americans", "the USA"]) {
      expect(terms(text), text).toEqual(["@us"]);
    }
    expect(terms("Qatari officials")).toEqual(["@qa"]);
  });

  it("reads capitals, and 'the capital of X' or 'X's capital' as them", () => {
    expect(terms("in Cairo")).toEqual(["@eg-capital"]);
    expect(terms("the Egyptian capital")).toEqual(["@eg-capital"]);
    expect(terms("the capital of Qatar")).toEqual(["@qa-capital"]);
  });

  it("does not take the pronoun 'us' for the country", () => {
    expect(terms("tell us about the talks")).toEqual([]);
    expect(terms("is the us backing israel")).toEqual(["@us", "@il"]);
  });
});
