import type { Corpus } from "../corpus/types.js";
import type { Quote, QuoteMatch } from "../quotes.js";
import type { Card, Markup, Reply } from "./card.js";
import { LIMITS, truncate } from "./limits.js";
import { citation, findArticle } from "./source.js";

const SHOWN = 5;

function quoteField(corpus: Corpus, quote: Quote, markup: Markup) {
  const article = findArticle(corpus, quote.articleId);
  const source = article ? citation(article, [quote.paragraph], markup) : `¶${quote.paragraph}`;
  return {
    name: truncate(quote.speaker.label, LIMITS.fieldName),
    value: truncate(`${markup.quote(`“${markup.escape(quote.text)}”`)}\n${source}`, LIMITS.fieldValue),
  };
}

/** "Nobody called “X” is quoted in the coverage. Did you mean …?" */
export function unknownSpeakerText(
  match: Extract<QuoteMatch, { status: "unknown-speaker" }>,
  markup: Markup,
): string {
  const suggestions = match.didYouMean.map((s) => markup.bold(markup.escape(s.label)));
  const hint = suggestions.length > 0 ? ` Did you mean ${suggestions.join(" or ")}?` : "";
  return `Nobody called “${markup.escape(match.input)}” is quoted in the coverage.${hint}`;
}

/** Quotes found for a speaker and/or topic, or a helpful miss ("did you mean"). */
export function quoteView(
  corpus: Corpus,
  match: QuoteMatch,
  query: { speaker?: string | undefined; topic?: string | undefined },
  markup: Markup,
): Reply {
  const asked = [
    query.speaker ? `speaker “${query.speaker}”` : "",
    query.topic ? `topic “${query.topic}”` : "",
  ]
    .filter(Boolean)
    .join(" and ");
  if (match.status === "unknown-speaker") {
    return {
      ephemeral: true,
      cards: [
        {
          title: "Speaker not found",
          tone: "notice",
          description: unknownSpeakerText(match, markup),
        },
      ],
    };
  }
  if (match.status !== "found" || match.quotes.length === 0) {
    return {
      ephemeral: true,
      cards: [
        {
          title: "No quotes found",
          tone: "notice",
          description: `The coverage has no direct quote for ${markup.escape(asked || "that")}. Try /quote without a topic, or /ask.`,
        },
      ],
    };
  }
  const shown = match.quotes.slice(0, SHOWN);
  const more = match.quotes.length - shown.length;
  const card: Card = {
    title: truncate(asked ? `Quotes: ${asked}` : "Quotes from the coverage", LIMITS.title),
    tone: "answer",
    fields: shown.map((q) => quoteField(corpus, q, markup)),
    footer: more > 0 ? `${more} more: narrow it with speaker or topic` : "Quoted verbatim from the coverage",
  };
  return { cards: [card] };
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
