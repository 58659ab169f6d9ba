import type { Corpus } from "../corpus/types.js";
import type { Lang } from "../i18n/index.js";
import type { Answer, Passage } from "../search/engine.js";
import type { Card, CardField, Markup, Reply, Voice } from "./card.js";
import { LIMITS, truncate } from "./limits.js";
import { citation, coverageAsOf, findArticle, sourcesLabel } from "./source.js";
import { curated, statusView } from "./status.js";

function passageCitation(corpus: Corpus, passage: Passage, markup: Markup, lang: Lang): string {
  const article = findArticle(corpus, passage.articleId);
  return article
    ? citation(article, [passage.paragraph], markup, lang)
    : lang.t("source.citation", {
        source: passage.articleId,
        paragraphs: lang.t("source.paragraph", { n: passage.paragraph }),
      });
}

function asOfFooter(corpus: Corpus, lang: Lang): string {
  return lang.t("ask.footer", { date: lang.date(coverageAsOf(corpus)) });
}

/** What the coverage is about, from the current status card's section headings ("mediators, sticking points…"). */
function coveredTopics(corpus: Corpus, lang: Lang): string | undefined {
  const sections = corpus.statusCards[0]?.sections ?? [];
  if (sections.length === 0) return undefined;
  return lang.list(
    sections.map((s) => {
      const heading = curated(s.heading, s.translations, lang);
      return heading.translated && lang.locale !== "en" ? heading.text : heading.text.toLowerCase();
    }),
  );
}

/** English quoted in another language's reply is labelled as the original. */
function verbatimLabel(name: string, lang: Lang): string {
  return lang.locale === "en" ? name : `${name} · ${lang.t("common.verbatim")}`;
}

export interface AskViewOptions {
  /** A key the follow-up buttons carry; absent in the console. */
  readonly actionKey?: string | undefined;
  readonly ephemeral?: boolean;
  readonly mentionUserId?: string | undefined;
  /** Questions the coverage answers, offered after a refusal. */
  readonly suggestions?: readonly string[];
}

/** "The newest report I have is from …", for a question about a time after it. */
function newestNote(answer: Answer, lang: Lang): string[] {
  const newest = answer.newestReport;
  return newest
    ? [lang.t("ask.newestReport", { date: lang.date(newest.published), source: newest.source })]
    : [];
}

function refusal(
  corpus: Corpus,
  answer: Answer,
  markup: Markup,
  lang: Lang,
  suggestions: readonly string[],
): Card {
  const title = truncate(markup.escape(answer.question.replace(/\s+/g, " ")), LIMITS.title);
  const tryThese: CardField[] =
    suggestions.length > 0
      ? [
          {
            name: verbatimLabel(lang.t("ask.refusal.suggestions"), lang),
            value: truncate(
              suggestions.map((q) => `• ${lang.isolate(markup.escape(q))}`).join("\n"),
              LIMITS.fieldValue,
            ),
          },
        ]
      : [];
  const sources = sourcesLabel({ markup, lang }, corpus);
  if (answer.reason === "greeting" || answer.reason === "thanks") {
    // Chat, not a question: a friendly line and where to start, never the refusal.
    return {
      title,
      tone: "info",
      description:
        answer.reason === "thanks"
          ? lang.t("ask.greeting.thanks")
          : lang.t("ask.greeting.hello", { sources }),
      fields: answer.reason === "thanks" ? [] : tryThese,
    };
  }
  if (answer.reason === "other-language") {
    return {
      title,
      tone: "notice",
      description: lang.t("ask.otherLanguage", { sources }),
      fields: tryThese,
      footer: asOfFooter(corpus, lang),
    };
  }
  const topics = coveredTopics(corpus, lang);
  const covers = topics
    ? lang.t("ask.refusal.covers", { sources, topics })
    : lang.t("ask.refusal.coversTalks", { sources });
  return {
    title,
    tone: "notice",
    description: [
      `${lang.t("ask.noAnswer")} ${covers}`,
      ...newestNote(answer, lang),
      lang.t("ask.refusal.next"),
    ].join("\n"),
    fields: tryThese,
    footer: asOfFooter(corpus, lang),
  };
}

