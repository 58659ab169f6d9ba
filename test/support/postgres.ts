/**
 * A fresh PostgreSQL schema for a test file, on the suite's server (`postgres-setup.ts` picks or starts it and
 * provides its URL; outside vitest, as in `npm run bench`, TEST_DATABASE_URL or 127.0.0.1:5432). Dropped with
 * everything in it afterwards.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { inject } from "vitest";
import { DEFAULT_PG_URL } from "./postgres-server.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** The suite's PostgreSQL (user postgres, database test), from `postgres-setup.ts`. */
    postgresUrl: string;
  }
}

/** The suite's PostgreSQL server (user postgres, database test). */
export const PG_URL = process.env.VITEST ? providedUrl() : (process.env.TEST_DATABASE_URL ?? DEFAULT_PG_URL);

function providedUrl(): string {
  const url = inject("postgresUrl");
  if (!url)
    throw new Error(
      "PostgreSQL: this test file uses the suite's server, which only the e2e project starts: import ./support/postgres.js statically, which makes the file an e2e test (see vitest.config.ts)",
    );
  return url;
}

const pgAddress = new URL(PG_URL);
/** The server's port, for a proxy in front of it. */
export const PG_PORT = Number(pgAddress.port || 5432);
/** The server's host and port as connection messages name them (`127.0.0.1:5432`). */
export const PG_HOST_PORT = `${pgAddress.hostname}:${PG_PORT}`;

/** `PG_URL` through another port of the same host (a proxy's). */
export function pgUrlThroughPort(port: number): string {
  const url = new URL(PG_URL);
  url.port = String(port);
  return url.toString();
}

export interface TestSchema {
  /** The schema's name, for `PostgresStorage`'s `schema` option. */
  readonly name: string;
  /** The database URL with the schema as its search path (what `DATABASE_URL` would be for a bot). */
  readonly url: string;
  /** Runs SQL in the schema (for assertions on raw rows). */
  query<R extends pg.QueryResultRow = Record<string, unknown>>(sql: string, values?: unknown[]): Promise<R[]>;
  /** Empties every table of the schema (between tests). */
  truncate(): Promise<void>;
  drop(): Promise<void>;
}

export async function createTestSchema(prefix = "t"): Promise<TestSchema> {
  const name = `${prefix}_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  try {
    await admin.connect();
  } catch (error) {
    throw new Error(
      `PostgreSQL at ${PG_URL} is not reachable (${(error as Error).message}): start it, or set TEST_DATABASE_URL`,
    );
  }
  await admin.query(`CREATE SCHEMA ${name}`);
  const pool = new pg.Pool({ connectionString: PG_URL, max: 2, options: `-c search_path=${name}` });
  const url = new URL(PG_URL);
  url.searchParams.set("options", `-c search_path=${name}`);
  return {
    name,
    url: url.toString(),
    async query(sql, values) {
      return (await pool.query(sql, values)).rows;
    },
    async truncate() {
      const tables = await pool.query<{ tablename: string }>(
        "SELECT tablename FROM pg_tables WHERE schemaname = $1 AND tablename <> 'talks_bot_schema'",
        [name],
      );
      if (tables.rows.length > 0)
        await pool.query(`TRUNCATE ${tables.rows.map((t) => `${name}.${t.tablename}`).join(", ")} CASCADE`);
    },
    async drop() {
      await pool.end();
      await admin.query(`DROP SCHEMA ${name} CASCADE`);
      await admin.end();
    },
  };
}
