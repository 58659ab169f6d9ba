import type { Article, Corpus } from "../corpus/types.js";
import { UserFacingError } from "../errors.js";
import type { Reply, Voice } from "./card.js";
import { LIMITS, truncate } from "./limits.js";
import { newestFirst, sourceLine } from "./source.js";

/** Reports on one page of `/sources`, at most: a page a reader takes in at a glance. */
const PAGE_REPORTS = 15;
/** Characters of report lines on one page, at most: the description's 4,096 less the intro and the escapes. */
const PAGE_CHARACTERS = 3600;
/** A title longer than this is cut in the list (with "…"); the report keeps it. */
const TITLE_MAX = 200;
/** A link longer than this is left out of the list rather than cut, which would break it. */
const LINK_MAX = 512;

/** One report's line: outlet, title (linked when the report has a URL), date, and how many paragraphs. */
function reportLine(voice: Voice, article: Article): string {
  const shown: Article = {
    ...article,
    title: truncate(article.title, TITLE_MAX),
    url: article.url !== undefined && article.url.length <= LINK_MAX ? article.url : undefined,
  };
  return voice.lang.t("sources.entry", {
    line: `• ${sourceLine(voice, shown)}`,
    count: article.paragraphs.length,
  });
}

/**
 * The report lines cut into pages, in order: each page as many whole lines as fit in PAGE_CHARACTERS, and no
 * more than PAGE_REPORTS. The same corpus always gives the same pages, so "page 3" means one thing.
 */
export function paginate(lines: readonly string[]): string[][] {
  const pages: string[][] = [];
  let page: string[] = [];
  let used = 0;
  for (const line of lines) {
    const length = line.length + 1;
    if (page.length > 0 && (page.length >= PAGE_REPORTS || used + length > PAGE_CHARACTERS)) {
      pages.push(page);
      page = [];
      used = 0;
    }
    page.push(truncate(line, PAGE_CHARACTERS));
    used += length;
  }
  if (page.length > 0) pages.push(page);
  return pages;
}

/**
 * Every report the answers come from, newest first: outlet, title, date, link (never previewed), and its
 * paragraph count, one page at a time. Throws a UserFacingError for a page past the last.
 */
export function sourcesView(voice: Voice, corpus: Corpus, page = 1): Reply {
  const { lang } = voice;
  const reports = newestFirst(corpus.articles);
  const pages = paginate(reports.map((article) => reportLine(voice, article)));
  const shown = pages[page - 1];
  if (!Number.isInteger(page) || page < 1 || shown === undefined)
    throw new UserFacingError("sources.error.page", { page, pages: pages.length });
  const footer =
    pages.length <= 1
      ? undefined
      : page < pages.length
        ? lang.t("sources.footer.next", { page, pages: pages.length, next: page + 1 })
        : lang.t("sources.footer.page", { page, pages: pages.length });
  return {
    dir: lang.dir,
    ephemeral: true,
    cards: [
      {
        title: lang.t("sources.title"),
        tone: "info",
        description: truncate(
          [lang.t("sources.intro", { count: reports.length }), "", ...shown].join("\n"),
          LIMITS.description,
        ),
        footer,
      },
    ],
  };
}

/**
 * `--json`: `{count, reports: [{article, source, title, published, publishedInferred, url, added,
 * paragraphs}]}`, every report newest first (no pages); `url` and `added` are null when the report has none.
 */
export function sourcesJson(corpus: Corpus) {
  const reports = newestFirst(corpus.articles);
  return {
    count: reports.length,
    reports: reports.map((article) => ({
      article: article.id,
      source: article.source,
      title: article.title,
      published: article.published,
      publishedInferred: article.publishedInferred,
      url: article.url ?? null,
      added: article.added ?? null,
      paragraphs: article.paragraphs.length,
    })),
  };
}
