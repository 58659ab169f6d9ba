/**
 * Every command sees every report: the real bot (discord.js 14) against the fake Discord, on a corpus of 508
 * reports (the shipped CNN article and its status card of 22 February 2024, two later reports quoting its
 * Qatari spokesman, 500 made-up ones, and the four fictional Port Ellery reports, the newest). What arrives
 * on the wire for /status, /quote, /help and /sources, in English, Arabic and Hebrew, within Discord's limits.
 */
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { loadCorpus } from "../src/corpus/load.js";
import type { Corpus } from "../src/corpus/types.js";
import { startTestBot, TEST_TOKEN, type TestBot, tempDir } from "./support/bot.js";
import { reportsCorpus } from "./support/corpus.js";
import { type FakeDiscord, startFakeDiscord } from "./support/fake-discord.js";
import { maskedLinks } from "./support/markdown-links.js";

const SYNTHETIC = 500;

let fake: FakeDiscord;
let bot: TestBot;
let corpus: Corpus;
const cleanups: (() => void)[] = [];

beforeAll(async () => {
  const folder = reportsCorpus(SYNTHETIC);
  cleanups.push(folder.remove);
  const data = tempDir();
  cleanups.push(data.cleanup);
  corpus = loadCorpus(folder.dir);
  fake = await startFakeDiscord({ token: TEST_TOKEN, heartbeatIntervalMs: 500 });
  bot = await startTestBot(fake, {
    databasePath: join(data.path, "bot.db"),
    env: { CORPUS_DIR: folder.dir, CACHE_DIR: join(data.path, "cache") },
  });
}, 120_000);

afterAll(async () => {
  await bot?.stop();
  await fake?.close();
  for (const cleanup of cleanups) cleanup();
});

afterEach(() => {
  // Discord refused nothing the bot sent (50035 for a limit, 50006 for an empty message).
  expect(fake.requests.filter((r) => (r.status ?? 0) >= 400).map((r) => r.route)).toEqual([]);
  expect(fake.unknownRequests()).toEqual([]);
});

type Embed = {
  title?: string;
  description?: string;
  fields?: { name: string; value: string }[];
  footer?: { text: string };
};
const embedsOf = (reply: { data: { embeds?: unknown[] } }) => (reply.data.embeds ?? []) as Embed[];
const size = (embeds: readonly Embed[]) =>
  embeds.reduce(
    (sum, e) =>
      sum +
      (e.title?.length ?? 0) +
      (e.description?.length ?? 0) +
      (e.footer?.text.length ?? 0) +
      (e.fields ?? []).reduce((n, f) => n + f.name.length + f.value.length, 0),
    0,
  );

const PORT_ELLERY = [
  ["2025-06-04-harbour-wire-dockworkers-accept-deal", "4 June 2025"],
  ["2025-05-13-harbour-wire-retired-judge-takes-over-talks", "13 May 2025"],
  ["2025-04-24-harbour-wire-offer-raised-strike-delayed", "24 April 2025"],
  ["2025-04-02-harbour-wire-port-talks-open", "2 April 2025"],
] as const;

function article(id: string) {
  const found = corpus.articles.find((a) => a.id === id);
  if (!found) throw new Error(`no article ${id}`);
  return found;
}

