import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { loadCorpus } from "../src/corpus/load.js";
import type { AliasTable, Article, Corpus } from "../src/corpus/types.js";
import { UserFacingError } from "../src/errors.js";
import { extractQuotes, type Quote, QuoteBook, type QuoteMatch } from "../src/quotes.js";
import { REPORTS_DIR } from "../src/tools/questions.js";

const CNN = "cnn-2024-02-22-ceasefire-talks";

const DIPLOMAT = "a diplomat familiar with negotiations between Israel and Hamas";
const SOURCE = "a source familiar with the ongoing effort";
const NETANYAHU = "Benjamin Netanyahu, Israeli Prime Minister";
const HIRSCH = "Gal Hirsch, the Israeli government’s hostage coordinator";
const AL_ANSARI = "Majed Al-Ansari, Qatari Foreign Ministry spokesman";
const AMERICAN_OFFICIALS = "American officials";
const GANTZ = "Benny Gantz, Israeli War Minister";
const ISRAELI_OFFICIALS = "Israeli officials, including Netanyahu";
const BIDEN = "Joe Biden, President";
const US = "the US";
const KIRBY = "John Kirby, White House spokesman";

/** [paragraph, speaker label, kind, full verbatim text], in reading order. */
const EXPECTED: readonly (readonly [number, string, Quote["kind"], string])[] = [
  [
    3,
    DIPLOMAT,
    "statement",
    "If there is an operation against Rafah, we can forget about a deal being struck",
  ],
  [4, SOURCE, "phrase", "crucial"],
  [6, DIPLOMAT, "statement", "At the moment it doesn’t look like Netanyahu is ready for a deal"],
  [11, NETANYAHU, "phrase", "delusions."],
  [
    15,
    HIRSCH,
    "statement",
    "This is very important because it shows us that someone is there [in Gaza] This can actually extradite and release our hostages",
  ],
  [17, AL_ANSARI, "statement", "Qatar has received these confirmations as a broker of the agreement"],
  [
    20,
    AMERICAN_OFFICIALS,
    "statement",
    "such a major ground offensive should not be carried out under the current circumstances.",
  ],
  [
    22,
    GANTZ,
    "statement",
    "The world needs to know, and Hamas leaders need to know – if our hostages are not home by Ramadan, the fighting will continue all the way to the Rafah area",
  ],
  [25, ISRAELI_OFFICIALS, "phrase", "complete victory"],
  [25, BIDEN, "phrase", "excessive"],
  [25, BIDEN, "phrase", "indiscriminate."],
  [27, US, "phrase", "temporary ceasefire."],
  [27, US, "phrase", "ceasefire"],
  [
    29,
    KIRBY,
    "statement",
    "I think the American people and I think most people around the world would like to see these hostages home with their families",
  ],
  [
    29,
    KIRBY,
    "statement",
    "And if we just voted and approved this resolution, the chances of that happening would be significantly reduced.",
  ],
];

let corpus: Corpus;
let article: Article;
let book: QuoteBook;

beforeAll(() => {
  corpus = loadCorpus();
  const found = corpus.articles.find((a) => a.id === CNN);
  if (!found) throw new Error(`missing ${CNN}`);
  article = found;
  book = QuoteBook.fromCorpus(corpus);
});

function paragraphText(a: Article, n: number): string {
  return a.paragraphs.find((p) => p.number === n)?.text ?? "";
}

function found(match: QuoteMatch): readonly Quote[] {
  if (match.status !== "found") throw new Error(`expected found, got ${match.status}`);
  return match.quotes;
}

function labels(match: QuoteMatch): string[] {
  return [...new Set(found(match).map((q) => q.speaker.label))];
}

function isOrdered(quotes: readonly Quote[]): boolean {
  const firstPhrase = quotes.findIndex((q) => q.kind === "phrase");
  return firstPhrase < 0 || quotes.slice(firstPhrase).every((q) => q.kind === "phrase");
}

