import type {
  AutocompleteInteraction,
  ButtonInteraction,
  ChatInputCommandInteraction,
  CommandInteractionOption,
  Interaction,
  MessageContextMenuCommandInteraction,
  RepliableInteraction,
} from "discord.js";
import { UserFacingError } from "../errors.js";
import { type Lang, langFor, SOURCE_LOCALE, supportedLocale } from "../i18n/index.js";
import {
  type BotContext,
  type Capabilities,
  type Command,
  createInvocation,
  type Invocation,
  type OptionValue,
} from "../runtime/command.js";
import { OptionType } from "../runtime/command-codes.js";
import { StorageBusyError, StorageError, StorageUnavailableError } from "../storage/types.js";
import { notice } from "../views/card.js";
import { LIMITS, truncate } from "../views/limits.js";
import { InteractionResponseType, MessageFlags, Routes } from "./lib.js";
import { discordMarkup } from "./markup.js";
import { apiBody, type DiscordMessage, toDiscordMessage } from "./render.js";
import { serverOf } from "./server.js";

export interface RouterOptions {
  /** If a command has not answered by then, acknowledge with a deferred reply (Discord allows 3 s). */
  readonly ackDeadlineMs?: number;
}

type CommandInteraction = ChatInputCommandInteraction | MessageContextMenuCommandInteraction;

function flattenOptions(data: readonly CommandInteractionOption[]): {
  subcommand: string | null;
  options: Map<string, OptionValue>;
} {
  let subcommand: string | null = null;
  let list = data;
  const first = data[0];
  if (first && (first.type === OptionType.Subcommand || first.type === OptionType.SubcommandGroup)) {
    subcommand = first.name;
    list = first.options ?? [];
    const nested = list[0];
    if (first.type === OptionType.SubcommandGroup && nested) {
      subcommand = `${first.name} ${nested.name}`;
      list = nested.options ?? [];
    }
  }
  const options = new Map<string, OptionValue>();
  for (const option of list) {
    if (option.value !== undefined && option.value !== null) options.set(option.name, option.value);
  }
  return { subcommand, options };
}

/** What Discord offers a command: buttons, localized names, servers; and a cooldown, as members share the bot. */
export const DISCORD_CAPABILITIES: Capabilities = {
  offerButtons: true,
  showLocalizedNames: true,
  askWithoutCooldown: false,
  runInServers: true,
};

/** The surface-neutral view of a Discord interaction. */
export function invocationOf(
  interaction: CommandInteraction | AutocompleteInteraction | ButtonInteraction,
): Invocation {
  const { subcommand, options } =
    interaction.isMessageContextMenuCommand() || interaction.isButton()
      ? { subcommand: null, options: new Map<string, OptionValue>() }
      : flattenOptions(interaction.options.data);
  return createInvocation({
    can: DISCORD_CAPABILITIES,
    markup: discordMarkup,
    lang: langOf(interaction),
    userId: interaction.user.id,
    guildId: interaction.guildId,
    guildLocale: interaction.guildLocale ?? null,
    subcommand,
    options,
    memberPermissions: interaction.memberPermissions?.bitfield ?? null,
    targetMessage: interaction.isMessageContextMenuCommand()
      ? { id: interaction.targetMessage.id, content: interaction.targetMessage.content }
      : undefined,
    server: serverOf(interaction),
  });
}

/** Sends a message by whichever call the interaction's state allows, so a late path never gets 40060. */
export async function respond(interaction: RepliableInteraction, message: DiscordMessage): Promise<void> {
  const ephemeral = message.flags === MessageFlags.Ephemeral;
  if (interaction.deferred && !interaction.replied) {
    // discord.js records whether the deferral was private; no need to fetch the reply to find out.
    if (ephemeral && !interaction.ephemeral) {
      // A public "thinking…" cannot become private: drop it and answer privately instead.
      await interaction.deleteReply().catch(() => undefined);
      await interaction.followUp(message);
      return;
    }
    const { flags: _flags, ...rest } = message;
    await interaction.editReply(rest);
    return;
  }
  if (interaction.replied) {
    await interaction.followUp(message);
    return;
  }
  await firstReply(interaction, message);
}

