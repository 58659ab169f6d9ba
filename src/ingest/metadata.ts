import { collapseSpace, type DomDocument, textOf } from "./dom.js";

/**
 * A report's title, outlet, date, address and authors, read from the page's own markup, each from the first
 * place that has it, in this order:
 *
 * | field | taken from, first found wins |
 * | --- | --- |
 * | title | JSON-LD `headline`; `og:title`; `<title>` (less a trailing " – Outlet") |
 * | source | JSON-LD `publisher.name`; `og:site_name`; the outlet after the headline in `<title>` |
 * | published | JSON-LD `datePublished`; `article:published_time`; microdata `itemprop="datePublished"` |
 * | url | `<link rel="canonical">`; `og:url`; the address it was fetched from |
 * | authors | JSON-LD `author` names; `<meta name="author">` |
 *
 * JSON-LD means the page's `application/ld+json` blocks: a `NewsArticle` (or a subtype such as
 * `ReportageNewsArticle`), else an `Article`, also inside `@graph`, with `publisher: {"@id": …}` followed to
 * its node. A date is the `YYYY-MM-DD` it starts with, as the outlet wrote it (not moved to another time zone);
 * one that is not ISO is passed over and named in the notes. Nothing is guessed: a field no source has stays
 * empty, and the caller asks for the flag.
 */
export interface PageMetadata {
  readonly title?: Found | undefined;
  readonly source?: Found | undefined;
  readonly published?: Found | undefined;
  readonly url?: Found | undefined;
  readonly authors: readonly string[];
  /** Every ISO date the page gives for its publication, in the order above (`published` is the first). */
  readonly dates: readonly Found[];
  /** Dates the page gives that are not ISO dates, by where they were found (for the error asking for one). */
  readonly unreadableDates: readonly Found[];
  /** What was passed over, for the report: a JSON-LD block that is not JSON. */
  readonly notes: readonly string[];
}

/** A value and where it was found ("JSON-LD headline", "og:site_name", "--source"…). */
export interface Found {
  readonly value: string;
  readonly from: string;
  /** For a date given with its time and offset: the instant, in ms since 1970. */
  readonly instant?: number | undefined;
}

/** The instant of a date-time with an offset or Z; undefined for a date alone or a local time. */
function instantOf(value: string): number | undefined {
  if (!/T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(value.trim())) return undefined;
  const ms = Date.parse(value.trim());
  return Number.isFinite(ms) ? ms : undefined;
}

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function typesOf(node: JsonObject): string[] {
  const type = node["@type"];
  return (Array.isArray(type) ? type : [type]).filter((t): t is string => typeof t === "string");
}

/** Every object in the page's JSON-LD blocks, top level and inside `@graph` or arrays. */
function jsonLdNodes(document: DomDocument, notes: string[]): JsonObject[] {
  const nodes: JsonObject[] = [];
  const visit = (value: unknown) => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (isObject(value)) {
      nodes.push(value);
      if (Array.isArray(value["@graph"])) value["@graph"].forEach(visit);
    }
  };
  for (const script of document.querySelectorAll("script")) {
    const type = (script.getAttribute("type") ?? "").toLowerCase().split(";")[0]?.trim();
    if (type !== "application/ld+json") continue;
    try {
      visit(JSON.parse(script.textContent ?? ""));
    } catch {
      notes.push("a JSON-LD block on the page is not valid JSON and was passed over");
    }
  }
  return nodes;
}

function articleNode(nodes: readonly JsonObject[]): JsonObject | undefined {
  return (
    nodes.find((node) => typesOf(node).some((type) => /NewsArticle$/.test(type))) ??
    nodes.find((node) => typesOf(node).includes("Article"))
  );
}

/** The entities some publishers leave in JSON-LD strings (`Q&amp;A`). */
const ENTITIES: Readonly<Record<string, string>> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  nbsp: " ",
  "#39": "'",
  "#x27": "'",
};

