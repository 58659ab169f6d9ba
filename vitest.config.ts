import { defineConfig } from "vitest/config";

/**
 * The test files that start something: the bot against the fake Discord, a child process (the compiled
 * `talks-bot`, a writer to kill, `git`, `mount`), a server, or that need PostgreSQL. They form the `e2e`
 * project, which builds dist/ and finds or starts PostgreSQL first. Every other file is a `unit` test: no
 * build, no child process, no server, so `npm run test:unit` stays a quick loop. A unit file that starts one
 * of these anyway fails with a message that names this list.
 */
const E2E = [
  "test/bot-process.test.ts",
  "test/cli.test.ts",
  "test/corpus-cache.test.ts",
  "test/discord-bot.test.ts",
  "test/discord-faults.test.ts",
  "test/discord-storage.test.ts",
  "test/fake-discord.test.ts",
  "test/files.test.ts",
  "test/postgres-storage.test.ts",
  "test/reminders-e2e.test.ts",
  "test/router-fuzz.test.ts",
  "test/scale-out.test.ts",
  "test/storage-contract.test.ts",
  "test/storage.test.ts",
];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // End-to-end suites open sockets and child processes; two cores are all we have.
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["test/**/*.test.ts"],
          exclude: E2E,
          env: { TALKS_BOT_TEST_PROJECT: "unit" },
          // Worker threads start and load modules faster than child processes; nothing here needs a process.
          pool: "threads",
        },
      },
      {
        extends: true,
        test: {
          name: "e2e",
          include: E2E,
          // The binary the process tests run is the compiled one: built once, before every run. PostgreSQL is
          // the machine's, or one the suite starts for itself.
          globalSetup: ["test/support/global-setup.ts", "test/support/postgres-setup.ts"],
        },
      },
    ],
  },
});
