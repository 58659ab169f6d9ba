/**
 * Keeps the unit project quick: the helpers that start a server or a child process call `e2eOnly`, which
 * fails a unit test file at once, saying why, instead of letting the fast loop grow slow. A file that imports
 * such a helper statically is an e2e test already (see vitest.config.ts); this catches the rest.
 */
export function e2eOnly(what: string): void {
  if (process.env.TALKS_BOT_TEST_PROJECT === "unit")
    throw new Error(
      `${what} belongs to the e2e tests, and this file runs as a unit test (no server, child process or build): import the helper that starts it statically, which makes the file an e2e test (see STARTS_SOMETHING in vitest.config.ts)`,
    );
}
