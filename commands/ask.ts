import type { RESTPostAPIChatInputApplicationCommandsJSONBody } from "discord-api-types/v10";
import type { Corpus } from "../src/corpus/types.js";
import { UserFacingError } from "../src/errors.js";
import { englishText, type Lang, langFor } from "../src/i18n/index.js";
import {
  type BotContext,
  type ButtonPress,
  type ButtonResult,
  type Choice,
  type Invocation,
  optionBoolean,
  optionString,
} from "../src/runtime/command.js";
import { CommandType, Context, Integration, OptionType } from "../src/runtime/command-codes.js";
import { type Answer, MAX_QUESTION_LENGTH, type Passage } from "../src/search/engine.js";
import type { Script } from "../src/search/reading.js";
import { askView, feedbackThanks, moreSourcesView } from "../src/views/ask.js";
import type { Reply } from "../src/views/card.js";
import { LIMITS, truncate } from "../src/views/limits.js";

/** The languages a question's script can be answered in (the coverage itself is English). */
const SCRIPT_LOCALES: Readonly<Partial<Record<Script, string>>> = { arabic: "ar", hebrew: "he" };

export const data = {
  type: CommandType.ChatInput,
  name: "ask",
  description: englishText("command.ask.description"),
  options: [
    {
      type: OptionType.String,
      name: "question",
      description: englishText("command.ask.option.question.description"),
      required: true,
      max_length: MAX_QUESTION_LENGTH,
      autocomplete: true,
    },
    {
      type: OptionType.Boolean,
      name: "hide",
      description: englishText("command.ask.option.hide.description"),
    },
    {
      type: OptionType.User,
      name: "mention",
      description: englishText("command.ask.option.mention.description"),
    },
  ],
  contexts: [Context.Guild, Context.BotDM],
  integration_types: [Integration.GuildInstall],
} satisfies RESTPostAPIChatInputApplicationCommandsJSONBody;

export const cli = {
  positional: "question",
  flags: ["question"],
  usage: '"question" [--json]',
  errorJson: (question: string, error: string) => ({
    question,
    answer: null,
    confidence: "none",
    passages: [],
    error,
  }),
};

/**
 * `--json` (README, "The `ask --json` contract"): `{question, answer, confidence, reason?, passages: [{article,
 * source, published, title, paragraph, text, score}]}`; `answer` is null only when `confidence` is "none",
 * and then `passages` is empty and `reason` says why. Passages: each answered part's own first (a newer
 * report's when one leads), then the rest by score. `earlier` is the earlier report's answer a newer one
 * replaced; `newestReport` says how recent the coverage is, for a question about a later time.
 */
export function answerJson(answer: Answer, corpus: Corpus) {
  const articles = new Map(corpus.articles.map((article) => [article.id, article]));
  const report = (p: Passage) => {
    const article = articles.get(p.articleId);
    return {
      article: p.articleId,
      source: article?.source ?? null,
      published: article?.published ?? null,
      title: article?.title ?? null,
      paragraph: p.paragraph,
    };
  };
  const earlier = answer.parts.length === 1 ? answer.parts[0]?.earlier : undefined;
  return {
    question: answer.question,
    answer: answer.answer,
    confidence: answer.confidence,
    ...(answer.reason ? { reason: answer.reason } : {}),
    ...(earlier ? { earlier: { ...report(earlier.passage), text: earlier.text } } : {}),
    ...(answer.newestReport ? { newestReport: answer.newestReport } : {}),
    passages: leadsFirst(answer)
      .slice(0, 5)
      .map((p) => ({ ...report(p), text: p.text, score: p.score })),
  };
}

/**
 * The passages each answered part quotes first (a newer report's, when one leads), then the others by score.
 */
function leadsFirst(answer: Answer): Passage[] {
  const same = (a: Passage, b: Passage) => a.articleId === b.articleId && a.paragraph === b.paragraph;
  const leads = answer.parts.map((part) => part.passage);
  const rest = answer.passages.filter((p) => !leads.some((lead) => same(lead, p)));
  return [...leads, ...rest.sort((a, b) => b.score - a.score)];
}

/** Suggestions already found for a refused answer (the engine remembers answers, so they come back). */
const suggested = new WeakMap<Answer, string[]>();

