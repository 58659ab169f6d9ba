import type { Article, Corpus } from "../corpus/types.js";
import type { Markup } from "./card.js";
import { formatDate } from "./markup.js";

/** "22 February 2024 (date inferred from the text)". */
export function publishedLabel(article: Article): string {
  return `${formatDate(article.published)}${article.publishedInferred ? " (date inferred from the text)" : ""}`;
}

/** "¶2" or "¶2, ¶3". */
export function paragraphLabel(paragraphs: readonly number[]): string {
  return paragraphs.map((n) => `¶${n}`).join(", ");
}

/** An article as a source: outlet, title (linked when the corpus has a URL), date. */
export function sourceLine(article: Article, markup: Markup): string {
  const title = article.url
    ? markup.link(markup.escape(article.title), article.url)
    : `“${markup.escape(article.title)}”`;
  return `${markup.escape(article.source)}, ${title}, ${publishedLabel(article)}`;
}

/** One citation line: the source, then the paragraph(s). */
export function citation(article: Article, paragraphs: readonly number[], markup: Markup): string {
  return `${sourceLine(article, markup)}, ${paragraphLabel(paragraphs)}`;
}

export function findArticle(corpus: Corpus, id: string): Article | undefined {
  return corpus.articles.find((article) => article.id === id);
}

/** The newest date the corpus covers: every answer is "as of" it. */
export function coverageAsOf(corpus: Corpus): string {
  return corpus.articles[0]?.published ?? "unknown";
}
