import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { discordMarkup } from "../src/discord/markup.js";
import { fitEmbeds, toDiscordMessage } from "../src/discord/render.js";
import { english, langFor } from "../src/i18n/index.js";
import type { Reply } from "../src/views/card.js";
import { remainingLabel } from "../src/views/countdown.js";
import { LIMITS, truncate } from "../src/views/limits.js";
import { textMarkup, textMarkupFor } from "../src/views/markup.js";
import { maskedLinks } from "./support/markdown-links.js";

const long = (n: number) => "word ".repeat(Math.ceil(n / 5)).slice(0, n);

function embedTotal(embeds: ReturnType<typeof toDiscordMessage>["embeds"]): number {
  return embeds.reduce(
    (sum, e) =>
      sum +
      (e.title?.length ?? 0) +
      (e.description?.length ?? 0) +
      (e.footer?.text.length ?? 0) +
      (e.fields ?? []).reduce((s, f) => s + f.name.length + f.value.length, 0),
    0,
  );
}

describe("Discord rendering keeps every limit", () => {
  it("truncates each part and the 6000-character total, never producing a 400", () => {
    const reply: Reply = {
      content: long(2001),
      cards: [
        {
          title: long(300),
          description: long(4097),
          fields: Array.from({ length: 30 }, (_, i) => ({ name: long(300) + i, value: long(1100) })),
          footer: long(2100),
        },
        { title: "second", description: long(4000) },
      ],
    };
    const message = toDiscordMessage(reply);
    expect(message.content?.length).toBeLessThanOrEqual(LIMITS.content);
    const [first] = message.embeds;
    expect(first?.title?.length).toBeLessThanOrEqual(LIMITS.title);
    expect(first?.description?.length).toBeLessThanOrEqual(LIMITS.description);
    expect(first?.fields).toHaveLength(LIMITS.fields);
    for (const field of first?.fields ?? []) {
      expect(field.name.length).toBeLessThanOrEqual(LIMITS.fieldName);
      expect(field.value.length).toBeLessThanOrEqual(LIMITS.fieldValue);
      expect(field.value.length).toBeGreaterThan(0);
    }
    expect(first?.footer?.text.length).toBeLessThanOrEqual(LIMITS.footer);
    expect(embedTotal(message.embeds)).toBeLessThanOrEqual(LIMITS.embedTotal);
    expect(message.allowedMentions).toEqual({ parse: [] });
  });

  it("keeps at most 10 embeds", () => {
    expect(fitEmbeds(Array.from({ length: 12 }, () => ({ title: "x" })))).toHaveLength(10);
  });

  it("allows only the one named user or role to be pinged", () => {
    expect(toDiscordMessage({ cards: [], mentionUserId: "1" }).allowedMentions).toEqual({
      parse: [],
      users: ["1"],
    });
    expect(toDiscordMessage({ cards: [], mentionRoleId: "2" }).allowedMentions).toEqual({
      parse: [],
      roles: ["2"],
    });
  });

  it("marks ephemeral replies and turns actions into at most five buttons", () => {
    const message = toDiscordMessage({
      cards: [{ title: "t" }],
      ephemeral: true,
      actions: [
        { kind: "more-sources", key: "k", label: "More sources" },
        { kind: "post-publicly", key: "k", label: "Post publicly" },
        { kind: "feedback", key: "k", labels: { helpful: "Helpful", unhelpful: "Not helpful" } },
      ],
    });
    expect(message.flags).toBe(64);
    const ids = message.components.flatMap((row) => row.components.map((c) => c.custom_id));
    expect(ids).toEqual(["ask:more:k", "ask:public:k", "ask:up:k", "ask:down:k"]);
    // Discord's own shape, with the labels cut to 80 characters and the emoji by name.
    expect(message.components[0]?.components[2]).toEqual({
      type: 2,
      custom_id: "ask:up:k",
      label: "Helpful",
      style: 2,
      emoji: { name: "👍" },
    });
  });
});

