import { readdirSync } from "node:fs";
import { basename, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type {
  ButtonInteraction,
  ChatInputCommandInteraction,
  MessageContextMenuCommandInteraction,
  RESTPostAPIApplicationCommandsJSONBody,
} from "discord.js";
import type { AnswerCache } from "./answer-cache.js";
import type { Config } from "./config.js";
import type { Cooldowns } from "./cooldown.js";
import type { Corpus } from "./corpus/types.js";
import type { FeedbackSink } from "./feedback.js";
import type { Logger } from "./logger.js";
import type { QuoteBook } from "./quotes.js";
import type { AnswerEngine } from "./search/engine.js";
import type { Storage } from "./storage/types.js";
import type { Markup, Reply } from "./views/card.js";

export type OptionValue = string | number | boolean;

/** One use of a command, the same whether it came from Discord or the console. */
export interface Invocation {
  readonly surface: "discord" | "console";
  readonly markup: Markup;
  readonly userId: string;
  readonly guildId: string | null;
  readonly subcommand: string | null;
  readonly options: ReadonlyMap<string, OptionValue>;
  /** The member's permissions in Discord; null in the console, whose user is the operator. */
  readonly memberPermissions: bigint | null;
  /** The message a message context-menu command was used on. */
  readonly targetMessage?: { readonly id: string; readonly content: string } | undefined;
}

/** What every command can use. Built once at start. */
export interface BotContext {
  readonly config: Config;
  readonly corpus: Corpus;
  readonly engine: AnswerEngine;
  readonly quotes: QuoteBook;
  readonly logger: Logger;
  readonly now: () => Date;
  readonly answers: AnswerCache;
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

/**
 * A command module in `commands/`: `data` is what Discord registers; `run` holds the surface-neutral
 * behaviour (Discord and the console both call it); the optional hooks cover what only Discord has.
 */
export interface Command {
  readonly data: RESTPostAPIApplicationCommandsJSONBody;
  run?(invocation: Invocation, ctx: BotContext): Reply | Promise<Reply>;
  /** Discord-only handling that needs the interaction itself (resolved channels, permissions). */
  execute?(
    interaction: ChatInputCommandInteraction | MessageContextMenuCommandInteraction,
    ctx: BotContext,
  ): Promise<void>;
  autocomplete?(
    focused: { name: string; value: string },
    invocation: Invocation,
    ctx: BotContext,
  ): readonly Choice[];
  /** Buttons whose custom id starts with `<data.name>:`. */
  button?(interaction: ButtonInteraction, ctx: BotContext): Promise<void>;
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

export const COMMANDS_DIR = fileURLToPath(new URL("../commands", import.meta.url));

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
  if (typeof module.run !== "function" && typeof module.execute !== "function")
    return "exports neither 'run' nor 'execute'";
  for (const hook of ["autocomplete", "button", "execute", "run"]) {
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
