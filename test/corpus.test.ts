import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadCorpus, parseArticle } from "../src/corpus/load.js";
import { CorpusError } from "../src/errors.js";
import { copyCorpus, SECOND_ARTICLE } from "./support/corpus.js";

// The raw source sits beside the repository in the team's shared folder; the seed article must match it.
const SOURCE_URL = new URL("../../shared/corpus-source/cnn-2024-02-ceasefire-talks.txt", import.meta.url);
const SOURCE = existsSync(SOURCE_URL) ? readFileSync(SOURCE_URL, "utf8") : undefined;
const ARTICLE = readFileSync(
  new URL("../corpus/articles/cnn-2024-02-22-ceasefire-talks.md", import.meta.url),
  "utf8",
);

const copies: { remove(): void }[] = [];
afterEach(() => {
  for (const copy of copies.splice(0)) copy.remove();
});

function corpusWith(file: string, text: string) {
  const copy = copyCorpus();
  copies.push(copy);
  copy.write(file, text);
  return copy.dir;
}

describe("the shipped corpus", () => {
  const corpus = loadCorpus();
  const article = corpus.articles[0];

  it.skipIf(SOURCE === undefined)("holds the seed article verbatim after its front matter", () => {
    const body = ARTICLE.slice(ARTICLE.indexOf("\n---\n", 4) + 5);
    expect(body.trimEnd()).toBe(SOURCE?.trimEnd());
  });

  it("records the inferred publication date and its reasoning", () => {
    expect(article?.published).toBe("2024-02-22");
    expect(article?.publishedInferred).toBe(true);
    expect(article?.publishedNote).toMatch(/Tuesday/);
    expect(article?.source).toBe("CNN");
    expect(article?.contributors).toEqual(["Katie Bo Lillis"]);
  });

  it("numbers paragraphs 1..29 from the first line after the dateline", () => {
    const lines = ARTICLE.slice(ARTICLE.indexOf("\n---\n", 4) + 5)
      .split("\n")
      .filter((line) => line.trim() !== "");
    expect(article?.paragraphs).toHaveLength(29);
    expect(article?.paragraphs.map((p) => p.number)).toEqual(Array.from({ length: 29 }, (_, i) => i + 1));
    expect(article?.paragraphs[0]?.text).toBe(lines[1]);
    expect(article?.paragraphs[1]?.text).toMatch(/1\.5 million displaced Gazans/);
    expect(article?.paragraphs[28]?.text).toMatch(/^“I think the American people/);
  });

  it("keeps the closing editorial lines as notes, out of the paragraphs", () => {
    expect(article?.notes).toEqual([
      "This story has been updated with additional details.",
      "CNN's Katie Bo Lillis contributed reporting.",
    ]);
    expect(article?.paragraphs.some((p) => /contributed reporting/.test(p.text))).toBe(false);
  });

  it("has a status card whose every evidence phrase occurs verbatim in a cited paragraph", () => {
    const card = corpus.statusCards[0];
    expect(card?.asOf).toBe("2024-02-22");
    const points = card?.sections.flatMap((s) => s.points) ?? [];
    expect(points.length).toBeGreaterThanOrEqual(10);
    for (const point of points) {
      const cited = point.cite.paragraphs.map((n) => article?.paragraphs[n - 1]?.text ?? "");
      expect(
        cited.some((text) => text.includes(point.evidence)),
        point.text,
      ).toBe(true);
    }
    expect(card?.sections.map((s) => s.heading)).toEqual(
      expect.arrayContaining([
        "The deal on the table",
        "Mediators",
        "Sticking points",
        "Latest moves",
        "Deadline",
        "Risks",
      ]),
    );
  });

  it("loads the aliases as lowercase keys", () => {
    expect(corpus.aliases.entries.size).toBeGreaterThan(10);
    for (const key of corpus.aliases.entries.keys()) expect(key).toBe(key.toLowerCase());
  });
});

