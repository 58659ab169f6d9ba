import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // The binary the process tests run is the compiled one: built once, before every run. PostgreSQL is the
    // machine's, or one the suite starts for itself.
    globalSetup: ["test/support/global-setup.ts", "test/support/postgres-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // End-to-end suites open sockets and child processes; two cores are all we have.
    maxWorkers: 2,
  },
});
