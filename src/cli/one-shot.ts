/**
 * The slash commands the CLI offers (those with a `cli` spec), each run once: `talks-bot ask "…"`, text or
 * `--json` out; with `--json` and no positional value, one answer per line of stdin.
 */
import { createInterface } from "node:readline";
import { renderText } from "../console/render.js";
import { UserFacingError } from "../errors.js";
import {
  type Command,
  checkOption,
  createInvocation,
  type OptionValue,
  type ValueOption,
} from "../runtime/command.js";
import { OptionType } from "../runtime/command-codes.js";
import { forTerminal } from "../text/terminal.js";
import { textMarkupFor } from "../views/markup.js";
import { contextFor, type Run } from "./operations.js";
import { type Options, parse } from "./parse.js";

/** Slash commands the CLI offers, with their `cli` spec. */
export function cliCommands(
  commands: readonly Command[],
): (Command & { cli: NonNullable<Command["cli"]> })[] {
  return commands.filter((c): c is Command & { cli: NonNullable<Command["cli"]> } => c.cli !== undefined);
}

/** Option types a value can be typed for: text, numbers, true or false (not users, channels or roles). */
const TYPED_OPTIONS: ReadonlySet<number> = new Set([
  OptionType.String,
  OptionType.Integer,
  OptionType.Number,
  OptionType.Boolean,
]);

/** The options a slash command takes, as CLI flags, and their definitions by name. */
export function flagsOf(command: Command): { options: Options; definitions: Map<string, ValueOption> } {
  const options: Options = { json: { type: "boolean" } };
  const definitions = new Map<string, ValueOption>();
  const list = ("options" in command.data ? command.data.options : undefined) ?? [];
  const offered = command.cli?.flags;
  for (const option of list) {
    if (option.type === OptionType.Subcommand || option.type === OptionType.SubcommandGroup) continue;
    if (offered ? !offered.includes(option.name) : !TYPED_OPTIONS.has(option.type)) continue;
    definitions.set(option.name, option);
    // A boolean option is a flag; everything else is typed as text and checked by checkOption.
    options[option.name] = { type: option.type === OptionType.Boolean ? "boolean" : "string" };
  }
  for (const [alias, name] of Object.entries(command.cli?.aliases ?? {})) {
    options[alias] = { type: options[name]?.type ?? "string" };
  }
  return { options, definitions };
}

/** Runs a slash command from the CLI: text or `--json` out, the reply's failure as exit code 1. */
export async function runSlashCommand(
  command: Command & { cli: NonNullable<Command["cli"]> },
  run: Run,
): Promise<number> {
  const name = command.data.name;
  const { options: flags, definitions } = flagsOf(command);
  const { values, positionals } = parse(name, run.args, flags, command.cli.positional !== undefined);
  const json = values.json === true;
  const options = new Map<string, OptionValue>();
  for (const [key, value] of Object.entries(values)) {
    const option = command.cli.aliases?.[key] ?? key;
    const definition = definitions.get(option);
    if (key === "json" || !definition || value === undefined || typeof value === "object") continue;
    options.set(option, checkOption(definition, value, name, `--${key}`));
  }
  const ctx = await contextFor(run);
  const answer = async (invocationOptions: ReadonlyMap<string, OptionValue>): Promise<number> => {
    const invocation = createInvocation({
      markup: textMarkupFor(run.lang),
      lang: run.lang,
      userId: "cli",
      options: invocationOptions,
    });
    const reply = await command.run(invocation, ctx);
    if (json) run.io.stdout.write(`${JSON.stringify(reply.data ?? null)}\n`);
    else if (reply.failure) run.io.stderr.write(`talks-bot: ${forTerminal(reply.failure)}\n`);
    else run.io.stdout.write(forTerminal(renderText(reply)));
    return reply.failure ? 1 : 0;
  };
  const positional = command.cli.positional;
  if (positional && positionals.length > 0)
    return answer(new Map([...options, [positional, positionals.join(" ")]]));
  if (positional && !options.has(positional)) {
    if (!json)
      throw new UserFacingError("cli.error.needsPositional", {
        command: name,
        option: positional,
        example: command.cli.usage.split(" ")[0] ?? "",
      });
    // One value per stdin line, one JSON line each, in order; a bad line gets an error line, not an exit.
    let failures = 0;
    const lines = createInterface({
      input: run.io.stdin,
      terminal: false,
      crlfDelay: Number.POSITIVE_INFINITY,
    });
    for await (const line of lines) {
      if (line.trim() === "") continue;
      try {
        if ((await answer(new Map([...options, [positional, line]]))) !== 0) failures++;
      } catch (error) {
        if (!(error instanceof UserFacingError)) throw error;
        failures++;
        const message = error.textIn(run.lang, textMarkupFor(run.lang).escape);
        run.io.stdout.write(
          `${JSON.stringify(command.cli.errorJson?.(line, message) ?? { error: message })}\n`,
        );
      }
    }
    return failures > 0 ? 1 : 0;
  }
  return answer(options);
}