describe("markup", () => {
  it("escapes markdown, code fences and masked links, and stops link previews", () => {
    const escaped = discordMarkup.escape(
      "**bold** `code` ```fence``` [x](https://evil.example) see https://example.org",
    );
    expect(escaped).toContain("\\*\\*bold\\*\\*");
    expect(escaped).toContain("\\`code\\`");
    expect(escaped).toContain("\\[x]");
    expect(escaped).toContain("<https://example.org>");
  });

  it("escapes every masked link, not only the first on a line, and keeps bare URLs from previewing", () => {
    const twoLinks = "[a](https://good.example) [Source: CNN ¶3](https://evil.example/x)";
    expect(maskedLinks(twoLinks)).toEqual(["https://good.example", "https://evil.example/x"]);
    for (const text of [
      twoLinks,
      `${twoLinks}\n${twoLinks}`,
      "\\[x](https://evil.example) [[y]](https://evil.example) [z](<https://evil.example>)",
      "see [the source](https://evil.example/a_(b)) and https://example.org/a[1]",
    ]) {
      const escaped = discordMarkup.escape(text);
      expect(maskedLinks(escaped), escaped).toEqual([]);
      expect(escaped).not.toMatch(/(?<!<)https?:\/\/[^\s>]*\s/);
    }
    // A real link of the bot's own is still a link.
    expect(maskedLinks(discordMarkup.link("CNN", "https://www.cnn.com/x"))).toEqual([
      "https://www.cnn.com/x",
    ]);
  });

  it("writes the bot's own links with their previews stopped, whole whatever their URL holds", () => {
    const link = discordMarkup.link("CNN", "https://www.cnn.com/x");
    expect(link).toBe("[CNN](<https://www.cnn.com/x>)");
    // Parentheses, brackets, spaces and angle brackets cannot end the target early; the label keeps its `]`.
    const odd = discordMarkup.link(
      discordMarkup.escape("Talks [day 2]"),
      "https://example.org/a_(b)/c d?q=[1]&x=<y>#f",
    );
    expect(maskedLinks(odd)).toEqual(["https://example.org/a_%28b%29/c%20d?q=[1]&x=%3Cy%3E#f"]);
    expect(odd).toMatch(/^\[Talks \\\[day 2\\\]\]\(<https:/);
    // Only web links are links: anything else is shown as its label.
    expect(discordMarkup.link("x", "javascript:alert(1)")).toBe("x");
    expect(discordMarkup.link("x", "not a url")).toBe("x");
  });

  it("escapes bidi embeddings, overrides and isolates in text from outside, and isolates a line with a mark", () => {
    const text = "who \u202eis mediating\u202c \u2066x\u2069 \u202a\u202b\u202d \u2067\u2068";
    for (const markup of [discordMarkup, textMarkup, textMarkupFor(langFor("ar"))]) {
      const escaped = markup.escape(text);
      expect(escaped).not.toMatch(/[\u202a-\u202e\u2066-\u2069]/);
      expect(escaped).toContain("\\u202e");
      for (const mark of ["\u200e", "\u200f", "\u061c"]) {
        expect(markup.escape(`who is${mark} mediating\nsecond line`)).toBe(
          `\u2068who is${mark} mediating\u2069\nsecond line`,
        );
      }
    }
    expect(textMarkup.escape("who is mediating? مرحبا")).toBe("who is mediating? مرحبا");
  });

  it("truncates at a word boundary without a dangling escape", () => {
    expect(truncate("a b c d e f", 6)).toBe("a b c…");
    expect(truncate("short", 10)).toBe("short");
    expect(truncate("abc\\\\\\\\def", 6).endsWith("\\…")).toBe(false);
  });

  it("cuts after the last whole grapheme that fits, as walking every grapheme from the start does", () => {
    const graphemes = new Intl.Segmenter(undefined, { granularity: "grapheme" });
    /** The cut as found by walking the graphemes (the previous, slower way). */
    const walked = (text: string, room: number) => {
      let end = 0;
      for (const { index, segment } of graphemes.segment(text)) {
        if (index + segment.length > room) break;
        end = index + segment.length;
      }
      return end;
    };
    // Emoji with skin tones and joiners, flags, combining marks, Hangul syllables, surrogates, spaces.
    const piece = fc.constantFrom(
      "a",
      " ",
      "é",
      "e\u0301",
      "👩‍👩‍👧‍👦",
      "👍🏽",
      "🇵🇸",
      "🇮🇱",
      "각",
      "\ud83d",
      "\u0301\u0302",
      "\\",
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 60 }), fc.integer({ min: 2, max: 80 }), (pieces, max) => {
        const text = pieces.join("");
        const cut = truncate(text, max, "");
        if (text.length <= max) expect(cut).toBe(text);
        else expect(cut).toBe(text.slice(0, walked(text, max)).replace(/\\+$/, "").trimEnd());
      }),
    );
  });

  it("writes times out in the console, and as live timestamps in Discord", () => {
    const at = new Date("2027-02-07T15:00:00Z");
    expect(textMarkup.timestamp(at, "full", "Asia/Jerusalem")).toBe(
      "Sunday, 7 February 2027 at 17:00 (Asia/Jerusalem)",
    );
    expect(textMarkup.liveRelative(at)).toBeUndefined();
    expect(discordMarkup.liveRelative(at)).toBe(`<t:${at.getTime() / 1000}:R>`);
  });

  it("says remaining time without zero units", () => {
    expect(remainingLabel(17, 6, 0, english())).toBe("17 days and 6 hours");
    expect(remainingLabel(1, 0, 5, english())).toBe("1 day");
    expect(remainingLabel(0, 1, 1, english())).toBe("1 hour and 1 minute");
    expect(remainingLabel(0, 0, 0, english())).toBe("Less than a minute");
  });
});

describe("feedback without a database", () => {
  it("keeps one vote per person per question, counted per answer", async () => {
    const { MemoryFeedback } = await import("../src/runtime/feedback.js");
    const sink = new MemoryFeedback();
    const vote = { questionKey: "q", articleId: "a", paragraph: 2, userId: "u1", helpful: true };
    await sink.recordFeedback(vote);
    await sink.recordFeedback({ ...vote, helpful: false });
    await sink.recordFeedback({ ...vote, userId: "u2" });
    expect(await sink.feedbackTotals()).toEqual({
      helpful: 1,
      notHelpful: 1,
      byAnswer: [{ questionKey: "q", articleId: "a", paragraph: 2, helpful: 1, notHelpful: 1 }],
    });
  });
});
