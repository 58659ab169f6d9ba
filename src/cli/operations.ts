/**
 * The CLI's own commands, which are not slash commands: running the bot or the console, and the operator's tools
 * (validate-corpus, add, backup, restore, migrate, deploy-commands, invite).
 */
import { resolve } from "node:path";
import type { Readable, Writable } from "node:stream";
import { type Config, loadConfig } from "../config.js";
import { runConsole } from "../console/repl.js";
import { ConfigError, UsageError } from "../errors.js";
import type { Lang } from "../i18n/index.js";
import type { Logger } from "../logger.js";
import { DEFAULT_CORPUS_DIR } from "../paths.js";
import type { BotContext } from "../runtime/command.js";
import { createContext } from "../runtime/context.js";
import type { CopyReport } from "../storage/backup.js";
import { describePostgresUrl } from "../storage/url.js";
import { forTerminal } from "../text/terminal.js";
import { noArgs, parse } from "./parse.js";

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

/** What a CLI operation gets: its arguments, the settings, and the streams. */
export interface Run {
  readonly args: string[];
  readonly env: NodeJS.ProcessEnv;
  readonly io: Io;
  readonly config: () => Config;
  readonly logger: () => Logger;
  /** The language replies are written in: `--lang`, else TALKS_BOT_LANG, else English. */
  readonly lang: Lang;
}

/** A CLI command that is not a slash command: running the bot, and the operator's tools. */
export interface Operation {
  readonly usage: string;
  readonly summary: string;
  /** The whole `talks-bot NAME --help`, when the usage line and the summary are not enough. */
  help?(): Promise<string>;
  run(run: Run): Promise<number>;
}

/** The context commands run with, built from the run's settings. */
export async function contextFor(run: Run): Promise<BotContext> {
  return createContext({ config: run.config(), logger: run.logger() });
}

function describeCopy(report: CopyReport): string {
  const rows = Object.entries(report.rows)
    .map(([table, n]) => `${table} ${n}`)
    .join(", ");
  return `${(report.bytes / 1024).toFixed(1)} KiB, integrity ok; rows: ${rows}`;
}

/** backup and restore copy the SQLite file; a PostgreSQL database has its own tools. */
function sqliteOnly(command: "backup" | "restore", config: Config): Config {
  if (!config.databaseUrl) return config;
  throw new UsageError(
    `${command}: the database is ${describePostgresUrl(config.databaseUrl)}: use ${command === "backup" ? "pg_dump --format=custom --file=talks-bot.dump" : "pg_restore --clean --dbname"} "$DATABASE_URL"${command === "backup" ? "" : " talks-bot.dump"} instead`,
  );
}

/** The operations by name, in the order help lists them. */
export const OPERATIONS: Readonly<Record<string, Operation>> = {
  start: {
    usage: "[start]",
    summary: "Run the Discord bot when DISCORD_TOKEN is set, else the local console",
    async run(run) {
      noArgs("start", run.args);
      // A token set at all means Discord: check it with everything Discord needs, so every problem is listed
      // in one pass (a malformed token and a missing DISCORD_CLIENT_ID together), not one per restart.
      if (run.env.DISCORD_TOKEN?.trim()) {
        const config = loadConfig(run.env, { requireDiscord: true, cwd: run.io.cwd });
        const { runBot } = await import("../discord/bot.js");
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
    summary: "Type slash commands as in Discord (/ask, /quote, /status, /sources, /countdown, /help)",
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
      const { loadCorpus } = await import("../corpus/load.js");
      const { refreshCorpusCache } = await import("../corpus/cache.js");
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
    help: async () => (await import("../ingest/help.js")).ADD_HELP,
    async run(run) {
      // The page parsers load here, never for the other commands.
      const { ADD_OPTIONS, addRequestFrom } = await import("../ingest/request.js");
      const request = addRequestFrom(
        parse("add", run.args, ADD_OPTIONS, true),
        run.io.cwd ?? process.cwd(),
        () => run.config().corpusDir ?? DEFAULT_CORPUS_DIR,
      );
      const { addReport } = await import("../ingest/add.js");
      const { describeAddition } = await import("../ingest/report.js");
      run.io.stdout.write(forTerminal(describeAddition(await addReport(request))));
      return 0;
    },
  },
  reload: {
    usage: "reload",
    summary:
      "Make this host's running bot processes reload the corpus folder now (they also do on every change to it); --help says how they are found",
    help: async () => (await import("./reload.js")).RELOAD_HELP,
    async run(run) {
      noArgs("reload", run.args);
      const { runReload } = await import("./reload.js");
      return runReload(run.config(), run.io);
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
      const { backupDatabase } = await import("../storage/backup.js");
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
      const { restoreDatabase } = await import("../storage/backup.js");
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
        const { copyFromSqlite } = await import("../storage/migrate.js");
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
      const { migrateDatabase } = await import("../storage/migrate.js");
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
      const { deployCommands } = await import("../discord/deploy.js");
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
      const { inviteUrl } = await import("../discord/deploy.js");
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
