/**
 * Every command sees every report, in the CLI (`main(argv, io)` in this process) and the console through a
 * pipe: `status`, `sources`, `quote` and `/help` on a corpus of the shipped CNN article and its status card of
 * 22 February 2024, two later reports quoting its Qatari spokesman, and the four fictional Port Ellery reports.
 */
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadCorpus } from "../src/corpus/load.js";
import { QuoteBook } from "../src/quotes.js";
import { AnswerEngine } from "../src/search/engine.js";
import { REPORTS_DIR } from "../src/tools/questions.js";
import { reportsCorpus } from "./support/corpus.js";
import { createCliSandbox } from "./support/run-cli.js";

const folder = reportsCorpus();
const sandbox = createCliSandbox();
afterAll(() => {
  sandbox.cleanup();
  folder.remove();
});
const corpus = loadCorpus(folder.dir);
const env = { CORPUS_DIR: folder.dir, CACHE_DIR: join(sandbox.dir, "cache") };
const cli = (args: readonly string[], input?: string) =>
  sandbox.run(args, { env, ...(input !== undefined ? { input } : {}) });

const NEWEST_FIRST = [
  "2025-06-04-harbour-wire-dockworkers-accept-deal",
  "2025-05-13-harbour-wire-retired-judge-takes-over-talks",
  "2025-04-24-harbour-wire-offer-raised-strike-delayed",
  "2025-04-02-harbour-wire-port-talks-open",
  "2024-03-09-example-wire-gaps",
  "2024-03-05-example-wire-doha",
  "cnn-2024-02-22-ceasefire-talks",
];

function article(id: string) {
  const found = corpus.articles.find((a) => a.id === id);
  if (!found) throw new Error(`no article ${id}`);
  return found;
}

