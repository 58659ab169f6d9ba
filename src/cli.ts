import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import { type ParseArgsConfig, parseArgs } from "node:util";
import dotenv from "dotenv";
import { machineTimeZone } from "./calendar/timezones.js";
import { type Config, loadConfig } from "./config.js";
import { renderText } from "./console/render.js";
import { runConsole } from "./console/repl.js";
import { ConfigError, CorpusError, RefusedError, UsageError, UserFacingError } from "./errors.js";
import { english, type Lang, LOCALES, langFor, supportedLocale } from "./i18n/index.js";
import { createLogger, type Logger, redactSecrets } from "./logger.js";
import { DEFAULT_CORPUS_DIR, PROJECT_ROOT } from "./paths.js";
import {
  type BotContext,
  type Command,
  checkOption,
  createInvocation,
  type OptionValue,
  type ValueOption,
} from "./runtime/command.js";
import { OptionType } from "./runtime/command-codes.js";
import { createContext } from "./runtime/context.js";
import type { CopyReport } from "./storage/backup.js";
import { databaseSecret, describePostgresUrl } from "./storage/url.js";
import { forTerminal } from "./text/terminal.js";
import { textMarkupFor } from "./views/markup.js";

/** Where the CLI reads and writes, and the environment it reads settings from (tests pass their own). */
export interface Io {
  readonly stdin: Readable & { isTTY?: boolean };
  readonly stdout: Writable;
  readonly stderr: Writable;
  /** Settings; `.env` in `cwd` adds to them without overriding. Default: `process.env`. */
  readonly env?: NodeJS.ProcessEnv;
  /** Where `.env` and relative paths are read from. Default: the process's working directory. */
  readonly cwd?: string;
}

const defaultIo: Io = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr };

type Options = NonNullable<ParseArgsConfig["options"]>;

function version(): string {
  const pkg = JSON.parse(readFileSync(join(PROJECT_ROOT, "package.json"), "utf8")) as { version: string };
  return pkg.version;
}

function parse(command: string, args: string[], options: Options, allowPositionals: boolean) {
  try {
    return parseArgs({ args, options, allowPositionals, strict: true });
  } catch (error) {
    const help = command.startsWith("-") || command === "help" ? "--help" : `${command} --help`;
    throw new UsageError(
      `${command}: ${(error as Error).message.replace(/\. To specify a positional argument.*$/, "")}. See talks-bot ${help}.`,
    );
  }
}

/** What a CLI operation gets: its arguments, the settings, and the streams. */
interface Run {
  readonly args: string[];
  readonly env: NodeJS.ProcessEnv;
  readonly io: Io;
  readonly config: () => Config;
  readonly logger: () => Logger;
  /** The language replies are written in: `--lang`, else TALKS_BOT_LANG, else English. */
  readonly lang: Lang;
}

/** A CLI command that is not a slash command: running the bot, and the operator's tools. */
interface Operation {
  readonly usage: string;
  readonly summary: string;
  /** The whole `talks-bot NAME --help`, when the usage line and the summary are not enough. */
  help?(): Promise<string>;
  run(run: Run): Promise<number>;
}

function noArgs(name: string, args: string[]): void {
  parse(name, args, {}, false);
}

async function contextFor(run: Run): Promise<BotContext> {
  return createContext({ config: run.config(), logger: run.logger() });
}

function describeCopy(report: CopyReport): string {
  const rows = Object.entries(report.rows)
    .map(([table, n]) => `${table} ${n}`)
    .join(", ");
  return `${(report.bytes / 1024).toFixed(1)} KiB, integrity ok; rows: ${rows}`;
}

/** What must never be printed: the bot token and the database password. */
function secretsOf(env: NodeJS.ProcessEnv): string[] {
  return [env.DISCORD_TOKEN?.trim(), databaseSecret(env.DATABASE_URL?.trim())].filter(
    (secret): secret is string => Boolean(secret),
  );
}

/** backup and restore copy the SQLite file; a PostgreSQL database has its own tools. */
function sqliteOnly(command: "backup" | "restore", config: Config): Config {
  if (!config.databaseUrl) return config;
  throw new UsageError(
    `${command}: the database is ${describePostgresUrl(config.databaseUrl)}: use ${command === "backup" ? "pg_dump --format=custom --file=talks-bot.dump" : "pg_restore --clean --dbname"} "$DATABASE_URL"${command === "backup" ? "" : " talks-bot.dump"} instead`,
  );
}

