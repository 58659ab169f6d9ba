import { stringify } from "yaml";

/** What the new corpus file says about its report. */
export interface ArticleFields {
  readonly id: string;
  readonly title: string;
  readonly source: string;
  /** YYYY-MM-DD. */
  readonly published: string;
  readonly url?: string | undefined;
  readonly byline: readonly string[];
  /** YYYY-MM-DD. */
  readonly added: string;
}

/** Lowercase ASCII letters, digits and dashes, cut at a dash to at most `max` characters. */
export function slugify(text: string, max: number): string {
  const slug = text
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/&/g, " and ")
    .replace(/['’‘]/g, "")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  if (slug.length <= max) return slug;
  const cut = slug.slice(0, max + 1);
  const dash = cut.lastIndexOf("-");
  return (dash > 0 ? cut.slice(0, dash) : slug.slice(0, max)).replace(/-+$/, "");
}

function lastPathSegment(url: string | undefined): string {
  if (!url) return "";
  try {
    const segments = new URL(url).pathname.split("/").filter(Boolean);
    return (segments[segments.length - 1] ?? "").replace(/\.[a-z0-9]+$/i, "");
  } catch {
    return "";
  }
}

function hostName(url: string | undefined): string {
  try {
    return url ? new URL(url).hostname.replace(/^www\./, "").replace(/\.[a-z]+$/, "") : "";
  } catch {
    return "";
  }
}

/**
 * The report's id, which is also its file name: `<published>-<source>-<slug>`, e.g.
 * `2025-03-04-meridian-times-estavia-and-kordane-agree-to-resume-lake`. A name with no Latin letters (an
 * Arabic outlet, a Hebrew title) falls back to the address's host or last path segment, then to `report`.
 */
export function articleId(published: string, source: string, title: string, url: string | undefined): string {
  const outlet = slugify(source, 30).replace(/^the-/, "") || slugify(hostName(url), 30) || "source";
  const slug = slugify(title, 50) || slugify(lastPathSegment(url), 50) || "report";
  return `${published}-${outlet}-${slug}`;
}

/** One YAML value, quoted when YAML 1.1 (the corpus loader's dialect) would read it as anything but this text. */
function yamlText(value: string): string {
  return stringify(value, { version: "1.1", lineWidth: 0 }).trimEnd();
}

/** The corpus file: the front matter today's articles have, plus `url` and `added`, then one paragraph a line. */
export function renderArticle(fields: ArticleFields, paragraphs: readonly string[]): string {
  const lines = [
    "---",
    `id: ${fields.id}`,
    `title: ${yamlText(fields.title)}`,
    `source: ${yamlText(fields.source)}`,
    `published: ${fields.published}`,
  ];
  if (fields.url) lines.push(`url: ${yamlText(fields.url)}`);
  if (fields.byline.length > 0)
    lines.push("byline:", ...fields.byline.map((name) => `  - ${yamlText(name)}`));
  lines.push(`added: ${fields.added}`, "---", ...paragraphs, "");
  return lines.join("\n");
}
