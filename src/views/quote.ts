import type { Corpus } from "../corpus/types.js";
import type { Lang } from "../i18n/index.js";
import type { Quote, QuoteMatch } from "../quotes.js";
import type { Card, Markup, Reply } from "./card.js";
import { LIMITS, truncate } from "./limits.js";
import { citation, findArticle } from "./source.js";

const SHOWN = 5;

function quoteField(corpus: Corpus, quote: Quote, markup: Markup, lang: Lang) {
  const article = findArticle(corpus, quote.articleId);
  const source = article
    ? citation(article, [quote.paragraph], markup, lang)
    : lang.t("source.paragraph", { n: quote.paragraph });
  // The quotation is the English original: English quotation marks, its own direction.
  const text = lang.isolate(`“${markup.escape(quote.text)}”`);
  return {
    name: truncate(lang.isolate(quote.speaker.label), LIMITS.fieldName),
    value: truncate(`${markup.quote(text)}\n${source}`, LIMITS.fieldValue),
  };
}

/** "Nobody called “X” is quoted in the coverage. Did you mean …?" */
export function unknownSpeakerText(
  match: Extract<QuoteMatch, { status: "unknown-speaker" }>,
  markup: Markup,
  lang: Lang,
): string {
  const name = markup.escape(match.input);
  if (match.didYouMean.length === 0) return lang.t("quote.notFound.text", { name });
  const names = lang.list(
    match.didYouMean.map((s) => markup.bold(markup.escape(s.label))),
    "disjunction",
  );
  return lang.t("quote.notFound.didYouMean", { name, names });
}

/** Quotes found for a speaker and/or topic, or a helpful miss ("did you mean"). */
export function quoteView(
  corpus: Corpus,
  match: QuoteMatch,
  query: { speaker?: string | undefined; topic?: string | undefined },
  markup: Markup,
  lang: Lang,
): Reply {
  const asked = lang.list(
    [
      query.speaker ? lang.t("quote.asked.speaker", { speaker: markup.escape(query.speaker) }) : "",
      query.topic ? lang.t("quote.asked.topic", { topic: markup.escape(query.topic) }) : "",
    ].filter(Boolean),
  );
  if (match.status === "unknown-speaker") {
    return {
      dir: lang.dir,
      ephemeral: true,
      cards: [
        {
          title: lang.t("quote.notFound.title"),
          tone: "notice",
          description: unknownSpeakerText(match, markup, lang),
        },
      ],
    };
  }
  if (match.status !== "found" || match.quotes.length === 0) {
    return {
      dir: lang.dir,
      ephemeral: true,
      cards: [
        {
          title: lang.t("quote.none.title"),
          tone: "notice",
          description: asked ? lang.t("quote.none.text", { asked }) : lang.t("quote.none.any"),
        },
      ],
    };
  }
  const shown = match.quotes.slice(0, SHOWN);
  const more = match.quotes.length - shown.length;
  const verbatim = lang.t("quote.footer.verbatim");
  const card: Card = {
    title: truncate(asked ? lang.t("quote.title", { asked }) : lang.t("quote.titleAll"), LIMITS.title),
    tone: "answer",
    description: lang.locale === "en" ? undefined : markup.italic(lang.t("common.verbatim")),
    fields: shown.map((q) => quoteField(corpus, q, markup, lang)),
    footer: more > 0 ? lang.t("quote.footer.more", { count: more }) : verbatim,
  };
  return { dir: lang.dir, cards: [card] };
}

/**
 * `--json`: `{status, didYouMean?, quotes: [{speaker, role, label, text, kind, article, paragraph}]}`;
 * `didYouMean` (speaker labels) only for an unknown speaker.
 */
export function quoteJson(match: QuoteMatch) {
  const quotes = match.status === "found" ? match.quotes : [];
  return {
    status: match.status,
    ...(match.status === "unknown-speaker" ? { didYouMean: match.didYouMean.map((s) => s.label) } : {}),
    quotes: quotes.map((q) => ({
      speaker: q.speaker.name,
      role: q.speaker.role,
      label: q.speaker.label,
      text: q.text,
      kind: q.kind,
      article: q.articleId,
      paragraph: q.paragraph,
    })),
  };
}