const OPERATIONS: Readonly<Record<string, Operation>> = {
  start: {
    usage: "[start]",
    summary: "Run the Discord bot when DISCORD_TOKEN is set, else the local console",
    async run(run) {
      noArgs("start", run.args);
      // A token set at all means Discord: check it with everything Discord needs, so every problem is listed
      // in one pass (a malformed token and a missing DISCORD_CLIENT_ID together), not one per restart.
      if (run.env.DISCORD_TOKEN?.trim()) {
        const config = loadConfig(run.env, { requireDiscord: true, cwd: run.io.cwd });
        const { runBot } = await import("./discord/bot.js");
        return runBot(config, run.logger());
      }
      run.config();
      run.io.stderr.write(
        "talks-bot console (no DISCORD_TOKEN set: to connect to Discord, copy .env.example to .env and fill it in; see README).\n",
      );
      return consoleWith(run, await contextFor(run));
    },
  },
  console: {
    usage: "console",
    summary: "Type slash commands as in Discord (/ask, /quote, /status, /countdown, /help)",
    async run(run) {
      noArgs("console", run.args);
      return consoleWith(run, await contextFor(run));
    },
  },
  "validate-corpus": {
    usage: "validate-corpus",
    summary: "Check every corpus file (also: npm run validate:corpus)",
    async run(run) {
      noArgs("validate-corpus", run.args);
      // The files themselves, never the cache: then the cache is made to hold what was validated.
      const { loadCorpus } = await import("./corpus/load.js");
      const { refreshCorpusCache } = await import("./corpus/cache.js");
      const { corpusDir, cacheDir } = run.config();
      const folder = corpusDir ?? DEFAULT_CORPUS_DIR;
      const corpus = loadCorpus(folder);
      const paragraphs = corpus.articles.reduce((n, a) => n + a.paragraphs.length, 0);
      run.io.stdout.write(
        `corpus: ok: ${corpus.articles.length} article(s), ${paragraphs} paragraphs, ${corpus.statusCards.length} status card(s), ${corpus.aliases.entries.size} aliases, ${corpus.suggestedQuestions.length} suggested questions\n`,
      );
      const cache = refreshCorpusCache(folder, corpus, cacheDir ? { cacheDir } : {});
      const said: Record<typeof cache.state, string> = {
        current: "up to date",
        created: "written",
        stale: "rebuilt (the files changed since it was written)",
        mismatch: "rebuilt: the stored copy did not match these files or its own hash (edited or damaged)",
        unwritable: "not written (the folder cannot be written): the bot reads the files at every start",
      };
      run.io.stdout.write(`corpus cache: ${cache.path}: ${said[cache.state]}\n`);
      return 0;
    },
  },
  add: {
    usage: "add FILE|URL [--published DATE] [--dry-run]",
    summary: "Add a news report (a web page, .html, .md or .txt) to the corpus; add --help for every option",
    help: async () => (await import("./ingest/help.js")).ADD_HELP,
    async run(run) {
      // The page parsers load here, never for the other commands.
      const { ADD_OPTIONS, addRequestFrom } = await import("./ingest/request.js");
      const request = addRequestFrom(
        parse("add", run.args, ADD_OPTIONS, true),
        run.io.cwd ?? process.cwd(),
        () => run.config().corpusDir ?? DEFAULT_CORPUS_DIR,
      );
      const { addReport } = await import("./ingest/add.js");
      const { describeAddition } = await import("./ingest/report.js");
      run.io.stdout.write(forTerminal(describeAddition(await addReport(request))));
      return 0;
    },
  },
  backup: {
    usage: "backup FILE [--force]",
    summary: "Copy the database (reminders, feedback) safely, even while the bot runs",
    async run(run) {
      const { positionals, values } = parse("backup", run.args, { force: { type: "boolean" } }, true);
      const [target, ...extra] = positionals;
      if (!target || extra.length > 0)
        throw new UsageError("backup needs one file to write, e.g. talks-bot backup data/backup.db");
      const { databasePath } = sqliteOnly("backup", run.config());
      const { backupDatabase } = await import("./storage/backup.js");
      const report = backupDatabase(databasePath, resolve(run.io.cwd ?? ".", target), {
        force: values.force === true,
      });
      run.io.stdout.write(`Backed up ${databasePath} to ${report.path}: ${describeCopy(report)}\n`);
      return 0;
    },
  },
  restore: {
    usage: "restore FILE [--force]",
    summary: "Replace the database with a backup (the bot must be stopped)",
    async run(run) {
      const { positionals, values } = parse("restore", run.args, { force: { type: "boolean" } }, true);
      const [from, ...extra] = positionals;
      if (!from || extra.length > 0)
        throw new UsageError(
          "restore needs the backup file to restore, e.g. talks-bot restore data/backup.db",
        );
      const { databasePath } = sqliteOnly("restore", run.config());
      const { restoreDatabase } = await import("./storage/backup.js");
      const source = resolve(run.io.cwd ?? ".", from);
      const report = restoreDatabase(databasePath, source, { force: values.force === true });
      run.io.stdout.write(
        `Restored ${databasePath} from ${source}: ${describeCopy(report)}; the previous database is kept as ${databasePath}.before-restore\n`,
      );
      return 0;
    },
  },
  migrate: {
    usage: "migrate [--from sqlite:FILE]",
    summary:
      "Bring the database's schema up to date; --from copies a SQLite database into the PostgreSQL one of DATABASE_URL",
    async run(run) {
      const { values } = parse("migrate", run.args, { from: { type: "string" } }, false);
      const config = run.config();
      if (values.from !== undefined) {
        const match = /^sqlite:(.+)$/.exec(String(values.from));
        if (!match?.[1])
          throw new UsageError("migrate: --from takes sqlite:FILE, e.g. --from sqlite:data/talks-bot.db");
        if (!config.databaseUrl)
          throw new UsageError(
            "migrate: --from copies into PostgreSQL: set DATABASE_URL to the database to copy into",
          );
        const { copyFromSqlite } = await import("./storage/migrate.js");
        const report = await copyFromSqlite(resolve(run.io.cwd ?? ".", match[1]), config.databaseUrl);
        run.io.stdout.write(
          `Copied ${report.source} into ${report.target}: reminders ${report.rows.reminders}, posts ${report.rows.posts}, feedback votes ${report.rows.feedbackVotes} (rows already there now match the source)\n`,
        );
        if (report.liveHolder) {
          run.io.stderr.write(
            `talks-bot: note: a bot (${report.liveHolder}) still holds ${report.source}; stop it and run this again to copy what it writes meanwhile\n`,
          );
        }
        return 0;
      }
      const { migrateDatabase } = await import("./storage/migrate.js");
      const report = await migrateDatabase(config);
      run.io.stdout.write(
        report.from === report.to
          ? `${report.location} is up to date (schema version ${report.to})\n`
          : `Migrated ${report.location} from schema version ${report.from} to ${report.to}\n`,
      );
      return 0;
    },
  },
  "deploy-commands": {
    usage: "deploy-commands [--clear]",
    summary:
      "Register the slash commands with Discord (also: npm run deploy:commands); --clear empties the DISCORD_GUILD_ID server's list",
    async run(run) {
      const { values } = parse("deploy-commands", run.args, { clear: { type: "boolean" } }, false);
      const { deployCommands } = await import("./discord/deploy.js");
      return deployCommands(loadConfig(run.env, { requireDiscord: true, cwd: run.io.cwd }), run.io.stdout, {
        clear: values.clear === true,
      });
    },
  },
  invite: {
    usage: "invite",
    summary: "Print the link that adds the bot to a server",
    async run(run) {
      noArgs("invite", run.args);
      const { clientId } = run.config().discord;
      if (!clientId)
        throw new ConfigError([
          "DISCORD_CLIENT_ID is required to build the invite link (the application id)",
        ]);
      const { inviteUrl } = await import("./discord/deploy.js");
      run.io.stdout.write(`${inviteUrl(clientId)}\n`);
      return 0;
    },
  },
};