describe("extractQuotes on the CNN article", () => {
  it("has the 29 paragraphs the numbers below refer to", () => {
    expect(article.paragraphs).toHaveLength(29);
    expect(paragraphText(article, 3)).toMatch(/^“If there is an operation against Rafah/);
    expect(paragraphText(article, 29)).toMatch(/^“I think the American people/);
  });

  it("finds every direct quotation with its paragraph, speaker, kind and verbatim text", () => {
    const quotes = extractQuotes(article);
    expect(quotes.map((q) => [q.paragraph, q.speaker.label, q.kind, q.text])).toEqual(EXPECTED);
    expect(quotes).toHaveLength(15);
  });

  it("copies every quote verbatim from its paragraph and never ends one with a dangling comma", () => {
    for (const quote of extractQuotes(article)) {
      expect(quote.articleId).toBe(CNN);
      expect(paragraphText(article, quote.paragraph)).toContain(`“${quote.text}`);
      expect(quote.text).not.toMatch(/[,;:\s]$/);
      expect(quote.text).toBe(quote.text.trim());
    }
  });

  it("covers every “…” span in the article", () => {
    const quotes = extractQuotes(article);
    let spans = 0;
    for (const paragraph of article.paragraphs) {
      for (const span of paragraph.text.matchAll(/“([^”]*)”/g)) {
        spans++;
        const inner = (span[1] ?? "").trim().replace(/[,;:\s]+$/, "");
        const covered = quotes.some((q) => q.paragraph === paragraph.number && q.text === inner);
        expect(covered, `¶${paragraph.number} “${inner}”`).toBe(true);
      }
    }
    expect(spans).toBe(quotes.length);
  });

  it("gives stable, unique ids", () => {
    const ids = extractQuotes(article).map((q) => q.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids[0]).toBe(`${CNN}#p3-q1`);
    expect(ids).toContain(`${CNN}#p29-q2`);
    expect(extractQuotes(article).map((q) => q.id)).toEqual(ids);
  });

  it("resolves surnames to the full name and role introduced earlier", () => {
    const bySpeaker = new Map(extractQuotes(article).map((q) => [q.speaker.key, q.speaker]));
    expect(bySpeaker.get("majed-al-ansari")).toMatchObject({
      name: "Majed Al-Ansari",
      role: "Qatari Foreign Ministry spokesman",
      aliases: ["Al-Ansari"],
    });
    expect(bySpeaker.get("benjamin-netanyahu")).toMatchObject({
      name: "Benjamin Netanyahu",
      role: "Israeli Prime Minister",
    });
    expect(bySpeaker.get("joe-biden")).toMatchObject({ name: "Joe Biden", role: "President" });
    expect(bySpeaker.get("john-kirby")).toMatchObject({ name: "John Kirby", role: "White House spokesman" });
    expect(bySpeaker.get("benny-gantz")).toMatchObject({ name: "Benny Gantz", role: "Israeli War Minister" });
    expect(bySpeaker.get("gal-hirsch")).toMatchObject({
      name: "Gal Hirsch",
      role: "Israeli government’s hostage coordinator",
    });
  });

  it("keeps the stray courtesy title out of the role and the name", () => {
    const alAnsari = extractQuotes(article).find((q) => q.speaker.key === "majed-al-ansari")?.speaker;
    expect(alAnsari?.label).not.toContain("Dr");
  });

  it("resolves “the diplomat” to the diplomat described earlier", () => {
    const quotes = extractQuotes(article);
    const p3 = quotes.find((q) => q.paragraph === 3);
    const p6 = quotes.find((q) => q.paragraph === 6);
    expect(p3?.speaker.key).toBe(p6?.speaker.key);
    expect(p3?.speaker).toMatchObject({ name: null, role: null, label: DIPLOMAT, aliases: ["diplomat"] });
  });

  it("gives the second Kirby sentence to Kirby", () => {
    const p29 = extractQuotes(article).filter((q) => q.paragraph === 29);
    expect(p29.map((q) => q.speaker.key)).toEqual(["john-kirby", "john-kirby"]);
  });
});

