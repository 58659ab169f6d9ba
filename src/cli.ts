import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import { type ParseArgsConfig, parseArgs } from "node:util";
import dotenv from "dotenv";
import { createContext } from "./app.js";
import type { BotContext } from "./command.js";
import { type Config, loadConfig } from "./config.js";
import { renderText } from "./console/render.js";
import { runConsole } from "./console/repl.js";
import { loadCorpus } from "./corpus/load.js";
import { validateTimeZone } from "./countdown.js";
import { ConfigError, CorpusError, UserFacingError } from "./errors.js";
import { createLogger, type Logger, redactSecrets } from "./logger.js";
import { PROJECT_ROOT } from "./paths.js";
import { countdownFor } from "./reminders/post.js";
import type { Answer } from "./search/engine.js";
import type { CopyReport } from "./storage/backup.js";
import { askView } from "./views/ask.js";
import { countdownView } from "./views/countdown.js";
import { textMarkup } from "./views/markup.js";
import { quoteView, unknownSpeakerText } from "./views/quote.js";
import { statusView } from "./views/status.js";

const HELP = `talks-bot: answers about the Israel–Hamas ceasefire and hostage talks, from the coverage, with citations.

Usage:
  talks-bot [start]                 Run the Discord bot when DISCORD_TOKEN is set, else the local console
  talks-bot console                 Type slash commands as in Discord (/ask, /quote, /status, /countdown, /help)
  talks-bot ask "question" [--json] Answer one question; with --json and no question, one question per stdin line
  talks-bot quote [--speaker X] [--topic Y] [--json]
  talks-bot status [--json]
  talks-bot countdown [--tz Zone] [--json]
  talks-bot validate-corpus         Check every corpus file (also: npm run validate:corpus)
  talks-bot backup FILE [--force]   Copy the database (reminders, feedback) safely, even while the bot runs
  talks-bot restore FILE [--force]  Replace the database with a backup (the bot must be stopped)
  talks-bot deploy-commands [--clear]  Register the slash commands with Discord (also: npm run deploy:commands);
                                    --clear empties the DISCORD_GUILD_ID server's list
  talks-bot invite                  Print the link that adds the bot to a server
  talks-bot help | --help | --version

Settings come from the environment or a .env file: see .env.example.
`;

interface Io {
  readonly stdin: Readable & { isTTY?: boolean };
  readonly stdout: Writable;
  readonly stderr: Writable;
}

const defaultIo: Io = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr };

function version(): string {
  const pkg = JSON.parse(readFileSync(join(PROJECT_ROOT, "package.json"), "utf8")) as {
    version: string;
  };
  return pkg.version;
}

/**
 * `{question, answer, confidence, passages}`: the CLI's JSON contract for one answer. `answer` is null only
 * when `confidence` is "none" (then `passages` is empty too).
 */
export function answerJson(answer: Answer) {
  return {
    question: answer.question,
    answer: answer.answer,
    confidence: answer.confidence,
    passages: answer.passages
      .slice(0, 5)
      .map((p) => ({ article: p.articleId, paragraph: p.paragraph, text: p.text, score: p.score })),
  };
}

function parse(args: string[], options: NonNullable<ParseArgsConfig["options"]>, allowPositionals: boolean) {
  try {
    return parseArgs({ args, options, allowPositionals, strict: true });
  } catch (error) {
    throw new UserFacingError(
      `${(error as Error).message.replace(/\. To specify a positional argument.*$/, "")}. See talks-bot --help.`,
    );
  }
}

async function askCommand(args: string[], ctx: BotContext, io: Io): Promise<number> {
  const { values, positionals } = parse(args, { json: { type: "boolean" } }, true);
  const json = values.json === true;
  if (positionals.length === 0) {
    if (!json)
      throw new UserFacingError(
        'ask needs a question, e.g. talks-bot ask "who is mediating?" (or --json to read questions from stdin).',
      );
    let failures = 0;
    const lines = createInterface({ input: io.stdin, terminal: false, crlfDelay: Number.POSITIVE_INFINITY });
    for await (const line of lines) {
      if (line.trim() === "") continue;
      try {
        io.stdout.write(`${JSON.stringify(answerJson(ctx.engine.ask(line)))}\n`);
      } catch (error) {
        if (!(error instanceof UserFacingError)) throw error;
        failures++;
        io.stdout.write(
          `${JSON.stringify({ question: line, answer: null, confidence: "none", passages: [], error: error.message })}\n`,
        );
      }
    }
    return failures > 0 ? 1 : 0;
  }
  const answer = ctx.engine.ask(positionals.join(" "));
  io.stdout.write(
    json ? `${JSON.stringify(answerJson(answer))}\n` : renderText(askView(ctx.corpus, answer, textMarkup)),
  );
  return 0;
}