describe.concurrent("the CLI on several reports", () => {
  it("status --json gives the card and every newer report's lead paragraph, newest first (README fields)", async () => {
    const result = await cli(["status", "--json"]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const status = JSON.parse(result.stdout) as { asOf: string; sections: unknown[]; newer: unknown[] };
    expect(status.asOf).toBe("2024-02-22");
    expect(status.sections.length).toBeGreaterThan(0);
    expect(status.newer).toEqual(
      NEWEST_FIRST.slice(0, -1).map((id) => {
        const report = article(id);
        return {
          article: id,
          source: report.source,
          title: report.title,
          published: report.published,
          url: report.url ?? null,
          paragraph: 1,
          text: report.paragraphs[0]?.text,
        };
      }),
    );
  });

  it("status prints “Since 22 February 2024:” after the card, each lead verbatim with its citation", async () => {
    const { stdout, code } = await cli(["status"]);
    expect(code).toBe(0);
    const since = stdout.indexOf("== Since 22 February 2024: ==");
    expect(since).toBeGreaterThan(stdout.indexOf("Where the talks stand (as of 22 February 2024)"));
    let from = since;
    for (const id of NEWEST_FIRST.slice(0, -1)) {
      const report = article(id);
      const at = stdout.indexOf(`  │ ${report.paragraphs[0]?.text}\n`, from);
      expect(at, id).toBeGreaterThan(from);
      expect(stdout.slice(at)).toMatch(/^.*\n.*, ¶1\n/);
      from = at;
    }
    expect(stdout).toContain("6 reports are newer than this summary, newest first.");
    expect(stdout).not.toContain("more reports not shown");
  });

  it("status with no status card shows the newest reports' leads instead, and --json lists them all", async () => {
    const fixture = { CORPUS_DIR: REPORTS_DIR, CACHE_DIR: join(sandbox.dir, "cache") };
    const text = await sandbox.run(["status"], { env: fixture });
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^== Where the talks stand ==\nNo status card is available yet\.\n/);
    expect(text.stdout).toContain("== The latest reports ==\nThe coverage has 4 reports, newest first.");
    const json = await sandbox.run(["status", "--json"], { env: fixture });
    const data = JSON.parse(json.stdout) as { asOf: null; sections: []; newer: { published: string }[] };
    expect(data.asOf).toBeNull();
    expect(data.sections).toEqual([]);
    expect(data.newer.map((r) => r.published)).toEqual([
      "2025-06-04",
      "2025-05-13",
      "2025-04-24",
      "2025-04-02",
    ]);
  });

  it("sources lists every report newest first, and --json gives every field the README names", async () => {
    const text = await cli(["sources"]);
    expect(text.code).toBe(0);
    const lines = text.stdout.split("\n").filter((line) => line.startsWith("• "));
    expect(lines).toHaveLength(NEWEST_FIRST.length);
    expect(lines[0]).toBe(
      "• Harbour Wire (fictional), “Port Ellery dockworkers accept 5% pay deal, ending 11-week dispute”, 4 June 2025 · 17 paragraphs",
    );
    // A report with a URL shows it whole, in angle brackets.
    expect(lines[5]).toBe(
      "• Example Wire, Mediators return to Doha as the talks resume <https://example.org/news/doha_(talks)?part=1>, 5 March 2024 · 2 paragraphs",
    );
    const json = await cli(["sources", "--json"]);
    const data = JSON.parse(json.stdout) as { count: number; reports: Record<string, unknown>[] };
    expect(data.count).toBe(NEWEST_FIRST.length);
    expect(data.reports.map((r) => r.article)).toEqual(NEWEST_FIRST);
    expect(data.reports[5]).toEqual({
      article: "2024-03-05-example-wire-doha",
      source: "Example Wire",
      title: "Mediators return to Doha as the talks resume",
      published: "2024-03-05",
      publishedInferred: false,
      url: "https://example.org/news/doha_(talks)?part=1",
      added: null,
      paragraphs: 2,
    });
    expect(data.reports[6]).toMatchObject({ publishedInferred: true, url: null, paragraphs: 29 });
  });

  it("sources --page past the last exits 1 with one line naming how many pages there are", async () => {
    const result = await cli(["sources", "--page", "2"]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe("talks-bot: There is no page 2 of sources: the list has 1 page.\n");
  });

  it("quote --json finds one speaker in three reports, newest first, each quote naming its report", async () => {
    const result = await cli(["quote", "--speaker", "al ansari", "--json"]);
    expect(result.code).toBe(0);
    const data = JSON.parse(result.stdout) as { quotes: Record<string, unknown>[] };
    expect(data.quotes.map((q) => [q.label, q.article, q.source, q.title, q.published, q.paragraph])).toEqual(
      [
        [
          "Majed Al-Ansari, Qatari Foreign Ministry spokesman",
          "2024-03-09-example-wire-gaps",
          "Example Wire",
          "Gaps remain over the release of hostages",
          "2024-03-09",
          2,
        ],
        [
          "Majed Al-Ansari, Qatari Foreign Ministry spokesman",
          "2024-03-05-example-wire-doha",
          "Example Wire",
          "Mediators return to Doha as the talks resume",
          "2024-03-05",
          2,
        ],
        [
          "Majed Al-Ansari, Qatari Foreign Ministry spokesman",
          "cnn-2024-02-22-ceasefire-talks",
          "CNN",
          "US races to secure a hostage deal and Gaza ceasefire before Ramadan",
          "2024-02-22",
          17,
        ],
      ],
    );
  });

  it("the console answers /status, /sources, /help and /quote from every report", async () => {
    const input = ["/sources", "/help", "/quote speaker: tallis", "/sources page: 3", "/status", ""].join(
      "\n",
    );
    const result = await cli(["console"], input);
    expect(result.code).toBe(0);
    const markers = [
      "== Sources: every report I answer from ==",
      "7 reports, newest first.",
      "• Harbour Wire (fictional), “Port Ellery dockworkers accept 5% pay deal",
      "Sources:\n  • Harbour Wire (fictional), “Port Ellery dockworkers accept 5% pay deal, ending 11-week dispute”, 4 June 2025",
      "  • CNN, “US races to secure a hostage deal and Gaza ceasefire before Ramadan”, 22 February 2024",
      "/sources: Every report the bot answers from",
      "Corwin Tallis, chair of the Port Ellery Shippers' Council:",
      // Statements first, newest report first; the word he is quoted using on 4 June is the one more.
      "Harbour Wire (fictional), “Retired judge takes over Port Ellery mediation as dockworkers drop strike deadline”, 13 May 2025, ¶13",
      "2 April 2025, ¶10",
      "-- 1 more: narrow it with speaker or topic",
      "== Since 22 February 2024: ==",
    ];
    let from = 0;
    for (const marker of markers) {
      const at = result.stdout.indexOf(marker, from);
      expect(at, `'${marker}' after offset ${from}`).toBeGreaterThanOrEqual(0);
      from = at;
    }
    expect(result.stderr).toBe("error: There is no page 3 of sources: the list has 1 page.\n");
  });
});

describe("/ask autocomplete across reports", () => {
  it("draws its speaker questions from every report's speakers and offers only those it answers with confidence", () => {
    const names = QuoteBook.fromCorpus(corpus).namesQuotedInFull();
    // The candidates come from every report: the CNN article's people and the fictional reports' alike.
    expect(names).toEqual(
      expect.arrayContaining(["John Kirby", "Majed Al-Ansari", "Nell Brackwater", "Tobias Quarrendon"]),
    );
    const engine = AnswerEngine.fromCorpus(corpus, { speakers: () => names });
    const offered = engine.suggestions();
    expect(offered).toContain("What did John Kirby say?");
    for (const question of offered) expect(engine.ask(question).confidence, question).toBe("high");
    expect(engine.suggest("what did kirby").length).toBeGreaterThan(0);
  });
});