/** Three questions the coverage answers: the closest to what was asked, else the first curated ones. */
function suggestionsAfterRefusal(ctx: BotContext, answer: Answer): string[] {
  let found = suggested.get(answer);
  if (!found) {
    const close = ctx.engine.suggest(answer.question, 3);
    found = close.length > 0 ? close : ctx.engine.suggestions().slice(0, 3);
    suggested.set(answer, found);
  }
  return found;
}

/** The questioner's own language when a question is written in one talks-bot speaks, else the invocation's. */
function replyLang(answer: Answer, invocation: Invocation): Lang {
  const written = answer.reason === "other-language" ? SCRIPT_LOCALES[answer.script ?? "other"] : undefined;
  return written ? langFor(written) : invocation.lang;
}

/** Answers one question for a person; shared by /ask and the "Ask talks-bot" message command. */
export function answerFor(
  question: string,
  invocation: Invocation,
  ctx: BotContext,
  options: { hide: boolean; mention?: string | undefined },
): Reply {
  if (!invocation.can.askWithoutCooldown) {
    const waitMs = ctx.cooldowns.take(invocation.userId);
    if (waitMs > 0) throw new UserFacingError("ask.error.cooldown", { seconds: Math.ceil(waitMs / 1000) });
  }
  const answer = ctx.engine.ask(question);
  const actionKey =
    invocation.can.offerButtons && answer.answer !== null ? ctx.answers.put(answer, ctx.corpus) : undefined;
  return {
    ...askView({ markup: invocation.markup, lang: replyLang(answer, invocation) }, ctx.corpus, answer, {
      actionKey,
      ephemeral: options.hide,
      mentionUserId: options.mention,
      suggestions: answer.confidence === "none" ? suggestionsAfterRefusal(ctx, answer) : undefined,
    }),
    data: answerJson(answer, ctx.corpus),
  };
}

export function run(invocation: Invocation, ctx: BotContext): Reply {
  return answerFor(optionString(invocation, "question") ?? "", invocation, ctx, {
    hide: optionBoolean(invocation, "hide") ?? false,
    mention: optionString(invocation, "mention"),
  });
}

/** The user's own text first (so Enter sends what they typed), then questions the coverage answers. */
export function autocomplete(
  focused: { name: string; value: string },
  _invocation: Invocation,
  ctx: BotContext,
): Choice[] {
  const typed = focused.value.replace(/\s+/g, " ").trim();
  const choices: Choice[] = [];
  if (typed.length > 0) {
    choices.push({
      name: truncate(typed, LIMITS.choiceName),
      value: truncate(typed, LIMITS.choiceValue, ""),
    });
  }
  for (const suggestion of ctx.engine.suggest(typed, LIMITS.choices)) {
    if (choices.length >= LIMITS.choices) break;
    if (choices.some((c) => c.value.toLowerCase() === suggestion.toLowerCase())) continue;
    choices.push({
      name: truncate(suggestion, LIMITS.choiceName),
      value: truncate(suggestion, LIMITS.choiceValue, ""),
    });
  }
  return choices;
}

/** `ask:<more|public|up|down>:<answer key>` */
export async function button(press: ButtonPress, ctx: BotContext): Promise<ButtonResult> {
  const recent = ctx.answers.get(press.key);
  if (!recent) throw new UserFacingError("ask.error.expired");
  // Rendered with the corpus it was answered from: a reload since then must not mix two corpora in one reply.
  const { answer, corpus } = recent;
  const voice = press.invocation;
  switch (press.action) {
    case "more":
      return { reply: moreSourcesView(voice, corpus, answer) };
    case "public":
      // Take the button off the private answer first, so one click posts once.
      return {
        updateActions: askView(voice, corpus, answer, { actionKey: press.key }),
        followUp: askView(voice, corpus, answer, {}),
      };
    case "up":
    case "down": {
      const best = answer.best;
      if (best) {
        await ctx.feedback.recordFeedback({
          questionKey: answer.question.toLowerCase().replace(/\s+/g, " ").trim().slice(0, 200),
          articleId: best.articleId,
          paragraph: best.paragraph,
          helpful: press.action === "up",
          userId: press.invocation.userId,
        });
      }
      return { reply: feedbackThanks(voice, press.action === "up") };
    }
    default:
      throw new Error(`ask: unknown button action '${press.action}'`);
  }
}