describe("/status", () => {
  it("adds “Since 22 February 2024:” with each newer report's lead paragraph, verbatim and cited, newest first", async () => {
    const reply = await fake.command("status");
    expect(reply.ephemeral).toBe(false);
    const [card, since] = embedsOf(reply);
    expect(card?.title).toBe("Where the talks stand (as of 22 February 2024)");
    expect(since?.title).toBe("Since 22 February 2024:");
    const newer = corpus.articles.filter((a) => a.published > "2024-02-22").length;
    expect(newer).toBe(SYNTHETIC + 2 + 4);
    const description = since?.description ?? "";
    expect(description).toMatch(
      new RegExp(`^${newer} reports are newer than this summary, newest first\\. Their opening paragraphs`),
    );
    // Each lead is quoted as published, with outlet, title, date and ¶1, in order from the newest.
    let from = 0;
    for (const [id, date] of PORT_ELLERY) {
      const report = article(id);
      const lead = report.paragraphs[0]?.text ?? "";
      const quoted = description.indexOf(`> ${lead}\n`, from);
      expect(quoted, id).toBeGreaterThanOrEqual(from);
      const cited = `Harbour Wire (fictional), “${report.title}”, ${date}, ¶1`;
      expect(description.indexOf(cited, quoted)).toBeGreaterThan(quoted);
      from = description.indexOf(cited, quoted);
    }
    // The rest do not fit: the footer says how many more, and where every report is listed.
    const shown = (description.match(/, ¶1$/gm) ?? []).length;
    expect(shown).toBeGreaterThan(4);
    expect(since?.footer?.text).toBe(`${newer - shown} more reports not shown: /sources lists every report`);
    expect(size(embedsOf(reply))).toBeLessThanOrEqual(6000);
  });

  it("says the same in Arabic, marking the leads as the English original", async () => {
    const reply = await fake.command("status", {}, { locale: "ar" });
    const [, since] = embedsOf(reply);
    expect(since?.title).toMatch(/^منذ /);
    expect(since?.description).toContain("من النص الإنجليزي الأصلي");
    expect(since?.description).toContain(article(PORT_ELLERY[0][0]).paragraphs[0]?.text.slice(0, 40));
    expect(since?.footer?.text).toMatch(/\/sources/);
    expect(size(embedsOf(reply))).toBeLessThanOrEqual(6000);
  });
});

describe("/quote", () => {
  it("finds one speaker under every spelling, in every report, newest first, each quote naming its report", async () => {
    for (const speaker of ["Al-Ansari", "majed al ansari", "ansari"]) {
      const reply = await fake.command("quote", { speaker });
      const fields = embedsOf(reply)[0]?.fields ?? [];
      expect(fields.map((f) => f.name)).toEqual([
        "Majed Al-Ansari, Qatari Foreign Ministry spokesman",
        "Majed Al-Ansari, Qatari Foreign Ministry spokesman",
        "Majed Al-Ansari, Qatari Foreign Ministry spokesman",
      ]);
      expect(fields.map((f) => f.value.split("\n").at(-1))).toEqual([
        "Example Wire, “Gaps remain over the release of hostages”, 9 March 2024, ¶2",
        expect.stringMatching(
          /^Example Wire, \[Mediators return to Doha as the talks resume\]\(<https:.*>\), 5 March 2024, ¶2$/,
        ),
        "CNN, “US races to secure a hostage deal and Gaza ceasefire before Ramadan”, 22 February 2024 (date inferred from the text), ¶17",
      ]);
    }
  });

  it("quotes a fictional report's speaker from all four reports, the newest first, and says how many more", async () => {
    const reply = await fake.command("quote", { speaker: "Brackwater" });
    const embed = embedsOf(reply)[0];
    const dates = (embed?.fields ?? []).map((f) => /(\d+ \w+ 2025), ¶\d+$/.exec(f.value)?.[1]);
    expect(dates).toEqual(["4 June 2025", "13 May 2025", "24 April 2025", "24 April 2025", "2 April 2025"]);
    expect(embed?.footer?.text).toBe("3 more: narrow it with speaker or topic");
  });

  it("autocompletes speakers of every report, each person once", async () => {
    const choices = async (value: string) =>
      (
        (await fake.autocomplete("quote", { speaker: value }, "speaker")).data as {
          choices: { name: string; value: string }[];
        }
      ).choices;
    expect((await choices("brack")).map((c) => c.name)).toEqual([
      "Nell Brackwater, the union's general secretary",
    ]);
    expect((await choices("ansari")).map((c) => c.value)).toEqual(["majed-al-ansari"]);
    expect((await choices("kirby"))[0]?.name).toBe("John Kirby, White House spokesman");
  });
});

describe("/help", () => {
  it("lists the sources newest first with their dates, as many as fit, and how many more", async () => {
    const reply = await fake.command("help");
    expect(reply.ephemeral).toBe(true);
    const sources = embedsOf(reply)[0]?.fields?.find((f) => f.name === "Sources")?.value ?? "";
    const lines = sources.split("\n");
    expect(lines[0]).toBe(
      "• Harbour Wire (fictional), “Port Ellery dockworkers accept 5% pay deal, ending 11-week dispute”, 4 June 2025",
    );
    expect(lines.at(-1)).toBe(
      `…and ${corpus.articles.length - lines.length + 1} more reports: /sources lists every one`,
    );
    expect(sources.length).toBeLessThanOrEqual(1024);
    expect(embedsOf(reply)[0]?.footer?.text).toBe("Coverage as of 4 June 2025");
  });
});

