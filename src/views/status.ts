import type { Corpus, StatusCard } from "../corpus/types.js";
import type { Markup, Reply } from "./card.js";
import { LIMITS, truncate } from "./limits.js";
import { formatDate } from "./markup.js";
import { citation, findArticle, paragraphLabel } from "./source.js";

/** The current status card: one field per section, every point with its paragraph citation. */
export function statusView(corpus: Corpus, markup: Markup): Reply {
  const card: StatusCard | undefined = corpus.statusCards[0];
  if (!card) {
    return {
      ephemeral: true,
      cards: [{ title: "Where the talks stand", description: "No status card is available yet." }],
    };
  }
  const articleIds = [...new Set(card.sections.flatMap((s) => s.points.map((p) => p.cite.articleId)))];
  const sources = articleIds
    .map((id) => findArticle(corpus, id))
    .filter((a) => a !== undefined)
    .map((a) => {
      const cited = [
        ...new Set(
          card.sections.flatMap((s) =>
            s.points.filter((p) => p.cite.articleId === a.id).flatMap((p) => p.cite.paragraphs),
          ),
        ),
      ];
      return citation(
        a,
        cited.sort((x, y) => x - y),
        markup,
      );
    });
  const multipleArticles = articleIds.length > 1;
  return {
    cards: [
      {
        title: `Where the talks stand (as of ${formatDate(card.asOf)})`,
        tone: "info",
        description: "A summary in our own words. Each point cites the paragraph it rests on.",
        fields: [
          ...card.sections.slice(0, LIMITS.fields - 1).map((section) => ({
            name: truncate(section.heading, LIMITS.fieldName),
            value: truncate(
              section.points
                .map((point) => {
                  const where = multipleArticles ? `${point.cite.articleId} ` : "";
                  return `• ${markup.escape(point.text)} (${where}${paragraphLabel(point.cite.paragraphs)})`;
                })
                .join("\n"),
              LIMITS.fieldValue,
            ),
          })),
          { name: "Source", value: truncate(sources.join("\n"), LIMITS.fieldValue) },
        ],
        footer: `As of ${formatDate(card.asOf)} · talks move fast: check the date`,
      },
    ],
  };
}

/** `--json`: `{asOf, sections: [{heading, points: [{text, evidence, article, paragraphs}]}]}`. */
export function statusJson(corpus: Corpus) {
  const card = corpus.statusCards[0];
  return {
    asOf: card?.asOf ?? null,
    sections: (card?.sections ?? []).map((s) => ({
      heading: s.heading,
      points: s.points.map((p) => ({
        text: p.text,
        evidence: p.evidence,
        article: p.cite.articleId,
        paragraphs: p.cite.paragraphs,
      })),
    })),
  };
}
