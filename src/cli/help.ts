/** The CLI's help: the whole list, and one command's, from the operations and the slash commands' definitions. */
import { UsageError } from "../errors.js";
import { LOCALES } from "../i18n/index.js";
import type { Command, ValueOption } from "../runtime/command.js";
import { OptionType } from "../runtime/command-codes.js";
import { cliCommands, flagsOf } from "./one-shot.js";
import { OPERATIONS, type Operation } from "./operations.js";

const LANG_HELP = `The reply's language: ${LOCALES.map((l) => l.code).join(", ")} (default: TALKS_BOT_LANG, else en)`;
const JSON_HELP = "The reply as one JSON line (its fields are in the README)";

function table(rows: readonly (readonly [string, string])[], indent = "  "): string {
  const width = Math.max(...rows.map(([left]) => left.length)) + 2;
  return rows.map(([left, right]) => `${indent}${left.padEnd(width)}${right}`.trimEnd()).join("\n");
}

/** The batch mode of a command with a positional option, as help describes it. */
function batchHelp(name: string, positional: string): string {
  return `Batch mode: with --json and no ${positional}, \`${name}\` reads one ${positional} per line of stdin and prints one JSON
line for each, in order; a line it refuses gets the same fields with an "error" message, and the exit code is 1.
  printf 'who is mediating?\\nhow many people fled to rafah?\\n' | talks-bot ${name} --json`;
}

/** The help text, from the operations and the slash commands' own definitions. */
export function helpText(commands: readonly Command[]): string {
  const rows: [string, string][] = [
    [OPERATIONS.start?.usage ?? "", OPERATIONS.start?.summary ?? ""],
    [OPERATIONS.console?.usage ?? "", OPERATIONS.console?.summary ?? ""],
    ...cliCommands(commands).map((c): [string, string] => [
      `${c.data.name} ${c.cli.usage}`,
      ("description" in c.data ? c.data.description : undefined) ?? "",
    ]),
    ...Object.entries(OPERATIONS)
      .filter(([name]) => name !== "start" && name !== "console")
      .map(([, op]): [string, string] => [op.usage, op.summary]),
    ["help [COMMAND] | COMMAND --help", "This help, or one command's"],
    ["--version", "The version"],
  ];
  const batch = cliCommands(commands).find((c) => c.cli.positional !== undefined);
  return `talks-bot: answers about the Israel–Hamas ceasefire and hostage talks, from the coverage, with citations.

Usage:
${table(rows.map(([usage, summary]) => [`talks-bot ${usage}`, summary]))}

Options:
${table([
  ["--lang LANG", LANG_HELP],
  [
    "--json",
    `${JSON_HELP}: ${cliCommands(commands)
      .map((c) => c.data.name)
      .join(", ")}`,
  ],
])}
${batch?.cli.positional ? `\n${batchHelp(batch.data.name, batch.cli.positional)}\n` : ""}
Settings come from the environment or a .env file: see .env.example (TALKS_BOT_LANG=he, DATABASE_PATH, …).
`;
}

/** How an option's value is written on the command line: a flag, a number range, one of its choices, text. */
function valueHint(option: ValueOption): string {
  switch (option.type) {
    case OptionType.Boolean:
      return "";
    case OptionType.Integer:
    case OptionType.Number: {
      const range =
        option.min_value !== undefined && option.max_value !== undefined
          ? `${option.min_value}..${option.max_value}`
          : "N";
      return ` ${range}`;
    }
    case OptionType.String:
      return option.choices ? ` ${option.choices.map((c) => c.value).join("|")}` : " TEXT";
    default:
      return " TEXT";
  }
}

/** One slash command's help: usage, description, each flag, and batch mode where it has one. */
export function commandHelp(command: Command & { cli: NonNullable<Command["cli"]> }): string {
  const { definitions } = flagsOf(command);
  const aliases = Object.entries(command.cli.aliases ?? {});
  const rows: [string, string][] = [...definitions.values()].map((option) => {
    const names = [
      option.name,
      ...aliases.filter(([, name]) => name === option.name).map(([alias]) => alias),
    ];
    const flags = names.map((n) => `--${n}`).join(", ") + valueHint(option);
    const limit =
      option.type === OptionType.String && option.max_length !== undefined
        ? ` (at most ${option.max_length} characters)`
        : "";
    const first = option.name === command.cli.positional ? "; or as the first argument" : "";
    return [flags, `${option.description}${limit}${first}`];
  });
  rows.push(["--json", JSON_HELP], ["--lang LANG", LANG_HELP]);
  const name = command.data.name;
  const description = "description" in command.data ? command.data.description : "";
  const positional = command.cli.positional;
  return `Usage: talks-bot ${name} ${command.cli.usage}

${description}

Options:
${table(rows)}
${positional ? `\n${batchHelp(name, positional)}\n` : ""}`;
}

function operationHelp(operation: Operation): string {
  return `Usage: talks-bot ${operation.usage}

${operation.summary}
`;
}

/** Help for `name`: an operation or a slash command the CLI offers; a UsageError for anything else. */
export async function helpFor(name: string): Promise<string> {
  const operation = OPERATIONS[name];
  if (operation) return operation.help ? operation.help() : operationHelp(operation);
  const { loadCommands } = await import("../runtime/command.js");
  const slash = cliCommands(await loadCommands()).find((c) => c.data.name === name);
  if (!slash) throw new UsageError(`unknown command '${name}'. See talks-bot --help.`);
  return commandHelp(slash);
}
