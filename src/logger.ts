import { createRequire } from "node:module";
import type { Logger } from "pino";

export type { Logger };

const TOKEN_LIKE = /[\w-]{23,28}\.[\w-]{6,7}\.[\w-]{27,}/g;
const INTERACTION_URL = /(\/interactions\/\d+\/)[^/\s"'?]+/g;
const WEBHOOK_URL = /(\/webhooks\/\d+\/)[^/\s"'?]+/g;

/**
 * Removes secrets from a log line: the bot token, anything shaped like a token, and the interaction tokens
 * that discord.js puts in error URLs (`/interactions/:id/:token/callback`, `/webhooks/:app/:token/…`).
 */
export function redactSecrets(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const secret of secrets) if (secret.length >= 8) out = out.split(secret).join("[redacted]");
  return out
    .replace(TOKEN_LIKE, "[redacted]")
    .replace(INTERACTION_URL, "$1[redacted]")
    .replace(WEBHOOK_URL, "$1[redacted]");
}

export interface LoggerOptions {
  readonly level?: string;
  /** Exact strings never to print (the bot token). */
  readonly secrets?: readonly string[];
  /** Where lines go; stderr by default, so stdout stays clean for the CLI's JSON. */
  readonly write?: (line: string) => void;
}

/**
 * A pino logger (JSON lines, fields first) whose every line passes through {@link redactSecrets}. pino itself
 * is loaded when the first line is logged, so a one-shot CLI command that logs nothing never loads it.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const secrets = options.secrets ?? [];
  const write = options.write ?? ((line: string) => process.stderr.write(line));
  let logger: Logger | undefined;
  const real = (): Logger => {
    if (!logger) {
      const { pino } = createRequire(import.meta.url)("pino") as typeof import("pino");
      logger = pino(
        { level: options.level ?? "info", base: { app: "talks-bot" } },
        { write: (line: string) => write(redactSecrets(line, secrets)) },
      );
    }
    return logger;
  };
  // Methods are bound once each: the bot logs every interaction, and a new bound function per line is garbage.
  const bound = new Map<PropertyKey, unknown>();
  return new Proxy({} as Logger, {
    get(_, key) {
      const target = real();
      const value: unknown = Reflect.get(target, key, target);
      if (typeof value !== "function") return value;
      let method = bound.get(key);
      if (method === undefined) {
        method = value.bind(target);
        bound.set(key, method);
      }
      return method;
    },
    has: (_, key) => Reflect.has(real(), key),
    set(_, key, value) {
      // Setting `level` replaces pino's level methods: bind them again.
      bound.clear();
      return Reflect.set(real(), key, value);
    },
  });
}