describe("QuoteBook speaker lookups", () => {
  it.each([
    ["Kirby", KIRBY],
    ["kirby", KIRBY],
    ["KIRBY", KIRBY],
    ["John Kirby", KIRBY],
    ["al ansari", AL_ANSARI],
    ["alansari", AL_ANSARI],
    ["Al-Ansari", AL_ANSARI],
    ["Dr. Al-Ansari", AL_ANSARI],
    ["gantz", GANTZ],
    ["Biden", BIDEN],
    ["hirsch", HIRSCH],
    ["kriby", KIRBY],
    ["netanyahoo", NETANYAHU],
    ["gnatz", GANTZ],
    ["qatari spokesman", AL_ANSARI],
    ["war minister", GANTZ],
    ["hostage coordinator", HIRSCH],
    ["president", BIDEN],
    ["diplomat", DIPLOMAT],
    ["the diplomat", DIPLOMAT],
    ["source", SOURCE],
    ["united states", US],
  ])("%s → %s", (input, label) => {
    expect(labels(book.find({ speaker: input }))[0]).toBe(label);
  });

  it("finds a speaker by the key autocomplete returns, and only that speaker", () => {
    for (const speaker of book.speakers()) {
      const quotes = found(book.find({ speaker: speaker.key }));
      expect(quotes.length).toBeGreaterThan(0);
      expect(quotes.every((q) => q.speaker.key === speaker.key)).toBe(true);
    }
  });

  it("returns the person first and the group that includes them after", () => {
    const match = book.find({ speaker: "netanyahu" });
    expect(labels(match)).toEqual([NETANYAHU, ISRAELI_OFFICIALS]);
    expect(found(match).map((q) => q.text)).toEqual(["delusions.", "complete victory"]);
  });

  it("returns every speaker with a matching role", () => {
    expect(labels(book.find({ speaker: "spokesman" })).sort()).toEqual([AL_ANSARI, KIRBY].sort());
  });

  it("puts statements before phrases", () => {
    const match = book.find({ speaker: "israeli" });
    expect(found(match).length).toBeGreaterThan(2);
    expect(isOrdered(found(match))).toBe(true);
  });

  it("offers did-you-mean candidates for an unknown speaker", () => {
    const match = book.find({ speaker: "Kirbyson" });
    expect(match.status).toBe("unknown-speaker");
    if (match.status !== "unknown-speaker") return;
    expect(match.input).toBe("Kirbyson");
    expect(match.didYouMean.map((s) => s.label)).toEqual([KIRBY]);
  });

  it("suggests nothing rather than someone unrelated, and offers everyone quoted in full instead", () => {
    for (const name of ["Zelensky", "Blinken", "Sinwar"]) {
      const match = book.find({ speaker: name });
      expect(match).toMatchObject({ status: "unknown-speaker", input: name, didYouMean: [] });
      if (match.status !== "unknown-speaker") return;
      // Quoted with a full statement, most quoted first; never someone quoted only in a word ("delusions.").
      expect(match.quoted.map((s) => s.label)).toEqual([
        DIPLOMAT,
        KIRBY,
        AMERICAN_OFFICIALS,
        GANTZ,
        HIRSCH,
        AL_ANSARI,
      ]);
    }
  });

  it("says when a speaker was found only by a close spelling: kriby → did you mean John Kirby?", () => {
    const typo = book.find({ speaker: "kriby" });
    expect(typo).toMatchObject({ status: "found", didYouMean: [{ label: KIRBY }] });
    expect(labels(typo)).toEqual([KIRBY]);
    for (const typed of ["Kirby", "john kirby", "spokesman", "alansari", "bibi"]) {
      const match = book.find({ speaker: typed });
      expect(match.status, typed).toBe("found");
      expect(match.status === "found" && match.didYouMean, typed).toBeFalsy();
    }
  });

  it("gives a phrase the coverage's own sentence around it", () => {
    const [delusions] = found(book.find({ speaker: "netanyahu" }));
    expect(delusions).toMatchObject({
      kind: "phrase",
      text: "delusions.",
      sentence:
        "Hamas leaders were also in Cairo this week, meeting with Egyptian officials to try to advance the deal after Netanyahu dismissed the latest series of Hamas proposals as “delusions.”",
    });
    for (const quote of book.all()) {
      if (quote.kind === "statement") expect(quote.sentence).toBeUndefined();
      else expect(paragraphText(article, quote.paragraph)).toContain(quote.sentence);
      if (quote.kind === "phrase") expect(quote.sentence).toContain(`“${quote.text}`);
    }
  });

  it("tells apart a person the coverage names but never quotes", () => {
    const match = book.find({ speaker: "Burns" });
    expect(match.status).toBe("no-quotes");
    if (match.status !== "no-quotes") return;
    expect(match.reason).toBe("not-quoted");
    expect(match.speakers.map((s) => s.label)).toEqual(["Bill Burns, CIA Director"]);
  });

  it("lists quoted speakers only, most quoted first", () => {
    const speakers = book.speakers();
    expect(speakers).toHaveLength(11);
    expect(speakers.map((s) => s.key)).not.toContain("bill-burns");
    expect(speakers[0]?.label).toBe(DIPLOMAT);
  });
});

