import type { APIApplicationCommandOption } from "discord-api-types/v10";
import type { Command, OptionValue } from "../command.js";
import { OptionType } from "../command-codes.js";
import { UserFacingError } from "../errors.js";

export interface ParsedLine {
  readonly command: Command;
  readonly subcommand: string | null;
  readonly options: Map<string, OptionValue>;
}

type ValueOption = Exclude<
  APIApplicationCommandOption,
  { type: typeof OptionType.Subcommand | typeof OptionType.SubcommandGroup }
>;

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

function coerce(option: ValueOption, raw: string, where: string): OptionValue {
  const value = raw.trim();
  switch (option.type) {
    case OptionType.Integer:
    case OptionType.Number: {
      const n = Number(value);
      const isInt = option.type === OptionType.Integer;
      if (value === "" || !Number.isFinite(n) || (isInt && !Number.isInteger(n))) {
        throw new UserFacingError(isInt ? "console.error.integer" : "console.error.number", {
          where,
          option: option.name,
        });
      }
      if (option.min_value !== undefined && n < option.min_value)
        throw new UserFacingError("console.error.min", { where, option: option.name, min: option.min_value });
      if (option.max_value !== undefined && n > option.max_value)
        throw new UserFacingError("console.error.max", { where, option: option.name, max: option.max_value });
      return n;
    }
    case OptionType.Boolean:
      if (/^(true|yes|on)$/i.test(value)) return true;
      if (/^(false|no|off)$/i.test(value)) return false;
      throw new UserFacingError("console.error.boolean", { where, option: option.name });
    case OptionType.String: {
      if (option.choices && !option.choices.some((c) => c.value === value)) {
        throw new UserFacingError("console.error.choice", {
          where,
          option: option.name,
          choices: option.choices.map((c) => c.value).join(", "),
        });
      }
      if (option.max_length !== undefined && value.length > option.max_length) {
        throw new UserFacingError("console.error.length", {
          where,
          option: option.name,
          length: value.length,
          max: option.max_length,
        });
      }
      return value;
    }
    default:
      return value;
  }
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
    parsed.set(target.name, coerce(target, leading, where));
  }
  spans.forEach((span, index) => {
    const option = valueOptions.find((o) => o.name === span.name);
    if (!option) return;
    if (parsed.has(option.name))
      throw new UserFacingError("console.error.twice", { where, option: option.name });
    const raw = rest.slice(span.valueStart, spans[index + 1]?.start ?? rest.length);
    if (raw.trim() === "") throw new UserFacingError("console.error.noValue", { where, option: option.name });
    parsed.set(option.name, coerce(option, raw, where));
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