describe("corpus validation names the file and the field", () => {
  const valid = (front: string, body = "CNN –\nA paragraph.\n") => `---\n${front}\n---\n${body}`;
  const base = "id: x\ntitle: T\nsource: S\npublished: 2024-02-22";

  it.each([
    [
      "a bad date",
      "id: x\ntitle: T\nsource: S\npublished: 22/02/2024",
      "corpus: articles/x.md: 'published' must be an ISO date",
    ],
    [
      "a missing title",
      "id: x\nsource: S\npublished: 2024-02-22",
      "corpus: articles/x.md: 'title' is required",
    ],
    [
      "a title that is not text",
      "id: x\ntitle: 5\nsource: S\npublished: 2024-02-22",
      "corpus: articles/x.md: 'title' must be a string",
    ],
    [
      "a bad id",
      "id: Not An Id\ntitle: T\nsource: S\npublished: 2024-02-22",
      "corpus: articles/x.md: 'id' must be lowercase letters, digits and dashes",
    ],
    ["a bad url", `${base}\nurl: not a url`, "corpus: articles/x.md: 'url' must be an http(s) URL"],
    ["an unknown field", `${base}\nauthor: me`, "corpus: articles/x.md: unknown field(s) 'author'"],
  ])("rejects %s", (_label, front, message) => {
    expect(() => parseArticle("articles/x.md", valid(front))).toThrow(new CorpusError(message));
  });

  it("rejects an empty body and a missing dateline", () => {
    expect(() => parseArticle("articles/x.md", valid(base, "\n\n"))).toThrow(
      "corpus: articles/x.md: body must have at least one paragraph",
    );
    expect(() => parseArticle("articles/x.md", valid(`${base}\ndateline: CNN –`, "Text.\n"))).toThrow(
      "body must start with the dateline 'CNN –'",
    );
    expect(() => parseArticle("articles/x.md", "no front matter\n")).toThrow(
      "corpus: articles/x.md: missing front matter",
    );
  });

  it("rejects a file that is not UTF-8 (another encoding, a PDF renamed), naming it", () => {
    const latin1 = Buffer.from(
      "---\nid: x\ntitle: Caf\xe9 talks\nsource: S\npublished: 2024-02-22\n---\nA paragraph.\n",
      "latin1",
    );
    const dir = corpusWith("articles/x.md", "");
    writeFileSync(join(dir, "articles", "x.md"), latin1);
    expect(() => loadCorpus(dir)).toThrow(
      new CorpusError(
        "corpus: articles/x.md: is not UTF-8 text: save it as UTF-8 (e.g. iconv -f windows-1252 -t utf-8), or add it with talks-bot add",
      ),
    );
    writeFileSync(
      join(dir, "articles", "x.md"),
      Buffer.from([0x25, 0x50, 0x44, 0x46, 0x2d, 0x31, 0x2e, 0x37, 0xe2, 0xe3, 0xcf, 0xd3]),
    );
    expect(() => loadCorpus(dir)).toThrow("corpus: articles/x.md: is not UTF-8 text");
  });

  it("rejects duplicate ids with both file names", () => {
    const dir = corpusWith(
      "articles/copy.md",
      readFileSync(new URL("../corpus/articles/cnn-2024-02-22-ceasefire-talks.md", import.meta.url), "utf8"),
    );
    expect(() => loadCorpus(dir)).toThrow(
      /corpus: articles\/copy\.md: 'id' cnn-2024-02-22-ceasefire-talks is already used by articles\/cnn-2024-02-22-ceasefire-talks\.md/,
    );
  });

  it("rejects a status point whose evidence is not in the cited paragraph", () => {
    const card = readFileSync(
      new URL("../corpus/status/2024-02-22-cnn.yaml", import.meta.url),
      "utf8",
    ).replace("evidence: initial six-week pause in fighting", "evidence: a permanent ceasefire was agreed");
    const dir = corpusWith("status/2024-02-22-cnn.yaml", card);
    expect(() => loadCorpus(dir)).toThrow(
      /corpus: status\/2024-02-22-cnn\.yaml: 'sections\.0\.points\.0\.evidence' does not occur verbatim/,
    );
  });

  it("rejects a citation of a paragraph that does not exist", () => {
    const card = readFileSync(
      new URL("../corpus/status/2024-02-22-cnn.yaml", import.meta.url),
      "utf8",
    ).replace("paragraphs: [8]", "paragraphs: [80]");
    const dir = corpusWith("status/2024-02-22-cnn.yaml", card);
    expect(() => loadCorpus(dir)).toThrow(
      /'sections\.0\.points\.0\.cite\.paragraphs' has 80, but cnn-2024-02-22-ceasefire-talks has 29 paragraphs/,
    );
  });

  it("reads reviewed translations of the status card, and refuses a language it does not speak", () => {
    const corpus = loadCorpus();
    const [first] = corpus.statusCards[0]?.sections ?? [];
    expect(first?.translations).toMatchObject({ ar: expect.any(String), he: expect.any(String) });
    expect(first?.points[0]?.translations.ar).toMatch(/\p{Script=Arabic}/u);
    const card = readFileSync(
      new URL("../corpus/status/2024-02-22-cnn.yaml", import.meta.url),
      "utf8",
    ).replace(/translations:\n(\s+)ar:/, "translations:\n$1fr: Médiateurs\n$1ar:");
    expect(() => loadCorpus(corpusWith("status/2024-02-22-cnn.yaml", card))).toThrow(
      /sections\.0\.translations.*'fr' is not a language talks-bot speaks besides English \(ar, he\)/,
    );
  });

  it("rejects suggested questions that are not a list of questions", () => {
    expect(() => loadCorpus(corpusWith("questions.yaml", "who: is mediating\n"))).toThrow(
      new CorpusError("corpus: questions.yaml: must be a list of questions (strings)"),
    );
    expect(() => loadCorpus(corpusWith("questions.yaml", "- who is mediating?\n- ''\n"))).toThrow(
      new CorpusError("corpus: questions.yaml: '1' must not be empty"),
    );
  });

  it("rejects an empty corpus, and a folder that does not exist, by absolute path", () => {
    const copy = copyCorpus();
    copies.push(copy);
    rmSync(join(copy.dir, "articles"), { recursive: true });
    expect(() => loadCorpus(copy.dir)).toThrow(`corpus: ${copy.dir}: no articles found`);
    expect(() => loadCorpus(`${copy.dir}/nowhere`)).toThrow(
      `corpus: folder does not exist: ${copy.dir}/nowhere`,
    );
  });
});

