/**
 * An error whose message is written for the person who caused it (a member, a moderator, a CLI user).
 * The Discord router shows it ephemerally and the CLI prints it to stderr; anything else is a bug.
 */
export class UserFacingError extends Error {
  override readonly name = "UserFacingError";
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
