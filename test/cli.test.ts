import { execFile } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { afterAll, describe, type ExpectStatic, it } from "vitest";
import { latestVersion, migrations, runMigrations } from "../src/storage/migrations.js";
import { PostgresStorage } from "../src/storage/postgres.js";
import { SqliteStorage } from "../src/storage/sqlite.js";
import { sampleReminder, TEST_TOKEN } from "./support/bot.js";
import { copyCorpus } from "./support/corpus.js";
import { damageDatabase } from "./support/damaged-db.js";
import { startFakeDiscord } from "./support/fake-discord.js";
import { createTestSchema, PG_HOST_PORT, PG_URL } from "./support/postgres.js";
import { type CliResult, createCliSandbox, REPO_ROOT } from "./support/run-cli.js";

// Every test runs the CLI's `main(argv, io)` in this process, with its own streams, a temp cwd (dotenv reads
// `.env` from the cwd, so a developer's `.env` in the checkout must not leak in) and a clean environment.
// The last block runs the real binary as a child process, as people and `npm start` do.

const ARTICLE_ID = "cnn-2024-02-22-ceasefire-talks";
const ARTICLE_FILE = join(REPO_ROOT, "corpus", "articles", `${ARTICLE_ID}.md`);
const PACKAGE_VERSION = (
  JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as { version: string }
).version;
/** Shaped like a bot token (three dot-separated parts) but not a real one. */
const TOKEN_SHAPED = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GqZx9w.Zq9xKv7PpLm2Rt8Yw4Nb6Hc1Jd3Fg5Sk0Ae";
const CLIENT_ID = "123456789012345678";

/** Paragraph N of the seed article: the N-th non-empty line after the dateline (see README, The corpus). */
function articleParagraphs(): string[] {
  const text = readFileSync(ARTICLE_FILE, "utf8");
  const [, , body = ""] = text.split(/^---\s*$/m);
  const lines = body.split("\n").filter((line) => line.trim() !== "");
  return lines.slice(1); // the first line is the dateline "CNN –"
}

const PARAGRAPHS = articleParagraphs();

const STACK_FRAME = /^\s+at\s/m;

function jsonLines(stdout: string): unknown[] {
  return stdout
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line) as unknown);
}

interface Passage {
  article: string;
  paragraph: number;
  text: string;
  score: number;
}

interface AskJson {
  question: string;
  answer: string | null;
  confidence: "high" | "low" | "none";
  passages: Passage[];
}