async function quoteCommand(args: string[], ctx: BotContext, io: Io): Promise<number> {
  const { values } = parse(
    args,
    { speaker: { type: "string" }, topic: { type: "string" }, json: { type: "boolean" } },
    false,
  );
  const speaker =
    typeof values.speaker === "string" && values.speaker.trim() ? values.speaker.trim() : undefined;
  const topic = typeof values.topic === "string" && values.topic.trim() ? values.topic.trim() : undefined;
  const match = ctx.quotes.find({ ...(speaker ? { speaker } : {}), ...(topic ? { topic } : {}) });
  if (values.json === true) {
    const quotes = match.status === "found" ? match.quotes : [];
    io.stdout.write(
      `${JSON.stringify({
        status: match.status,
        ...(match.status === "unknown-speaker" ? { didYouMean: match.didYouMean.map((s) => s.label) } : {}),
        quotes: quotes.map((q) => ({
          speaker: q.speaker.name,
          role: q.speaker.role,
          label: q.speaker.label,
          text: q.text,
          kind: q.kind,
          article: q.articleId,
          paragraph: q.paragraph,
        })),
      })}\n`,
    );
  } else {
    if (match.status === "unknown-speaker") throw new UserFacingError(unknownSpeakerText(match, textMarkup));
    io.stdout.write(renderText(quoteView(ctx.corpus, match, { speaker, topic }, textMarkup)));
  }
  return match.status === "unknown-speaker" ? 1 : 0;
}

function statusCommand(args: string[], ctx: BotContext, io: Io): number {
  const { values } = parse(args, { json: { type: "boolean" } }, false);
  const card = ctx.corpus.statusCards[0];
  if (values.json === true) {
    io.stdout.write(
      `${JSON.stringify({
        asOf: card?.asOf ?? null,
        sections: (card?.sections ?? []).map((s) => ({
          heading: s.heading,
          points: s.points.map((p) => ({
            text: p.text,
            evidence: p.evidence,
            article: p.cite.articleId,
            paragraphs: p.cite.paragraphs,
          })),
        })),
      })}\n`,
    );
  } else {
    io.stdout.write(renderText(statusView(ctx.corpus, textMarkup)));
  }
  return 0;
}

function countdownCommand(args: string[], ctx: BotContext, io: Io): number {
  const { values } = parse(args, { tz: { type: "string" }, json: { type: "boolean" } }, false);
  const timeZone = validateTimeZone(typeof values.tz === "string" ? values.tz : ctx.config.defaultTimeZone);
  const result = countdownFor(ctx, ctx.now(), timeZone, null);
  io.stdout.write(
    values.json === true
      ? `${JSON.stringify({ ...result, timeZone })}\n`
      : renderText(countdownView(ctx.corpus, result, timeZone, textMarkup)),
  );
  return 0;
}

async function startCommand(config: Config, logger: Logger, io: Io): Promise<number> {
  if (config.discord.token) {
    const { runBot } = await import("./discord/bot.js");
    return runBot(loadConfig(process.env, { requireDiscord: true }), logger);
  }
  const ctx = await createContext({ config, logger });
  const interactive = io.stdin.isTTY === true;
  io.stderr.write(
    "talks-bot console (no DISCORD_TOKEN set: to connect to Discord, copy .env.example to .env and fill it in; see README).\n",
  );
  return runConsole(ctx, { input: io.stdin, output: io.stdout, error: io.stderr, interactive });
}

function describeCopy(report: CopyReport): string {
  const rows = Object.entries(report.rows)
    .map(([table, n]) => `${table} ${n}`)
    .join(", ");
  return `${(report.bytes / 1024).toFixed(1)} KiB, integrity ok; rows: ${rows}`;
}

/** A checked online copy of the database; see src/storage/backup.ts for what it refuses. */
async function backupCommand(args: string[], config: Config, io: Io): Promise<number> {
  const { positionals, values } = parse(args, { force: { type: "boolean" } }, true);
  const [target, ...extra] = positionals;
  if (!target || extra.length > 0)
    throw new UserFacingError("backup needs one file to write, e.g. talks-bot backup data/backup.db");
  const { backupDatabase } = await import("./storage/backup.js");
  const report = backupDatabase(config.databasePath, target, { force: values.force === true });
  io.stdout.write(`Backed up ${config.databasePath} to ${report.path}: ${describeCopy(report)}\n`);
  return 0;
}

