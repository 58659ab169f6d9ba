import { Readability } from "@mozilla/readability";
import { removePageChrome } from "./boilerplate.js";
import { type DomElement, parseDocument } from "./dom.js";
import { readMetadata } from "./metadata.js";
import { paragraphsOf } from "./paragraphs.js";
import type { Extracted } from "./types.js";

/**
 * The article in a news page: metadata from the untouched page (see metadata.ts), then the page chrome
 * removed (see boilerplate.ts), Readability's choice of the article's block, and its paragraphs. The caller
 * applies the post-filter. `pageUrl` is where it was fetched from, when it was.
 */
export function extractHtml(html: string, pageUrl?: string): Extracted {
  const document = parseDocument(html);
  const metadata = readMetadata(document, pageUrl);
  removePageChrome(document);
  // Readability reads the document it is given and changes it; the serializer hands back its own element.
  const article = new Readability<DomElement>(document, {
    serializer: (node) => node as DomElement,
    disableJSONLD: true,
  }).parse();
  const notes = [...metadata.notes];
  let paragraphs: string[] = [];
  if (article?.content) {
    const blocks = paragraphsOf(article.content);
    paragraphs = blocks.paragraphs;
    if (blocks.tablesLeftOut > 0)
      notes.push(
        `${blocks.tablesLeftOut} table(s) in the article were left out: add their facts by hand if they matter`,
      );
  }
  return { metadata, paragraphs, notes };
}
