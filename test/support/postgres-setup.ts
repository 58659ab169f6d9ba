/**
 * Before the tests that need PostgreSQL: finds or starts the server (see `postgres-server.ts`) and hands its
 * URL to the test workers (`inject("postgresUrl")`); after them, stops the server if it started one.
 */
import type { TestProject } from "vitest/node";
import { suitePostgres } from "./postgres-server.js";

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await suitePostgres();
  process.stderr.write(`PostgreSQL for the tests: ${server.origin}\n`);
  project.provide("postgresUrl", server.url);
  return () => server.stop();
}