/** A local HTTP server standing in for Discord's REST API: answers 401 to everything and records it. */
async function recordingApi(): Promise<{ url: string; requests: string[]; close(): Promise<void> }> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(`${req.method ?? "?"} ${req.url ?? "?"}`);
    res.writeHead(401, { "content-type": "application/json" });
    res.end(JSON.stringify({ message: "401: Unauthorized", code: 0 }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const sandbox = createCliSandbox();
afterAll(() => sandbox.cleanup());
const cli = sandbox.run;

describe.concurrent("talks-bot CLI", () => {
  describe("ask", () => {
    it("--json prints one object with the answer and the best passages, best first", async ({ expect }) => {
      const result = await cli(["ask", "how many people fled to rafah", "--json"]);
      expect(result.stderr).toBe("");
      expect(result.code).toBe(0);
      expect(result.stdout.endsWith("\n")).toBe(true);
      const objects = jsonLines(result.stdout);
      expect(objects).toHaveLength(1);
      const body = objects[0] as AskJson;
      expect(Object.keys(body).sort()).toEqual(["answer", "confidence", "passages", "question"]);
      expect(["high", "low"]).toContain(body.confidence);
      expect(body.question).toBe("how many people fled to rafah");
      expect(body.answer).toContain("1.5 million");
      expect(body.passages.length).toBeGreaterThan(0);
      expect(body.passages.length).toBeLessThanOrEqual(5);
      expect(body.passages[0]).toMatchObject({ article: ARTICLE_ID, paragraph: 2 });
      for (const passage of body.passages) {
        expect(Object.keys(passage).sort()).toEqual([
          "article",
          "paragraph",
          "published",
          "score",
          "source",
          "text",
          "title",
        ]);
        expect(passage.article).toBe(ARTICLE_ID);
        expect(passage).toMatchObject({
          source: "CNN",
          published: "2024-02-22",
          title: "US races to secure a hostage deal and Gaza ceasefire before Ramadan",
        });
        expect(Number.isInteger(passage.paragraph)).toBe(true);
        // The whole paragraph, verbatim, not a snippet.
        expect(passage.text).toBe(PARAGRAPHS[passage.paragraph - 1]);
        expect(typeof passage.score).toBe("number");
        expect(Number.isFinite(passage.score)).toBe(true);
      }
      const scores = body.passages.map((p) => p.score);
      expect(scores).toEqual([...scores].sort((a, b) => b - a));
      // The answer is taken from the best passage.
      expect(body.passages[0]?.text).toContain(body.answer ?? "<no answer>");
    });

    it("--json gives answer null and no passages when the coverage does not say", async ({ expect }) => {
      const result = await cli(["ask", "who won the super bowl", "--json"]);
      expect(result.stderr).toBe("");
      expect(result.code).toBe(0);
      expect(jsonLines(result.stdout)).toEqual([
        {
          question: "who won the super bowl",
          answer: null,
          confidence: "none",
          reason: "no-match",
          passages: [],
        },
      ]);
    });

    it("says the coverage doesn't say in human output", async ({ expect }) => {
      const result = await cli(["ask", "who won the super bowl"]);
      expect(result.stderr).toBe("");
      expect(result.code).toBe(0);
      expect(result.stdout).toContain("The coverage I have doesn't say");
    });

    it("--json with no question answers each non-empty stdin line, in order", async ({ expect }) => {
      // A blank line, a whitespace-only line, and a last line with no newline.
      const input =
        "how many people fled to rafah\n\nwho won the super bowl\n   \nwho is brokering the talks";
      const result = await cli(["ask", "--json"], { input });
      expect(result.stderr).toBe("");
      expect(result.code).toBe(0);
      const objects = jsonLines(result.stdout) as AskJson[];
      expect(objects.map((o) => o.question)).toEqual([
        "how many people fled to rafah",
        "who won the super bowl",
        "who is brokering the talks",
      ]);
      const [rafah, superBowl, mediators] = objects;
      expect(rafah?.answer).toContain("1.5 million");
      expect(rafah?.passages[0]?.paragraph).toBe(2);
      expect(superBowl).toEqual({
        question: "who won the super bowl",
        answer: null,
        confidence: "none",
        reason: "no-match",
        passages: [],
      });
      expect(mediators?.answer).toContain("Qatar, Egypt and the United States");
      expect(mediators?.passages[0]?.paragraph).toBe(3);
    });
  });

  describe("the ask --json contract (README)", () => {
    const readme = readFileSync(join(REPO_ROOT, "README.md"), "utf8");
    const contract = /\*\*The `ask --json` contract\.\*\*([\s\S]*?)\n\n/.exec(readme)?.[1] ?? "";
    const longLine = "why ".repeat(300);
    const input = [
      "who is brokering the talks",
      "🙂🙂",
      longLine,
      "how many people fled to rafah",
      "who won the super bowl",
      "",
    ].join("\n");
    let batch: Promise<CliResult> | undefined;

    it("a refused line in batch mode gets the documented error object; the others are answered; exit 1", async ({
      expect,
    }) => {
      batch ??= cli(["ask", "--json"], { input });
      const result = await batch;
      expect(result.stderr).toBe("");
      expect(result.code).toBe(1);
      const [mediators, emoji, long, rafah, refused, ...rest] = jsonLines(result.stdout) as (AskJson & {
        error?: string;
        reason?: string;
      })[];
      expect(refused).toMatchObject({ confidence: "none", reason: "no-match", passages: [] });
      expect(rest).toEqual([]);
      expect(mediators?.answer).toContain("Qatar, Egypt and the United States");
      expect(rafah?.answer).toContain("1.5 million");
      expect(emoji).toEqual({
        question: "🙂🙂",
        answer: null,
        confidence: "none",
        passages: [],
        error: expect.stringMatching(/words/),
      });
      expect(long).toEqual({
        question: longLine,
        answer: null,
        confidence: "none",
        passages: [],
        error: expect.stringMatching(/1,000 characters/),
      });
    });

    it("lists every field ask --json writes, the batch error included", async ({ expect }) => {
      batch ??= cli(["ask", "--json"], { input });
      const objects = jsonLines((await batch).stdout) as Record<string, unknown>[];
      const fields = new Set(objects.flatMap((o) => Object.keys(o)));
      for (const passage of objects.flatMap((o) => o.passages as Record<string, unknown>[]))
        for (const key of Object.keys(passage)) fields.add(key);
      expect([...fields].sort()).toEqual([
        "answer",
        "article",
        "confidence",
        "error",
        "paragraph",
        "passages",
        "published",
        "question",
        "reason",
        "score",
        "source",
        "text",
        "title",
      ]);
      for (const field of fields) expect(contract).toContain(`"${field}"`);
    });

    it("passages are best first by score, also for a question in two parts", async ({ expect }) => {
      const result = await cli([
        "ask",
        "who is brokering the talks and how many people fled to rafah",
        "--json",
      ]);
      const [body] = jsonLines(result.stdout) as AskJson[];
      const scores = body?.passages.map((p) => p.score) ?? [];
      expect(scores.length).toBeGreaterThan(1);
      expect(scores).toEqual([...scores].sort((a, b) => b - a));
      expect(body?.passages.map((p) => p.paragraph)).toEqual(expect.arrayContaining([2, 3]));
    });
  });

  describe("bad input: exit 1, one line on stderr, nothing on stdout", () => {
    const longQuestion = `${"why ".repeat(250)}x`; // 1001 characters
    const cases: [string, string[], RegExp][] = [
      ["an empty question", ["ask", ""], /question/i],
      ["a blank question", ["ask", "   "], /question/i],
      ["a question over 1000 characters", ["ask", longQuestion], /1,000 characters.*1,001/],
      ["ask with no question and no --json", ["ask"], /ask needs a question/],
      ["an unknown command", ["frobnicate"], /unknown command 'frobnicate'/i],
      ["an unknown option", ["ask", "x", "--frob"], /unknown option '--frob'/i],
      ["an unknown time zone", ["countdown", "--tz", "Mars/Olympus"], /“Mars\/Olympus” is not a time zone/],
      ["a UTC offset as time zone", ["countdown", "--tz", "+03:00"], /“\+03:00” is a UTC offset/],
      // The console's rules, from the same checker: the option's own limit, named as typed.
      [
        "a time zone over the option's 64 characters",
        ["countdown", "--tz", `Europe/${"x".repeat(58)}`],
        /^talks-bot: countdown: '--tz' is 65 characters; the limit is 64\.\n$/,
      ],
    ];

    it.for(cases)("%s", async ([, args, message], { expect }) => {
      const result = await cli(args);
      expect(result.code).toBe(1);
      expect(result.stdout).toBe("");
      expect(result.stderr).toMatch(/^talks-bot: [^\n]+\n$/);
      expect(result.stderr).toMatch(message);
      expect(result.stderr).not.toMatch(STACK_FRAME);
      expect(result.stderr).not.toContain(longQuestion);
    });
  });

  describe("quote", () => {
    it("--speaker kirby --json gives John Kirby's verbatim quotes from paragraph 29", async ({ expect }) => {
      const result = await cli(["quote", "--speaker", "kirby", "--json"]);
      expect(result.stderr).toBe("");
      expect(result.code).toBe(0);
      const [body] = jsonLines(result.stdout) as {
        status: string;
        quotes: { speaker: string; text: string; article: string; paragraph: number }[];
      }[];
      expect(body?.status).toBe("found");
      const quotes = body?.quotes ?? [];
      expect(quotes.length).toBeGreaterThan(0);
      expect(quotes.some((q) => q.paragraph === 29)).toBe(true);
      for (const quote of quotes) {
        expect(quote.speaker).toBe("John Kirby");
        expect(quote.article).toBe(ARTICLE_ID);
        expect(quote.text.length).toBeGreaterThan(0);
        expect(PARAGRAPHS[quote.paragraph - 1]).toContain(quote.text);
      }
    });

    it("--topic rafah prints the quotes about Rafah with their paragraphs", async ({ expect }) => {
      const result = await cli(["quote", "--topic", "rafah"]);
      expect(result.stderr).toBe("");
      expect(result.code).toBe(0);
      expect(result.stdout).toContain("rafah");
      expect(result.stdout).toContain("If there is an operation against Rafah");
      expect(result.stdout).toContain("¶3");
    });

    it("lists only quotations as quotations: a quoted word is shown in the coverage's sentence", async ({
      expect,
    }) => {
      const result = await cli(["quote", "--topic", "un vote"]);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain("│ “And if we just voted and approved this resolution");
      expect(result.stdout).not.toMatch(/│ “(temporary )?ceasefire/);
      expect(result.stdout).toContain(
        "the US, as the coverage reports it:\n  This was the first time the US used the word “ceasefire” at the United Nations.\n",
      );
    });

    it("asks “did you mean John Kirby?” above Kirby's quotes for kriby", async ({ expect }) => {
      const text = await cli(["quote", "--speaker", "kriby"]);
      expect(text.code).toBe(0);
      expect(text.stdout).toContain(
        "Nobody called “kriby” is quoted in the coverage. Did you mean John Kirby? Their quotes are below.\n",
      );
      const json = await cli(["quote", "--speaker", "kriby", "--json"]);
      expect(jsonLines(json.stdout)[0]).toMatchObject({
        status: "found",
        didYouMean: ["John Kirby, White House spokesman"],
      });
    });

    it("names everyone the coverage quotes when nobody is close to the name", async ({ expect }) => {
      for (const name of ["blinken", "Sinwar"]) {
        const result = await cli(["quote", "--speaker", name]);
        expect(result.code).toBe(1);
        expect(result.stderr).toBe(
          `talks-bot: Nobody called “${name}” is quoted in the coverage. It quotes a diplomat familiar with negotiations between Israel and Hamas, John Kirby, American officials, Benny Gantz, Gal Hirsch and Majed Al-Ansari.\n`,
        );
      }
    });

    // One run, shared by the two tests below.
    let unknownSpeaker: Promise<CliResult> | undefined;
    const runUnknownSpeaker = () => {
      unknownSpeaker ??= cli(["quote", "--speaker", "zelenskyy"]);
      return unknownSpeaker;
    };

    it("an unknown speaker exits 1 with the message on stderr and nothing on stdout", async ({ expect }) => {
      const result = await runUnknownSpeaker();
      expect(result.code).toBe(1);
      expect(result.stdout).toBe("");
      expect(result.stderr).toContain("zelenskyy");
      expect(result.stderr).toMatch(/nobody called/i);
      expect(result.stderr).not.toMatch(STACK_FRAME);
    });

    it("an unknown speaker is reported on one talks-bot: line", async ({ expect }) => {
      const result = await runUnknownSpeaker();
      expect(result.stderr).toMatch(/^talks-bot: [^\n]*zelenskyy[^\n]*\n$/);
    });

    it("an unknown speaker with --json exits 1 with status unknown-speaker on stdout", async ({ expect }) => {
      const result = await cli(["quote", "--speaker", "zelenskyy", "--json"]);
      expect(result.code).toBe(1);
      expect(result.stderr).toBe("");
      const objects = jsonLines(result.stdout);
      expect(objects).toHaveLength(1);
      expect(objects[0]).toMatchObject({ status: "unknown-speaker", quotes: [] });
    });
  });

  describe("status", () => {
    it("--json gives the card as of 2024-02-22, every point citing paragraphs", async ({ expect }) => {
      const result = await cli(["status", "--json"]);
      expect(result.stderr).toBe("");
      expect(result.code).toBe(0);
      const [card] = jsonLines(result.stdout) as {
        asOf: string;
        sections: {
          heading: string;
          points: { text: string; evidence: string; article: string; paragraphs: number[] }[];
        }[];
      }[];
      expect(card?.asOf).toBe("2024-02-22");
      const sections = card?.sections ?? [];
      expect(sections.length).toBeGreaterThan(0);
      for (const section of sections) {
        expect(section.heading.length).toBeGreaterThan(0);
        expect(section.points.length).toBeGreaterThan(0);
        for (const point of section.points) {
          expect(point.text.length).toBeGreaterThan(0);
          expect(point.article).toBe(ARTICLE_ID);
          expect(point.paragraphs.length).toBeGreaterThan(0);
          for (const n of point.paragraphs) {
            expect(Number.isInteger(n)).toBe(true);
            expect(PARAGRAPHS[n - 1]).toBeDefined();
          }
          const cited = point.paragraphs.map((n) => PARAGRAPHS[n - 1] ?? "");
          expect(cited.some((text) => text.includes(point.evidence))).toBe(true);
        }
      }
      expect(sections.map((s) => s.heading)).toContain("Mediators");
    });

    it("prints the card with its as-of date", async ({ expect }) => {
      const result = await cli(["status"]);
      expect(result.stderr).toBe("");
      expect(result.code).toBe(0);
      expect(result.stdout).toContain("as of 22 February 2024");
      expect(result.stdout).toContain("Qatar, Egypt and the United States broker the negotiations");
      expect(result.stdout).toMatch(/\(¶\d+/);
    });
  });

  it("countdown --city Longyearbyen says its polar night plainly, in text and in --json", async ({
    expect,
  }) => {
    const json = await cli(["countdown", "--city", "Longyearbyen", "--json"]);
    expect(json.stderr).toBe("");
    expect(json.code).toBe(0);
    const body = JSON.parse(json.stdout) as {
      phase: string;
      start: { date: string; by: string; fallback: string | null; latitude?: number };
      sun: { fallback: string | null; suggestion: { name: string; timeZone: string } | null };
      fast?: unknown;
      noFastReason?: string | null;
    };
    // Every Ramadan until 2036 begins in Longyearbyen's polar night (late October to mid-February).
    expect(body.start).toMatchObject({ fallback: "polar-night", by: "AqrabBalad" });
    expect(body.start.latitude).toBeLessThan(78);
    if (body.phase === "before") {
      expect(body.sun.fallback).toBe("polar-night");
      expect(body.sun.suggestion?.timeZone).toBe("Europe/Oslo");
    } else if (body.fast === null) {
      expect(body.noFastReason).not.toBeNull();
    }
    const shown = await cli(["countdown", "--city", "Longyearbyen"]);
    expect(shown.code).toBe(0);
    if (shown.stdout.includes("until Ramadan")) {
      expect(shown.stdout).not.toMatch(/begins at sunset/);
      expect(shown.stdout).toContain("begins on the evening of");
      expect(shown.stdout).toContain("No sunset in Longyearbyen");
      expect(shown.stdout).toMatch(/the sun does not rise, or only grazes the horizon \(polar night\)/);
      expect(shown.stdout).toMatch(/give a city such as [^\n]+ \(Europe\/Oslo\)/);
    }
  });

  it("countdown --json gives the reason for every stand-in, and a null fast never comes alone", async ({
    expect,
  }) => {
    const result = await cli(["countdown", "--tz", "UTC", "--json"]);
    expect(result.code).toBe(0);
    const body = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(body.start).toMatchObject({ by: "fixed", fallback: "no-place" });
    expect(body.end).toMatchObject({ by: "fixed", fallback: "no-place" });
    expect(body.sun).toMatchObject({ place: null, fallback: "no-place" });
    if (body.phase === "during") {
      expect(body.fast).toBeNull();
      expect(body.noFastReason).toBe("no-place");
    }
  });

  it("gives one sunset for a zone and its principal city", async ({ expect }) => {
    const zone = JSON.parse((await cli(["countdown", "--tz", "Asia/Jerusalem", "--json"])).stdout);
    const city = JSON.parse((await cli(["countdown", "--city", "Jerusalem", "--json"])).stdout);
    expect(city.timeZone).toBe("Asia/Jerusalem");
    expect(city.sun.place).toMatchObject({
      latitude: zone.sun.place.latitude,
      longitude: zone.sun.place.longitude,
    });
    expect(city.startsAt).toBe(zone.startsAt);
    expect(city.endsAt).toBe(zone.endsAt);
  });

  it("counts down in the machine's time zone when none is configured, and in DEFAULT_TIMEZONE when it is", async ({
    expect,
  }) => {
    const machine = await cli(["countdown", "--json"], { env: { TZ: "Asia/Jerusalem" } });
    expect(machine.code).toBe(0);
    expect(JSON.parse(machine.stdout)).toMatchObject({
      timeZone: "Asia/Jerusalem",
      sun: { place: { name: "Jerusalem" } },
    });
    const configured = await cli(["countdown", "--json"], {
      env: { TZ: "Asia/Jerusalem", DEFAULT_TIMEZONE: "Asia/Riyadh" },
    });
    expect(JSON.parse(configured.stdout)).toMatchObject({ timeZone: "Asia/Riyadh" });
    // A POSIX rule is no IANA zone: UTC, as before.
    const posix = await cli(["countdown", "--json"], { env: { TZ: "EST5EDT" } });
    expect(JSON.parse(posix.stdout)).toMatchObject({ timeZone: "UTC" });
    const console = await cli(["console"], { input: "/countdown\n", env: { TZ: "Europe/London" } });
    expect(console.stdout).toContain("time zone Europe/London");
  });

  it("countdown --tz Asia/Jerusalem --json has the zone, the phase and the Hijri year", async ({
    expect,
  }) => {
    const result = await cli(["countdown", "--tz", "Asia/Jerusalem", "--json"]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const objects = jsonLines(result.stdout);
    expect(objects).toHaveLength(1);
    // A live clock: check the shape and the invariants, not the numbers.
    const body = objects[0] as Record<string, unknown>;
    expect(body.timeZone).toBe("Asia/Jerusalem");
    expect(["before", "during"]).toContain(body.phase);
    expect(Number.isInteger(body.hijriYear)).toBe(true);
    expect(body.hijriYear as number).toBeGreaterThanOrEqual(1445);
    expect(body.firstFast).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(body.lastFast).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect([29, 30]).toContain(body.length);
    const startsAt = Date.parse(String(body.startsAt));
    const endsAt = Date.parse(String(body.endsAt));
    expect(Number.isNaN(startsAt)).toBe(false);
    expect(endsAt).toBeGreaterThan(startsAt);
    if (body.phase === "before") {
      for (const key of ["days", "hours", "minutes", "totalMs"])
        expect(Number.isInteger(body[key])).toBe(true);
      expect(body.hours as number).toBeLessThan(24);
      expect(body.minutes as number).toBeLessThan(60);
      expect(body.totalMs as number).toBeGreaterThan(0);
    } else {
      expect(Number.isInteger(body.day)).toBe(true);
      expect(body.day as number).toBeGreaterThanOrEqual(1);
      expect(body.day as number).toBeLessThanOrEqual(body.length as number);
    }
  });

  describe("languages: --lang and TALKS_BOT_LANG", () => {
    it("answers in Arabic with --lang ar, keeps --json the same data, and names the place of the sunset", async ({
      expect,
    }) => {
      const arabic = await cli(["countdown", "--tz", "Asia/Gaza", "--lang", "ar"]);
      expect(arabic.code).toBe(0);
      expect(arabic.stdout).toMatch(/رمضان/);
      expect(arabic.stdout).toContain("Gaza");
      const json = await cli(["countdown", "--tz", "Asia/Gaza", "--json", "--lang=ar"]);
      const english = await cli(["countdown", "--tz", "Asia/Gaza", "--json"]);
      const strip = (text: string) => ({
        ...JSON.parse(text),
        days: 0,
        hours: 0,
        minutes: 0,
        totalMs: 0,
        msLeft: 0,
        day: 0,
      });
      expect(strip(json.stdout)).toEqual(strip(english.stdout));
      expect(JSON.parse(json.stdout).sun).toMatchObject({ place: { name: "Gaza" }, method: "Egyptian" });
    });

    it("reads TALKS_BOT_LANG, and a person's mistake is explained in that language on stderr", async ({
      expect,
    }) => {
      const hebrew = await cli(["countdown", "--tz", "Mars/Olympus"], { env: { TALKS_BOT_LANG: "he" } });
      expect(hebrew.code).toBe(1);
      expect(hebrew.stdout).toBe("");
      expect(hebrew.stderr).toMatch(/^talks-bot: [^\n]*\p{Script=Hebrew}[^\n]*\n$/u);
      expect(hebrew.stderr).toContain("Mars/Olympus");
    });

    it("refuses a language it does not speak, naming the ones it does", async ({ expect }) => {
      const result = await cli(["status", "--lang", "fr"]);
      expect(result.code).toBe(1);
      expect(result.stdout).toBe("");
      expect(result.stderr).toMatch(/“fr” is not a language talks-bot speaks; use one of en, ar, he/);
    });
  });

  describe("help and version", () => {
    it("--help lists the commands", async ({ expect }) => {
      const result = await cli(["--help"]);
      expect(result.stderr).toBe("");
      expect(result.code).toBe(0);
      for (const command of [
        "console",
        "ask",
        "quote",
        "status",
        "sources",
        "countdown",
        "validate-corpus",
        "deploy-commands",
        "invite",
      ]) {
        expect(result.stdout).toMatch(new RegExp(`talks-bot ${command}\\b`));
      }
    });

    it("--help says how to choose the language and how batch mode reads stdin", async ({ expect }) => {
      const { stdout } = await cli(["--help"]);
      expect(stdout).toMatch(
        /^ {2}--lang LANG +The reply's language: en, ar, he \(default: TALKS_BOT_LANG, else en\)$/m,
      );
      expect(stdout).toMatch(
        /^Batch mode: with --json and no question, `ask` reads one question per line of stdin/m,
      );
      expect(stdout).toContain(
        "printf 'who is mediating?\\nhow many people fled to rafah?\\n' | talks-bot ask --json",
      );
      expect(stdout).toMatch(
        /^ {2}talks-bot help \[COMMAND\] \| COMMAND --help +This help, or one command's$/m,
      );
    });

    it("`COMMAND --help`, `COMMAND -h` and `help COMMAND` describe one command, its flags and batch mode", async ({
      expect,
    }) => {
      const results = await Promise.all([
        cli(["ask", "--help"]),
        cli(["ask", "how many fled", "-h"]),
        cli(["help", "ask"]),
        cli(["--lang", "he", "help", "ask"]),
      ]);
      for (const result of results) {
        expect(result.stderr).toBe("");
        expect(result.code).toBe(0);
        expect(result.stdout).toBe(results[0]?.stdout);
      }
      const ask = results[0]?.stdout ?? "";
      expect(ask).toMatch(/^Usage: talks-bot ask "question" \[--json\]\n/);
      expect(ask).toMatch(
        /^ {2}--question TEXT +Your question, .*\(at most 1000 characters\); or as the first argument$/m,
      );
      expect(ask).toMatch(/^ {2}--lang LANG +The reply's language/m);
      expect(ask).toMatch(/^Batch mode: with --json and no question/m);
      // Discord-only options are neither offered nor accepted.
      expect(ask).not.toMatch(/--hide|--mention/);
      const countdown = await cli(["countdown", "--help"]);
      expect(countdown.stdout).toMatch(/^ {2}--timezone, --tz TEXT +Your time zone/m);
      expect(countdown.stdout).not.toContain("Batch mode");
      const backup = await cli(["help", "backup"]);
      expect(backup.stdout).toBe(
        "Usage: talks-bot backup FILE [--force]\n\nCopy the database (reminders, feedback) safely, even while the bot runs\n",
      );
      expect((await cli(["restore", "--help"])).stdout).toMatch(
        /^Usage: talks-bot restore FILE \[--force\]\n/,
      );
    });

    it("help for an unknown command, or a flag the command does not take, points to the right help", async ({
      expect,
    }) => {
      const unknown = await cli(["help", "frobnicate"]);
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toBe("talks-bot: unknown command 'frobnicate'. See talks-bot --help.\n");
      const hide = await cli(["ask", "x", "--hide"]);
      expect(hide.code).toBe(1);
      expect(hide.stderr).toBe("talks-bot: ask: Unknown option '--hide'. See talks-bot ask --help.\n");
    });

    it("--version prints the package.json version", async ({ expect }) => {
      const result = await cli(["--version"]);
      expect(result.stderr).toBe("");
      expect(result.code).toBe(0);
      expect(result.stdout).toBe(`${PACKAGE_VERSION}\n`);
    });
  });

  describe("validate-corpus", () => {
    it("accepts the shipped corpus", async ({ expect }) => {
      const result = await cli(["validate-corpus"]);
      expect(result.stderr).toBe("");
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/^corpus: ok/);
    });

    it("checks the files, never the cache, and rebuilds a cache edited with its key intact", async ({
      expect,
    }) => {
      const env = { CACHE_DIR: sandbox.mkdir() };
      const cached = join(env.CACHE_DIR, "corpus.json");
      const mediators = async () =>
        (
          jsonLines(
            (await cli(["ask", "who is brokering the talks", "--json"], { env })).stdout,
          )[0] as AskJson
        ).answer;
      expect(await mediators()).toContain("Qatar, Egypt and the United States");
      const stored = readFileSync(cached, "utf8");
      const edited = stored.replaceAll("Qatar, Egypt and the United States", "Norway alone");
      expect(edited).not.toBe(stored);
      writeFileSync(cached, edited);
      const result = await cli(["validate-corpus"], { env });
      expect(result.stderr).toBe("");
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/^corpus: ok: /);
      expect(result.stdout).toContain(
        `corpus cache: ${cached}: rebuilt: the stored copy did not match these files or its own hash (edited or damaged)\n`,
      );
      expect(readFileSync(cached, "utf8")).toBe(stored);
      expect((await cli(["validate-corpus"], { env })).stdout).toContain(
        `corpus cache: ${cached}: up to date\n`,
      );
      // Edited again, behind validate-corpus's back: the bot reads the files, never the edit.
      writeFileSync(cached, edited);
      const answer = await mediators();
      expect(answer).toContain("Qatar, Egypt and the United States");
      expect(answer).not.toContain("Norway");
    });

    it("names the file and the field when a date is not ISO", async ({ expect }) => {
      const corpus = copyCorpus();
      try {
        const path = join(corpus.dir, "articles", `${ARTICLE_ID}.md`);
        const original = readFileSync(path, "utf8");
        const broken = original.replace(/^published: 2024-02-22$/m, "published: 22/02/2024");
        expect(broken).not.toBe(original);
        writeFileSync(path, broken);
        const result = await cli(["validate-corpus"], { env: { CORPUS_DIR: corpus.dir } });
        expect(result.code).toBe(1);
        expect(result.stdout).toBe("");
        expect(result.stderr).toContain(`corpus: articles/${ARTICLE_ID}.md: 'published' must be an ISO date`);
        expect(result.stderr).not.toMatch(STACK_FRAME);
      } finally {
        corpus.remove();
      }
    });
  });

  describe("invite", () => {
    it("needs DISCORD_CLIENT_ID", async ({ expect }) => {
      const result = await cli(["invite"]);
      expect(result.code).toBe(1);
      expect(result.stdout).toBe("");
      expect(result.stderr).toContain("DISCORD_CLIENT_ID");
      expect(result.stderr).not.toMatch(STACK_FRAME);
    });

    it("prints the link with both scopes and exactly the needed permissions", async ({ expect }) => {
      const result = await cli(["invite"], { env: { DISCORD_CLIENT_ID: CLIENT_ID } });
      expect(result.stderr).toBe("");
      expect(result.code).toBe(0);
      const lines = result.stdout.trim().split("\n");
      expect(lines).toHaveLength(1);
      const raw = lines[0] ?? "";
      expect(raw).toContain("scope=bot%20applications.commands");
      const url = new URL(raw);
      expect(url.origin).toBe("https://discord.com");
      expect(url.searchParams.get("client_id")).toBe(CLIENT_ID);
      expect(url.searchParams.get("scope")).toBe("bot applications.commands");
      // View Channel (1024) + Send Messages (2048) + Embed Links (16384)
      expect(url.searchParams.get("permissions")).toBe("19456");
    });
  });

  describe("the console through a pipe", () => {
    const input = [
      "/ask question: how many people fled to rafah",
      "/nope",
      "/quote speaker: kriby",
      "/status",
      "who is brokering the talks",
      "/countdown timezone: Asia/Riyadh",
      "/reminders preview timezone: asia/riyadh",
      "/help",
      "",
    ].join("\n");

    /** Each reply in input order: the console kept going after the bad line. */
    function expectAllAnswered(expect: ExpectStatic, result: CliResult): void {
      expect(result.code).toBe(0);
      const markers = [
        "== how many people fled to rafah ==",
        "1.5 million",
        "(¶2)",
        "John Kirby",
        "¶29",
        "Where the talks stand (as of 22 February 2024)",
        "== who is brokering the talks ==",
        "brokered by Qatar, Egypt and the United States",
        "time zone Asia/Riyadh",
        "Daily countdown",
        "Commands:",
        "/quote",
      ];
      let from = 0;
      for (const marker of markers) {
        const at = result.stdout.indexOf(marker, from);
        expect(at, `'${marker}' after offset ${from}`).toBeGreaterThanOrEqual(0);
        from = at;
      }
      expect(result.stdout).toMatch(/until Ramadan \d+|day \d+ of Ramadan/);
      expect(result.stdout).not.toContain("/nope");
      expect(result.stderr).not.toMatch(STACK_FRAME);
      expect(result.stderr).not.toContain("something went wrong");
    }

    it("`start` with no DISCORD_TOKEN answers every line and ends at end of input", async ({ expect }) => {
      const result = await cli(["start"], { input });
      expectAllAnswered(expect, result);
      const errors = result.stderr.trimEnd().split("\n");
      expect(errors).toHaveLength(2);
      expect(errors[0]).toContain("DISCORD_TOKEN");
      expect(errors[1]).toContain("Unknown command /nope");
    });

    it("`console` answers every line the same way", async ({ expect }) => {
      const result = await cli(["console"], { input });
      expectAllAnswered(expect, result);
      const errors = result.stderr.trimEnd().split("\n");
      expect(errors).toHaveLength(1);
      expect(errors[0]).toContain("Unknown command /nope");
    });
  });

  describe("configuration", () => {
    it("a malformed DISCORD_TOKEN stops start, named but never echoed", async ({ expect }) => {
      const token = "abc";
      const databasePath = sandbox.databasePath();
      const result = await cli(["start"], { env: { DISCORD_TOKEN: token, DATABASE_PATH: databasePath } });
      expect(result.code).toBe(1);
      expect(result.stdout).toBe("");
      expect(result.stderr).toContain("DISCORD_TOKEN");
      expect(result.stderr).not.toContain(token);
      expect(result.stderr).not.toMatch(STACK_FRAME);
      expect(existsSync(databasePath)).toBe(false);
    });

    it("lists every problem in one pass: a malformed token and a missing DISCORD_CLIENT_ID together", async ({
      expect,
    }) => {
      const result = await cli(["start"], {
        env: { DISCORD_TOKEN: "abc", LOG_LEVEL: "loud", DATABASE_PATH: sandbox.databasePath() },
      });
      expect(result.code).toBe(1);
      expect(result.stdout).toBe("");
      const lines = result.stderr.trimEnd().split("\n");
      expect(lines[0]).toBe("talks-bot: config: 3 problem(s):");
      expect(lines.slice(1).map((line) => line.replace(/^ {2}- (\w+) .*$/, "$1"))).toEqual([
        "DISCORD_TOKEN",
        "LOG_LEVEL",
        "DISCORD_CLIENT_ID",
      ]);
      expect(result.stderr).not.toMatch(/\babc\b|loud/);
    });

    it("a token without DISCORD_CLIENT_ID stops start before any request to Discord", async ({ expect }) => {
      const api = await recordingApi();
      try {
        const result = await cli(["start"], {
          env: {
            DISCORD_TOKEN: TOKEN_SHAPED,
            DISCORD_API_URL: api.url,
            DATABASE_PATH: sandbox.databasePath(),
          },
        });
        expect(result.code).toBe(1);
        expect(result.stdout).toBe("");
        expect(result.stderr).toContain("DISCORD_CLIENT_ID");
        expect(result.stderr).not.toContain(TOKEN_SHAPED);
        expect(result.stderr).not.toMatch(STACK_FRAME);
        expect(api.requests).toEqual([]);
      } finally {
        await api.close();
      }
    });

    // The check above is only meaningful if DISCORD_API_URL is where a login would go.
    it("with a complete config, start does log in through DISCORD_API_URL", async ({ expect }) => {
      const api = await recordingApi();
      try {
        const result = await cli(["start"], {
          env: {
            DISCORD_TOKEN: TOKEN_SHAPED,
            DISCORD_CLIENT_ID: CLIENT_ID,
            DISCORD_API_URL: api.url,
            DATABASE_PATH: sandbox.databasePath(),
          },
        });
        expect(api.requests.length).toBeGreaterThan(0);
        expect(api.requests.every((r) => r.includes(" /api/"))).toBe(true);
        expect(result.code).toBe(1);
        expect(result.stderr).toMatch(/Discord refused to log in \(TokenInvalid\)/);
        expect(result.stderr).not.toContain(TOKEN_SHAPED);
        expect(result.stdout).not.toContain(TOKEN_SHAPED);
      } finally {
        await api.close();
      }
    });

    it("LOG_LEVEL=loud is refused by name", async ({ expect }) => {
      const result = await cli(["status"], { env: { LOG_LEVEL: "loud" } });
      expect(result.code).toBe(1);
      expect(result.stdout).toBe("");
      expect(result.stderr).toContain("LOG_LEVEL");
      expect(result.stderr).not.toContain("loud");
      expect(result.stderr).not.toMatch(STACK_FRAME);
    });

    it("a database path that cannot be created stops the bot with one line, before logging in", async ({
      expect,
    }) => {
      const result = await cli(["start"], {
        env: {
          DISCORD_TOKEN: TOKEN_SHAPED,
          DISCORD_CLIENT_ID: CLIENT_ID,
          DATABASE_PATH: "/dev/null/talks-bot.db",
        },
      });
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/^talks-bot: storage: open \/dev\/null\/talks-bot\.db: [^\n]+\n$/);
      expect(result.stderr).not.toContain(TOKEN_SHAPED);
    });

    // Why the tests run from a temp cwd: settings in a `.env` there are read like the environment.
    it("reads .env from the working directory", async ({ expect }) => {
      const cwd = sandbox.mkdir();
      writeFileSync(join(cwd, ".env"), "LOG_LEVEL=loud\n");
      const result = await cli(["status"], { cwd });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain("LOG_LEVEL");
      expect(existsSync(join(sandbox.dir, ".env"))).toBe(false);
    });
  });

  describe("migrate", () => {
    it("brings a SQLite file up to date, and says when there is nothing to do", async ({ expect }) => {
      const databasePath = sandbox.databasePath();
      const first = await cli(["migrate"], { env: { DATABASE_PATH: databasePath } });
      expect(first.stdout).toBe(`Migrated ${databasePath} from schema version 0 to ${latestVersion}\n`);
      const again = await cli(["migrate"], { env: { DATABASE_PATH: databasePath } });
      expect(again.stdout).toBe(`${databasePath} is up to date (schema version ${latestVersion})\n`);
      expect(again.code).toBe(0);
    });

    it("copies a SQLite database into PostgreSQL, every row, and again without duplicates", async ({
      expect,
    }) => {
      const schema = await createTestSchema("migrate");
      try {
        // An old (version 1) file: the columns it lacks take their defaults.
        const databasePath = sandbox.databasePath();
        const old = new Database(databasePath);
        runMigrations(old, migrations.slice(0, 1));
        old.close();
        const sqlite = SqliteStorage.open(databasePath);
        await sqlite.upsertReminder(sampleReminder());
        await sqlite.upsertReminder(sampleReminder({ guildId: "81384788765712384", language: "ar" }));
        const lease = await sqlite.acquireLease("host:1:x", 60_000, Date.now());
        if (!lease.acquired) throw new Error("the lease is free");
        const fence = { name: "bot", epoch: lease.epoch, now: Date.now() };
        await sqlite.claimPost("175928847299117063", "2026-03-01", "n-0301", fence);
        await sqlite.markPosted(
          "175928847299117063",
          "2026-03-01",
          "1226184411359772735",
          "175928847299117064",
          fence,
        );
        await sqlite.releaseLease("host:1:x");
        await sqlite.recordFeedback({
          questionKey: "q",
          articleId: "a",
          paragraph: 2,
          helpful: true,
          userId: "53908232506183680",
        });
        await sqlite.close();
        const env = { DATABASE_URL: schema.url };
        const copied = await cli(["migrate", "--from", `sqlite:${databasePath}`], { env });
        expect(copied.stderr).toBe("");
        expect(copied.stdout).toMatch(
          /^Copied .* into PostgreSQL postgres@[^ ]+\/test: reminders 2, posts 1, feedback votes 1 /,
        );
        expect(copied.stdout).toContain(` into PostgreSQL postgres@${PG_HOST_PORT}/test: `);
        const again = await cli(["migrate", "--from", `sqlite:${databasePath}`], { env });
        expect(again.stdout).toBe(copied.stdout);
        const pg = await PostgresStorage.connect(PG_URL, { schema: schema.name });
        expect(await pg.getReminder("81384788765712384")).toMatchObject({ language: "ar", enabled: true });
        expect(await pg.lastPost("175928847299117063")).toMatchObject({ messageId: "1226184411359772735" });
        expect((await pg.feedbackTotals()).helpful).toBe(1);
        expect(await schema.query("SELECT 1 FROM reminders")).toHaveLength(2);
        await pg.close();
      } finally {
        await schema.drop();
      }
    });

    it("refuses what restore refuses: a newer schema, a damaged file, one without the tables; copies nothing", async ({
      expect,
    }) => {
      const schema = await createTestSchema("migrate_refused");
      try {
        const talksBotFile = () => {
          const path = sandbox.databasePath();
          const db = new Database(path);
          runMigrations(db);
          db.close();
          return path;
        };
        const newer = talksBotFile();
        const db = new Database(newer);
        db.pragma("user_version = 99");
        db.close();
        const damaged = talksBotFile();
        damageDatabase(damaged);
        const noTables = sandbox.databasePath();
        const empty = new Database(noTables);
        empty.pragma(`user_version = ${latestVersion}`);
        empty.close();
        const env = { DATABASE_URL: schema.url };
        const cases: [string, RegExp][] = [
          [newer, /has schema version 99, newer than this build reads/],
          [damaged, /failed SQLite's integrity check \(.*\): it is damaged/],
          [noTables, /is not a talks-bot database \(no reminders, posts, feedback_votes, leases table\)/],
        ];
        for (const [file, message] of cases) {
          const result = await cli(["migrate", "--from", `sqlite:${file}`], { env });
          expect(result.code).toBe(1);
          expect(result.stdout).toBe("");
          expect(result.stderr).toMatch(new RegExp(`^talks-bot: migrate: ${file.replaceAll(".", "\\.")} `));
          expect(result.stderr).toMatch(message);
          expect(result.stderr).not.toMatch(STACK_FRAME);
        }
        // Refused before the target was touched: not even migrated.
        expect(await schema.query("SELECT to_regclass('talks_bot_schema') IS NULL AS untouched")).toEqual([
          { untouched: true },
        ]);
      } finally {
        await schema.drop();
      }
    });

    it("needs a PostgreSQL target and a sqlite: source, and leaves backup to pg_dump there", async ({
      expect,
    }) => {
      const noTarget = await cli(["migrate", "--from", "sqlite:x.db"]);
      expect(noTarget.code).toBe(1);
      expect(noTarget.stderr).toMatch(/^talks-bot: migrate: --from copies into PostgreSQL: set DATABASE_URL/);
      const env = { DATABASE_URL: "postgres://postgres:hunter2@127.0.0.1:5432/test" };
      const badSource = await cli(["migrate", "--from", "x.db"], { env });
      expect(badSource.stderr).toMatch(/^talks-bot: migrate: --from takes sqlite:FILE/);
      const backup = await cli(["backup", "copy.db"], { env });
      expect(backup.code).toBe(1);
      expect(backup.stderr).toMatch(
        /^talks-bot: backup: the database is PostgreSQL postgres@127\.0\.0\.1:5432\/test: use pg_dump [^\n]*\n$/,
      );
      expect(backup.stderr).not.toContain("hunter2");
    });
  });

  describe("backup", () => {
    it("copies the database through SQLite's backup API into a file that opens with everything in it", async ({
      expect,
    }) => {
      const databasePath = sandbox.databasePath();
      const storage = SqliteStorage.open(databasePath);
      await storage.upsertReminder(sampleReminder());
      const target = join(sandbox.mkdir(), "copy.db");
      const result = await cli(["backup", target], { env: { DATABASE_PATH: databasePath } });
      await storage.close();
      expect(result.stderr).toBe("");
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(
        new RegExp(
          `^Backed up ${databasePath} to ${target}: [\\d.]+ KiB, integrity ok; rows: reminders 1, posts 0, feedback_votes 0, leases 0\n$`,
        ),
      );
      const copy = SqliteStorage.open(target);
      expect((await copy.getReminder("175928847299117063"))?.time).toBe("07:00");
      await copy.close();
    });

    it("refuses without a file, or without a database", async ({ expect }) => {
      const none = await cli(["backup"]);
      expect(none.code).toBe(1);
      expect(none.stderr).toMatch(/^talks-bot: backup needs one file/);
      const missing = await cli(["backup", "x.db"]);
      expect(missing.code).toBe(1);
      expect(missing.stderr).toMatch(/^talks-bot: there is no database at .* yet \(DATABASE_PATH\)\n$/);
    });
  });

  // README, "Command line": an unknown option "prints one clear line to stderr and exits with code 1",
  // also after commands that take no options.
  describe("unknown options after commands that ignore them", () => {
    it("start --frob is refused", async ({ expect }) => {
      const result = await cli(["start", "--frob"]);
      expect(result.code).toBe(1);
      expect(result.stderr).toBe("talks-bot: start: Unknown option '--frob'. See talks-bot start --help.\n");
    });

    it("validate-corpus --frob is refused", async ({ expect }) => {
      const result = await cli(["validate-corpus", "--frob"]);
      expect(result.code).toBe(1);
    });

    it("invite --frob is refused", async ({ expect }) => {
      const result = await cli(["invite", "--frob"], { env: { DISCORD_CLIENT_ID: CLIENT_ID } });
      expect(result.code).toBe(1);
    });
  });
});

describe("the real binary, as a child process", () => {
  // The same question again and again is answered from the engine's memory: far more output than a pipe holds.
  const manyQuestions = "who is brokering the talks\n".repeat(400);

  it.for([
    ["ask --json", ["ask", "--json"], manyQuestions],
    ["the console", ["console"], manyQuestions],
  ] as const)(
    "%s ends quietly when its reader closes the pipe, as `| head -1` does",
    async ([, args, input], { expect }) => {
      const result = await sandbox.spawn(args, { input, closeStdoutAfterLines: 1 });
      expect(result.stdout).toMatch(/who is brokering the talks/);
      expect(result.stderr).toBe("");
      expect(result.signal).toBeNull();
      expect(result.code).toBe(0);
    },
  );

  it("answers questions from stdin in --json, one line each, in order", async ({ expect }) => {
    const result = await sandbox.spawn(["ask", "--json"], {
      input: "how many people fled to rafah\nwho won the super bowl\n",
    });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const [rafah, superBowl] = jsonLines(result.stdout) as AskJson[];
    expect(rafah?.passages[0]?.paragraph).toBe(2);
    expect(superBowl).toMatchObject({ answer: null, confidence: "none" });
  });

  it("answers a one-shot question without loading discord.js, a database driver, the logger, the YAML parser or the page reader", async ({
    expect,
  }) => {
    const list = join(sandbox.mkdir(), "loaded.txt");
    const env = {
      NODE_OPTIONS: `--require ${fileURLToPath(new URL("./support/loaded-packages.cjs", import.meta.url))}`,
      LOADED_PACKAGES_FILE: list,
      // Its own corpus cache: other tests' processes write the shared one.
      CACHE_DIR: sandbox.mkdir(),
    };
    // The first run may fill the corpus cache; the second reads the corpus from it.
    for (let run = 0; run < 2; run++) {
      const result = await sandbox.spawn(["ask", "how many people fled to rafah"], { env });
      expect(result.code).toBe(0);
      expect(result.stdout).toContain("1.5 million");
    }
    const loaded = readFileSync(list, "utf8").split("\n");
    for (const heavy of [
      "discord.js",
      "@discordjs/rest",
      "pg",
      "better-sqlite3",
      "pino",
      "yaml",
      "gray-matter",
      "@mozilla/readability",
    ])
      expect(loaded).not.toContain(heavy);
  });

  it("the launcher says plainly when the build is missing, or older than the sources", async ({ expect }) => {
    // A copy of the launcher in a project folder of its own, first without a build, then with a stale one.
    const root = sandbox.mkdir();
    mkdirSync(join(root, "src"));
    mkdirSync(join(root, "commands"));
    writeFileSync(join(root, "package.json"), '{ "type": "module" }\n');
    copyFileSync(join(REPO_ROOT, "src", "talks-bot.js"), join(root, "src", "talks-bot.js"));
    const launch = () =>
      new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
        execFile(process.execPath, [join(root, "src", "talks-bot.js")], (error, stdout, stderr) =>
          resolve({ code: error ? (error.code as number) : 0, stdout, stderr }),
        );
      });
    const missing = await launch();
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("the compiled build (dist/) is missing: run `npm run build`");
    mkdirSync(join(root, "dist", "src"), { recursive: true });
    writeFileSync(join(root, "dist", "src", "bin.js"), 'console.log("the build ran");\n');
    writeFileSync(join(root, "dist", ".built"), "then\n");
    const past = new Date(Date.now() - 60_000);
    utimesSync(join(root, "dist", ".built"), past, past);
    writeFileSync(join(root, "src", "changed.ts"), "export {};\n");
    const stale = await launch();
    expect(stale.stdout).toBe("the build ran\n");
    expect(stale.stderr).toContain("the sources changed after the last build");
  });

  it("`start` without a token runs the console on piped input, as `npm start` does", async ({ expect }) => {
    const result = await sandbox.spawn(["start"], {
      input: "/ask question: how many people fled to rafah\n",
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("1.5 million");
    expect(result.stderr).toContain("no DISCORD_TOKEN set");
  });

  it("with a complete config, logs in through DISCORD_API_URL, is refused, and exits 1 without the token", async ({
    expect,
  }) => {
    const api = await recordingApi();
    try {
      const result = await sandbox.spawn(["start"], {
        env: {
          DISCORD_TOKEN: TOKEN_SHAPED,
          DISCORD_CLIENT_ID: CLIENT_ID,
          DISCORD_API_URL: api.url,
          DATABASE_PATH: sandbox.databasePath(),
        },
      });
      expect(api.requests.length).toBeGreaterThan(0);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/Discord refused to log in \(TokenInvalid\)/);
      expect(`${result.stdout}${result.stderr}`).not.toContain(TOKEN_SHAPED);
    } finally {
      await api.close();
    }
  });
});

describe("deploy-commands", () => {
  it("--clear empties the development server's command list, as the README says", async ({ expect }) => {
    const fake = await startFakeDiscord({ token: TEST_TOKEN });
    try {
      const env = {
        DISCORD_TOKEN: TEST_TOKEN,
        DISCORD_CLIENT_ID: fake.applicationId,
        DISCORD_API_URL: fake.apiUrl,
        DISCORD_GUILD_ID: fake.guild().id,
      };
      const deployed = await cli(["deploy-commands"], { env });
      expect(deployed.code).toBe(0);
      expect(fake.commands(fake.guild().id).length).toBeGreaterThan(0);
      const cleared = await cli(["deploy-commands", "--clear"], { env });
      expect(cleared.stderr).toBe("");
      expect(cleared.code).toBe(0);
      expect(fake.commands(fake.guild().id)).toEqual([]);
    } finally {
      await fake.close();
    }
  });
});