/**
 * The cards of an answer, built once per answer, markup and language and then shared: the engine remembers
 * recent answers, so a question asked again reuses its cards instead of formatting them again. Cards are
 * never changed after they are built.
 */
const builtCards = new WeakMap<
  Answer,
  { markup: Markup; lang: Lang; suggestions: string; cards: Card[] }[]
>();

function cardsOf(
  corpus: Corpus,
  answer: Answer,
  markup: Markup,
  lang: Lang,
  suggestions: readonly string[],
): Card[] {
  const suggested = suggestions.join("\n");
  let built = builtCards.get(answer);
  const found = built?.find((b) => b.markup === markup && b.lang === lang && b.suggestions === suggested);
  if (found) return found.cards;
  const cards = buildCards(corpus, answer, markup, lang, suggestions);
  if (!built) {
    built = [];
    builtCards.set(answer, built);
  }
  // A few languages and surfaces at most; a bound keeps a console with throwaway markups from piling up.
  if (built.length >= 8) built.shift();
  built.push({ markup, lang, suggestions: suggested, cards });
  return cards;
}

function buildCards(
  corpus: Corpus,
  answer: Answer,
  markup: Markup,
  lang: Lang,
  suggestions: readonly string[],
): Card[] {
  const best = answer.best;
  if (answer.answer === null || best === null || answer.confidence === "none") {
    const cards = [refusal(corpus, answer, markup, lang, suggestions)];
    if (answer.reason === "other-language") cards.push(...statusView({ markup, lang }, corpus).cards);
    return cards;
  }
  const sure = answer.confidence === "high";
  const question = answer.question.replace(/\s+/g, " ");
  const title = truncate(markup.escape(question), LIMITS.title);
  const paragraph = (n: number) => lang.t("source.paragraph", { n });
  const quoted =
    answer.parts.length > 1
      ? answer.parts
          .map(
            (p) =>
              `${markup.bold(markup.escape(p.question))}\n${markup.quote(markup.escape(p.text))} (${paragraph(p.passage.paragraph)})`,
          )
          .join("\n\n")
      : markup.quote(markup.escape(answer.answer));
  const earlier = answer.parts.length === 1 ? answer.parts[0]?.earlier : undefined;
  const dateOf = (passage: Passage) =>
    lang.date(corpus.articles.find((a) => a.id === passage.articleId)?.published ?? "");
  const fields: CardField[] = [];
  // When the answer is the whole paragraph, showing it twice adds nothing.
  if (answer.parts.length <= 1 && best.text.trim() !== answer.answer.trim()) {
    fields.push({
      name: verbatimLabel(lang.t("ask.field.fromArticle", { paragraph: paragraph(best.paragraph) }), lang),
      value: truncate(markup.escape(best.text), LIMITS.fieldValue),
    });
  }
  if (earlier) {
    // A newer report leads; what the earlier one said stays visible, with its own date, never merged.
    fields.push({
      name: verbatimLabel(lang.t("ask.field.earlier", { date: dateOf(earlier.passage) }), lang),
      value: truncate(
        `${markup.quote(markup.escape(earlier.text))} (${paragraph(earlier.passage.paragraph)})`,
        LIMITS.fieldValue,
      ),
    });
  }
  const cited =
    answer.parts.length > 1
      ? answer.parts.map((p) => p.passage)
      : [best, ...(earlier ? [earlier.passage] : [])];
  fields.push({
    name: lang.t("ask.field.source"),
    value: cited.map((p) => passageCitation(corpus, p, markup, lang)).join("\n"),
  });
  if (answer.unanswered.length > 0) {
    fields.push({
      name: lang.t("ask.field.unanswered"),
      value: truncate(
        answer.unanswered.map((q) => `• ${lang.isolate(markup.escape(q))}`).join("\n"),
        LIMITS.fieldValue,
      ),
    });
  }
  if (!sure) fields.push({ name: lang.t("ask.field.notWhat"), value: lang.t("ask.notWhat") });
  const lead = sure ? [] : [lang.t("ask.notSure")];
  const verbatim = lang.locale === "en" ? [] : [markup.italic(lang.t("common.verbatim"))];
  const asOf = earlier ? [markup.bold(lang.t("ask.asOf", { date: dateOf(best) }))] : [];
  const card: Card = {
    title,
    tone: sure ? "answer" : "tentative",
    description: [...lead, ...verbatim, ...asOf, quoted, ...newestNote(answer, lang)].join("\n"),
    fields,
    footer: asOfFooter(corpus, lang),
  };
  return [card];
}