describe("QuoteBook topic lookups", () => {
  it("finds quotes by a word in the quote, best match first", () => {
    const quotes = found(book.find({ topic: "Rafah" }));
    expect(quotes.slice(0, 2).map((q) => q.paragraph)).toEqual([3, 22]);
    expect(isOrdered(quotes)).toBe(true);
  });

  it("finds quotes by the paragraph around them", () => {
    const quotes = found(book.find({ topic: "medicine" }));
    expect(quotes.map((q) => q.speaker.label)).toEqual([HIRSCH, AL_ANSARI]);
  });

  it("matches stems and tolerates a typo", () => {
    expect(found(book.find({ topic: "medicines" })).length).toBe(2);
    expect(found(book.find({ topic: "medecine" })).length).toBe(2);
  });

  it("matches acronyms against spelled-out and dotted names", () => {
    const quotes = found(book.find({ topic: "UN resolution" }));
    expect(quotes.map((q) => q.paragraph)).toEqual(expect.arrayContaining([20, 27, 29]));
    expect(found(book.find({ topic: "UN vote" })).map((q) => q.speaker.label)).toContain(KIRBY);
  });

  it("intersects speaker and topic", () => {
    const quotes = found(book.find({ speaker: "diplomat", topic: "Rafah" }));
    expect(quotes.map((q) => q.paragraph)).toEqual([3, 6]);
    expect(found(book.find({ speaker: "Biden", topic: "bombing" })).map((q) => q.text)).toEqual([
      "excessive",
      "indiscriminate.",
    ]);
  });

  it("reports a topic no matched quote is about", () => {
    const match = book.find({ speaker: "Kirby", topic: "Rafah" });
    expect(match).toMatchObject({ status: "no-quotes", reason: "no-topic-match", topic: "Rafah" });
    expect(book.find({ topic: "volcano" })).toMatchObject({
      status: "no-quotes",
      reason: "no-topic-match",
      speakers: [],
    });
  });

  it("treats empty or stop-word-only queries as absent", () => {
    expect(found(book.find({})).length).toBe(book.all().length);
    expect(found(book.find({ speaker: "  ", topic: "" })).length).toBe(book.all().length);
    expect(found(book.find({ speaker: "Gantz", topic: "the" })).length).toBe(1);
  });

  it("rejects overly long input with the limit", () => {
    expect(() => book.find({ speaker: "k".repeat(101) })).toThrow(UserFacingError);
    expect(() => book.find({ topic: "r".repeat(101) })).toThrow(/100 characters/);
    expect(() => book.find({ speaker: "k".repeat(100) })).not.toThrow();
  });
});

