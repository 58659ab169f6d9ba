/**
 * The `talks-bot` command line (src/bin.ts runs it): reads the settings and `--lang`, sends each command to its
 * operation (operations.ts), slash command (one-shot.ts) or help (help.ts), and is the CLI's one error edge:
 * a person's mistake is one line on stderr and exit code 1, and secrets are never printed.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import dotenv from "dotenv";
import { machineTimeZone } from "../calendar/timezones.js";
import { type Config, loadConfig } from "../config.js";
import { ConfigError, CorpusError, RefusedError, UsageError, UserFacingError } from "../errors.js";
import { english, type Lang } from "../i18n/index.js";
import { createLogger, type Logger, redactSecrets } from "../logger.js";
import { PROJECT_ROOT } from "../paths.js";
import { databaseSecret } from "../storage/url.js";
import { forTerminal } from "../text/terminal.js";
import { textMarkupFor } from "../views/markup.js";
import { helpFor, helpText } from "./help.js";
import { cliCommands, runSlashCommand } from "./one-shot.js";
import { type Io, OPERATIONS, type Run } from "./operations.js";
import { noArgs, parse, takeLang, wantsHelp } from "./parse.js";

export type { Io } from "./operations.js";

const defaultIo: Io = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr };

function version(): string {
  const pkg = JSON.parse(readFileSync(join(PROJECT_ROOT, "package.json"), "utf8")) as { version: string };
  return pkg.version;
}

/** What must never be printed: the bot token and the database password. */
function secretsOf(env: NodeJS.ProcessEnv): string[] {
  return [env.DISCORD_TOKEN?.trim(), databaseSecret(env.DATABASE_URL?.trim())].filter(
    (secret): secret is string => Boolean(secret),
  );
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
      const { loadCommands } = await import("../runtime/command.js");
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
    const { loadCommands } = await import("../runtime/command.js");
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
