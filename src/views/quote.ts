import type { Corpus } from "../corpus/types.js";
import type { Lang } from "../i18n/index.js";
import type { Quote, QuoteMatch, Speaker } from "../quotes.js";
import type { Card, Markup, Reply, Voice } from "./card.js";
import { LIMITS, truncate } from "./limits.js";
import { citation, findArticle, reportOf } from "./source.js";

const SHOWN = 5;

function quoteField(corpus: Corpus, quote: Quote, markup: Markup, lang: Lang) {
  const article = findArticle(corpus, quote.articleId);
  const source = article
    ? citation(article, [quote.paragraph], markup, lang)
    : lang.t("source.paragraph", { n: quote.paragraph });
  if (quote.kind === "phrase" && quote.sentence !== undefined) {
    // A word quoted inside the reporter's sentence is not a statement: it is shown in that sentence, as
    // the coverage reports it, and not as a quotation.
    return {
      name: truncate(lang.t("quote.reported", { speaker: quote.speaker.label }), LIMITS.fieldName),
      value: truncate(`${lang.isolate(markup.escape(quote.sentence))}\n${source}`, LIMITS.fieldValue),
    };
  }
  // The quotation is the English original: English quotation marks, its own direction.
  const text = lang.isolate(`“${markup.escape(quote.text)}”`);
  return {
    name: truncate(lang.isolate(quote.speaker.label), LIMITS.fieldName),
    value: truncate(`${markup.quote(text)}\n${source}`, LIMITS.fieldValue),
  };
}

/** People by name where the coverage gives one ("John Kirby"), else by how it describes them. */
function speakerNames(
  speakers: readonly Speaker[],
  markup: Markup,
  lang: Lang,
  type: "disjunction" | "conjunction",
): string {
  return lang.list(
    speakers.map((s) => markup.bold(markup.escape(s.name ?? s.label))),
    type,
  );
}

/** The quotes to show: a sentence of the coverage that quotes two phrases ("excessive", "indiscriminate") once. */
function distinctFields(quotes: readonly Quote[]): Quote[] {
  const seen = new Set<string>();
  return quotes.filter((q) => {
    if (q.sentence === undefined) return true;
    const key = `${q.speaker.key}#${q.articleId}#${q.paragraph}#${q.sentence}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * "Nobody called “X” is quoted in the coverage. Did you mean …?", or, when no one is close, whom the coverage
 * does quote.
 */
export function unknownSpeakerText(
  { markup, lang }: Voice,
  match: Extract<QuoteMatch, { status: "unknown-speaker" }>,
): string {
  const name = markup.escape(match.input);
  if (match.didYouMean.length > 0)
    return lang.t("quote.notFound.didYouMean", {
      name,
      names: speakerNames(match.didYouMean, markup, lang, "disjunction"),
    });
  if (match.quoted.length > 0)
    return lang.t("quote.notFound.quoted", {
      name,
      names: speakerNames(match.quoted, markup, lang, "conjunction"),
    });
  return lang.t("quote.notFound.text", { name });
}

/** Quotes found for a speaker and/or topic, or a helpful miss ("did you mean"). */
export function quoteView(
  voice: Voice,
  corpus: Corpus,
  match: QuoteMatch,
  query: { speaker?: string | undefined; topic?: string | undefined },
): Reply {
  const { markup, lang } = voice;
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
          description: unknownSpeakerText(voice, match),
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
  const distinct = distinctFields(match.quotes);
  const shown = distinct.slice(0, SHOWN);
  const more = distinct.length - shown.length;
  const verbatim = lang.t("quote.footer.verbatim");
  const corrected =
    match.didYouMean && match.didYouMean.length > 0 && query.speaker
      ? lang.t("quote.didYouMean.shown", {
          name: markup.escape(query.speaker),
          names: speakerNames(match.didYouMean, markup, lang, "disjunction"),
        })
      : undefined;
  const verbatimNote = lang.locale === "en" ? undefined : markup.italic(lang.t("common.verbatim"));
  const card: Card = {
    title: truncate(asked ? lang.t("quote.title", { asked }) : lang.t("quote.titleAll"), LIMITS.title),
    tone: "answer",
    description: [corrected, verbatimNote].filter(Boolean).join("\n") || undefined,
    fields: shown.map((q) => quoteField(corpus, q, markup, lang)),
    footer: more > 0 ? lang.t("quote.footer.more", { count: more }) : verbatim,
  };
  return { dir: lang.dir, cards: [card] };
}

/**
 * `--json`: `{status, didYouMean?, quoted?, quotes: [{speaker, role, label, text, kind, sentence?, article,
 * source, title, published, paragraph}]}`. `didYouMean` (speaker labels): for an unknown speaker, the close
 * ones; for a speaker found only by a close spelling, the ones shown. `quoted`: for an unknown speaker, everyone
 * quoted in full. `kind` "phrase" is a word or phrase quoted inside the coverage's own sentence, given as
 * `sentence`. Each quote names its report: `article` (its id), `source` (the outlet), `title`, `published`.
 */
export function quoteJson(match: QuoteMatch, corpus: Corpus) {
  const quotes = match.status === "found" ? match.quotes : [];
  const didYouMean =
    match.status === "unknown-speaker"
      ? match.didYouMean
      : match.status === "found"
        ? match.didYouMean
        : undefined;
  return {
    status: match.status,
    ...(didYouMean ? { didYouMean: didYouMean.map((s) => s.label) } : {}),
    ...(match.status === "unknown-speaker" ? { quoted: match.quoted.map((s) => s.label) } : {}),
    quotes: quotes.map((q) => ({
      speaker: q.speaker.name,
      role: q.speaker.role,
      label: q.speaker.label,
      text: q.text,
      kind: q.kind,
      ...(q.sentence !== undefined ? { sentence: q.sentence } : {}),
      ...reportOf(corpus, q.articleId),
      paragraph: q.paragraph,
    })),
  };
}
