import MiniSearch from "minisearch";
import type { Corpus } from "../../src/corpus/types.js";
import type { Passage } from "../../src/search/engine.js";

/**
 * Plain MiniSearch with its default options over the same paragraphs, for comparison figures: no
 * stemming, vectors, typo tolerance or tiers. It refuses only when nothing matches at all.
 */
export function plainMiniSearchBaseline(corpus: Corpus): { ask(question: string): Passage[] } {
  const docs = corpus.articles.flatMap((article) =>
    article.paragraphs.map((p) => ({
      id: `${article.id}#${p.number}`,
      articleId: article.id,
      paragraph: p.number,
      text: p.text,
    })),
  );
  const byId = new Map(docs.map((doc) => [doc.id, doc]));
  const index = new MiniSearch<(typeof docs)[number]>({ fields: ["text"] });
  index.addAll(docs);
  return {
    ask(question: string): Passage[] {
      return index
        .search(question)
        .slice(0, 5)
        .flatMap((result) => {
          const doc = byId.get(result.id as string);
          return doc
            ? [{ articleId: doc.articleId, paragraph: doc.paragraph, text: doc.text, score: result.score }]
            : [];
        });
    },
  };
}
