import { createHash } from "node:crypto";
import { once } from "node:events";
import { chmodSync, cpSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, type ExpectStatic, it } from "vitest";
import { parseArticle } from "../src/corpus/load.js";
import type { Article } from "../src/corpus/types.js";
import { copyCorpus } from "./support/corpus.js";
import { mountSmallDisk } from "./support/full-disk.js";
import { type CliResult, createCliSandbox } from "./support/run-cli.js";

// `talks-bot add`, run as the CLI runs it (main(argv, io) in this process), on the fictional pages in
// test/fixtures/pages/ and on pages a local HTTP server serves. Every test adds to its own copy of the corpus.

const PAGES = fileURLToPath(new URL("./fixtures/pages/", import.meta.url));
const page = (name: string) => join(PAGES, name);

interface Expected {
  title: string;
  source: string | null;
  published: string | null;
  url: string | null;
  byline: string[];
  paragraphs: string[];
  notes: string[];
  boilerplate: string[];
}

const expectedFor = (name: string): Expected =>
  JSON.parse(readFileSync(page(`${name}.expected.json`), "utf8")) as Expected;

const sandbox = createCliSandbox();
const copies: (() => void)[] = [];
afterAll(() => {
  for (const remove of copies) remove();
  sandbox.cleanup();
});
const cli = sandbox.run;

function corpus(): string {
  const copy = copyCorpus();
  copies.push(copy.remove);
  return copy.dir;
}

/** Every file under a folder, by path, with a hash of its bytes: equal snapshots mean nothing changed. */
function snapshot(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (folder: string) => {
    for (const name of readdirSync(folder)) {
      const path = join(folder, name);
      if (statSync(path).isDirectory()) walk(path);
      else files[relative(dir, path)] = createHash("sha256").update(readFileSync(path)).digest("hex");
    }
  };
  walk(dir);
  return files;
}

function newArticleFiles(dir: string): string[] {
  return readdirSync(join(dir, "articles")).filter((name) => !name.startsWith("cnn-"));
}

function readAdded(dir: string, expect: ExpectStatic): { article: Article; text: string } {
  const files = newArticleFiles(dir);
  expect(files).toHaveLength(1);
  const file = `articles/${files[0]}`;
  const text = readFileSync(join(dir, file), "utf8");
  return { article: parseArticle(file, text), text };
}

function localDate(now: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/** A refusal: exit 1, one line on stderr naming the file or address, nothing on stdout, the corpus unchanged. */
async function expectRefusal(
  expect: ExpectStatic,
  args: string[],
  named: string,
  reason: RegExp,
  env?: Record<string, string>,
): Promise<CliResult> {
  const dir = args.includes("--corpus") ? undefined : corpus();
  const fullArgs = dir ? [...args, "--corpus", dir] : args;
  const folder = dir ?? (fullArgs[fullArgs.indexOf("--corpus") + 1] as string);
  const before = snapshot(folder);
  const result = await cli(["add", ...fullArgs], { env });
  expect(result.code).toBe(1);
  expect(result.stdout).toBe("");
  const lines = result.stderr.trimEnd().split("\n");
  expect(lines).toHaveLength(1);
  expect(lines[0]).toContain(named);
  expect(lines[0]).toMatch(/^talks-bot: /);
  expect(lines[0]).toMatch(reason);
  expect(snapshot(folder)).toEqual(before);
  return result;
}

/** The page's visible text, roughly: enough to show that a boilerplate line really is on the page. */
function pageText(html: string): string {
  return html
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, " ")
    .replace(/<[^>]+>/g, " ")
    .replace(/&amp;/g, "&")
    .replace(/&mdash;/g, "—")
    .replace(/\s+/g, " ");
}

