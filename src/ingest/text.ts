import matter from "gray-matter";
import { marked } from "marked";
import { RefusedError } from "../errors.js";
import { parseDocument, textOf } from "./dom.js";
import { type Found, isoDatePart, type PageMetadata } from "./metadata.js";
import { paragraphsOf } from "./paragraphs.js";
import type { Extracted } from "./types.js";

/**
 * Markdown and plain-text reports.
 *
 * Markdown: optional YAML front matter (`title`, `source`, `published`, `url`, `author` or `byline`), then the
 * article; its paragraphs are separated by blank lines, as Markdown's are; a `# Heading` gives the title when
 * the front matter does not; headings are left out of the paragraphs; links and emphasis become plain text.
 *
 * Plain text: paragraphs separated by blank lines; a text with no blank line at all has one paragraph per
 * line. It carries no metadata: `--title`, `--source` and `--published` give it.
 */

const KNOWN_FIELDS = new Set(["title", "source", "published", "url", "author", "authors", "byline"]);

function field(data: Record<string, unknown>, key: string, where: string): string | undefined {
  const value = data[key];
  if (value === undefined || value === null) return undefined;
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === "string" || typeof value === "number") return String(value).trim() || undefined;
  throw new RefusedError(`add: ${where}: front matter '${key}' must be text`);
}

function names(value: unknown): string[] {
  const list = Array.isArray(value) ? value : [value];
  return list
    .filter((item): item is string => typeof item === "string" && item.trim() !== "")
    .map((item) => item.trim());
}

function found(value: string | undefined, from: string): Found | undefined {
  return value ? { value, from } : undefined;
}

/** Reads a Markdown report. */
export function extractMarkdown(source: string, where: string): Extracted {
  let parsed: matter.GrayMatterFile<string>;
  try {
    parsed = matter(source);
  } catch (error) {
    throw new RefusedError(
      `add: ${where}: the front matter is not valid YAML (${(error as Error).message.split("\n")[0]})`,
    );
  }
  const data = parsed.data as Record<string, unknown>;
  const notes = Object.keys(data)
    .filter((key) => !KNOWN_FIELDS.has(key))
    .map(
      (key) => `front matter field '${key}' was not used (talks-bot reads ${[...KNOWN_FIELDS].join(", ")})`,
    );
  const document = parseDocument(
    `<!doctype html><html><body>${marked.parse(parsed.content, { async: false })}</body></html>`,
  );
  const heading = textOf(document.querySelector("h1"));
  const url = field(data, "url", where);
  if (url !== undefined && !/^https?:\/\/[^\s/]+/i.test(url))
    throw new RefusedError(`add: ${where}: front matter 'url' must be an http(s) address, not '${url}'`);
  const published = field(data, "published", where);
  const day = published ? isoDatePart(published) : undefined;
  const metadata: PageMetadata = {
    title: found(field(data, "title", where), "front matter title") ?? found(heading, "# heading"),
    source: found(field(data, "source", where), "front matter source"),
    published: found(day, "front matter published"),
    url: found(url, "front matter url"),
    authors: [...names(data.author), ...names(data.authors), ...names(data.byline)],
    dates: day ? [{ value: day, from: "front matter published" }] : [],
    unreadableDates: published && !day ? [{ value: published, from: "front matter published" }] : [],
    notes: [],
  };
  const body = document.body;
  return { metadata, paragraphs: body ? paragraphsOf(body).paragraphs : [], notes };
}

/** Reads a plain-text report. */
export function extractText(source: string): Extracted {
  const text = source.replace(/\r\n?/g, "\n").trim();
  const blocks = /\n[ \t]*\n/.test(text) ? text.split(/\n[ \t]*\n/) : text.split("\n");
  const paragraphs = blocks.map((block) => block.replace(/\s+/g, " ").trim()).filter(Boolean);
  return { metadata: { authors: [], dates: [], unreadableDates: [], notes: [] }, paragraphs, notes: [] };
}
