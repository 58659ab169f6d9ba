import type { Corpus } from "../corpus/types.js";
import type { Answer, Passage } from "../search/engine.js";
import type { Card, CardField, Markup, Reply } from "./card.js";
import { LIMITS, truncate } from "./limits.js";
import { formatDate } from "./markup.js";
import { citation, coverageAsOf, findArticle } from "./source.js";

/** How the bot says it does not know: never the least bad paragraph. */
export const NO_ANSWER = "The coverage I have doesn't say.";
/** How the bot labels the closest passage when it is not sure it answers the question. */
export const NOT_SURE = "I'm not sure this answers it; the closest the coverage comes is:";

function passageCitation(corpus: Corpus, passage: Passage, markup: Markup): string {
  const article = findArticle(corpus, passage.articleId);
  return article
    ? citation(article, [passage.paragraph], markup)
    : `${passage.articleId}, ¶${passage.paragraph}`;
}

function asOfFooter(corpus: Corpus): string {
  return `As of ${formatDate(coverageAsOf(corpus))} · answers quote the coverage listed in /help and nothing else`;
}

function sourcesLabel(corpus: Corpus): string {
  return corpus.articles.map((a) => `${a.source} (${formatDate(a.published)})`).join(", ");
}

/** What the coverage is about, from the current status card's sections ("mediators, sticking points…"). */
function coveredTopics(corpus: Corpus): string {
  const headings = corpus.statusCards[0]?.sections.map((s) => s.heading.toLowerCase()) ?? [];
  return headings.length > 0 ? `: ${headings.join(", ")}` : "";
}

export interface AskViewOptions {
  /** A key the follow-up buttons carry; absent in the console. */
  readonly actionKey?: string | undefined;
  readonly ephemeral?: boolean;
  readonly mentionUserId?: string | undefined;
  /** Questions the coverage answers, offered after a refusal. */
  readonly suggestions?: readonly string[];
}

function refusalCard(corpus: Corpus, answer: Answer, markup: Markup, options: AskViewOptions): Card {
  const title = truncate(markup.escape(answer.question.replace(/\s+/g, " ")), LIMITS.title);
  const tryThese =
    options.suggestions && options.suggestions.length > 0
      ? [
          {
            name: "Questions the coverage answers",
            value: truncate(
              options.suggestions.map((q) => `• ${markup.escape(q)}`).join("\n"),
              LIMITS.fieldValue,
            ),
          },
        ]
      : [];
  if (answer.reason === "other-language") {
    return {
      title,
      tone: "notice",
      description: `The coverage I have is in English (${sourcesLabel(corpus)}), and I search it in English, so I can't search a question written in another language. Please ask in English, or see /status for a summary of where the talks stand, every point cited.`,
      fields: tryThese,
      footer: asOfFooter(corpus),
    };
  }
  return {
    title,
    tone: "notice",
    description: `${NO_ANSWER} I only answer from ${sourcesLabel(corpus)}, which covers the ceasefire and hostage talks${coveredTopics(corpus)}. It does not cover this question.\nTry /status for where the talks stand, /quote to see who said what, or rephrase your question.`,
    fields: tryThese,
    footer: asOfFooter(corpus),
  };
}

/**
 * The answer card, in three tiers: a confident answer (the best sentence(s), the paragraph and the
 * citation); the closest the coverage comes, labelled as possibly not answering; or a refusal that says what
 * the coverage does cover.
 */
export function askView(corpus: Corpus, answer: Answer, markup: Markup, options: AskViewOptions = {}): Reply {
  const mention = options.mentionUserId
    ? `${markup.userMention(options.mentionUserId)}, here is what the coverage says.`
    : undefined;
  const base = {
    content: mention,
    ephemeral: options.ephemeral ?? false,
    mentionUserId: options.mentionUserId,
  };
  const best = answer.best;
  if (answer.answer === null || best === null || answer.confidence === "none") {
    return { ...base, cards: [refusalCard(corpus, answer, markup, options)] };
  }
  const sure = answer.confidence === "high";
  const question = answer.question.replace(/\s+/g, " ");
  const title = truncate(markup.escape(question), LIMITS.title);
  const quoted =
    answer.parts.length > 1
      ? answer.parts
          .map(
            (p) =>
              `${markup.bold(markup.escape(p.question))}\n${markup.quote(markup.escape(p.text))} (¶${p.passage.paragraph})`,
          )
          .join("\n\n")
      : markup.quote(markup.escape(answer.answer));
  const fields: CardField[] = [];
  // When the answer is the whole paragraph, showing it twice adds nothing.
  if (answer.parts.length <= 1 && best.text.trim() !== answer.answer.trim()) {
    fields.push({
      name: `From the article (¶${best.paragraph})`,
      value: truncate(markup.escape(best.text), LIMITS.fieldValue),
    });
  }
  const cited = answer.parts.length > 1 ? answer.parts.map((p) => p.passage) : [best];
  fields.push({ name: "Source", value: cited.map((p) => passageCitation(corpus, p, markup)).join("\n") });
  if (answer.unanswered.length > 0) {
    fields.push({
      name: "Not in the coverage",
      value: truncate(answer.unanswered.map((q) => `• ${markup.escape(q)}`).join("\n"), LIMITS.fieldValue),
    });
  }
  if (!sure) {
    fields.push({
      name: "Not what you asked?",
      value:
        "Try rephrasing with the names or words the coverage would use, /status for where the talks stand, or /quote for who said what.",
    });
  }
  const card: Card = {
    title,
    tone: sure ? "answer" : "tentative",
    description: sure ? quoted : `${NOT_SURE}\n${quoted}`,
    fields,
    footer: asOfFooter(corpus),
  };
  const actions: Reply["actions"] = options.actionKey
    ? [
        ...(answer.passages.length > 1 ? [{ kind: "more-sources" as const, key: options.actionKey }] : []),
        ...(options.ephemeral ? [{ kind: "post-publicly" as const, key: options.actionKey }] : []),
        { kind: "feedback" as const, key: options.actionKey },
      ]
    : [];
  return { ...base, cards: [card], actions };
}

/** The private thanks for a 👍 or 👎 on an answer. */
export function feedbackThanks(helpful: boolean): Reply {
  return {
    ephemeral: true,
    content: helpful ? "Thanks, glad it helped." : "Thanks: noted that this answer did not help.",
    cards: [],
  };
}

/** The passages after the best one, each cited. */
export function moreSourcesView(corpus: Corpus, answer: Answer, markup: Markup): Reply {
  const rest = answer.passages.slice(1);
  if (rest.length === 0) {
    return {
      ephemeral: true,
      cards: [{ title: "More sources", description: "There are no other passages on this question." }],
    };
  }
  return {
    ephemeral: true,
    cards: [
      {
        title: truncate(`More sources: ${answer.question.replace(/\s+/g, " ")}`, LIMITS.title),
        tone: "info",
        fields: rest.map((passage, index) => ({
          name: truncate(
            `${index + 2}. ${passageCitation(corpus, passage, { ...markup, link: (label) => label })}`,
            LIMITS.fieldName,
          ),
          value: truncate(markup.escape(passage.text), LIMITS.fieldValue),
        })),
        footer: asOfFooter(corpus),
      },
    ],
  };
}
