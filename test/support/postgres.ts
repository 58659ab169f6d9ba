/**
 * A fresh PostgreSQL schema for a test file, on the server the project's machines run (127.0.0.1:5432, user
 * postgres, database test; TEST_DATABASE_URL overrides it). Dropped with everything in it afterwards.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";

export const PG_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

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
