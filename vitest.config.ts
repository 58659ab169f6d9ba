import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";
import { BaseSequencer, type TestSpecification } from "vitest/node";

/**
 * What makes a test file end to end: it imports a helper that starts something (the fake Discord, the
 * compiled `talks-bot`, the bot process, PostgreSQL, a TCP proxy, a small disk to mount) or Node's own
 * child_process, http or net.
 */
const STARTS_SOMETHING =
  /from "(?:node:(?:child_process|http|net)|\.\/support\/(?:fake-discord|run-cli|bot-process|postgres|tcp-proxy|full-disk)\.js)"/;

/**
 * Those files form the `e2e` project, which builds dist/ and finds or starts PostgreSQL first. Every other
 * file is a `unit` test: no build, no child process, no server, so `npm run test:unit` stays a quick loop. The
 * helpers also refuse to start anything in a unit file (a dynamic import, say), naming this rule.
 */
const testFolder = fileURLToPath(new URL("test/", import.meta.url));
const E2E = readdirSync(testFolder)
  .filter(
    (name) =>
      name.endsWith(".test.ts") && STARTS_SOMETHING.test(readFileSync(join(testFolder, name), "utf8")),
  )
  .map((name) => `test/${name}`);

/**
 * The files that take longest, mostly waiting on real time (leases and claims running out, a lock timeout, a
 * process starting). Started first, so the run does not end with one of them alone. vitest orders files by
 * the last run's durations when it has them, which does the same; a fresh clone (every CI run) has none, and
 * orders by file size. Only an ordering hint: a file missing here, or listed and gone, costs a few seconds.
 */
const LONGEST_WAITS = [
  "test/scale-out.test.ts",
  "test/fencing.test.ts",
  "test/bot-process.test.ts",
  "test/discord-faults.test.ts",
  "test/postgres-locks.test.ts",
];

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