/**
 * The answer card, in three tiers: a confident answer (the best sentence(s), the paragraph and the
 * citation); the closest the coverage comes, labelled as possibly not answering; or a refusal that says what
 * the coverage does cover. A question in another language is answered in that language where talks-bot
 * speaks it, with the status summary, since the coverage is English and searched in English.
 */
export function askView(voice: Voice, corpus: Corpus, answer: Answer, options: AskViewOptions = {}): Reply {
  const { markup, lang } = voice;
  const mention = options.mentionUserId
    ? lang.t("ask.mention", { user: markup.userMention(options.mentionUserId) })
    : undefined;
  const base = {
    dir: lang.dir,
    content: mention,
    ephemeral: options.ephemeral ?? false,
    mentionUserId: options.mentionUserId,
  };
  const cards = cardsOf(corpus, answer, markup, lang, options.suggestions ?? []);
  if (answer.answer === null || answer.best === null || answer.confidence === "none")
    return { ...base, cards };
  const key = options.actionKey;
  const actions: Reply["actions"] = key
    ? [
        ...(answer.passages.length > 1
          ? [{ kind: "more-sources" as const, key, label: lang.t("ask.button.more") }]
          : []),
        ...(options.ephemeral
          ? [{ kind: "post-publicly" as const, key, label: lang.t("ask.button.public") }]
          : []),
        {
          kind: "feedback" as const,
          key,
          labels: { helpful: lang.t("ask.button.helpful"), unhelpful: lang.t("ask.button.unhelpful") },
        },
      ]
    : [];
  return { ...base, cards, actions };
}

/** The private thanks for a 👍 or 👎 on an answer. */
export function feedbackThanks({ lang }: Voice, helpful: boolean): Reply {
  return {
    dir: lang.dir,
    ephemeral: true,
    content: lang.t(helpful ? "ask.thanks.helpful" : "ask.thanks.unhelpful"),
    cards: [],
  };
}

/** The passages after the best one, each cited. */
export function moreSourcesView(voice: Voice, corpus: Corpus, answer: Answer): Reply {
  const { markup, lang } = voice;
  const rest = answer.passages.slice(1);
  if (rest.length === 0) {
    return {
      dir: lang.dir,
      ephemeral: true,
      cards: [{ title: lang.t("ask.more.title"), description: lang.t("ask.more.none") }],
    };
  }
  const plain: Markup = { ...markup, link: (label) => label };
  return {
    dir: lang.dir,
    ephemeral: true,
    cards: [
      {
        title: truncate(
          lang.t("ask.more.titleFor", { question: markup.escape(answer.question.replace(/\s+/g, " ")) }),
          LIMITS.title,
        ),
        tone: "info",
        description: lang.locale === "en" ? undefined : markup.italic(lang.t("common.verbatim")),
        fields: rest.map((passage, index) => ({
          name: truncate(
            `${lang.number(index + 2)}. ${passageCitation(corpus, passage, plain, lang)}`,
            LIMITS.fieldName,
          ),
          value: truncate(markup.escape(passage.text), LIMITS.fieldValue),
        })),
        footer: asOfFooter(corpus, lang),
      },
    ],
  };
}
