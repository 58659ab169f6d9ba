import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  contentTerms,
  foldText,
  isLightWord,
  isStopWord,
  processTerm,
  stem,
  tokenize,
} from "../src/text/normalize.js";
import { splitSentences } from "../src/text/sentences.js";

describe("foldText", () => {
  it("lowercases and strips accents", () => {
    expect(foldText("Élysée ÇA Gaza")).toBe("elysee ca gaza");
  });

  it("unifies curly quotes and dashes", () => {
    expect(foldText("\u201cdelusions\u201d \u2018it\u2019s\u2019 \u2013 \u2014")).toBe(
      "\"delusions\" 'it's' - -",
    );
  });
});

describe("tokenize", () => {
  it("keeps dotted abbreviations as one word", () => {
    expect(tokenize("U.S. officials and the U.N. said")).toEqual([
      "us",
      "officials",
      "and",
      "the",
      "un",
      "said",
    ]);
    expect(tokenize("The US and the UN")).toEqual(["the", "us", "and", "the", "un"]);
  });

  it("keeps numbers whole: thousands separators, decimals", () => {
    expect(tokenize("around 1,500 prisoners and 1.5 million people")).toEqual([
      "around",
      "1500",
      "prisoners",
      "and",
      "1.5",
      "million",
      "people",
    ]);
  });

  it("reads ordinals and unit suffixes", () => {
    expect(tokenize("Oct 7th")).toEqual(["oct", "7"]);
    expect(tokenize("1.5m people")).toEqual(["1.5", "million", "people"]);
  });

  it("drops possessives, including a bare trailing apostrophe", () => {
    expect(tokenize("Israel's threat and Burns' visit, Hamas' demands")).toEqual([
      "israel",
      "threat",
      "and",
      "burns",
      "visit",
      "hamas",
      "demands",
    ]);
    expect(tokenize("Netanyahu\u2019s goal")).toEqual(["netanyahu", "goal"]);
  });

  it("splits hyphenated words and words run together with punctuation", () => {
    expect(tokenize("six-week pause")).toEqual(["six", "week", "pause"]);
    expect(tokenize("Cairo,Doha.Paris")).toEqual(["cairo", "doha", "paris"]);
  });

  it("ignores emoji and symbols", () => {
    expect(tokenize("🙂 rafah?!! ***")).toEqual(["rafah"]);
    expect(tokenize("")).toEqual([]);
  });

  it("never throws and never returns blanks or whitespace", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 300 }), (text) => {
        for (const token of tokenize(text)) {
          expect(token.length).toBeGreaterThan(0);
          expect(/\s/.test(token)).toBe(false);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe("terms", () => {
  it("drops stop words and chat filler", () => {
    expect(isStopWord("the")).toBe(true);
    expect(isStopWord("whats")).toBe(true);
    expect(isStopWord("lol")).toBe(true);
    expect(isStopWord("rafah")).toBe(false);
    expect(isStopWord("us")).toBe(false);
    expect(contentTerms("hey so like whats the deal with rafah??")).toEqual(["deal", "rafah"]);
  });

  it("stems English words so inflections meet", () => {
    expect(stem("negotiations")).toBe(stem("negotiators"));
    expect(stem("brokering")).toBe(stem("brokered"));
    expect(stem("hostages")).toBe(stem("hostage"));
  });

  it("fixes the stemmer's slips on words the coverage uses", () => {
    expect(stem("added")).toBe(stem("add"));
    expect(stem("willing")).not.toBe(stem("will"));
  });

  it("turns small number words into digits and leaves numbers alone", () => {
    expect(stem("six")).toBe("6");
    expect(stem("1.5")).toBe("1.5");
    expect(contentTerms("six-week pause")).toEqual(contentTerms("6 weeks pause"));
  });

  it("drops lone letters", () => {
    expect(processTerm("w")).toBeNull();
    expect(processTerm("7")).toBe("7");
  });

  it("folds before looking up stop words", () => {
    expect(processTerm("THE")).toBeNull();
    expect(processTerm("Rafah")).toBe("rafah");
  });

  it("marks light words, which are not stop words", () => {
    expect(isLightWord("still")).toBe(true);
    expect(isStopWord("still")).toBe(false);
    expect(isLightWord("rafah")).toBe(false);
  });
});

describe("splitSentences", () => {
  const texts = (text: string) => splitSentences(text).map((s) => s.text);

  it("does not split after U.S., U.N. or Dr.", () => {
    expect(
      texts("In response, Dr. Qatari spokesman Majed Al-Ansari said so. U.S. officials agreed."),
    ).toEqual(["In response, Dr. Qatari spokesman Majed Al-Ansari said so.", "U.S. officials agreed."]);
    expect(texts("Algeria's proposed U.N. resolution failed.")).toEqual([
      "Algeria's proposed U.N. resolution failed.",
    ]);
  });

  it("splits after an abbreviation that ends a sentence", () => {
    expect(texts("The vote was held by the U.S. The talks went on.")).toEqual([
      "The vote was held by the U.S.",
      "The talks went on.",
    ]);
  });

  it("keeps closing quotes with their sentence", () => {
    expect(texts("It called for a \u201ctemporary ceasefire.\u201d This was the first time.")).toEqual([
      "It called for a \u201ctemporary ceasefire.\u201d",
      "This was the first time.",
    ]);
    expect(texts("\u201cWe are close,\u201d he said. \u201cAnd if we voted, it would fail.\u201d")).toEqual([
      "\u201cWe are close,\u201d he said.",
      "\u201cAnd if we voted, it would fail.\u201d",
    ]);
  });

  it("does not split inside a quotation followed by its attribution", () => {
    expect(texts("\u201cIs it over?\u201d she asked.")).toEqual(["\u201cIs it over?\u201d she asked."]);
  });

  it("returns spans that are verbatim slices and cover every non-space character", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (text) => {
        const spans = splitSentences(text);
        let covered = 0;
        let last = 0;
        for (const span of spans) {
          expect(text.slice(span.start, span.end)).toBe(span.text);
          expect(span.start).toBeGreaterThanOrEqual(last);
          expect(text.slice(last, span.start).trim()).toBe("");
          covered += span.text.replace(/\s/g, "").length;
          last = span.end;
        }
        expect(text.slice(last).trim()).toBe("");
        expect(covered).toBe(text.replace(/\s/g, "").length);
      }),
      { numRuns: 300 },
    );
  });
});
