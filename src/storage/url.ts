/**
 * What the messages and logs say about a PostgreSQL URL, without loading the driver: the CLI and the console
 * use these on every start, most of them never touching PostgreSQL.
 */

/** `postgres://user:secret@host:5432/db` → `PostgreSQL user@host:5432/db`: where, without the password. */
export function describePostgresUrl(url: string): string {
  try {
    const u = new URL(url);
    const user = u.username ? `${decodeURIComponent(u.username)}@` : "";
    return `PostgreSQL ${user}${u.hostname}${u.port ? `:${u.port}` : ""}${u.pathname}`;
  } catch {
    return "PostgreSQL";
  }
}

/** The password in a PostgreSQL URL, to keep out of logs; undefined when there is none. */
export function databaseSecret(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const password = decodeURIComponent(new URL(url).password);
    return password === "" ? undefined : password;
  } catch {
    return undefined;
  }
}