function consoleWith(run: Run, ctx: BotContext): Promise<number> {
  return runConsole(ctx, {
    input: run.io.stdin,
    output: run.io.stdout,
    error: run.io.stderr,
    interactive: run.io.stdin.isTTY === true,
    lang: run.lang,
  });
}

/** Slash commands the CLI offers, with their `cli` spec. */
function cliCommands(commands: readonly Command[]): (Command & { cli: NonNullable<Command["cli"]> })[] {
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
function flagsOf(command: Command): { options: Options; definitions: Map<string, ValueOption> } {
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
async function runSlashCommand(
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
      surface: "cli",
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

/** True when the arguments ask for help (`--help` or `-h` before any `--`). */
function wantsHelp(args: readonly string[]): boolean {
  const end = args.indexOf("--");
  return (end < 0 ? args : args.slice(0, end)).some((arg) => arg === "--help" || arg === "-h");
}

/** Help for `name`: an operation or a slash command the CLI offers; a UsageError for anything else. */
async function helpFor(name: string): Promise<string> {
  const operation = OPERATIONS[name];
  if (operation) return operation.help ? operation.help() : operationHelp(operation);
  const { loadCommands } = await import("./runtime/command.js");
  const slash = cliCommands(await loadCommands()).find((c) => c.data.name === name);
  if (!slash) throw new UsageError(`unknown command '${name}'. See talks-bot --help.`);
  return commandHelp(slash);
}

/**
 * The reply language: `--lang X` (or `--lang=X`) anywhere in the arguments, else TALKS_BOT_LANG, else
 * English; returns the arguments without it.
 */
function takeLang(argv: readonly string[], env: NodeJS.ProcessEnv): { lang: Lang; argv: string[] } {
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

/** Runs the CLI; returns the exit code. Errors people cause print one clear line to stderr and give 1. */
export async function main(argvIn: string[], io: Io = defaultIo): Promise<number> {
  let argv = argvIn;
  const env: NodeJS.ProcessEnv = { ...(io.env ?? process.env) };
  // .env adds settings without overriding the environment; it is read into this copy, never process.env.
  dotenv.config({
    quiet: true,
    processEnv: env as Record<string, string>,
    path: join(io.cwd ?? process.cwd(), ".env"),
  });
  let config: Config | undefined;
  let logger: Logger | undefined;
  let lang: Lang | undefined;
  try {
    const chosen = takeLang(argv, env);
    lang = chosen.lang;
    argv = chosen.argv;
  } catch (error) {
    io.stderr.write(`talks-bot: ${(error as Error).message}\n`);
    return 1;
  }
  const [command = "start", ...args] = argv;
  const run: Run = {
    args,
    env,
    io,
    lang,
    config: () => {
      // The console and the CLI run on the person's machine: its zone is theirs, unless DEFAULT_TIMEZONE says.
      config ??= loadConfig(env, { cwd: io.cwd, timeZoneFallback: machineTimeZone(env) });
      return config;
    },
    logger: () => {
      logger ??= createLogger({
        level: run.config().logLevel,
        secrets: secretsOf(run.env),
        write: (line) => io.stderr.write(line),
      });
      return logger;
    },
  };
  try {
    if (command === "help" || command === "--help" || command === "-h") {
      const { positionals } = parse(command, args, {}, command === "help");
      const [topic, ...extra] = positionals;
      if (extra.length > 0) throw new UsageError("help takes one command, e.g. talks-bot help ask");
      if (topic) {
        io.stdout.write(await helpFor(topic));
        return 0;
      }
      const { loadCommands } = await import("./runtime/command.js");
      io.stdout.write(helpText(await loadCommands()));
      return 0;
    }
    if (command !== "--version" && command !== "-v" && wantsHelp(args)) {
      io.stdout.write(await helpFor(command));
      return 0;
    }
    if (command === "--version" || command === "-v") {
      noArgs(command, args);
      io.stdout.write(`${version()}\n`);
      return 0;
    }
    const operation = OPERATIONS[command];
    if (operation) return await operation.run(run);
    const { loadCommands } = await import("./runtime/command.js");
    const slash = cliCommands(await loadCommands()).find((c) => c.data.name === command);
    if (!slash) throw new UsageError(`unknown command '${command}'. See talks-bot --help.`);
    return await runSlashCommand(slash, run);
  } catch (error) {
    const secrets = secretsOf(env);
    if (error instanceof UserFacingError) {
      io.stderr.write(
        `talks-bot: ${forTerminal(redactSecrets(error.textIn(lang ?? english(), textMarkupFor(lang ?? english()).escape), secrets))}\n`,
      );
      return 1;
    }
    if (
      error instanceof UsageError ||
      error instanceof CorpusError ||
      error instanceof RefusedError ||
      error instanceof ConfigError ||
      (error instanceof Error && error.name === "AlreadyRunningError")
    ) {
      io.stderr.write(`talks-bot: ${forTerminal(redactSecrets(error.message, secrets))}\n`);
      return 1;
    }
    if (
      error instanceof Error &&
      "code" in error &&
      (error.code === "TokenInvalid" || error.code === "DisallowedIntents")
    ) {
      io.stderr.write(`talks-bot: Discord refused to log in (${error.code}): ${error.message}\n`);
      return 1;
    }
    // Anything else (an unwritable database, Discord refusing a deploy, a bug) still gets one clear line;
    // the stack only with LOG_LEVEL=debug, and secrets never.
    const text = error instanceof Error ? error.message : String(error);
    io.stderr.write(`talks-bot: ${forTerminal(redactSecrets(text.split("\n")[0] ?? "", secrets))}\n`);
    if (/^(debug|trace)$/.test(env.LOG_LEVEL ?? "") && error instanceof Error && error.stack) {
      io.stderr.write(`${forTerminal(redactSecrets(error.stack, secrets))}\n`);
    }
    return 1;
  }
}