/** Replaces the database with a backup, keeping the old one; refuses while the bot runs. */
async function restoreCommand(args: string[], config: Config, io: Io): Promise<number> {
  const { positionals, values } = parse(args, { force: { type: "boolean" } }, true);
  const [from, ...extra] = positionals;
  if (!from || extra.length > 0)
    throw new UserFacingError(
      "restore needs the backup file to restore, e.g. talks-bot restore data/backup.db",
    );
  const { restoreDatabase } = await import("./storage/backup.js");
  const report = restoreDatabase(config.databasePath, from, {
    force: values.force === true,
    now: Date.now(),
  });
  io.stdout.write(
    `Restored ${config.databasePath} from ${resolve(from)}: ${describeCopy(report)}; the previous database is kept as ${config.databasePath}.before-restore\n`,
  );
  return 0;
}

/** Runs the CLI; returns the exit code. Errors people cause print one clear line to stderr and give 1. */
export async function main(argv: string[], io: Io = defaultIo): Promise<number> {
  dotenv.config({ quiet: true });
  const [command = "start", ...args] = argv;
  try {
    // Commands that take no options still reject unknown ones instead of ignoring them.
    if (
      [
        "help",
        "--help",
        "-h",
        "--version",
        "-v",
        "validate-corpus",
        "deploy-commands",
        "invite",
        "start",
      ].includes(command)
    ) {
      parse(args, {}, false);
    }
    if (command === "help" || command === "--help" || command === "-h") {
      io.stdout.write(HELP);
      return 0;
    }
    if (command === "--version" || command === "-v") {
      io.stdout.write(`${version()}\n`);
      return 0;
    }
    if (command === "validate-corpus") {
      const corpus = loadCorpus(loadConfig(process.env).corpusDir);
      const paragraphs = corpus.articles.reduce((n, a) => n + a.paragraphs.length, 0);
      io.stdout.write(
        `corpus: ok: ${corpus.articles.length} article(s), ${paragraphs} paragraphs, ${corpus.statusCards.length} status card(s), ${corpus.aliases.entries.size} aliases, ${corpus.suggestedQuestions.length} suggested questions\n`,
      );
      return 0;
    }
    const config = loadConfig(process.env);
    const logger = createLogger({
      level: config.logLevel,
      secrets: config.discord.token ? [config.discord.token] : [],
    });
    if (command === "deploy-commands") {
      const { deployCommands } = await import("./discord/deploy.js");
      const { values } = parse(args, { clear: { type: "boolean" } }, false);
      return await deployCommands(loadConfig(process.env, { requireDiscord: true }), io.stdout, {
        clear: values.clear === true,
      });
    }
    if (command === "invite") {
      const { inviteUrl } = await import("./discord/deploy.js");
      const { clientId } = config.discord;
      if (!clientId)
        throw new ConfigError([
          "DISCORD_CLIENT_ID is required to build the invite link (the application id)",
        ]);
      io.stdout.write(`${inviteUrl(clientId)}\n`);
      return 0;
    }
    if (command === "start") return await startCommand(config, logger, io);
    if (command === "backup") return await backupCommand(args, config, io);
    if (command === "restore") return await restoreCommand(args, config, io);
    const known = ["ask", "quote", "status", "countdown", "console"];
    if (!known.includes(command))
      throw new UserFacingError(`unknown command '${command}'. See talks-bot --help.`);
    const ctx = await createContext({ config, logger });
    switch (command) {
      case "ask":
        return await askCommand(args, ctx, io);
      case "quote":
        return await quoteCommand(args, ctx, io);
      case "status":
        return statusCommand(args, ctx, io);
      case "countdown":
        return countdownCommand(args, ctx, io);
      default:
        parse(args, {}, false);
        return await runConsole(ctx, {
          input: io.stdin,
          output: io.stdout,
          error: io.stderr,
          interactive: io.stdin.isTTY === true,
        });
    }
  } catch (error) {
    if (error instanceof UserFacingError || error instanceof CorpusError || error instanceof ConfigError) {
      io.stderr.write(`talks-bot: ${error.message}\n`);
      return 1;
    }
    if (error instanceof Error && error.name === "AlreadyRunningError") {
      io.stderr.write(`talks-bot: ${error.message}\n`);
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
    io.stderr.write(`talks-bot: ${redactSecrets(text.split("\n")[0] ?? "", tokenOf())}\n`);
    if (/^(debug|trace)$/.test(process.env.LOG_LEVEL ?? "") && error instanceof Error && error.stack) {
      io.stderr.write(`${redactSecrets(error.stack, tokenOf())}\n`);
    }
    return 1;
  }
}

function tokenOf(): string[] {
  const token = process.env.DISCORD_TOKEN?.trim();
  return token ? [token] : [];
}
