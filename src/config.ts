import { statSync } from "node:fs";
import { resolve } from "node:path";
import { z } from "zod";
import { isValidLocalDate } from "./calendar/time.js";
import { validateTimeZone } from "./calendar/timezones.js";
import { parseOverrideStart } from "./calendar/umm-al-qura.js";
import { ConfigError } from "./errors.js";

/** A bot token has three dot-separated base64url parts; checked so a pasted client secret fails fast. */
const TOKEN_SHAPE = /^[\w-]{20,}\.[\w-]{4,}\.[\w-]{20,}$/;
const SNOWFLAKE = /^\d{17,20}$/;

const optionalText = z
  .string()
  .trim()
  .transform((value) => (value === "" ? undefined : value))
  .optional();

const intInRange = (min: number, max: number, fallback: number) => {
  const message = `must be a whole number from ${min} to ${max}`;
  return optionalText
    .transform((value) => (value === undefined ? fallback : Number(value)))
    .pipe(z.number({ message }).int({ message }).min(min, { message }).max(max, { message }));
};

const schema = z.object({
  DISCORD_TOKEN: optionalText.pipe(
    z
      .string()
      .regex(TOKEN_SHAPE, { message: "does not look like a bot token (three dot-separated parts)" })
      .optional(),
  ),
  DISCORD_CLIENT_ID: optionalText.pipe(
    z.string().regex(SNOWFLAKE, { message: "must be the application id (digits)" }).optional(),
  ),
  DISCORD_GUILD_ID: optionalText.pipe(
    z.string().regex(SNOWFLAKE, { message: "must be a server id (digits)" }).optional(),
  ),
  DISCORD_API_URL: optionalText.pipe(
    z
      .url({ protocol: /^https?$/, message: "must be an http(s) URL such as https://discord.com/api" })
      .optional(),
  ),
  LOG_LEVEL: optionalText.pipe(
    z
      .enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"], {
        message: "must be one of fatal, error, warn, info, debug, trace, silent",
      })
      .default("info"),
  ),
  DATABASE_PATH: optionalText.pipe(z.string().default("./data/talks-bot.db")),
  DATABASE_URL: optionalText.pipe(
    z
      .string()
      .regex(/^postgres(ql)?:\/\/[^\s]+$/, {
        message: "must be a PostgreSQL URL such as postgres://user:password@host:5432/talks_bot",
      })
      .optional(),
  ),
  HOST_ID: optionalText.pipe(
    z
      .string()
      .regex(/^[\w.-]{1,64}$/, { message: "must be 1–64 letters, digits, dots, dashes or underscores" })
      .optional(),
  ),
  SHARD_LEASE_SECONDS: intInRange(3, 300, 30),
  DATABASE_STATEMENT_TIMEOUT_MS: intInRange(100, 600_000, 10_000),
  DATABASE_LOCK_TIMEOUT_MS: intInRange(100, 600_000, 5000),
  CORPUS_DIR: optionalText,
  CACHE_DIR: optionalText,
  DEFAULT_TIMEZONE: optionalText,
  RAMADAN_START: optionalText.pipe(
    z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, { message: "must be a date YYYY-MM-DD (the first day of fasting)" })
      .optional(),
  ),
  REMINDER_GRACE_MINUTES: intInRange(1, 1440, 360),
  ASK_COOLDOWN_SECONDS: intInRange(0, 3600, 5),
  SHARD_COUNT: intInRange(1, 4096, 1),
  SHARD_ID: intInRange(0, 4095, 0),
});

/** The bot's settings, validated once at start. */
export interface Config {
  readonly discord: {
    readonly token: string | undefined;
    readonly clientId: string | undefined;
    readonly guildId: string | undefined;
    readonly apiUrl: string | undefined;
  };
  readonly logLevel: "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";
  readonly databasePath: string;
  /** A PostgreSQL URL: the shared database for shard processes on several hosts. Unset: SQLite at databasePath. */
  readonly databaseUrl: string | undefined;
  /** This host's name in shard-lease holders (default the machine's hostname). */
  readonly hostId: string | undefined;
  /** How long a shard's lease lasts without a heartbeat: a dead process's shards are free after this. */
  readonly shardLeaseMs: number;
  /**
   * PostgreSQL: the bot's sessions' `statement_timeout` and `lock_timeout`. A statement that runs longer, or
   * waits longer for a lock another session holds, is cancelled (nothing applied) and the caller told to try
   * again, instead of waiting without limit.
   */
  readonly databaseTimeouts: { readonly statementMs: number; readonly lockMs: number };
  readonly corpusDir: string | undefined;
  /** Where the parsed corpus is kept between starts (default: node_modules/.cache/talks-bot). */
  readonly cacheDir: string | undefined;
  readonly defaultTimeZone: string;
  readonly ramadanStart: string | undefined;
  readonly reminderGraceMs: number;
  readonly askCooldownMs: number;
  /** This process's shard: run one process per shard, all on the same database. */
  readonly shard: { readonly id: number; readonly count: number };
}