/**
 * The first reply, posted straight to Discord's interaction callback. The message is already in the API's
 * shape; discord.js's generic `reply` would copy it and convert each of its keys to snake case, a fifth of
 * all the garbage the bot makes per answer. Records what discord.js's own `reply` records, so later edits
 * and follow-ups take the right path.
 */
async function firstReply(interaction: RepliableInteraction, message: DiscordMessage): Promise<void> {
  await interaction.client.rest.post(Routes.interactionCallback(interaction.id, interaction.token), {
    body: {
      type: InteractionResponseType.ChannelMessageWithSource,
      data: apiBody(message),
    },
    auth: false,
  });
  interaction.ephemeral = message.flags === MessageFlags.Ephemeral;
  interaction.replied = true;
}

function commandKey(type: number | undefined, name: string): string {
  return `${type ?? 1}:${name}`;
}

/** The private reply to a failure, in the person's language. */
function errorMessage(error: unknown, interactionId: string, lang: Lang): DiscordMessage {
  const { dir } = lang;
  if (error instanceof UserFacingError)
    return toDiscordMessage(
      notice(error.textIn(lang, discordMarkup.escape), { title: lang.t("error.title"), dir }),
    );
  if (error instanceof StorageBusyError) {
    return toDiscordMessage(notice(lang.t("error.busy"), { title: lang.t("error.busy.title"), dir }));
  }
  if (error instanceof StorageUnavailableError) {
    // The write may or may not have been applied: say so, and how to check.
    return toDiscordMessage(
      notice(lang.t("error.unavailable", { reference: interactionId }), {
        title: lang.t("error.unavailable.title"),
        tone: "warning",
        dir,
      }),
    );
  }
  if (error instanceof StorageError) {
    // SQLite's codes, and PostgreSQL's: 53100 disk_full, 25006 read_only_sql_transaction.
    const code = error.code ?? "";
    const why =
      code === "SQLITE_FULL" || code === "53100"
        ? "full"
        : code.startsWith("SQLITE_READONLY") || code === "25006"
          ? "readonly"
          : "failed";
    return toDiscordMessage(
      notice(lang.t("error.notSaved", { why, reference: interactionId }), {
        title: lang.t("error.notSaved.title"),
        tone: "warning",
        dir,
      }),
    );
  }
  return toDiscordMessage(
    notice(lang.t("error.bug", { reference: interactionId }), {
      title: lang.t("error.bug.title"),
      tone: "warning",
      dir,
    }),
  );
}

/** The language of a person's replies: their Discord locale where talks-bot speaks it, else English. */
function langOf(interaction: Interaction): Lang {
  return langFor(supportedLocale(interaction.locale) ?? SOURCE_LOCALE);
}

function hideOption(interaction: CommandInteraction): boolean {
  if (interaction.isMessageContextMenuCommand()) return true;
  return interaction.options.data.some((o) => o.name === "hide" && o.value === true);
}

/** The commands of a context by type and name, made once per list of commands. */
const commandTables = new WeakMap<readonly Command[], Map<string, Command>>();

function commandTable(ctx: BotContext): Map<string, Command> {
  let table = commandTables.get(ctx.commands);
  if (!table) {
    table = new Map(ctx.commands.map((c) => [commandKey(c.data.type, c.data.name), c]));
    commandTables.set(ctx.commands, table);
  }
  return table;
}

/**
 * The one interaction edge: finds the command, runs it, renders the reply. People's mistakes
 * (UserFacingError) are shown to them privately; anything else gets a short apology and a log line
 * with the interaction id. Nothing a handler does can take the process down.
 *
 * `context` is the context, or a function giving the current one (a bot that reloads its corpus swaps it):
 * each interaction takes it once, when it arrives, and runs to its end with it.
 */