describe.concurrent("talks-bot add, from a file", () => {
  it.for<[string, string[]]>([
    ["meridian-times-jsonld", []],
    ["lakeside-courier-og", []],
    ["continental-wire-both", []],
    ["estavia-today-paywall", []],
    ["northgate-post-plain", ["--published", "2025-03-12"]],
  ])(
    "%s: keeps every paragraph of the article and no line of the page's furniture",
    async ([name, flags], { expect }) => {
      const expected = expectedFor(name);
      const dir = corpus();
      const before = localDate(new Date());
      const result = await cli(["add", page(`${name}.html`), "--corpus", dir, ...flags]);
      const after = localDate(new Date());
      expect(result.stderr).toBe("");
      expect(result.code).toBe(0);
      const { article, text } = readAdded(dir, expect);
      expect(article.paragraphs.map((p) => p.text)).toEqual(expected.paragraphs);
      expect(article.notes).toEqual(expected.notes);
      expect({
        title: article.title,
        source: article.source,
        published: article.published,
        url: article.url ?? null,
        byline: article.byline,
      }).toEqual({
        title: expected.title,
        source: expected.source,
        published: expected.published ?? flags[1],
        url: expected.url,
        byline: expected.byline,
      });
      expect([before, after]).toContain(article.added);
      expect(`articles/${article.id}.md`).toBe(article.file);
      expect(article.id.startsWith(`${article.published}-`)).toBe(true);
      const visible = pageText(readFileSync(page(`${name}.html`), "utf8"));
      for (const line of expected.boilerplate) {
        expect(visible, `"${line}" is on the page`).toContain(line);
        expect(text, `"${line}" is page furniture`).not.toContain(line);
      }
      // The report: the id, the count, the first and last paragraph.
      expect(result.stdout).toContain(`Added ${article.id} (${expected.paragraphs.length} paragraphs)`);
      // Each report line: two spaces, a label, spaces, the value.
      const reportValue = (label: string) =>
        result.stdout
          .split("\n")
          .find((line) => line.startsWith(`  ${label} `))
          ?.slice(label.length + 2)
          .trim();
      const count = expected.paragraphs.length;
      expect(reportValue("first ¶1")).toBe(expected.paragraphs[0]);
      expect(reportValue(`last ¶${count}`)).toBe(expected.paragraphs[count - 1]);
      expect(result.stdout.trimEnd().split("\n").at(-1)).toBe(
        'Bots running on this corpus folder reload it now: they watch it, and log "corpus reloaded" (talks-bot reload asks them too). Other hosts need the file in their own corpus folder.',
      );
      // The loader the bot uses reads the whole corpus, with the new report.
      const check = await cli(["validate-corpus"], { env: { CORPUS_DIR: dir, CACHE_DIR: sandbox.mkdir() } });
      expect(check.stdout).toContain("corpus: ok: 2 article(s)");
    },
  );

  it("names where each field came from, and warns when the page's dates disagree", async ({ expect }) => {
    const result = await cli(["add", page("estavia-today-paywall.html"), "--corpus", corpus()]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("published  2025-03-20  (JSON-LD datePublished)");
    expect(result.stdout).toContain("source     Estavia Today  (JSON-LD publisher.name)");
    expect(result.stdout).toContain(
      "the dates disagree: JSON-LD datePublished gives 2025-03-20, but article:published_time gives 2025-03-21",
    );
    expect(result.stdout).toContain("note       This story has been updated with the final vote count.");
  });

  it("does not call one instant in two time zones a disagreement", async ({ expect }) => {
    // JSON-LD 06:10 UTC on the 14th and Open Graph 23:10 UTC−7 on the 13th are the same moment.
    const result = await cli(["add", page("continental-wire-both.html"), "--corpus", corpus()]);
    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain("dates disagree");
    expect(result.stdout).toContain("a JSON-LD block on the page is not valid JSON and was passed over");
  });

  it("--title, --source and --published override the page, and the report says so", async ({ expect }) => {
    const dir = corpus();
    const result = await cli([
      "add",
      page("meridian-times-jsonld.html"),
      "--corpus",
      dir,
      "--title",
      "Water talks to resume",
      "--source",
      "Meridian",
      "--published",
      "2025-03-05",
    ]);
    expect(result.code).toBe(0);
    const { article } = readAdded(dir, expect);
    expect([article.id, article.title, article.source, article.published]).toEqual([
      "2025-03-05-meridian-water-talks-to-resume",
      "Water talks to resume",
      "Meridian",
      "2025-03-05",
    ]);
    expect(result.stdout).toContain("published  2025-03-05  (--published)");
    expect(result.stdout).toContain(
      "the dates disagree: --published gives 2025-03-05, but JSON-LD datePublished gives 2025-03-04",
    );
  });

  it("reads a Markdown report: its front matter, its paragraphs, links as text", async ({ expect }) => {
    const dir = corpus();
    const result = await cli(["add", page("harbour-gazette.md"), "--corpus", dir]);
    expect(result.stderr).toBe("");
    const { article } = readAdded(dir, expect);
    expect(article).toMatchObject({
      id: "2025-06-01-harbour-gazette-first-water-flows-under-the-merrow-deal",
      title: "First water flows under the Merrow deal",
      source: "Harbour Gazette",
      published: "2025-06-01",
      url: "https://harbourgazette.example/2025/06/01/first-merrow-release",
      byline: ["Sofia Lindqvist"],
    });
    const texts = article.paragraphs.map((p) => p.text);
    expect(texts).toHaveLength(9);
    expect(texts[0]).toBe(
      "The sluice gates of the Merrow dam opened at six o'clock on Sunday morning, sending the first guaranteed summer release of the new agreement down the river towards Estavia's farms.",
    );
    expect(texts[1]).toContain("the level the March agreement promised");
    expect(texts).toContain("no drought would be declared before July at the earliest;");
    expect(texts.join("\n")).not.toMatch(/Farmers cautious|\*|\]\(|^>/m);
  });

  it("reads a plain-text report with the flags it needs, dropping its byline and ad label", async ({
    expect,
  }) => {
    const dir = corpus();
    const result = await cli([
      "add",
      page("wrenfield-radio.txt"),
      "--corpus",
      dir,
      "--title",
      "Merrow water reaches Wrenfield canals",
      "--source",
      "Wrenfield Radio",
      "--published",
      "2025-06-04",
    ]);
    expect(result.code).toBe(0);
    const { article } = readAdded(dir, expect);
    expect(article.paragraphs.map((p) => p.text)).toEqual([
      "Farmers in Wrenfield held a market-day celebration on Saturday as water from the first summer release under the Lake Merrow agreement reached the town's irrigation canals, three days after the dam's sluice gates opened.",
      "The canal board said the flow at Wrenfield weir reached 31 cubic metres a second on Friday evening, after losses to evaporation and to farms upstream.",
      '"Last year we were counting buckets," said Lena Brandt, who runs the market. "This year we are counting customers."',
      "The board said it would publish its own readings alongside those of the joint monitoring station below the dam, so that farmers could compare the two.",
      "This is a fictional test fixture: Wrenfield, Lake Merrow and everyone named here are invented.",
    ]);
    expect(result.stdout).toContain("a very short text: 5 paragraph(s)");
  });

  it("reads a saved fragment of a page (no <html>, no <body>)", async ({ expect }) => {
    const expected = expectedFor("meridian-times-jsonld");
    const file = join(sandbox.mkdir(), "fragment.html");
    writeFileSync(file, `<article>${expected.paragraphs.map((p) => `<p>${p}</p>`).join("\n")}</article>`);
    const dir = corpus();
    const result = await cli([
      "add",
      file,
      "--corpus",
      dir,
      "--title",
      expected.title,
      "--source",
      "The Meridian Times",
      "--published",
      "2025-03-04",
    ]);
    expect(result.stderr).toBe("");
    expect(readAdded(dir, expect).article.paragraphs.map((p) => p.text)).toEqual(expected.paragraphs);
  });

  it("reports repeated and very short paragraphs", async ({ expect }) => {
    const file = join(sandbox.mkdir(), "repeats.txt");
    const long =
      "The mediator said on Tuesday that the two delegations had agreed to meet again next week in Port Alder to discuss the drought clause.";
    writeFileSync(
      file,
      `${long}\n\nWorld\n\nThe offer stands at 33 cubic metres a second, officials said on Monday evening.\n\n${long}\n`,
    );
    const result = await cli([
      "add",
      file,
      "--title",
      "Talks",
      "--source",
      "Wire",
      "--published",
      "2025-03-12",
      "--dry-run",
      "--corpus",
      corpus(),
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("paragraph 4 repeats paragraph 1");
    expect(result.stdout).toContain('paragraph 2 is only 1 word(s): "World"');
  });

  it("--dry-run prints the report and writes nothing", async ({ expect }) => {
    const dir = corpus();
    const before = snapshot(dir);
    const result = await cli(["add", page("lakeside-courier-og.html"), "--corpus", dir, "--dry-run"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /^Dry run: would add 2025-03-10-lakeside-courier-kordane-raises-its-merrow-water-offer-on-eve-of \(11 paragraphs\)/,
    );
    expect(result.stdout).toContain("nothing was written");
    expect(snapshot(dir)).toEqual(before);
  });

  it("adds to the CORPUS_DIR folder when --corpus is not given", async ({ expect }) => {
    const dir = corpus();
    const result = await cli(["add", page("lakeside-courier-og.html")], { env: { CORPUS_DIR: dir } });
    expect(result.code).toBe(0);
    expect(newArticleFiles(dir)).toEqual([
      "2025-03-10-lakeside-courier-kordane-raises-its-merrow-water-offer-on-eve-of.md",
    ]);
  });

  it("runs from the compiled build, as `npx talks-bot add` does", async ({ expect }) => {
    const dir = corpus();
    const result = await sandbox.spawn(["add", page("lakeside-courier-og.html"), "--corpus", dir]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(readAdded(dir, expect).article.paragraphs).toHaveLength(11);
  });

  it("--help explains the inputs, the options and the refusals", async ({ expect }) => {
    const result = await cli(["add", "--help"]);
    expect(result.code).toBe(0);
    for (const text of ["--published DATE", "--dry-run", "--corpus DIR", "JSON-LD", "redirect loop"])
      expect(result.stdout).toContain(text);
    const help = await cli(["--help"]);
    expect(help.stdout).toContain("talks-bot add FILE|URL");
  });
});

describe.concurrent("talks-bot add refuses, leaving the corpus unchanged", () => {
  it("a page with no date, asking for --published", async ({ expect }) => {
    const file = page("northgate-post-plain.html");
    await expectRefusal(expect, [file], file, /no publication date found in it: pass --published YYYY-MM-DD/);
  });

  it("a date that is not ISO, naming it", async ({ expect }) => {
    const file = join(sandbox.mkdir(), "odd-date.html");
    writeFileSync(
      file,
      readFileSync(page("meridian-times-jsonld.html"), "utf8").replace(
        "2025-03-04T08:30:00+01:00",
        "4th March 2025",
      ),
    );
    await expectRefusal(
      expect,
      [file],
      file,
      /JSON-LD datePublished '4th March 2025'.*--published YYYY-MM-DD/,
    );
  });

  it("a page with no article", async ({ expect }) => {
    const file = page("meridian-times-home.html");
    await expectRefusal(expect, [file], file, /no article found in it/);
  });

  it("an empty file", async ({ expect }) => {
    const file = join(sandbox.mkdir(), "empty.txt");
    writeFileSync(file, "\n\n");
    await expectRefusal(
      expect,
      [file, "--title", "T", "--source", "S", "--published", "2025-01-01"],
      file,
      /no article found in it/,
    );
  });

  it("a PDF, whatever its name", async ({ expect }) => {
    const folder = sandbox.mkdir();
    for (const name of ["report.pdf", "report.html"]) {
      const file = join(folder, name);
      writeFileSync(file, "%PDF-1.7\n%\u00e2\u00e3\n1 0 obj << /Type /Catalog >> endobj\n");
      await expectRefusal(expect, [file], file, /it is a PDF, not a web page/);
    }
  });

  it("an image", async ({ expect }) => {
    const file = join(sandbox.mkdir(), "photo.png");
    writeFileSync(
      file,
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]),
    );
    await expectRefusal(expect, [file], file, /it is an image \(PNG\)/);
  });

  it("a 50 MB page", async ({ expect }) => {
    const file = join(sandbox.mkdir(), "huge.html");
    writeFileSync(
      file,
      Buffer.concat([Buffer.from("<!doctype html><html><body><p>"), Buffer.alloc(50 * 1024 * 1024, 0x61)]),
    );
    await expectRefusal(expect, [file], file, /the file is 50\.0 MB, over the 5\.0 MB limit/);
  });

  it("a file that is not UTF-8", async ({ expect }) => {
    const file = join(sandbox.mkdir(), "latin1.html");
    writeFileSync(
      file,
      Buffer.from(
        readFileSync(page("lakeside-courier-og.html"), "utf8").replace("Kordane has", "Kordané has"),
        "latin1",
      ),
    );
    await expectRefusal(expect, [file], file, /is not UTF-8 text: convert it first, e\.g\. iconv/);
  });

  it("an article dated in the future, from the page or from --published", async ({ expect }) => {
    const file = join(sandbox.mkdir(), "future.html");
    writeFileSync(
      file,
      readFileSync(page("meridian-times-jsonld.html"), "utf8").replace(
        "2025-03-04T08:30:00+01:00",
        "2999-03-04T08:30:00+01:00",
      ),
    );
    await expectRefusal(
      expect,
      [file],
      file,
      /it is dated 2999-03-04 \(JSON-LD datePublished\), which is in the future/,
    );
    const other = page("lakeside-courier-og.html");
    await expectRefusal(
      expect,
      [other, "--published", "2999-01-01"],
      other,
      /dated 2999-01-01 \(--published\), which is in the future/,
    );
  });

  it("a report already in the corpus, by its address", async ({ expect }) => {
    const dir = corpus();
    const file = page("meridian-times-jsonld.html");
    expect((await cli(["add", file, "--corpus", dir])).code).toBe(0);
    const copy = join(sandbox.mkdir(), "again.html");
    // The same address in another form, and a new title: the address alone makes it a copy.
    writeFileSync(
      copy,
      readFileSync(file, "utf8")
        .replace("https://meridian-times.example/world", "http://www.meridian-times.example/world")
        .replace('"headline": "Estavia and Kordane agree', '"headline": "UPDATED: Estavia and Kordane agree'),
    );
    await expectRefusal(
      expect,
      [copy, "--corpus", dir],
      copy,
      /already in the corpus as articles\/2025-03-04-meridian-times-.*\.md \(same address/,
    );
  });

  it("a report already in the corpus, by its text, under another address and title", async ({ expect }) => {
    const dir = corpus();
    const file = page("lakeside-courier-og.html");
    expect((await cli(["add", file, "--corpus", dir])).code).toBe(0);
    const copy = join(sandbox.mkdir(), "syndicated.html");
    writeFileSync(
      copy,
      readFileSync(file, "utf8")
        .replace(
          /https:\/\/www\.lakesidecourier\.example\/news\/kordane-raises-merrow-offer-1882/g,
          "https://syndicate.example/merrow",
        )
        .replace(/Lakeside Courier/g, "Syndicate Daily")
        .replace(/Kordane raises its Merrow water offer on eve of talks/g, "Kordane improves water offer")
        .replace("at the town hall.", "at the town hall, a spokesman said."),
    );
    await expectRefusal(
      expect,
      [copy, "--corpus", dir],
      copy,
      /nearly the same text as articles\/2025-03-10-lakeside-courier-.*% of its wording is shared/,
    );
  });

  it("a folder, a missing file and a file of an unknown kind", async ({ expect }) => {
    const folder = sandbox.mkdir();
    await expectRefusal(expect, [folder], folder, /is a folder/);
    const missing = join(folder, "nope.html");
    await expectRefusal(expect, [missing], missing, /no such file/);
    const odd = join(folder, "notes.docx.txt.bak");
    writeFileSync(odd, "Some words.");
    await expectRefusal(expect, [odd], odd, /unknown kind of file: name it \.html/);
  });

  it("a corpus folder that cannot be written", async ({ expect, skip }) => {
    const disk = mountSmallDisk(4096);
    try {
      let dir: string;
      if (disk) {
        // A read-only file system refuses every write, root's too.
        dir = join(disk.dir, "corpus");
        cpSync(corpus(), dir, { recursive: true });
        disk.readOnly();
      } else if (process.getuid?.() !== 0) {
        dir = corpus();
        chmodSync(join(dir, "articles"), 0o555);
      } else return skip("needs a read-only mount (root without mount permission)");
      const file = page("meridian-times-jsonld.html");
      const result = await expectRefusal(
        expect,
        [file, "--corpus", dir],
        join(dir, "articles"),
        /the corpus folder .*articles cannot be written \((EROFS|EACCES)\): nothing was added/,
      );
      expect(result.stderr).toContain(join(dir, "articles"));
    } finally {
      disk?.unmount();
    }
  });

  it("a disk that fills while the report is written: no half-written file is left", async ({
    expect,
    skip,
  }) => {
    const disk = mountSmallDisk(1024);
    if (!disk) return skip("needs a small tmpfs (root with mount permission)");
    try {
      const dir = join(disk.dir, "corpus");
      mkdirSync(join(dir, "articles"), { recursive: true });
      writeFileSync(
        join(dir, "articles", "seed.md"),
        readFileSync(join(corpus(), "articles", "cnn-2024-02-22-ceasefire-talks.md")),
      );
      disk.fill();
      const file = page("lakeside-courier-og.html");
      await expectRefusal(
        expect,
        [file, "--corpus", dir],
        "cannot be written",
        /\(ENOSPC\): nothing was added/,
      );
      expect(readdirSync(join(dir, "articles"))).toEqual(["seed.md"]);
    } finally {
      disk.unmount();
    }
  });

  it("any report while the corpus itself does not load", async ({ expect }) => {
    const dir = corpus();
    writeFileSync(join(dir, "articles", "broken.md"), "---\nid: broken\n---\nText.\n");
    await expectRefusal(
      expect,
      [page("lakeside-courier-og.html"), "--corpus", dir],
      "corpus: articles/broken.md",
      /'title' is required \(the corpus must load before a report is added: see talks-bot validate-corpus\)/,
    );
  });

  it("bad flags, as usage errors", async ({ expect }) => {
    const file = page("lakeside-courier-og.html");
    await expectRefusal(
      expect,
      [file, "--published", "12/03/2025"],
      "--published",
      /must be a date as YYYY-MM-DD/,
    );
    await expectRefusal(expect, [file, "--timeout", "soon"], "--timeout", /must be a number of seconds/);
    await expectRefusal(expect, [file, "--title", " "], "--title", /must not be empty/);
    await expectRefusal(expect, [file, "--colour", "red"], "add", /Unknown option '--colour'/);
    await expectRefusal(expect, [file, file], "add needs one file or address", /see talks-bot add --help/);
  });
});

// A local stand-in for news sites: each route shows one behaviour a fetch must handle.
let server: Server;
let base = "";
let closedPort = 0;

const ARTICLE_WORDS =
  "Le café du port était plein mardi soir, quand les négociateurs de Kordane et d'Estavie sont sortis de la mairie de Port Alder avec un accord de principe sur le débit d'été du barrage de Merrow.";
const LATIN1_PAGE = `<!doctype html><html><head><meta charset="iso-8859-1"><title>Accord à Port Alder</title>
<meta property="og:title" content="Accord à Port Alder"><meta property="og:site_name" content="Le Courrier du Lac">
<meta property="article:published_time" content="2025-03-15T09:00:00+01:00"></head><body><article>
<p>${ARTICLE_WORDS}</p><p>${ARTICLE_WORDS.replace("mardi", "mercredi")}</p><p>Ce texte est une fiction : ni Kordane, ni l'Estavie, ni Port Alder n'existent.</p></article></body></html>`;

async function streamHuge(res: ServerResponse, withLength: boolean): Promise<void> {
  const total = 50 * 1024 * 1024;
  res.writeHead(200, {
    "content-type": "text/html",
    ...(withLength ? { "content-length": String(total) } : {}),
  });
  let closed = false;
  res.on("close", () => {
    closed = true;
  });
  const chunk = Buffer.alloc(1024 * 1024, 0x61);
  for (let sent = 0; sent < total && !closed; sent += chunk.length) {
    if (!res.write(chunk)) await Promise.race([once(res, "drain"), once(res, "close")]);
  }
  res.end();
}

function send(res: ServerResponse, contentType: string, body: string | Buffer): void {
  res.writeHead(200, { "content-type": contentType });
  res.end(body);
}

function redirect(res: ServerResponse, status: number, to: string): void {
  res.writeHead(status, { location: to });
  res.end();
}

const ROUTES: Readonly<Record<string, (res: ServerResponse) => void>> = {
  "/world/meridian": (res) =>
    send(res, "text/html; charset=utf-8", readFileSync(page("meridian-times-jsonld.html"))),
  "/northgate": (res) =>
    send(res, "text/html; charset=utf-8", readFileSync(page("northgate-post-plain.html"))),
  "/old-address": (res) => redirect(res, 301, "/world/meridian"),
  "/loop/a": (res) => redirect(res, 302, "/loop/b"),
  "/loop/b": (res) => redirect(res, 302, `${base}/loop/a`),
  "/hang": () => {}, // never answers
  "/slow-body": (res) => {
    res.writeHead(200, { "content-type": "text/html" });
    res.write("<!doctype html><html><body><p>The first words arrive, the rest never do");
  },
  "/huge": (res) => void streamHuge(res, false),
  "/huge-declared": (res) => void streamHuge(res, true),
  "/report.pdf": (res) => send(res, "application/pdf", "%PDF-1.7\n"),
  "/photo": (res) => send(res, "image/jpeg", Buffer.from([0xff, 0xd8, 0xff, 0xe0])),
  "/mislabelled": (res) => send(res, "text/html", "%PDF-1.4\n1 0 obj\n"),
  "/data.json": (res) => send(res, "application/json", "{}"),
  "/latin1": (res) => send(res, "text/html; charset=iso-8859-1", Buffer.from(LATIN1_PAGE, "latin1")),
  "/bad-utf8": (res) =>
    send(
      res,
      "text/html; charset=utf-8",
      Buffer.concat([Buffer.from("<!doctype html><p>caf"), Buffer.from([0xe9]), Buffer.from(" au lait</p>")]),
    ),
};

function route(req: IncomingMessage, res: ServerResponse): void {
  const path = req.url ?? "/";
  const chain = /^\/chain\/(\d+)$/.exec(path);
  const handler = ROUTES[path];
  if (handler) handler(res);
  else if (chain) redirect(res, 302, `/chain/${Number(chain[1]) + 1}`);
  else {
    res.writeHead(404, { "content-type": "text/html" });
    res.end("<h1>Not found</h1>");
  }
}

beforeAll(async () => {
  server = createServer(route);
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const closed = createServer();
  closed.listen(0, "127.0.0.1");
  await once(closed, "listening");
  closedPort = (closed.address() as AddressInfo).port;
  closed.close();
  await once(closed, "close");
});

afterAll(async () => {
  server.closeAllConnections();
  server.close();
  await once(server, "close");
});

describe.concurrent("talks-bot add, from an address", () => {
  it("fetches the page and takes the article, with the canonical address", async ({ expect }) => {
    const dir = corpus();
    const result = await cli(["add", `${base}/world/meridian`, "--corpus", dir]);
    expect(result.stderr).toBe("");
    const { article } = readAdded(dir, expect);
    expect(article.url).toBe(
      "https://meridian-times.example/world/2025/03/04/lake-merrow-water-talks-resume",
    );
    expect(article.paragraphs.map((p) => p.text)).toEqual(expectedFor("meridian-times-jsonld").paragraphs);
  });

  it("follows a redirect, and keeps the address it ends at when the page names none", async ({ expect }) => {
    const moved = await cli(["add", `${base}/old-address`, "--corpus", corpus(), "--dry-run"]);
    expect(moved.code).toBe(0);
    expect(moved.stdout).toContain(
      "https://meridian-times.example/world/2025/03/04/lake-merrow-water-talks-resume",
    );
    const dir = corpus();
    const plain = await cli(["add", `${base}/northgate`, "--corpus", dir, "--published", "2025-03-12"]);
    expect(plain.code).toBe(0);
    expect(readAdded(dir, expect).article.url).toBe(`${base}/northgate`);
    expect(plain.stdout).toContain("(the address fetched)");
  });

  it("decodes a page in the character set the server names", async ({ expect }) => {
    const dir = corpus();
    const result = await cli(["add", `${base}/latin1`, "--corpus", dir]);
    expect(result.stderr).toBe("");
    const { article } = readAdded(dir, expect);
    expect(article.title).toBe("Accord à Port Alder");
    expect(article.paragraphs[0]?.text).toBe(ARTICLE_WORDS);
  });

  it.for<[string, RegExp]>([
    ["/loop/a", /redirect loop \(.*\/loop\/a → .*\/loop\/b → .*\/loop\/a\)/],
    ["/chain/0", /more than 5 redirects \(last to .*\/chain\/6\)/],
    ["/huge", /the page is larger than the 5\.0 MB limit for one report/],
    ["/huge-declared", /the page is 50\.0 MB, over the 5\.0 MB limit/],
    ["/report.pdf", /it is a PDF, not a web page/],
    ["/photo", /it is an image \(image\/jpeg\)/],
    ["/mislabelled", /it is a PDF, not a web page/],
    ["/data.json", /it is application\/json, not a web page/],
    ["/missing", /the server answered 404 Not Found/],
    ["/bad-utf8", /it says it is utf-8 text, but it is not valid utf-8/],
  ])("refuses %s, naming the address and the reason", async ([path, reason], { expect }) => {
    await expectRefusal(expect, [`${base}${path}`], `${base}${path}`, reason);
  });

  it.for(["/hang", "/slow-body"])("gives up on %s at the time-out", async (path, { expect }) => {
    await expectRefusal(
      expect,
      [`${base}${path}`, "--timeout", "0.5"],
      `${base}${path}`,
      /no complete answer within 0\.5 s \(--timeout SECONDS waits longer\)/,
    );
  });

  it("names a refused connection and an address it cannot fetch", async ({ expect }) => {
    const refused = `http://127.0.0.1:${closedPort}/story`;
    await expectRefusal(expect, [refused], refused, /the connection was refused/);
    await expectRefusal(
      expect,
      ["ftp://example.com/story"],
      "ftp://example.com/story",
      /only http:\/\/ and https:\/\/ addresses/,
    );
  });
});
