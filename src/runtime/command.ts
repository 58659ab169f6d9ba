import { readdirSync } from "node:fs";
import { basename, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type {
  APIApplicationCommandOption,
  RESTPostAPIApplicationCommandsJSONBody,
} from "discord-api-types/v10";
import type { Config } from "../config.js";
import type { Corpus } from "../corpus/types.js";
import { UserFacingError } from "../errors.js";
import type { Lang, MessageKey } from "../i18n/index.js";
import type { Logger } from "../logger.js";
import type { QuoteBook } from "../quotes.js";
import type { AnswerEngine } from "../search/engine.js";
import type { Storage } from "../storage/types.js";
import type { Markup, Reply, Voice } from "../views/card.js";
import { OptionType } from "./command-codes.js";
import type { Cooldowns } from "./cooldown.js";
import type { FeedbackSink } from "./feedback.js";
import type { RecentAnswers } from "./recent-answers.js";

export type OptionValue = string | number | boolean;

/**
 * What the surface a command runs on offers. Commands ask for what they need, never which surface it is: Discord,
 * the local console or a one-shot CLI command.
 */
export interface Capabilities {
  /**
   * The reply's buttons can be pressed later (Discord): an answer is kept for its "More sources", "Post publicly"
   * and feedback buttons.
   */
  readonly offerButtons: boolean;
  /**
   * Commands and options are shown by their names in the person's language, as Discord's picker shows them; the
   * console and the CLI take the English names.
   */
  readonly showLocalizedNames: boolean;
  /**
   * The person runs the bot for themself (the console's and the CLI's operator): no cooldown between questions,
   * which on Discord keeps one member from crowding out the rest.
   */
  readonly askWithoutCooldown: boolean;
  /**
   * Commands here run in Discord servers, so one that needs a server can be used in one (from a DM, after
   * moving); the console and the CLI have no server.
   */
  readonly runInServers: boolean;
}

/** The console's and the CLI's: the operator at their own terminal, with no buttons, servers or cooldown. */
export const TERMINAL_CAPABILITIES: Capabilities = {
  offerButtons: false,
  showLocalizedNames: false,
  askWithoutCooldown: true,
  runInServers: false,
};

/** What the bot needs in a channel it posts in. */
export type ChannelPermission = "ViewChannel" | "SendMessages" | "EmbedLinks";

/** A channel as Discord knows it. */
export interface ChannelInfo {
  /** The server it belongs to; null for a DM. */
  readonly guildId: string | null;
  /** Text and announcement channels take posts; voice, category, forum, thread and the rest do not. */
  readonly postable: boolean;
}

/**
 * What a Discord server offers a command beyond its reply: looking up channels and roles, checking the bot's
 * permissions, posting. Implemented by `src/discord/`; the console and the CLI have none (`server: null`).
 */
export interface ServerPort {
  /** The channel as Discord reports it now (not from a cache); null when it does not exist or is hidden. */
  channel(channelId: string): Promise<ChannelInfo | null>;
  /** The permissions the bot needs in a channel and lacks there. */
  missingPermissions(channelId: string): Promise<readonly ChannelPermission[]>;
  /** A role of the server: its name and whether a message can ping it. */
  role(roleId: string): { readonly name: string; readonly mentionable: boolean } | null;
  /** Posts a reply in a channel, without buttons; rejects with a PostError. */
  post(channelId: string, reply: Reply): Promise<{ id: string }>;
}

/**
 * One use of a command, the same whether it came from Discord, the console or the CLI. It is the Voice its
 * replies are written in: the surface's markup, and the person's language.
 */
export interface Invocation extends Voice {
  /** What the surface offers the command. */
  readonly can: Capabilities;
  readonly markup: Markup;
  /**
   * The language to answer in: the person's Discord locale where talks-bot speaks it, else English; the
   * console's and the CLI's `--lang` or TALKS_BOT_LANG.
   */
  readonly lang: Lang;
  readonly userId: string;
  readonly guildId: string | null;
  /** The server's locale, where there is a server. */
  readonly guildLocale: string | null;
  readonly subcommand: string | null;
  readonly options: ReadonlyMap<string, OptionValue>;
  /** The member's permissions in Discord; null in the console, whose user is the operator. */
  readonly memberPermissions: bigint | null;
  /** The message a message context-menu command was used on. */
  readonly targetMessage?: { readonly id: string; readonly content: string } | undefined;
  readonly server: ServerPort | null;
}

/** What a surface knows of one use of a command; the rest of an {@link Invocation} has defaults. */
export type InvocationInit = Pick<Invocation, "markup" | "lang" | "userId"> &
  Partial<Omit<Invocation, "markup" | "lang" | "userId">>;

/**
 * The one way to build an Invocation, for Discord, the console and the CLI alike: outside Discord there is no
 * server, no member permissions (the operator runs the command), no subcommand and no options unless given, and
 * the capabilities are a terminal's.
 */
export function createInvocation(init: InvocationInit): Invocation {
  return {
    can: TERMINAL_CAPABILITIES,
    guildId: null,
    guildLocale: null,
    subcommand: null,
    options: new Map(),
    memberPermissions: null,
    server: null,
    ...init,
  };
}

/** What every command can use. Built once at start. */
export interface BotContext {
  readonly config: Config;
  readonly corpus: Corpus;
  readonly engine: AnswerEngine;
  readonly quotes: QuoteBook;
  readonly logger: Logger;
  readonly now: () => Date;
  readonly answers: RecentAnswers;
  readonly cooldowns: Cooldowns;
  readonly feedback: FeedbackSink;
  /** Null where no database is configured (the one-shot CLI). */
  readonly storage: Storage | null;
  /** Every loaded command, for /help. */
  readonly commands: readonly Command[];
}

export interface Choice {
  readonly name: string;
  readonly value: string;
}

/** A click on one of a command's buttons (custom id `<command>:<action>:<key>`). */
export interface ButtonPress {
  readonly action: string;
  readonly key: string;
  readonly invocation: Invocation;
}

/** What a button does, in the order Discord allows it. */
export interface ButtonResult {
  /** A new private message. */
  readonly reply?: Reply;
  /** Replaces the clicked message's buttons with this reply's (its text stays as it is). */
  readonly updateActions?: Reply;
  /** A message after the update. */
  readonly followUp?: Reply;
}

/** How the CLI offers a command (`talks-bot <name> …`); commands without one are Discord and console only. */
export interface CliSpec {
  /** The option given as the positional argument, e.g. the question of `ask`. */
  readonly positional?: string;
  /**
   * The options offered as flags (default: every option a value can be typed for); options that only make
   * sense in Discord (`/ask hide`) are left out.
   */
  readonly flags?: readonly string[];
  /** Short flags for options, e.g. `{ tz: "timezone" }` for `--tz`. */
  readonly aliases?: Readonly<Record<string, string>>;
  /** The arguments shown in the help after the command's name. */
  readonly usage: string;
  /** The `--json` line for a stdin line that was refused (the positional value and why). */
  readonly errorJson?: (input: string, message: string) => unknown;
}

/**
 * A command module in `commands/`: `data` is what Discord registers; `run` is the command, the same for
 * Discord, the console and the CLI, returning a surface-neutral reply that each of them only renders.
 */
export interface Command {
  readonly data: RESTPostAPIApplicationCommandsJSONBody;
  run(invocation: Invocation, ctx: BotContext): Reply | Promise<Reply>;
  /** Acknowledge privately before running: for commands that wait on storage or on Discord. */
  readonly defer?: "ephemeral";
  autocomplete?(
    focused: { name: string; value: string },
    invocation: Invocation,
    ctx: BotContext,
  ): readonly Choice[];
  /** Buttons whose custom id starts with `<data.name>:`. */
  button?(press: ButtonPress, ctx: BotContext): ButtonResult | Promise<ButtonResult>;
  readonly cli?: CliSpec;
}

export function optionString(invocation: Invocation, name: string): string | undefined {
  const value = invocation.options.get(name);
  return typeof value === "string" ? value : undefined;
}

export function optionNumber(invocation: Invocation, name: string): number | undefined {
  const value = invocation.options.get(name);
  return typeof value === "number" ? value : undefined;
}

export function optionBoolean(invocation: Invocation, name: string): boolean | undefined {
  const value = invocation.options.get(name);
  return typeof value === "boolean" ? value : undefined;
}

/** An option that carries a value, as a command's `data` defines it (not a subcommand or a group). */
export type ValueOption = Exclude<
  APIApplicationCommandOption,
  { type: typeof OptionType.Subcommand | typeof OptionType.SubcommandGroup }
>;

/**
 * Checks a value typed for an option against the option's definition, by the rules Discord's client applies
 * before a command reaches the bot (whole number, number range, true or false, one of the choices, length),
 * and returns it typed. The console and the CLI both use it, so a value one accepts the other accepts too.
 * `where` names the command as the person typed it ("/reminders preview", "countdown") and `label` the
 * option ("day_offset", "--tz"). Throws a UserFacingError naming both.
 */
export function checkOption(
  option: ValueOption,
  raw: string | boolean,
  where: string,
  label: string = option.name,
): OptionValue {
  const fail = (key: MessageKey, values: Record<string, string | number> = {}) =>
    new UserFacingError(key, { where, option: label, ...values });
  if (typeof raw === "boolean") {
    if (option.type === OptionType.Boolean) return raw;
    throw fail("option.error.noValue");
  }
  const value = raw.trim();
  switch (option.type) {
    case OptionType.Integer:
    case OptionType.Number: {
      const n = Number(value);
      const isInt = option.type === OptionType.Integer;
      if (value === "" || !Number.isFinite(n) || (isInt && !Number.isInteger(n)))
        throw fail(isInt ? "option.error.integer" : "option.error.number");
      if (option.min_value !== undefined && n < option.min_value)
        throw fail("option.error.min", { min: option.min_value });
      if (option.max_value !== undefined && n > option.max_value)
        throw fail("option.error.max", { max: option.max_value });
      return n;
    }
    case OptionType.Boolean:
      if (/^(true|yes|on)$/i.test(value)) return true;
      if (/^(false|no|off)$/i.test(value)) return false;
      throw fail("option.error.boolean");
    case OptionType.String: {
      if (option.choices && !option.choices.some((c) => c.value === value))
        throw fail("option.error.choice", { choices: option.choices.map((c) => c.value).join(", ") });
      if (option.max_length !== undefined && value.length > option.max_length)
        throw fail("option.error.length", { length: value.length, max: option.max_length });
      return value;
    }
    default:
      return value;
  }
}

export const COMMANDS_DIR = fileURLToPath(new URL("../../commands", import.meta.url));

function shapeProblem(module: Record<string, unknown>): string | undefined {
  const data = module.data as { name?: unknown; type?: unknown; description?: unknown } | undefined;
  if (!data || typeof data !== "object") return "exports no 'data'";
  if (typeof data.name !== "string" || data.name.length === 0)
    return "'data.name' must be a non-empty string";
  const isChatInput = data.type === undefined || data.type === 1;
  if (isChatInput && !/^[-_\p{L}\p{N}]{1,32}$/u.test(data.name))
    return `'data.name' ${data.name} is not a valid slash command name`;
  if (
    isChatInput &&
    (typeof data.description !== "string" || data.description.length < 1 || data.description.length > 100)
  ) {
    return "'data.description' must be 1–100 characters";
  }
  if (typeof module.run !== "function") return "exports no 'run' function";
  if (module.defer !== undefined && module.defer !== "ephemeral") return "'defer' must be \"ephemeral\"";
  for (const hook of ["autocomplete", "button"]) {
    if (module[hook] !== undefined && typeof module[hook] !== "function")
      return `'${hook}' must be a function`;
  }
  return undefined;
}

/** Loads every module in `commands/`, checking its shape; a bad module fails with its file name. */
export async function loadCommands(dir: string = COMMANDS_DIR): Promise<Command[]> {
  const files = readdirSync(dir)
    .filter((name) => /\.(ts|js)$/.test(name) && !name.endsWith(".d.ts"))
    .sort();
  const commands: Command[] = [];
  const names = new Map<string, string>();
  for (const name of files) {
    const file = join(dir, name);
    const module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    const problem = shapeProblem(module);
    if (problem) throw new Error(`commands: ${basename(dir)}/${name}: ${problem}`);
    const command = module as unknown as Command;
    const key = `${command.data.type ?? 1}:${command.data.name}`;
    const other = names.get(key);
    if (other)
      throw new Error(
        `commands: ${basename(dir)}/${name}: '${command.data.name}' is already defined in ${other}`,
      );
    names.set(key, name);
    commands.push(command);
  }
  return commands;
}