export function createRouter(context: BotContext | (() => BotContext), options: RouterOptions = {}) {
  const ackDeadlineMs = options.ackDeadlineMs ?? 2000;
  const currentContext = typeof context === "function" ? context : () => context;

  async function runCommand(
    interaction: CommandInteraction,
    command: Command,
    ctx: BotContext,
  ): Promise<void> {
    const invocation = invocationOf(interaction);
    if (command.defer) await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const running = Promise.resolve().then(() => command.run(invocation, ctx));
    // Discord drops an interaction not acknowledged within 3 s: a slow command gets a deferral first.
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<"late">((resolve) => {
      timer = setTimeout(() => resolve("late"), ackDeadlineMs);
    });
    const first = await Promise.race([
      running.then(
        () => "done" as const,
        () => "done" as const,
      ),
      deadline,
    ]);
    clearTimeout(timer);
    if (first === "late" && !interaction.deferred && !interaction.replied) {
      await interaction.deferReply(hideOption(interaction) ? { flags: MessageFlags.Ephemeral } : {});
    }
    const reply = await running;
    if (!reply) throw new Error(`${command.data.name}: run returned nothing`);
    await respond(interaction, toDiscordMessage(reply));
  }

  async function autocomplete(
    interaction: AutocompleteInteraction,
    command: Command | undefined,
    ctx: BotContext,
  ): Promise<void> {
    const focused = interaction.options.getFocused(true);
    const choices =
      command?.autocomplete?.(
        { name: focused.name, value: String(focused.value ?? "") },
        invocationOf(interaction),
        ctx,
      ) ?? [];
    await interaction.respond(
      choices.slice(0, LIMITS.choices).map((c) => ({
        name: truncate(c.name, LIMITS.choiceName) || "…",
        value: truncate(c.value, LIMITS.choiceValue, ""),
      })),
    );
  }

  async function button(interaction: ButtonInteraction, ctx: BotContext): Promise<void> {
    const [name = "", action = "", key = ""] = interaction.customId.split(":");
    const command = commandTable(ctx).get(commandKey(1, name));
    if (!command?.button) throw new UserFacingError("error.staleButton");
    const result = await command.button({ action, key, invocation: invocationOf(interaction) }, ctx);
    if (result.updateActions) {
      await interaction.update({ components: toDiscordMessage(result.updateActions).components });
    } else if (result.reply) {
      await interaction.reply(toDiscordMessage({ ...result.reply, ephemeral: true }));
    }
    if (result.followUp)
      await interaction.followUp(toDiscordMessage(result.followUp, { withComponents: false }));
  }

  return async function route(interaction: Interaction): Promise<void> {
    const started = performance.now();
    const ctx = currentContext();
    const commands = commandTable(ctx);
    let name = "unknown";
    let outcome = "ok";
    try {
      if (interaction.isAutocomplete()) {
        name = `${interaction.commandName}:autocomplete`;
        await autocomplete(interaction, commands.get(commandKey(1, interaction.commandName)), ctx);
      } else if (interaction.isChatInputCommand() || interaction.isMessageContextMenuCommand()) {
        name = interaction.commandName;
        const command = commands.get(commandKey(interaction.commandType, interaction.commandName));
        if (!command) throw new UserFacingError("error.unknownCommand");
        await runCommand(interaction, command, ctx);
      } else if (interaction.isButton()) {
        name = `button:${interaction.customId.split(":").slice(0, 2).join(":")}`;
        await button(interaction, ctx);
      } else {
        outcome = "ignored";
      }
    } catch (error) {
      outcome =
        error instanceof UserFacingError
          ? "user-error"
          : error instanceof StorageBusyError
            ? "busy"
            : error instanceof StorageUnavailableError
              ? "storage-unavailable"
              : error instanceof StorageError
                ? "storage-error"
                : "error";
      if (outcome === "error" || outcome === "storage-error" || outcome === "storage-unavailable")
        ctx.logger.error({ err: error, interactionId: interaction.id, command: name }, "command failed");
      if (interaction.isAutocomplete()) {
        if (!interaction.responded) await interaction.respond([]).catch(() => undefined);
      } else if (interaction.isRepliable()) {
        await respond(interaction, errorMessage(error, interaction.id, langOf(interaction))).catch(
          (replyError: unknown) => {
            ctx.logger.warn(
              { err: replyError, interactionId: interaction.id, command: name },
              "could not deliver the error reply",
            );
          },
        );
      }
    } finally {
      ctx.logger.info(
        {
          interactionId: interaction.id,
          command: name,
          guildId: interaction.guildId,
          latencyMs: Math.round(performance.now() - started),
          outcome,
        },
        "interaction",
      );
    }
  };
}
