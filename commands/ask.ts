import {
  ApplicationIntegrationType,
  type ButtonInteraction,
  InteractionContextType,
  MessageFlags,
  SlashCommandBuilder,
} from "discord.js";
import {
  type BotContext,
  type Choice,
  type Invocation,
  optionBoolean,
  optionString,
} from "../src/command.js";
import { toDiscordMessage } from "../src/discord/render.js";
import { UserFacingError } from "../src/errors.js";
import { MAX_QUESTION_LENGTH } from "../src/search/engine.js";
import { askView, moreSourcesView } from "../src/views/ask.js";
import type { Reply } from "../src/views/card.js";
import { LIMITS, truncate } from "../src/views/limits.js";
import { discordMarkup } from "../src/views/markup.js";

export const data = new SlashCommandBuilder()
  .setName("ask")
  .setDescription("Ask about the ceasefire and hostage talks; the answer quotes the coverage")
  .addStringOption((option) =>
    option
      .setName("question")
      .setDescription("Your question, e.g. who is mediating the talks?")
      .setRequired(true)
      .setMaxLength(MAX_QUESTION_LENGTH)
      .setAutocomplete(true),
  )
  .addBooleanOption((option) =>
    option.setName("hide").setDescription("Only you see the answer (default: everyone sees it)"),
  )
  .addUserOption((option) =>
    option.setName("mention").setDescription("Point the answer at someone: the only person it pings"),
  )
  .setContexts(InteractionContextType.Guild, InteractionContextType.BotDM)
  .setIntegrationTypes(ApplicationIntegrationType.GuildInstall)
  .toJSON();

/** Answers one question for a person; shared by /ask and the "Ask talks-bot" message command. */
export function answerFor(
  question: string,
  invocation: Invocation,
  ctx: BotContext,
  options: { hide: boolean; mention?: string | undefined },
): Reply {
  if (invocation.surface === "discord") {
    const waitMs = ctx.cooldowns.take(invocation.userId);
    if (waitMs > 0) {
      throw new UserFacingError(
        `You're asking quickly: please wait ${Math.ceil(waitMs / 1000)} s before the next question.`,
      );
    }
  }
  const answer = ctx.engine.ask(question);
  const actionKey =
    invocation.surface === "discord" && answer.answer !== null ? ctx.answers.put(answer) : undefined;
  return askView(ctx.corpus, answer, invocation.markup, {
    actionKey,
    ephemeral: options.hide,
    mentionUserId: options.mention,
    suggestions: answer.confidence === "none" ? suggestionsAfterRefusal(ctx, question) : undefined,
  });
}

/** Three questions the coverage answers: the closest to what was asked, else the first curated ones. */
function suggestionsAfterRefusal(ctx: BotContext, question: string): string[] {
  const close = ctx.engine.suggest(question, 3);
  return close.length > 0 ? close : ctx.engine.suggestions().slice(0, 3);
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
    const own = truncate(typed, LIMITS.choiceName);
    choices.push({ name: own, value: typed.slice(0, LIMITS.choiceValue) });
  }
  for (const suggestion of ctx.engine.suggest(typed, LIMITS.choices)) {
    if (choices.length >= LIMITS.choices) break;
    if (choices.some((c) => c.value.toLowerCase() === suggestion.toLowerCase())) continue;
    choices.push({
      name: truncate(suggestion, LIMITS.choiceName),
      value: suggestion.slice(0, LIMITS.choiceValue),
    });
  }
  return choices;
}

/** `ask:<more|public|up|down>:<answer key>` */
export async function button(interaction: ButtonInteraction, ctx: BotContext): Promise<void> {
  const [, action, key = ""] = interaction.customId.split(":");
  const answer = ctx.answers.get(key);
  if (!answer) throw new UserFacingError("This answer has expired. Ask again with /ask.");
  const markup = discordMarkup;
  switch (action) {
    case "more":
      await interaction.reply(toDiscordMessage(moreSourcesView(ctx.corpus, answer, markup)));
      return;
    case "public": {
      // Take the button off the private answer first, so one click posts once.
      const remaining = askView(ctx.corpus, answer, markup, { actionKey: key });
      await interaction.update({ components: toDiscordMessage(remaining).components });
      const reply = askView(ctx.corpus, answer, markup, {});
      await interaction.followUp(toDiscordMessage(reply, { withComponents: false }));
      return;
    }
    case "up":
    case "down": {
      const best = answer.best;
      if (best) {
        await ctx.feedback.recordFeedback({
          questionKey: answer.question.toLowerCase().replace(/\s+/g, " ").trim().slice(0, 200),
          articleId: best.articleId,
          paragraph: best.paragraph,
          helpful: action === "up",
          userId: interaction.user.id,
        });
      }
      await interaction.reply({
        content: action === "up" ? "Thanks, glad it helped." : "Thanks: noted that this answer did not help.",
        flags: MessageFlags.Ephemeral,
        allowedMentions: { parse: [] },
      });
      return;
    }
    default:
      throw new Error(`ask: unknown button action '${action ?? ""}'`);
  }
}