describe("QuoteBook.suggestSpeakers", () => {
  it("lists every quoted speaker for empty input, within the limit", () => {
    expect(book.suggestSpeakers("")).toHaveLength(book.speakers().length);
    expect(book.suggestSpeakers("", 3)).toHaveLength(3);
    expect(book.suggestSpeakers("", 0)).toEqual([]);
    expect(book.suggestSpeakers("", 1000).length).toBeLessThanOrEqual(25);
  });

  it("ranks names that start with the input first", () => {
    expect(book.suggestSpeakers("kir")[0]).toEqual({ name: KIRBY, value: "john-kirby" });
    expect(book.suggestSpeakers("Al-An")[0]?.value).toBe("majed-al-ansari");
    expect(book.suggestSpeakers("dipl")[0]?.name).toBe(DIPLOMAT);
    expect(book.suggestSpeakers("kriby")[0]?.value).toBe("john-kirby");
  });

  it("returns values that find the speaker again", () => {
    for (const choice of book.suggestSpeakers("")) {
      expect(book.find({ speaker: choice.value }).status).toBe("found");
    }
  });

  it("never throws and keeps Discord's limits on any input", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: "grapheme", maxLength: 300 }),
        fc.oneof(fc.integer(), fc.double()),
        (input, limit) => {
          const choices = book.suggestSpeakers(input, limit);
          expect(choices.length).toBeLessThanOrEqual(25);
          for (const c of choices) {
            expect([...c.name].length).toBeLessThanOrEqual(100);
            expect(c.value.length).toBeLessThanOrEqual(100);
            expect(c.value.length).toBeGreaterThan(0);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

function syntheticArticle(id: string, published: string, paragraphs: readonly string[]): Article {
  return {
    id,
    title: "Synthetic",
    source: "Test Wire",
    published,
    publishedInferred: false,
    byline: [],
    contributors: [],
    file: `articles/${id}.md`,
    paragraphs: paragraphs.map((text, i) => ({ articleId: id, number: i + 1, text })),
    notes: [],
  };
}

function syntheticCorpus(articles: readonly Article[], aliases: Record<string, string[]> = {}): Corpus {
  const table: AliasTable = { entries: new Map(Object.entries(aliases)) };
  return {
    dir: "/nonexistent",
    articles,
    aliases: table,
    statusCards: [],
    suggestedQuestions: [],
    questions: [],
  };
}

describe("a second article", () => {
  const second = syntheticArticle("wire-2024-03-01", "2024-03-01", [
    "Negotiators met again in Cairo on Friday.",
    "“We are close,” said Jane Doe, a spokeswoman for the foreign ministry.",
    "“Not yet,” Doe said.",
    "Foreign Minister John Smith told reporters that “the gaps are narrowing.” He described the latest proposal as “serious.”",
    "“Talks will resume,” a senior official briefed on the talks said. “There is no agreement on the withdrawal,” the official added.",
    "“It is a step,” Smith said, “but only a step.”",
    "Hamas called the plan a “non-starter.”",
    "“We want a ceasefire now,” said Mr. Smith. Aid groups, meanwhile, described conditions as “catastrophic.”",
    "“The truce must hold,” the White House said in a statement.",
    "Israeli Defense Minister Yoav Gallant on Sunday said: “We will not stop.”",
    "“The vote should wait,” Kirby said.",
    "“We expect an answer soon,” the spokeswoman said.",
  ]);

  it("extracts each quote with the right speaker", () => {
    const quotes = extractQuotes(second);
    expect(quotes.map((q) => [q.paragraph, q.speaker.label, q.kind, q.text])).toEqual([
      [2, "Jane Doe, a spokeswoman for the foreign ministry", "statement", "We are close"],
      [3, "Jane Doe, a spokeswoman for the foreign ministry", "statement", "Not yet"],
      [4, "John Smith, Foreign Minister", "statement", "the gaps are narrowing."],
      [4, "John Smith, Foreign Minister", "phrase", "serious."],
      [5, "a senior official briefed on the talks", "statement", "Talks will resume"],
      [5, "a senior official briefed on the talks", "statement", "There is no agreement on the withdrawal"],
      [6, "John Smith, Foreign Minister", "statement", "It is a step"],
      [6, "John Smith, Foreign Minister", "statement", "but only a step."],
      [7, "Hamas", "phrase", "non-starter."],
      [8, "John Smith, Foreign Minister", "statement", "We want a ceasefire now"],
      [8, "Aid groups", "phrase", "catastrophic."],
      [9, "the White House", "statement", "The truce must hold"],
      [10, "Yoav Gallant, Israeli Defense Minister", "statement", "We will not stop."],
      [11, "Kirby", "statement", "The vote should wait"],
      [12, "Jane Doe, a spokeswoman for the foreign ministry", "statement", "We expect an answer soon"],
    ]);
    const doe = quotes[0]?.speaker;
    expect(doe).toMatchObject({
      key: "jane-doe",
      name: "Jane Doe",
      role: "spokeswoman for the foreign ministry",
      aliases: ["Doe"],
    });
    expect(quotes[1]?.speaker.key).toBe("jane-doe");
  });

  it("joins the corpus: speakers, topics, aliases and a surname introduced in another article", () => {
    const both = QuoteBook.fromCorpus(
      syntheticCorpus([second, article], { truce: ["ceasefire"], bibi: ["netanyahu"] }),
    );
    expect(both.all()).toHaveLength(15 + 15);
    expect(found(both.find({ speaker: "doe" })).map((q) => q.text)).toEqual([
      "We are close",
      "Not yet",
      "We expect an answer soon",
    ]);
    expect(found(both.find({ speaker: "foreign ministry spokeswoman" }))[0]?.speaker.key).toBe("jane-doe");
    // “Kirby said” in the wire story is the John Kirby the CNN story introduces.
    const kirby = found(both.find({ speaker: "kirby" }));
    expect(kirby.map((q) => q.speaker.label)).toEqual([KIRBY, KIRBY, KIRBY]);
    // The alias table widens "truce" to "ceasefire".
    const truce = found(both.find({ topic: "truce", speaker: "smith" }));
    expect(truce.map((q) => q.text)).toEqual(["We want a ceasefire now"]);
    // So does a speaker typed as an alias.
    expect(found(both.find({ speaker: "Bibi" }))[0]?.speaker.label).toBe(NETANYAHU);
    expect(found(both.find({ speaker: "Bibi" })).map((q) => q.text)).toEqual([
      "delusions.",
      "complete victory",
    ]);
  });

  it("reads straight quotation marks when a paragraph has no curly ones", () => {
    const plain = syntheticArticle("plain", "2024-03-02", [
      '"We will keep talking," said Omar Haddad, an Egyptian official.',
    ]);
    expect(extractQuotes(plain).map((q) => [q.speaker.label, q.text])).toEqual([
      ["Omar Haddad, an Egyptian official", "We will keep talking"],
    ]);
  });

  it("carries a speaker across paragraphs: a colon introduction and a continued quote", () => {
    const intro = syntheticArticle("intro", "2024-03-04", [
      "Qatari Prime Minister Mohammed bin Abdulrahman Al Thani told reporters in Doha:",
      "“The coming days are decisive.”",
      "“We will keep pushing both sides,” he said.",
    ]);
    const quotes = extractQuotes(intro);
    expect(quotes.map((q) => q.speaker.key)).toEqual([
      "mohammed-bin-abdulrahman-al-thani",
      "mohammed-bin-abdulrahman-al-thani",
    ]);
    expect(quotes[0]?.speaker.role).toBe("Qatari Prime Minister");
  });

  it("leaves a quote unattributed rather than guessing", () => {
    const scare = syntheticArticle("scare", "2024-03-03", [
      "The so-called “humanitarian pause” has not begun.",
    ]);
    expect(extractQuotes(scare).map((q) => [q.speaker.key, q.text])).toEqual([
      ["unattributed", "humanitarian pause"],
    ]);
  });

  it("never throws on arbitrary paragraphs and keeps every quote verbatim", () => {
    const piece = fc.constantFrom(
      "“",
      "”",
      '"',
      ",",
      ".",
      " said ",
      " the ",
      "Kirby",
      "Dr.",
      " a diplomat ",
      "U.S.",
      "’s",
      " ",
      "\n",
      "as",
      ", including ",
    );
    fc.assert(
      fc.property(fc.array(fc.oneof(piece, fc.string({ maxLength: 8 })), { maxLength: 30 }), (parts) => {
        const text = parts.join("").trim() || "x";
        const quotes = extractQuotes(syntheticArticle("fuzz", "2024-01-01", [text]));
        for (const q of quotes) {
          expect(text).toContain(q.text);
          expect(q.speaker.label.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 400 },
    );
  });
});

describe("across reports", () => {
  /** The four fictional Port Ellery reports (test/fixtures/port-ellery) and the shipped CNN article. */
  let reports: Corpus;
  let all: QuoteBook;
  beforeAll(() => {
    const fixture = loadCorpus(REPORTS_DIR);
    reports = syntheticCorpus([...fixture.articles, article]);
    all = QuoteBook.fromCorpus(reports);
  });

  const PORT = {
    open: "2025-04-02-harbour-wire-port-talks-open",
    raised: "2025-04-24-harbour-wire-offer-raised-strike-delayed",
    judge: "2025-05-13-harbour-wire-retired-judge-takes-over-talks",
    deal: "2025-06-04-harbour-wire-dockworkers-accept-deal",
  };

  it("attributes every quote of the reports to the person who said it", () => {
    const byReport = (id: string) =>
      all
        .all()
        .filter((q) => q.articleId === id)
        .map((q) => [q.paragraph, q.speaker.key, q.text.slice(0, 24)]);
    expect(byReport(PORT.open)).toEqual([
      [3, "nell-brackwater", "Three per cent is not an"],
      [3, "nell-brackwater", "Our members will not car"],
      // "Tobias Quarrendon, the association's chief negotiator, said the offer was …. “…,” he said."
      [5, "tobias-quarrendon", "We have put a serious pr"],
      [7, "hester-ambleforth", "Both parties have come t"],
      [10, "corwin-tallis", "Every day a ship sits in"],
      // "Brackwater said the 1 May date … “…,” she said."
      [13, "nell-brackwater", "That is enough time for "],
      // Named for the first time in the sentence before: "Dario Fenwick-Lusk, a crane operator …, said".
      [14, "dario-fenwick-lusk", "I am not asking for a ho"],
      [16, "agathe-renwyck", "one in every nine jobs i"],
    ]);
    expect(byReport(PORT.raised)).toEqual([
      [3, "tobias-quarrendon", "We have moved a long way"],
      [3, "tobias-quarrendon", "Four and a half per cent"],
      [5, "nell-brackwater", "This is movement, and we"],
      [5, "nell-brackwater", "We are giving the talks "],
      [9, "corwin-tallis", "We are past the point of"],
      [9, "corwin-tallis", "Fruit growers in the Ash"],
      // "Hester Ambleforth, the provincial conciliator chairing the talks, said …": not "the talks".
      [11, "hester-ambleforth", "real progress"],
      [11, "hester-ambleforth", "narrower than at any poi"],
      // "…, Osric Pellham, said … “hour by hour” and urged both sides to “…”".
      [12, "osric-pellham", "hour by hour"],
      [12, "osric-pellham", "finish the job before th"],
      [13, "osric-pellham", "I would much rather not "],
      [14, "josef-kettleby", "People want the money, n"],
    ]);
    expect(byReport(PORT.judge).map(([p, key]) => `${p} ${key}`)).toEqual([
      "4 ilse-marrowby",
      "6 nell-brackwater",
      "9 tobias-quarrendon",
      "9 tobias-quarrendon",
      "13 corwin-tallis",
      "13 corwin-tallis",
      // "Marrowby, 68, retired …" in the paragraph before: "She said she would hold sessions …".
      "15 ilse-marrowby",
      "16 osric-pellham",
    ]);
    expect(byReport(PORT.deal).map(([p, key]) => `${p} ${key}`)).toEqual([
      "3 nell-brackwater", // her statement
      "3 nell-brackwater", // "…, who in April had dismissed the employers' first offer … as “…”"
      "7 ilse-marrowby",
      "8 tobias-quarrendon", // "Tobias Quarrendon, the employers' chief negotiator, said …"
      "12 corwin-tallis", // "Corwin Tallis, chair …, welcomed the deal but said exporters had lost “…”"
      "15 dario-fenwick-lusk",
    ]);
  });

  it("is one speaker per person, by the newest description, whichever way each report names them", () => {
    const speakers = all.speakers();
    expect(new Set(speakers.map((s) => s.key)).size).toBe(speakers.length);
    const keys = speakers.map((s) => s.key);
    // Reports that print only "Ambleforth" or "Pellham" are the people another report names in full.
    expect(keys).not.toContain("ambleforth");
    expect(keys).not.toContain("pellham");
    const ambleforth = found(all.find({ speaker: "Ambleforth" }));
    expect(new Set(ambleforth.map((q) => q.articleId))).toEqual(new Set([PORT.raised, PORT.open]));
    expect(new Set(ambleforth.map((q) => q.speaker.label))).toEqual(
      new Set(["Hester Ambleforth, the provincial conciliator chairing the talks"]),
    );
    // The newest report's description: the employers' chief negotiator, not the association's.
    const quarrendon = found(all.find({ speaker: "quarrendon" }));
    expect(quarrendon[0]?.speaker.label).toBe("Tobias Quarrendon, the employers' chief negotiator");
    expect(new Set(quarrendon.map((q) => q.articleId)).size).toBe(4);
  });

  it("quotes a speaker newest report first, each quote naming its report", () => {
    // Whatever order the corpus lists its reports in.
    const oldestFirst = QuoteBook.fromCorpus(syntheticCorpus([...reports.articles].reverse()));
    const brackwater = found(oldestFirst.find({ speaker: "Nell Brackwater" }));
    const statements = brackwater.filter((q) => q.kind === "statement");
    expect(statements.map((q) => q.articleId)).toEqual([
      PORT.deal,
      PORT.judge,
      PORT.raised,
      PORT.raised,
      PORT.open,
      PORT.open,
      PORT.open,
    ]);
    const dates = brackwater.map((q) => reports.articles.find((a) => a.id === q.articleId)?.published ?? "");
    expect(dates.slice(0, statements.length)).toEqual(
      [...dates.slice(0, statements.length)].sort().reverse(),
    );
    // A topic ranks by relevance first, then by date: "strike" is in the newest quotes that say it.
    const strike = found(oldestFirst.find({ speaker: "brackwater", topic: "strike" }));
    expect(strike[0]?.articleId).toBe(PORT.judge);
  });

  const ANSARI = "Majed Al-Ansari, Qatari Foreign Ministry spokesman";

  it("merges spellings of one name across reports: case, hyphens, titles, middle names, initials", () => {
    const later = syntheticArticle("wire-2024-03-05", "2024-03-05", [
      "“Talks continue,” Dr. Majed al Ansari said in Doha.",
      "“We are hopeful,” Sheikh Mohammed bin Abdulrahman Al Thani, Qatar's prime minister, told reporters.",
      "“The vote can wait,” said J. Kirby.",
    ]);
    const latest = syntheticArticle("wire-2024-03-09", "2024-03-09", [
      "“Nothing is agreed yet,” Al-Ansari said.",
      "“Both sides must move,” Mohammed Al Thani said.",
      "“We will keep talking,” said Ansari.",
    ]);
    const book = QuoteBook.fromCorpus(syntheticCorpus([latest, later, article]));
    const ansari = found(book.find({ speaker: "Al-Ansari" }));
    expect(ansari.map((q) => [q.articleId, q.text])).toEqual([
      ["wire-2024-03-09", "Nothing is agreed yet"],
      ["wire-2024-03-09", "We will keep talking"],
      ["wire-2024-03-05", "Talks continue"],
      [CNN, "Qatar has received these confirmations as a broker of the agreement"],
    ]);
    // One person, by the description with a role (CNN's), under every name the reports used.
    expect(new Set(ansari.map((q) => q.speaker.label))).toEqual(new Set([ANSARI]));
    expect(found(book.find({ speaker: "majed al ansari" })).length).toBe(4);
    expect(book.speakers().filter((s) => /ansari/i.test(s.label))).toHaveLength(1);
    const thani = found(book.find({ speaker: "Al Thani" }));
    expect(thani.map((q) => q.text)).toEqual(["Both sides must move", "We are hopeful"]);
    expect(thani[0]?.speaker.name).toBe("Mohammed bin Abdulrahman Al Thani");
    const kirby = found(book.find({ speaker: "kirby" }));
    expect(new Set(kirby.map((q) => q.speaker.label))).toEqual(new Set([KIRBY]));
    expect(kirby[0]?.text).toBe("The vote can wait");
  });

  it("keeps apart people who only share a surname, and a bare surname two of them could own", () => {
    const family = syntheticArticle("wire-2024-04-01", "2024-04-01", [
      "“I am proud of my father,” said Hunter Biden, a lawyer.",
      "“We stand together,” said Jill Biden, a teacher.",
    ]);
    const bare = syntheticArticle("wire-2024-04-02", "2024-04-02", ["“Not now,” Biden said."]);
    const book = QuoteBook.fromCorpus(syntheticCorpus([bare, family, article]));
    const bidens = book.speakers().filter((s) => /biden/i.test(s.key));
    expect(bidens.map((s) => s.key).sort()).toEqual(["biden", "hunter-biden", "jill-biden", "joe-biden"]);
    // Organisations are never merged into a person: "the US" stays itself.
    expect(book.speakers().find((s) => s.key === "us")?.label).toBe(US);
  });
});
