/**
 * Keeps the unit project quick: the helpers that start a server or a child process call `e2eOnly`, which
 * fails a unit test file at once, naming the list it belongs in, instead of letting the fast loop grow slow.
 */
export function e2eOnly(what: string): void {
  if (process.env.TALKS_BOT_TEST_PROJECT === "unit")
    throw new Error(
      `${what} belongs to the e2e tests: add this test file to the E2E list in vitest.config.ts (unit tests start no server, child process or build)`,
    );
}