describe("labelled questions", () => {
  const ARTICLE_ID = "cnn-2024-02-22-ceasefire-talks";
  const file = `questions/${ARTICLE_ID}.jsonl`;
  const line = (fields: Record<string, unknown>) =>
    JSON.stringify({
      id: "t-001",
      q: "who is mediating?",
      gold: ["brokered by Qatar, Egypt and the United States"],
      kind: "who",
      voice: "test",
      split: "fit",
      ...fields,
    });
  /** A corpus whose questions file for the article holds a good line, then `bad` on line 2. */
  const withLine = (bad: string, name = file) => corpusWith(name, `${line({ id: "t-000" })}\n${bad}\n`);

  it("loads the shipped questions, each answerable one with the paragraphs its gold phrases are in", () => {
    const { questions } = loadCorpus();
    expect(questions.length).toBeGreaterThan(1000);
    const mediating = questions.find((q) => q.text === "who is mediating?");
    expect(mediating).toMatchObject({ articleId: ARTICLE_ID, paragraphs: [3], split: "fit" });
    const offTopic = questions.filter((q) => q.articleId === null);
    expect(offTopic.length).toBeGreaterThanOrEqual(100);
    expect(new Set(offTopic.map((q) => q.kind))).toEqual(new Set(["offtopic", "greeting"]));
    expect(new Set(questions.map((q) => q.split))).toEqual(new Set(["fit", "held-back"]));
  });

  it("needs none: an article without a questions file loads", () => {
    const copy = copyCorpus();
    copies.push(copy);
    rmSync(join(copy.dir, "questions"), { recursive: true });
    expect(loadCorpus(copy.dir).questions).toEqual([]);
  });

  it("stops on a bad line with the file, the line and what is wrong", () => {
    const where = `corpus: ${file}:2:`;
    expect(() => loadCorpus(withLine("{not json"))).toThrow(`${where} not valid JSON`);
    expect(() => loadCorpus(withLine(line({ split: "train" })))).toThrow(
      `${where} 'split' must be 'fit' or 'held-back'`,
    );
    expect(() => loadCorpus(withLine(line({ gold: ["brokered by Norway alone"] })))).toThrow(
      `${where} gold phrase "brokered by Norway alone" does not occur verbatim in ${ARTICLE_ID}`,
    );
    expect(() => loadCorpus(withLine(line({ gold: ["Rafah"] })))).toThrow(
      new RegExp(`${where} gold phrase "Rafah" occurs in paragraphs 2, 3, .* make it longer`),
    );
    expect(() => loadCorpus(withLine(line({ id: "t-000" })))).toThrow(
      `${where} 'id' t-000 is already used at ${file}:1`,
    );
    expect(() => loadCorpus(withLine(line({ gold: [] })))).toThrow(
      `${where} 'gold' must name the phrase(s) that answer it, or 'kind' must be 'oos'`,
    );
    expect(() => loadCorpus(withLine(line({ kind: "oos" })))).toThrow(
      `${where} a question of kind 'oos' has no 'gold' phrases`,
    );
    expect(() => loadCorpus(withLine(line({ voice: undefined })))).toThrow(`${where} 'voice' is required`);
    expect(() => loadCorpus(withLine(line({ extra: 1 })))).toThrow(`${where} unknown field(s) 'extra'`);
  });

  it("names the article a questions file must be named after, and keeps off-topic messages apart", () => {
    expect(() => loadCorpus(withLine(line({ id: "t-009" }), "questions/no-such-article.jsonl"))).toThrow(
      "corpus: questions/no-such-article.jsonl: names no article",
    );
    expect(() =>
      loadCorpus(withLine(line({ id: "t-009", kind: "offtopic" }), "questions/off-topic.jsonl")),
    ).toThrow("corpus: questions/off-topic.jsonl:1: a message about no article has no 'gold'");
  });
});

describe("a second article", () => {
  it("is picked up, newest first", () => {
    const dir = corpusWith("articles/example.md", SECOND_ARTICLE);
    const corpus = loadCorpus(dir);
    expect(corpus.articles.map((a) => a.id)).toEqual([
      "example-2024-03-01-talks-resume",
      "cnn-2024-02-22-ceasefire-talks",
    ]);
    expect(corpus.articles[0]?.paragraphs).toHaveLength(3);
    expect(corpus.articles[0]?.url).toBe("https://example.org/talks-resume");
  });
});