describe("/sources", () => {
  it("lists every report once across its pages, newest first, with outlet, title, date, link and paragraphs", async () => {
    const first = await fake.command("sources");
    expect(first.ephemeral).toBe(true);
    const pages = Number(
      /^Page 1 of (\d+) · for older reports, ask for page 2$/.exec(
        embedsOf(first)[0]?.footer?.text ?? "",
      )?.[1],
    );
    expect(pages).toBeGreaterThan(30);
    const lines: string[] = [];
    for (let page = 1; page <= pages; page++) {
      const reply = page === 1 ? first : await fake.command("sources", { page });
      const [embed] = embedsOf(reply);
      expect(embed?.title).toBe("Sources: every report I answer from");
      const description = embed?.description ?? "";
      expect(description).toMatch(new RegExp(`^${corpus.articles.length} reports, newest first\\.`));
      lines.push(...description.split("\n").filter((line) => line.startsWith("• ")));
      expect(embed?.footer?.text).toBe(
        page < pages
          ? `Page ${page} of ${pages} · for older reports, ask for page ${page + 1}`
          : `Page ${pages} of ${pages}`,
      );
      expect(size(embedsOf(reply))).toBeLessThanOrEqual(6000);
    }
    expect(lines).toHaveLength(corpus.articles.length);
    expect(lines[0]).toBe(
      "• Harbour Wire (fictional), “Port Ellery dockworkers accept 5% pay deal, ending 11-week dispute”, 4 June 2025 · 17 paragraphs",
    );
    expect(lines.at(-1)).toBe(
      "• CNN, “US races to secure a hostage deal and Gaza ceasefire before Ramadan”, 22 February 2024 (date inferred from the text) · 29 paragraphs",
    );
    // Dates never go up from one line to the next.
    const dates = lines.map((line) =>
      Date.parse(/, (\d+ \w+ \d{4})(?: \(date inferred[^)]*\))? · /.exec(line)?.[1] ?? ""),
    );
    expect(dates.every((d, i) => !Number.isNaN(d) && (i === 0 || d <= (dates[i - 1] ?? d)))).toBe(true);
    // A report with a URL is linked, its preview stopped, the URL whole; markdown in a title stays text.
    const linked = lines.filter((line) => line.includes("](<"));
    expect(linked.length).toBe(corpus.articles.filter((a) => a.url).length);
    for (const line of linked) {
      const [url] = maskedLinks(line);
      expect(url).toMatch(/^https:\/\/example\.org\/[^()<>\s]+$/);
    }
    const withUrl = corpus.articles.find((a) => a.url?.includes("_(update)"));
    expect(
      linked.some((line) => maskedLinks(line)[0] === withUrl?.url?.replace("(", "%28").replace(")", "%29")),
    ).toBe(true);
    expect(lines.find((line) => line.includes("meets"))).toMatch(/\\\*meets\\\* again \\\[\d+\]/);
  });

  it("says privately that a page past the last does not exist, naming how many there are", async () => {
    const reply = await fake.command("sources", { page: 999 });
    expect(reply.ephemeral).toBe(true);
    expect(embedsOf(reply)[0]?.description).toMatch(
      /^There is no page 999 of sources: the list has \d+ pages\.$/,
    );
  });

  it("answers in Hebrew and Arabic", async () => {
    const he = await fake.command("sources", {}, { locale: "he" });
    expect(embedsOf(he)[0]?.title).toMatch(/\p{Script=Hebrew}/u);
    expect(embedsOf(he)[0]?.description).toMatch(/17 פסקאות/);
    const ar = await fake.command("sources", { page: 999 }, { locale: "ar" });
    expect(ar.ephemeral).toBe(true);
    expect(embedsOf(ar)[0]?.description).toMatch(/\p{Script=Arabic}/u);
  });
});
