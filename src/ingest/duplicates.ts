import type { Article } from "../corpus/types.js";
import { ADD_LIMITS } from "./limits.js";

/** Query parameters that track a click and never change the page. */
const TRACKING =
  /^(utm_[a-z]+|fbclid|gclid|dclid|mc_cid|mc_eid|ocid|cmpid|smid|icid|at_medium|at_campaign)$/i;

/** The address to store: no fragment, no tracking parameters. */
export function cleanUrl(value: string): string {
  const url = new URL(value);
  url.hash = "";
  for (const key of [...url.searchParams.keys()]) if (TRACKING.test(key)) url.searchParams.delete(key);
  return url.href;
}

/**
 * The form two addresses of one page share: http or https, with or without `www.`, a trailing slash, a
 * fragment or tracking parameters.
 */
export function urlKey(value: string): string | undefined {
  try {
    const url = new URL(cleanUrl(value));
    const host = url.hostname.toLowerCase().replace(/^www\./, "");
    const path = url.pathname.replace(/\/+$/, "");
    return `${host}${url.port ? `:${url.port}` : ""}${path}${url.search}`;
  } catch {
    return undefined;
  }
}

function wordsOf(paragraphs: readonly string[]): string[] {
  return paragraphs
    .join(" ")
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}

/** The article's runs of five consecutive words. */
export function shingles(paragraphs: readonly string[]): Set<string> {
  const words = wordsOf(paragraphs);
  const runs = new Set<string>();
  for (let i = 0; i + 5 <= words.length; i++) runs.add(words.slice(i, i + 5).join(" "));
  return runs;
}

/** Share of the smaller set's runs that the other one also has (1 when one text contains the other). */
export function overlap(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  if (small.size === 0) return 0;
  let shared = 0;
  for (const run of small) if (large.has(run)) shared++;
  return shared / small.size;
}

/** Why a new report is a copy of one already in the corpus, or undefined when it is not. */
export function duplicateOf(
  url: string | undefined,
  paragraphs: readonly string[],
  existing: readonly Article[],
): string | undefined {
  const key = url ? urlKey(url) : undefined;
  if (key) {
    const same = existing.find((article) => article.url !== undefined && urlKey(article.url) === key);
    if (same) return `it is already in the corpus as ${same.file} (same address, ${same.url})`;
  }
  const runs = shingles(paragraphs);
  for (const article of existing) {
    const share = overlap(runs, shingles(article.paragraphs.map((p) => p.text)));
    if (share >= ADD_LIMITS.nearDuplicateShare)
      return `it is nearly the same text as ${article.file} (${Math.round(share * 100)}% of its wording is shared)`;
  }
  return undefined;
}
