import type { Article, Corpus, StatusCard, Translations } from "../corpus/types.js";
import type { Lang } from "../i18n/index.js";
import type { Card, Reply, Voice } from "./card.js";
import { cardLength, LIMITS, truncate } from "./limits.js";
import { citation, findArticle, newestFirst, paragraphLabel } from "./source.js";

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

/** The longest part of a lead paragraph `/status` quotes; a longer one is cut at a word, with "…". */
const LEAD_MAX = 600;
/** Room kept free in a reply's 6,000 characters for what rendering adds (escapes, right-to-left marks). */
const RENDER_MARGIN = 200;

/** The reports published after `asOf` (every report when there is no card), newest first. */
export function reportsSince(corpus: Corpus, asOf: string | null): Article[] {
  return newestFirst(corpus.articles.filter((article) => asOf === null || article.published > asOf));
}

/**
 * The reports newer than the status card, each by its lead paragraph, verbatim and cited, newest first: as
 * many as fit in `room` characters, and how many more there are.
 */
function sinceCard(
  voice: Voice,
  reports: readonly Article[],
  heading: { readonly title: string; readonly intro: string },
  room: number,
): Card {
  const { markup, lang } = voice;
  const { title, intro } = heading;
  const verbatim = lang.locale === "en" ? [] : [markup.italic(lang.t("common.verbatim"))];
  const entries: string[] = [];
  // The card's title and the footer that says how many more (at its longest) take their share of the room.
  const footerMax = lang.t("status.since.more", { count: reports.length }).length;
  const descriptionRoom = Math.min(LIMITS.description, room - title.length - footerMax);
  let left = descriptionRoom - intro.length - (verbatim[0]?.length ?? 0) - 4;
  for (const article of reports) {
    const lead = article.paragraphs[0];
    if (!lead) continue;
    const source = citation(article, [lead.number], markup, lang);
    // The first report is always shown, cut to fit; the others only whole (up to LEAD_MAX).
    const max = entries.length === 0 ? Math.max(80, Math.min(LEAD_MAX, left - source.length - 8)) : LEAD_MAX;
    const entry = `${markup.quote(lang.isolate(markup.escape(truncate(lead.text, max))))}\n${source}`;
    if (entries.length > 0 && entry.length + 2 > left) break;
    entries.push(entry);
    left -= entry.length + 2;
  }
  const more = reports.length - entries.length;
  return {
    title: truncate(title, LIMITS.title),
    tone: "info",
    description: truncate([intro, ...verbatim, ...entries].join("\n\n"), Math.max(1, descriptionRoom)),
    footer: more > 0 ? lang.t("status.since.more", { count: more }) : undefined,
  };
}

/**
 * The current status card: one field per section, every point with its paragraph citation. Reports newer than
 * the card follow it, "Since <date>:", each by its lead paragraph; with no card, the newest reports alone.
 */
export function statusView(voice: Voice, corpus: Corpus): Reply {
  const { markup, lang } = voice;
  const card: StatusCard | undefined = corpus.statusCards[0];
  if (!card) {
    const reports = reportsSince(corpus, null);
    const none = { title: lang.t("status.title"), description: lang.t("status.none") };
    if (reports.length === 0) return { ephemeral: true, dir: lang.dir, cards: [none] };
    const room = LIMITS.embedTotal - cardLength(none) - RENDER_MARGIN;
    return {
      dir: lang.dir,
      cards: [
        { ...none, tone: "notice" },
        sinceCard(
          voice,
          reports,
          {
            title: lang.t("status.latest.title"),
            intro: lang.t("status.latest.intro", { count: reports.length }),
          },
          room,
        ),
      ],
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
  const summary: Card = {
    title: lang.t("status.titleAsOf", { date: asOf }),
    tone: "info",
    description: lang.t("status.summary"),
    fields: [
      ...fields,
      { name: lang.t("status.field.source"), value: truncate(sources.join("\n"), LIMITS.fieldValue) },
    ],
    footer: untranslated ? `${footer} · ${lang.t("status.untranslated")}` : footer,
  };
  const newer = reportsSince(corpus, card.asOf);
  if (newer.length === 0) return { dir: lang.dir, cards: [summary] };
  const room = LIMITS.embedTotal - cardLength(summary) - RENDER_MARGIN;
  const since = sinceCard(
    voice,
    newer,
    {
      title: lang.t("status.since.title", { date: asOf }),
      intro: lang.t("status.since.intro", { count: newer.length }),
    },
    room,
  );
  return { dir: lang.dir, cards: [summary, since] };
}

/**
 * `--json`: `{asOf, sections: [{heading, points: [{text, evidence, article, paragraphs}]}], newer: [{article,
 * source, title, published, url, paragraph, text}]}`. `newer`: every report published after `asOf` (every
 * report when there is no card), newest first, with its lead paragraph in full.
 */
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
    newer: reportsSince(corpus, card?.asOf ?? null).flatMap((article) => {
      const lead = article.paragraphs[0];
      if (!lead) return [];
      return [
        {
          article: article.id,
          source: article.source,
          title: article.title,
          published: article.published,
          url: article.url ?? null,
          paragraph: lead.number,
          text: lead.text,
        },
      ];
    }),
  };
}
