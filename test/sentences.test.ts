import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { readParagraph } from "../src/text/prose.js";
import { splitSentences } from "../src/text/sentences.js";

const texts = (text: string) => splitSentences(text).map((s) => s.text);

/** Quote extraction's sentences, sliced back out of the paragraph. */
function quoteSentences(text: string): string[] {
  const read = readParagraph(text);
  return read.sentences.map(([s, e]) => text.slice(read.tokens[s]?.start ?? 0, read.tokens[e - 1]?.end ?? 0));
}

const PARAGRAPH_29 =
  "\u201cI think the American people and I think most people around the world would like to see these hostages home with their families,\u201d White House spokesman John Kirby said Tuesday. \u201cAnd if we just voted and approved this resolution, the chances of that happening would be significantly reduced.\u201d";

describe("abbreviations", () => {
  it("keeps U.S. and U.N. with the words they qualify", () => {
    expect(texts("U.S. officials said so. The U.N. Security Council met.")).toEqual([
      "U.S. officials said so.",
      "The U.N. Security Council met.",
    ]);
  });

  it("keeps a title with the name after it", () => {
    const text =
      "In response, Dr. Qatari Foreign Ministry spokesman Majed Al-Ansari said so. Gen. Smith agreed.";
    expect(texts(text)).toEqual([
      "In response, Dr. Qatari Foreign Ministry spokesman Majed Al-Ansari said so.",
      "Gen. Smith agreed.",
    ]);
    expect(texts("Mr. Biden and Mrs. Biden met Sen. Graham and Hon. Smith.")).toHaveLength(1);
  });

  it("keeps an initial with the surname but not a one-letter word ending a sentence", () => {
    expect(texts("John F. Kennedy spoke. Plan B. The end.")).toEqual([
      "John F. Kennedy spoke.",
      "Plan B.",
      "The end.",
    ]);
  });

  it("reads number and date abbreviations only before a number", () => {
    expect(texts("No. 10 agreed on Feb. 22 to talk. He said no. The talks went on.")).toEqual([
      "No. 10 agreed on Feb. 22 to talk.",
      "He said no.",
      "The talks went on.",
    ]);
  });

  it("splits after etc. only before a sentence opener", () => {
    expect(texts("Food, water, fuel, etc. Then the talks resumed.")).toEqual([
      "Food, water, fuel, etc.",
      "Then the talks resumed.",
    ]);
  });
});

describe("quotations", () => {
  it("does not end a sentence at a quote closing with a comma", () => {
    const text =
      "\u201cQatar has received these confirmations,\u201d said Majed Al-Ansari. He spoke in Doha.";
    expect(texts(text)).toEqual([
      "\u201cQatar has received these confirmations,\u201d said Majed Al-Ansari.",
      "He spoke in Doha.",
    ]);
    expect(quoteSentences(text)).toEqual(texts(text));
  });

  it("ends a sentence at a quote closing with a full stop", () => {
    const text =
      "Netanyahu dismissed them as \u201cdelusions.\u201d Hamas leaders left. \u201cIs it over? \u201d she asked.";
    expect(texts(text)).toEqual([
      "Netanyahu dismissed them as \u201cdelusions.\u201d",
      "Hamas leaders left.",
      "\u201cIs it over? \u201d she asked.",
    ]);
  });

  it("splits paragraph 29 between its two quotes, in both readers", () => {
    const expected = [
      "\u201cI think the American people and I think most people around the world would like to see these hostages home with their families,\u201d White House spokesman John Kirby said Tuesday.",
      "\u201cAnd if we just voted and approved this resolution, the chances of that happening would be significantly reduced.\u201d",
    ];
    expect(texts(PARAGRAPH_29)).toEqual(expected);
    expect(quoteSentences(PARAGRAPH_29)).toEqual(expected);
  });

  it("keeps a quotation whole when asked to", () => {
    const text = "\u201cWe are close. The talks continue,\u201d said Kirby. He left.";
    expect(texts(text)).toEqual(["\u201cWe are close.", "The talks continue,\u201d said Kirby.", "He left."]);
    const keepWhole = [{ start: 0, end: text.indexOf("\u201d") + 1 }];
    expect(splitSentences(text, { keepWhole }).map((s) => s.text)).toEqual([
      "\u201cWe are close. The talks continue,\u201d said Kirby.",
      "He left.",
    ]);
    expect(quoteSentences(text)).toEqual([
      "\u201cWe are close. The talks continue,\u201d said Kirby.",
      "He left.",
    ]);
  });

  it("gives quote extraction token ranges that cover every token in order", () => {
    const alphabet = fc.constantFrom(...'aB. ,?!\u201c\u201d"U.S.Dr'.split(""), " The ", " U.S. ", " Dr. ");
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 80 }), (parts) => {
        const read = readParagraph(parts.join(""));
        let next = 0;
        for (const [start, end] of read.sentences) {
          expect(start).toBe(next);
          expect(end).toBeGreaterThan(start);
          next = end;
        }
        expect(next).toBe(read.tokens.length);
      }),
      { numRuns: 300 },
    );
  });
});