export interface LoadConfigOptions {
  /** Running against Discord: token and application id become required. */
  readonly requireDiscord?: boolean;
  /** Where relative paths (DATABASE_PATH, CORPUS_DIR, CACHE_DIR) start from. Default: the working directory. */
  readonly cwd?: string | undefined;
  /**
   * The zone used when DEFAULT_TIMEZONE is unset. Default UTC, for the bot: a server's clock says nothing of
   * its members'. The console and the CLI pass the machine's zone, which is the person's.
   */
  readonly timeZoneFallback?: string | undefined;
}

/**
 * Validates the environment and returns typed settings, or throws a ConfigError listing every problem
 * by variable name. Values are never echoed: a malformed token must not reach a log.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, options: LoadConfigOptions = {}): Config {
  const parsed = schema.safeParse(env);
  const problems: string[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = String(issue.path[0] ?? "(environment)");
      problems.push(`${key} ${issue.message}`);
    }
  }
  const data = parsed.success ? parsed.data : undefined;
  if (options.requireDiscord) {
    if (!env.DISCORD_TOKEN?.trim()) problems.push("DISCORD_TOKEN is required to connect to Discord");
    if (!env.DISCORD_CLIENT_ID?.trim())
      problems.push("DISCORD_CLIENT_ID is required to connect to Discord (the application id)");
  }
  // The same checks people's input gets, so a value accepted here cannot fail later on every command.
  let defaultTimeZone = options.timeZoneFallback ?? "UTC";
  const zone = env.DEFAULT_TIMEZONE?.trim();
  if (zone) {
    try {
      defaultTimeZone = validateTimeZone(zone);
    } catch {
      problems.push("DEFAULT_TIMEZONE must be an IANA time zone such as Europe/London");
    }
  }
  const start = env.RAMADAN_START?.trim();
  if (start && /^\d{4}-\d{2}-\d{2}$/.test(start)) {
    if (!isValidLocalDate(start)) {
      problems.push("RAMADAN_START must be a real calendar date YYYY-MM-DD");
    } else {
      try {
        parseOverrideStart(start);
      } catch (error) {
        problems.push(`RAMADAN_START ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }
  // Checked on the raw values, so it is listed even when another variable is wrong too.
  const shardId = Number(env.SHARD_ID?.trim() || 0);
  const shardCount = Number(env.SHARD_COUNT?.trim() || 1);
  if (Number.isInteger(shardId) && Number.isInteger(shardCount) && shardCount >= 1 && shardId >= shardCount)
    problems.push("SHARD_ID must be less than SHARD_COUNT (shards are numbered from 0)");
  const base = options.cwd ?? process.cwd();
  const corpusDir = env.CORPUS_DIR?.trim();
  if (corpusDir && !statSync(resolve(base, corpusDir), { throwIfNoEntry: false })?.isDirectory())
    problems.push(`CORPUS_DIR folder does not exist: ${resolve(base, corpusDir)}`);
  if (problems.length > 0 || !data) throw new ConfigError([...new Set(problems)]);
  return {
    discord: {
      token: data.DISCORD_TOKEN,
      clientId: data.DISCORD_CLIENT_ID,
      guildId: data.DISCORD_GUILD_ID,
      apiUrl: data.DISCORD_API_URL,
    },
    logLevel: data.LOG_LEVEL,
    databasePath: resolve(base, data.DATABASE_PATH),
    databaseUrl: data.DATABASE_URL,
    hostId: data.HOST_ID,
    shardLeaseMs: data.SHARD_LEASE_SECONDS * 1000,
    databaseTimeouts: {
      statementMs: data.DATABASE_STATEMENT_TIMEOUT_MS,
      lockMs: data.DATABASE_LOCK_TIMEOUT_MS,
    },
    corpusDir: data.CORPUS_DIR ? resolve(base, data.CORPUS_DIR) : undefined,
    cacheDir: data.CACHE_DIR ? resolve(base, data.CACHE_DIR) : undefined,
    defaultTimeZone,
    ramadanStart: data.RAMADAN_START,
    reminderGraceMs: data.REMINDER_GRACE_MINUTES * 60_000,
    askCooldownMs: data.ASK_COOLDOWN_SECONDS * 1000,
    shard: { id: data.SHARD_ID, count: data.SHARD_COUNT },
  };
}
