/**
 * Reading the command line: node's parseArgs with the CLI's own messages, `--help` wherever it is, and the
 * reply language (`--lang`), which every command takes.
 */
import { type ParseArgsConfig, parseArgs } from "node:util";
import { UsageError } from "../errors.js";
import { english, type Lang, LOCALES, langFor, supportedLocale } from "../i18n/index.js";

/** parseArgs' option definitions. */
export type Options = NonNullable<ParseArgsConfig["options"]>;

/** parseArgs, strict; a mistake is a UsageError naming the command and its help. */
export function parse(command: string, args: string[], options: Options, allowPositionals: boolean) {
  try {
    return parseArgs({ args, options, allowPositionals, strict: true });
  } catch (error) {
    const help = command.startsWith("-") || command === "help" ? "--help" : `${command} --help`;
    throw new UsageError(
      `${command}: ${(error as Error).message.replace(/\. To specify a positional argument.*$/, "")}. See talks-bot ${help}.`,
    );
  }
}

/** Refuses any argument: for commands that take none. */
export function noArgs(name: string, args: string[]): void {
  parse(name, args, {}, false);
}

/** True when the arguments ask for help (`--help` or `-h` before any `--`). */
export function wantsHelp(args: readonly string[]): boolean {
  const end = args.indexOf("--");
  return (end < 0 ? args : args.slice(0, end)).some((arg) => arg === "--help" || arg === "-h");
}

/**
 * The reply language: `--lang X` (or `--lang=X`) anywhere in the arguments, else TALKS_BOT_LANG, else
 * English; returns the arguments without it.
 */
export function takeLang(argv: readonly string[], env: NodeJS.ProcessEnv): { lang: Lang; argv: string[] } {
  const rest: string[] = [];
  let wanted = env.TALKS_BOT_LANG?.trim() || undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    if (arg === "--") {
      rest.push(...argv.slice(i));
      break;
    }
    const inline = /^--lang=(.*)$/.exec(arg);
    if (inline || arg === "--lang") {
      wanted = inline ? inline[1] : argv[++i];
      if (!wanted) throw new UsageError("--lang needs a language, e.g. --lang ar");
      continue;
    }
    rest.push(arg);
  }
  if (wanted === undefined) return { lang: english(), argv: rest };
  const code = supportedLocale(wanted);
  if (!code) {
    throw new UsageError(
      english().t("cli.error.unknownLanguage", {
        value: wanted,
        languages: LOCALES.map((l) => l.code).join(", "),
      }),
    );
  }
  return { lang: langFor(code), argv: rest };
}
