import { readFileSync, writeFileSync } from "node:fs";
import Database from "better-sqlite3";

/**
 * Damages a SQLite file the way a bad disk does, without touching its tables or schema version: adds an
 * indexed table and changes one key inside the index's page, so the file still opens but fails
 * `PRAGMA integrity_check` ("row 1 missing from index damaged_index").
 */
export function damageDatabase(path: string): void {
  const db = new Database(path);
  db.pragma("journal_mode = DELETE");
  db.exec("CREATE TABLE damaged (value TEXT); CREATE INDEX damaged_index ON damaged (value);");
  const insert = db.prepare("INSERT INTO damaged (value) VALUES (?)");
  for (let i = 0; i < 50; i++) insert.run(`value-${i}`);
  const root = db.prepare("SELECT rootpage FROM sqlite_master WHERE name = 'damaged_index'").pluck().get();
  const pageSize = db.pragma("page_size", { simple: true });
  db.close();
  if (typeof root !== "number" || typeof pageSize !== "number")
    throw new Error("damageDatabase: no index page");
  const bytes = readFileSync(path);
  const page = bytes.subarray((root - 1) * pageSize, root * pageSize);
  const at = page.indexOf("value-1");
  if (at < 0) throw new Error("damageDatabase: the key is not in the index's page");
  page.write("VALUE-1", at);
  writeFileSync(path, bytes);
}
