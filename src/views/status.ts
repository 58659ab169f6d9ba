import type { Corpus, StatusCard, Translations } from "../corpus/types.js";
import type { Lang } from "../i18n/index.js";
import type { Reply, Voice } from "./card.js";
import { LIMITS, truncate } from "./limits.js";
import { citation, findArticle, paragraphLabel } from "./source.js";

/** Curated text in the reader's language when a reviewed translation exists, else the English original. */
export function curated(
  text: string,
  translations: Translations,
  lang: Lang,
): { readonly text: string; readonly translated: boolean } {
  const own = translations[lang.locale];
  if (own !== undefined) return { text: own, translated: true };
  return { text: lang.isolate(text), translated: lang.locale === "en" };
}

/** The current status card: one field per section, every point with its paragraph citation. */
export function statusView(voice: Voice, corpus: Corpus): Reply {
  const { markup, lang } = voice;
  const card: StatusCard | undefined = corpus.statusCards[0];
  if (!card) {
    return {
      ephemeral: true,
      dir: lang.dir,
      cards: [{ title: lang.t("status.title"), description: lang.t("status.none") }],
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
        lang,
      );
    });
  const multipleArticles = articleIds.length > 1;
  let untranslated = false;
  const fields = card.sections.slice(0, LIMITS.fields - 1).map((section) => {
    const heading = curated(section.heading, section.translations, lang);
    return {
      name: truncate(heading.text, LIMITS.fieldName),
      value: truncate(
        section.points
          .map((point) => {
            const text = curated(point.text, point.translations, lang);
            if (!text.translated) untranslated = true;
            const paragraphs = paragraphLabel(point.cite.paragraphs, lang);
            const line = multipleArticles
              ? lang.t("status.pointIn", {
                  point: markup.escape(text.text),
                  article: point.cite.articleId,
                  paragraphs,
                })
              : lang.t("status.point", { point: markup.escape(text.text), paragraphs });
            return `• ${line}`;
          })
          .join("\n"),
        LIMITS.fieldValue,
      ),
    };
  });
  const asOf = lang.date(card.asOf);
  const footer = lang.t("status.footer", { date: asOf });
  return {
    dir: lang.dir,
    cards: [
      {
        title: lang.t("status.titleAsOf", { date: asOf }),
        tone: "info",
        description: lang.t("status.summary"),
        fields: [
          ...fields,
          { name: lang.t("status.field.source"), value: truncate(sources.join("\n"), LIMITS.fieldValue) },
        ],
        footer: untranslated ? `${footer} · ${lang.t("status.untranslated")}` : footer,
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
