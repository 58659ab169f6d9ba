import { type Logger, pino } from "pino";

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

/** A pino logger (JSON lines, fields first) whose every line passes through {@link redactSecrets}. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const secrets = options.secrets ?? [];
  const write = options.write ?? ((line: string) => process.stderr.write(line));
  return pino(
    { level: options.level ?? "info", base: { app: "talks-bot" } },
    { write: (line: string) => write(redactSecrets(line, secrets)) },
  );
}
