import type { Article, Corpus } from "../corpus/types.js";
import type { Lang } from "../i18n/index.js";
import type { Markup, Voice } from "./card.js";

/** "22 February 2024 (date inferred from the text)". */
export function publishedLabel(article: Article, lang: Lang): string {
  const date = lang.date(article.published);
  return article.publishedInferred ? lang.t("source.inferred", { date }) : date;
}

/** "¶2" or "¶2, ¶3" ("الفقرة 2", "الفقرات 2، و3"). */
export function paragraphLabel(paragraphs: readonly number[], lang: Lang): string {
  const [only] = paragraphs;
  if (paragraphs.length === 1 && only !== undefined) return lang.t("source.paragraph", { n: only });
  const list = lang.list(
    paragraphs.map((n) => lang.t("source.paragraphItem", { n })),
    "unit",
  );
  return lang.t("source.paragraphs", { list });
}

/** An article as a source: outlet, title (linked when the corpus has a URL), date. */
export function sourceLine(voice: Voice, article: Article): string {
  const { markup, lang } = voice;
  const title = article.url
    ? markup.link(markup.escape(article.title), article.url)
    : lang.t("common.quoted", { text: markup.escape(article.title) });
  return lang.t("source.line", {
    source: markup.escape(article.source),
    title,
    date: publishedLabel(article, lang),
  });
}

/**
 * One citation line: the source, then the paragraph(s). It takes the markup and the language last, unlike the
 * other views, until the daily post (src/reminders/post.ts) passes a Voice.
 */
export function citation(
  article: Article,
  paragraphs: readonly number[],
  markup: Markup,
  lang: Lang,
): string {
  const voice: Voice = { markup, lang };
  return lang.t("source.citation", {
    source: sourceLine(voice, article),
    paragraphs: paragraphLabel(paragraphs, lang),
  });
}

/** Articles newest first, whatever order they come in (the same date: by id). */
export function newestFirst(articles: readonly Article[]): Article[] {
  return [...articles].sort((a, b) => b.published.localeCompare(a.published) || a.id.localeCompare(b.id));
}

export function findArticle(corpus: Corpus, id: string): Article | undefined {
  return corpus.articles.find((article) => article.id === id);
}

/** A report as `--json` names it: `{article, source, title, published}` (the id alone if it is not found). */
export function reportOf(corpus: Corpus, id: string) {
  const article = findArticle(corpus, id);
  return {
    article: id,
    source: article?.source ?? null,
    title: article?.title ?? null,
    published: article?.published ?? null,
  };
}

/** The newest date the corpus covers: every answer is "as of" it. */
export function coverageAsOf(corpus: Corpus): string {
  return corpus.articles[0]?.published ?? "unknown";
}

/** "CNN (22 February 2024), …": the outlets and dates the answers come from. */
export function sourcesLabel({ markup, lang }: Voice, corpus: Corpus): string {
  return lang.list(
    corpus.articles.map((a) =>
      lang.t("source.outletDate", { source: markup.escape(a.source), date: lang.date(a.published) }),
    ),
  );
}