function plainText(value: string): string {
  return collapseSpace(
    value.replace(/&(amp|lt|gt|quot|apos|nbsp|#39|#x27);/g, (_, name: string) => ENTITIES[name] ?? ""),
  );
}

function text(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  const cleaned = plainText(value);
  return cleaned.length > 0 ? cleaned : undefined;
}

/** A name given as a string, as `{ name }`, or as `{ "@id" }` pointing at a node that has one. */
function nameOf(value: unknown, nodes: readonly JsonObject[]): string | undefined {
  if (typeof value === "string") return text(value);
  if (!isObject(value)) return undefined;
  const own = text(value.name);
  if (own) return own;
  const id = value["@id"];
  if (typeof id !== "string") return undefined;
  const target = nodes.find((node) => node["@id"] === id && node !== value);
  return target ? text(target.name) : undefined;
}

function namesOf(value: unknown, nodes: readonly JsonObject[]): string[] {
  const list = Array.isArray(value) ? value : [value];
  return list.map((item) => nameOf(item, nodes)).filter((name): name is string => name !== undefined);
}

function meta(document: DomDocument, key: string): string | undefined {
  const element = document.querySelector(`meta[property="${key}"], meta[name="${key}"]`);
  return text(element?.getAttribute("content"));
}

/** The `YYYY-MM-DD` an ISO date or date-time starts with, or undefined. */
export function isoDatePart(value: string): string | undefined {
  const match = /^(\d{4}-\d{2}-\d{2})(?:$|[T ]\d{2}:\d{2})/.exec(value.trim());
  return match?.[1];
}

function httpUrl(value: string | undefined, base: string | undefined): string | undefined {
  if (!value) return undefined;
  try {
    const url = base ? new URL(value, base) : new URL(value);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : undefined;
  } catch {
    return undefined;
  }
}

const TITLE_SEPARATORS = [" | ", " - ", " – ", " — ", " :: ", " · "];

function sameText(a: string, b: string): boolean {
  return collapseSpace(a).toLowerCase() === collapseSpace(b).toLowerCase();
}

/**
 * `<title>` read as "headline – outlet": the split whose first part is one of the page's headlines (or whose
 * last part is the known outlet).
 */
function splitTitle(
  title: string,
  headlines: readonly string[],
  outlet: string | undefined,
): { headline: string; outlet: string } | undefined {
  for (const separator of TITLE_SEPARATORS) {
    const at = title.lastIndexOf(separator);
    if (at <= 0) continue;
    const headline = title.slice(0, at).trim();
    const rest = title.slice(at + separator.length).trim();
    if (rest.length === 0) continue;
    if ((outlet && sameText(rest, outlet)) || headlines.some((h) => sameText(h, headline)))
      return { headline, outlet: rest };
  }
  return undefined;
}

function first(candidates: readonly (Found | undefined)[]): Found | undefined {
  return candidates.find(
    (candidate): candidate is Found => candidate !== undefined && candidate.value.length > 0,
  );
}

function found(value: string | undefined, from: string): Found | undefined {
  return value ? { value, from } : undefined;
}

/** Reads the metadata; `pageUrl` (when fetched) resolves a relative canonical link and is the last resort for `url`. */
export function readMetadata(document: DomDocument, pageUrl?: string): PageMetadata {
  const notes: string[] = [];
  const nodes = jsonLdNodes(document, notes);
  const article = articleNode(nodes) ?? {};
  const pageTitle = text(document.querySelector("title")?.textContent);
  const headlines = [
    text(article.headline),
    meta(document, "og:title"),
    ...[...document.querySelectorAll("h1")].map((h1) => textOf(h1)),
  ].filter((h): h is string => Boolean(h));

  const source = first([
    found(nameOf(article.publisher, nodes), "JSON-LD publisher.name"),
    found(meta(document, "og:site_name"), "og:site_name"),
  ]);
  const titleParts = pageTitle ? splitTitle(pageTitle, headlines, source?.value) : undefined;

  const title = first([
    found(text(article.headline), "JSON-LD headline"),
    found(meta(document, "og:title"), "og:title"),
    found(titleParts?.headline ?? pageTitle, "<title>"),
  ]);

  const dates: Found[] = [
    found(text(article.datePublished), "JSON-LD datePublished"),
    found(meta(document, "article:published_time"), "article:published_time"),
    ...[...document.querySelectorAll("[itemprop~='datePublished']")].map((element) =>
      found(
        text(element.getAttribute("content") ?? element.getAttribute("datetime") ?? undefined),
        'itemprop="datePublished"',
      ),
    ),
  ].filter((date): date is Found => date !== undefined);
  const unreadableDates: Found[] = [];
  const days: Found[] = [];
  for (const date of dates) {
    const day = isoDatePart(date.value);
    if (day) days.push({ value: day, from: date.from, instant: instantOf(date.value) });
    else unreadableDates.push(date);
  }

  const canonical = document.querySelector("link[rel~='canonical']")?.getAttribute("href") ?? undefined;
  const url = first([
    found(httpUrl(canonical, pageUrl), '<link rel="canonical">'),
    found(httpUrl(meta(document, "og:url"), pageUrl), "og:url"),
    found(httpUrl(pageUrl, undefined), "the address fetched"),
  ]);

  const jsonLdAuthors = namesOf(article.author, nodes);
  const metaAuthor = meta(document, "author");
  const authors =
    jsonLdAuthors.length > 0 ? jsonLdAuthors : metaAuthor && !/^https?:/.test(metaAuthor) ? [metaAuthor] : [];

  return {
    title,
    source: source ?? found(titleParts?.outlet, "<title>"),
    published: days[0],
    url,
    authors: [...new Set(authors)],
    dates: days,
    unreadableDates,
    notes,
  };
}
