import { englishText, type Lang, type MessageKey, type MessageValues } from "./i18n/index.js";

/**
 * An error whose message is written for the person who caused it (a member, a moderator, a CLI user): a
 * catalog message, shown in that person's language. The Discord router shows it privately, the console and
 * the CLI print it to stderr; anything else is a bug. `message` holds the English text, for logs.
 */
export class UserFacingError extends Error {
  override readonly name = "UserFacingError";
  constructor(
    readonly key: MessageKey,
    readonly values: MessageValues = {},
  ) {
    super(englishText(key, values));
  }

  /**
   * The message in a reader's language. `escapeValue` is the surface's escaping of text from outside
   * (`markup.escape`): the values often echo what the person typed (“Mars/Olympus” is not a time zone…), and
   * must not become a link, markdown or a bidi override in the reply.
   */
  textIn(lang: Lang, escapeValue?: (text: string) => string): string {
    if (!escapeValue) return lang.t(this.key, this.values);
    const escaped: Record<string, string | number> = {};
    for (const [name, value] of Object.entries(this.values))
      escaped[name] = typeof value === "string" ? escapeValue(value) : value;
    return lang.t(this.key, escaped);
  }
}

/**
 * A mistake in how the CLI's operator tools were called (`backup` without a file): shown to the person who
 * deploys the bot, in English like the logs and the configuration errors.
 */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/** A problem with the shipped content: names the file and the field, e.g. `corpus: articles/x.md: …`. */
export class CorpusError extends Error {
  override readonly name = "CorpusError";
}

/** Every problem found in the environment, listed by variable name (never by value). */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
  constructor(readonly problems: readonly string[]) {
    super(`config: ${problems.length} problem(s):\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  }
}

/**
 * A request the operator's tools will not carry out, with the reason and the thing it is about (a file, a
 * URL): `talks-bot add` refusing a duplicate, a PDF or an article dated in the future. Nothing was changed.
 */
export class RefusedError extends Error {
  override readonly name = "RefusedError";
}
