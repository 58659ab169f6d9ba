import { defineConfig } from "vitest/config";
import { BaseSequencer, type TestSpecification } from "vitest/node";

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

/**
 * The files that spend longest waiting on real time (a dead process's lease and claims to run out). Started
 * first, so the other worker runs everything else meanwhile. vitest orders files by the last run's durations
 * when it has them, which does the same; a fresh clone has none, and by file size these would start last.
 */
const LONGEST_WAITS = ["test/scale-out.test.ts", "test/discord-faults.test.ts"];

class LongestWaitsFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (file: TestSpecification) => {
      const index = LONGEST_WAITS.findIndex((path) => file.moduleId.endsWith(path));
      return index < 0 ? LONGEST_WAITS.length : index;
    };
    // A stable sort: the rest keep vitest's order.
    return (await super.sort(files)).sort((a, b) => rank(a) - rank(b));
  }
}

export default defineConfig({
  test: {
    sequence: { sequencer: LongestWaitsFirst },
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
