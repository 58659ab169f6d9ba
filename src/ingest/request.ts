import { isValidLocalDate } from "../calendar/time.js";
import { UsageError } from "../errors.js";
import type { AddRequest } from "./add.js";
import { ADD_LIMITS } from "./limits.js";

/** The flags `talks-bot add` takes, for node:util's parseArgs. */
export const ADD_OPTIONS = {
  title: { type: "string" },
  source: { type: "string" },
  published: { type: "string" },
  corpus: { type: "string" },
  "dry-run": { type: "boolean" },
  timeout: { type: "string" },
} as const;

/** The parsed command line, as parseArgs gives it. */
export interface AddArguments {
  readonly positionals: readonly string[];
  readonly values: Readonly<Record<string, string | boolean | (string | boolean)[] | undefined>>;
}

function text(values: AddArguments["values"], name: string): string | undefined {
  const value = values[name];
  if (value === undefined) return undefined;
  const trimmed = String(value).trim();
  if (trimmed === "") throw new UsageError(`add: --${name} must not be empty`);
  return trimmed;
}

/** Checks the command line and builds the request; `defaultCorpus` is read only when `--corpus` is absent. */
export function addRequestFrom(
  { positionals, values }: AddArguments,
  cwd: string,
  defaultCorpus: () => string,
): AddRequest {
  const [target, ...extra] = positionals;
  if (!target || extra.length > 0)
    throw new UsageError(
      "add needs one file or address, e.g. talks-bot add report.html or talks-bot add https://example.com/news/story (see talks-bot add --help)",
    );
  const published = text(values, "published");
  if (published !== undefined && !isValidLocalDate(published))
    throw new UsageError(
      `add: --published must be a date as YYYY-MM-DD, e.g. --published 2025-03-04 (got '${published}')`,
    );
  const timeout = text(values, "timeout");
  const seconds = timeout === undefined ? ADD_LIMITS.timeoutMs / 1000 : Number(timeout);
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > ADD_LIMITS.maxTimeoutSeconds)
    throw new UsageError(
      `add: --timeout must be a number of seconds from 0 to ${ADD_LIMITS.maxTimeoutSeconds}, e.g. --timeout 60`,
    );
  return {
    target,
    corpusDir: text(values, "corpus") ?? defaultCorpus(),
    cwd,
    title: text(values, "title"),
    source: text(values, "source"),
    published,
    dryRun: values["dry-run"] === true,
    fetch: {
      timeoutMs: seconds * 1000,
      maxBytes: ADD_LIMITS.maxPageBytes,
      maxRedirects: ADD_LIMITS.maxRedirects,
    },
  };
}
