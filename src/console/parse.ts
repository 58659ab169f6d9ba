import type { APIApplicationCommandOption } from "discord-api-types/v10";
import { UserFacingError } from "../errors.js";
import { type Command, checkOption, type OptionValue, type ValueOption } from "../runtime/command.js";
import { OptionType } from "../runtime/command-codes.js";

export interface ParsedLine {
  readonly command: Command;
  readonly subcommand: string | null;
  readonly options: Map<string, OptionValue>;
}

function chatCommands(commands: readonly Command[]): Command[] {
  return commands.filter((c) => c.data.type === undefined || c.data.type === 1);
}

function optionsOf(command: Command): readonly APIApplicationCommandOption[] {
  return "options" in command.data ? (command.data.options ?? []) : [];
}

function usage(name: string, subcommand: string | null, options: readonly ValueOption[]): string {
  const parts = options.map((o) => (o.required ? `${o.name}: <${o.name}>` : `[${o.name}: …]`));
  return `/${[name, subcommand, ...parts].filter(Boolean).join(" ")}`;
}

/**
 * Parses a console line the way Discord's command bar reads it: `/ask question: who is mediating`,
 * `/reminders preview timezone: Asia/Riyadh`. Text after the command with no option name goes to the
 * first required text option, so `/ask who is mediating` works too.
 */
export function parseLine(line: string, commands: readonly Command[]): ParsedLine {
  const trimmed = line.trim();
  const head = /^\/(\S+)\s*([\s\S]*)$/.exec(trimmed);
  if (!head) throw new UserFacingError("console.error.noSlash");
  const name = (head[1] ?? "").toLowerCase();
  let rest = head[2] ?? "";
  const command = chatCommands(commands).find((c) => c.data.name === name);
  if (!command) {
    const known = chatCommands(commands)
      .map((c) => `/${c.data.name}`)
      .join(", ");
    throw new UserFacingError("console.error.unknownCommand", { name, commands: known });
  }
  let subcommand: string | null = null;
  let options = optionsOf(command);
  const subcommands = options.filter((o) => o.type === OptionType.Subcommand);
  if (subcommands.length > 0) {
    const sub = /^(\S+)\s*([\s\S]*)$/.exec(rest);
    const found = subcommands.find((o) => o.name === sub?.[1]?.toLowerCase());
    if (!sub || !found) {
      throw new UserFacingError("console.error.needsSubcommand", {
        name,
        subcommands: subcommands.map((o) => o.name).join(", "),
        example: subcommands[0]?.name ?? "",
      });
    }
    subcommand = found.name;
    rest = sub[2] ?? "";
    options = "options" in found ? (found.options ?? []) : [];
  }
  const valueOptions = options as readonly ValueOption[];
  const where = `/${[name, subcommand].filter(Boolean).join(" ")}`;
  const names = valueOptions.map((o) => o.name);
  const marker = names.length > 0 ? new RegExp(`(^|\\s)(${names.join("|")}):`, "gi") : null;
  const spans: { name: string; start: number; valueStart: number }[] = [];
  for (const match of marker ? rest.matchAll(marker) : []) {
    const start = (match.index ?? 0) + (match[1]?.length ?? 0);
    spans.push({
      name: (match[2] ?? "").toLowerCase(),
      start,
      valueStart: start + (match[2]?.length ?? 0) + 1,
    });
  }
  const parsed = new Map<string, OptionValue>();
  const leading = rest.slice(0, spans[0]?.start ?? rest.length).trim();
  if (leading.length > 0) {
    const stray = /^([\w-]+):/.exec(leading);
    if (stray)
      throw new UserFacingError("console.error.unknownOption", {
        where,
        option: stray[1] ?? "",
        usage: usage(name, subcommand, valueOptions),
      });
    const target = valueOptions.find((o) => o.required && o.type === OptionType.String);
    if (!target)
      throw new UserFacingError("console.error.unexpectedText", {
        where,
        text: leading,
        usage: usage(name, subcommand, valueOptions),
      });
    parsed.set(target.name, checkOption(target, leading, where));
  }
  spans.forEach((span, index) => {
    const option = valueOptions.find((o) => o.name === span.name);
    if (!option) return;
    if (parsed.has(option.name))
      throw new UserFacingError("console.error.twice", { where, option: option.name });
    const raw = rest.slice(span.valueStart, spans[index + 1]?.start ?? rest.length);
    if (raw.trim() === "") throw new UserFacingError("option.error.noValue", { where, option: option.name });
    parsed.set(option.name, checkOption(option, raw, where));
  });
  for (const option of valueOptions) {
    if (option.required && !parsed.has(option.name)) {
      throw new UserFacingError("console.error.required", {
        where,
        option: option.name,
        usage: usage(name, subcommand, valueOptions),
      });
    }
  }
  return { command, subcommand, options: parsed };
}
