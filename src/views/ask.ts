import type { Corpus } from "../corpus/types.js";
import type { Answer, Passage } from "../search/engine.js";
import type { Card, Markup, Reply } from "./card.js";
import { LIMITS, truncate } from "./limits.js";
import { formatDate } from "./markup.js";
import { citation, coverageAsOf, findArticle } from "./source.js";

/** How the bot says it does not know: never the least bad paragraph. */
export const NO_ANSWER = "The coverage I have doesn't say.";

function passageCitation(corpus: Corpus, passage: Passage, markup: Markup): string {
  const article = findArticle(corpus, passage.articleId);
  return article
    ? citation(article, [passage.paragraph], markup)
    : `${passage.articleId}, ¶${passage.paragraph}`;
}

function asOfFooter(corpus: Corpus): string {
  return `As of ${formatDate(coverageAsOf(corpus))} · answers quote the coverage listed in /help and nothing else`;
}

export interface AskViewOptions {
  /** A key the follow-up buttons carry; absent in the console. */
  readonly actionKey?: string | undefined;
  readonly ephemeral?: boolean;
  readonly mentionUserId?: string | undefined;
}

/** The answer card: the best sentence(s), the paragraph they come from, and the citation. */
export function askView(corpus: Corpus, answer: Answer, markup: Markup, options: AskViewOptions = {}): Reply {
  const title = truncate(markup.escape(answer.question.replace(/\s+/g, " ")), LIMITS.title);
  const mention = options.mentionUserId
    ? `${markup.userMention(options.mentionUserId)}, here is what the coverage says.`
    : undefined;
  if (answer.answer === null || answer.best === null) {
    const sources = corpus.articles.map((a) => `${a.source} (${formatDate(a.published)})`).join(", ");
    return {
      content: mention,
      ephemeral: options.ephemeral ?? false,
      mentionUserId: options.mentionUserId,
      cards: [
        {
          title,
          tone: "notice",
          description: `${NO_ANSWER} I only answer from ${sources}, and it does not cover this question.\nTry /status for where the talks stand, /quote to see who said what, or rephrase your question.`,
          footer: asOfFooter(corpus),
        },
      ],
    };
  }
  const best = answer.best;
  const card: Card = {
    title,
    tone: "answer",
    description: markup.quote(markup.escape(answer.answer)),
    fields: [
      // When the answer is the whole paragraph, showing it twice adds nothing.
      ...(best.text.trim() === answer.answer.trim()
        ? []
        : [
            {
              name: `From the article (¶${best.paragraph})`,
              value: truncate(markup.escape(best.text), LIMITS.fieldValue),
            },
          ]),
      { name: "Source", value: passageCitation(corpus, best, markup) },
    ],
    footer: asOfFooter(corpus),
  };
  const actions: Reply["actions"] = options.actionKey
    ? [
        ...(answer.passages.length > 1 ? [{ kind: "more-sources" as const, key: options.actionKey }] : []),
        ...(options.ephemeral ? [{ kind: "post-publicly" as const, key: options.actionKey }] : []),
        { kind: "feedback" as const, key: options.actionKey },
      ]
    : [];
  return {
    content: mention,
    cards: [card],
    actions,
    ephemeral: options.ephemeral ?? false,
    mentionUserId: options.mentionUserId,
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
