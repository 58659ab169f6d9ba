import { randomBytes } from "node:crypto";
import {
  accessSync,
  closeSync,
  constants,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from "node:fs";
import { join, resolve } from "node:path";
import { isValidLocalDate } from "../calendar/time.js";
import { loadCorpus, parseArticle } from "../corpus/load.js";
import type { Article } from "../corpus/types.js";
import { CorpusError, RefusedError } from "../errors.js";
import { articleId, renderArticle } from "./article.js";
import { boilerplateLine } from "./boilerplate.js";
import { cleanUrl, duplicateOf } from "./duplicates.js";
import type { FetchOptions } from "./fetch.js";
import { ADD_LIMITS } from "./limits.js";
import type { Found } from "./metadata.js";
import { type Input, readInput } from "./read.js";
import type { Extracted } from "./types.js";

/** What `add` was asked to do. */
export interface AddRequest {
  /** A file path (relative to `cwd`) or an http(s) address. */
  readonly target: string;
  /** The corpus folder (holding `articles/`). */
  readonly corpusDir: string;
  readonly cwd: string;
  readonly title?: string | undefined;
  readonly source?: string | undefined;
  /** YYYY-MM-DD. */
  readonly published?: string | undefined;
  readonly dryRun?: boolean | undefined;
  readonly fetch: FetchOptions;
  /** The clock (tests pass their own). */
  readonly now?: Date | undefined;
}

/** What was added (or, in a dry run, would be). */
export interface AddReport {
  readonly id: string;
  /** Absolute path of the corpus file. */
  readonly path: string;
  readonly written: boolean;
  readonly title: Found;
  readonly source: Found;
  readonly published: Found;
  readonly url?: Found | undefined;
  readonly byline: readonly string[];
  /** The paragraphs as the corpus loader reads them back from the file. */
  readonly paragraphs: readonly string[];
  /** Closing editorial lines the loader keeps as notes, not paragraphs ("This story has been updated…"). */
  readonly editorialNotes: readonly string[];
  /** What looks wrong and deserves a look before the report is served. */
  readonly warnings: readonly string[];
}

function words(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

/** YYYY-MM-DD where the day is furthest ahead (UTC+14): a later date is in the future everywhere. */
function latestDateOnEarth(now: Date): string {
  return new Date(now.getTime() + 14 * 3_600_000).toISOString().slice(0, 10);
}

function localDate(now: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

function refuse(request: AddRequest, reason: string): RefusedError {
  return new RefusedError(`add: ${request.target}: ${reason}`);
}

async function extract(input: Input): Promise<Extracted> {
  // The HTML and Markdown parsers are loaded for the inputs that need them.
  if (input.kind === "html") return (await import("./html.js")).extractHtml(input.text, input.pageUrl);
  const { extractMarkdown, extractText } = await import("./text.js");
  return input.kind === "markdown" ? extractMarkdown(input.text, input.name) : extractText(input.text);
}

function articlesIn(dir: string): Article[] {
  const articles = join(dir, "articles");
  const hasArticles =
    statSync(articles, { throwIfNoEntry: false })?.isDirectory() &&
    readdirSync(articles).some((name) => name.endsWith(".md"));
  if (!hasArticles) return [];
  try {
    return [...loadCorpus(dir).articles];
  } catch (error) {
    if (error instanceof CorpusError)
      throw new CorpusError(
        `${error.message} (the corpus must load before a report is added: see talks-bot validate-corpus)`,
      );
    throw error;
  }
}

function checkWritable(dir: string): void {
  const articles = join(dir, "articles");
  const folder = existsSync(articles) ? articles : dir;
  try {
    accessSync(folder, constants.W_OK);
  } catch (error) {
    throw new RefusedError(
      `add: the corpus folder ${folder} cannot be written (${(error as NodeJS.ErrnoException).code}): nothing was added`,
    );
  }
}

function suspicious(report: {
  paragraphs: readonly string[];
  dates: readonly Found[];
  published: Found;
  notes: readonly string[];
}): string[] {
  const warnings: string[] = [];
  const total = report.paragraphs.reduce((n, p) => n + words(p), 0);
  if (report.paragraphs.length < ADD_LIMITS.shortTextParagraphs || total < ADD_LIMITS.shortTextWords)
    warnings.push(
      `a very short text: ${report.paragraphs.length} paragraph(s), ${total} words; is the whole article there?`,
    );
  const seen = new Map<string, number>();
  report.paragraphs.forEach((paragraph, index) => {
    const key = paragraph
      .toLowerCase()
      .replace(/[^\p{L}\p{N}]+/gu, " ")
      .trim();
    const earlier = seen.get(key);
    if (earlier !== undefined) warnings.push(`paragraph ${index + 1} repeats paragraph ${earlier}`);
    else seen.set(key, index + 1);
    const count = words(paragraph);
    if (count < ADD_LIMITS.shortParagraphWords)
      warnings.push(`paragraph ${index + 1} is only ${count} word(s): "${paragraph}" (page furniture?)`);
  });
  // Two time zones' dates for one instant (23:10 on the 13th in UTC−7 is 06:10 on the 14th in UTC) agree.
  const other = report.dates.find(
    (date) =>
      date.value !== report.published.value &&
      (date.instant === undefined || date.instant !== report.published.instant),
  );
  if (other)
    warnings.push(
      `the dates disagree: ${report.published.from} gives ${report.published.value}, but ${other.from} gives ${other.value}`,
    );
  return [...warnings, ...report.notes];
}

/** Writes `text` to `path` through a temporary file in the same folder, so a half-written file never appears. */
function writeAtomically(path: string, text: string, validate: (written: string) => void): void {
  const folder = resolve(path, "..");
  const temporary = join(folder, `.${randomBytes(6).toString("hex")}.add.tmp`);
  try {
    mkdirSync(folder, { recursive: true });
    const fd = openSync(temporary, "wx");
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    // What lands is what the loader reads back from the disk, not only what was meant to be written.
    validate(readFileSync(temporary, "utf8"));
    if (existsSync(path))
      throw new RefusedError(`add: ${path} appeared while this report was being written: nothing was added`);
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    if (error instanceof RefusedError || error instanceof CorpusError) throw error;
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new RefusedError(`add: the corpus folder ${folder} cannot be written (${code}): nothing was added`);
  }
  try {
    const dir = openSync(folder, "r");
    try {
      fsyncSync(dir);
    } finally {
      closeSync(dir);
    }
  } catch {
    // Some file systems cannot sync a folder; the rename itself has happened.
  }
}

/**
 * Adds one report to the corpus: reads the file or fetches the page, extracts the article and its metadata,
 * refuses what must not land (no article, no date, a date in the future, a duplicate, an unwritable folder),
 * and writes `articles/<id>.md` through a temporary file, after the corpus loader has read it back. A dry run
 * does everything but the write. Every refusal is a RefusedError (or a CorpusError for a corpus that does not
 * load) naming the file or address, with the corpus unchanged.
 */
export async function addReport(request: AddRequest): Promise<AddReport> {
  const now = request.now ?? new Date();
  const corpusDir = resolve(request.cwd, request.corpusDir);
  if (!statSync(corpusDir, { throwIfNoEntry: false })?.isDirectory())
    throw new RefusedError(
      `add: the corpus folder ${corpusDir} does not exist (--corpus DIR, or CORPUS_DIR)`,
    );
  if (!request.dryRun) checkWritable(corpusDir);
  const existing = articlesIn(corpusDir);

  const input = await readInput(request.target, { cwd: request.cwd, fetch: request.fetch });
  const extracted = await extract(input);
  const { metadata } = extracted;
  // Page furniture pasted into a text file, or kept by Readability, goes the same way.
  const paragraphs = extracted.paragraphs.filter((paragraph) => boilerplateLine(paragraph) === undefined);
  const total = paragraphs.reduce((n, p) => n + words(p), 0);
  const longest = Math.max(0, ...paragraphs.map(words));
  if (
    paragraphs.length === 0 ||
    total < ADD_LIMITS.minArticleWords ||
    longest < ADD_LIMITS.minLongestParagraphWords
  )
    throw refuse(
      request,
      paragraphs.length === 0
        ? "no article found in it (no paragraphs of text)"
        : `no article found in it (${paragraphs.length} short piece(s) of text, ${total} words: a home page, a list of links or an error page?)`,
    );

  const title = request.title ? { value: request.title, from: "--title" } : metadata.title;
  if (!title) throw refuse(request, 'no title found in it: pass --title "The headline"');
  const source = request.source ? { value: request.source, from: "--source" } : metadata.source;
  if (!source)
    throw refuse(
      request,
      `no outlet named in it (no JSON-LD publisher, og:site_name or outlet in <title>): pass --source "Outlet name"`,
    );
  const published = request.published
    ? { value: request.published, from: "--published" }
    : metadata.published;
  if (!published) {
    const unreadable = metadata.unreadableDates.map((date) => `${date.from} '${date.value}'`).join(", ");
    throw refuse(
      request,
      unreadable
        ? `its date is not an ISO date (${unreadable}): pass --published YYYY-MM-DD with the date the report was published`
        : "no publication date found in it: pass --published YYYY-MM-DD with the date the report was published",
    );
  }
  if (!isValidLocalDate(published.value))
    throw refuse(
      request,
      `its date ${published.value} (${published.from}) is not a real date: pass --published YYYY-MM-DD`,
    );
  if (published.value > latestDateOnEarth(now))
    throw refuse(
      request,
      `it is dated ${published.value} (${published.from}), which is in the future: check the date, or pass --published YYYY-MM-DD`,
    );

  let url: Found | undefined;
  if (metadata.url) {
    try {
      url = { value: cleanUrl(metadata.url.value), from: metadata.url.from };
    } catch {
      url = undefined;
    }
  }
  const duplicate = duplicateOf(url?.value, paragraphs, existing);
  if (duplicate) throw refuse(request, `not added: ${duplicate}`);

  const id = articleId(published.value, source.value, title.value, url?.value);
  const file = `articles/${id}.md`;
  const path = join(corpusDir, "articles", `${id}.md`);
  const clash = existing.find((article) => article.id === id);
  if (clash || existsSync(path))
    throw refuse(
      request,
      `not added: the corpus already has ${clash?.file ?? file}, from the same outlet and day with the same title (if it is another report, pass a distinct --title)`,
    );

  const text = renderArticle(
    {
      id,
      title: title.value,
      source: source.value,
      published: published.value,
      url: url?.value,
      byline: metadata.authors,
      added: localDate(now),
    },
    paragraphs,
  );
  let article = parseArticle(file, text);
  if (!request.dryRun)
    writeAtomically(path, text, (written) => {
      article = parseArticle(file, written);
    });

  const kept = article.paragraphs.map((p) => p.text);
  return {
    id,
    path,
    written: !request.dryRun,
    title,
    source,
    published,
    url,
    byline: article.byline,
    paragraphs: kept,
    editorialNotes: article.notes,
    warnings: suspicious({ paragraphs: kept, dates: metadata.dates, published, notes: extracted.notes }),
  };
}
