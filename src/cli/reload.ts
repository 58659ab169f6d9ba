/**
 * `talks-bot reload`: makes the bot processes on this host read their corpus folder again now, by SIGHUP. They
 * find them through the database they share (see lease/holders.ts).
 */
import { existsSync } from "node:fs";
import { hostname } from "node:os";
import type { Writable } from "node:stream";
import type { Config } from "../config.js";
import { RefusedError } from "../errors.js";
import { leaseHolders } from "../lease/holders.js";
import { openStorage } from "../storage/open.js";

export const RELOAD_HELP = `talks-bot reload

Makes the bot processes running on this host read the corpus folder again now. They also do it by
themselves whenever a file in it changes (a report added with talks-bot add, a file edited or removed), so
reload is for a folder whose changes the bot cannot see (a network file system) or to be sure. The same as
kill -HUP <pid>.

How it finds the processes: every bot process holds a lock in the database (DATABASE_PATH, or DATABASE_URL),
named after its host and process id (host:pid:…), and renews it while it runs. reload reads the live locks,
keeps this host's (HOST_ID, else the machine's name: run reload with the bot's settings, on the bot's
machine or in its container), checks that each process still runs, and sends it SIGHUP. It prints each
process it signalled, and exits 1 when none runs on this host. Processes on other hosts are listed, never
signalled: each host reloads its own corpus folder, so run reload on each.

Each process logs what it did: "corpus reloaded: …"; "nothing to rebuild" when the files are those it
serves; or, for a file that fails validation, the file and the problem, while it keeps serving the previous
corpus until the file is fixed.
`;

const when = (ms: number) => new Date(ms).toISOString();

/** Signals this host's bot processes; returns the exit code. */
export async function runReload(
  config: Config,
  io: { readonly stdout: Writable; readonly stderr: Writable },
): Promise<number> {
  const host = config.hostId ?? hostname();
  const where = config.databaseUrl ? "DATABASE_URL" : `${config.databasePath} (DATABASE_PATH)`;
  // Opening a missing SQLite file would create it: with no file, no bot has ever run on these settings.
  if (!config.databaseUrl && !existsSync(config.databasePath)) {
    throw new RefusedError(
      `reload: no talks-bot process runs with these settings: there is no database at ${where}, which every bot process opens. Run reload with the bot's settings (its .env or environment).`,
    );
  }
  const storage = await openStorage(config, { applicationName: `talks-bot reload ${host}:${process.pid}` });
  let holders: Awaited<ReturnType<typeof leaseHolders>>;
  try {
    holders = await leaseHolders(storage, host, Date.now());
  } finally {
    await storage.close();
  }
  const { stdout, stderr } = io;
  let signalled = 0;
  for (const holder of holders.here) {
    const what = `process ${holder.pid} (${holder.name}, running since ${when(holder.acquiredAt)})`;
    if (holder.state === "gone") {
      stderr.write(
        `talks-bot: note: process ${holder.pid} (${holder.name}) stopped without releasing its lock, which runs out at ${when(holder.expiresAt)}\n`,
      );
      continue;
    }
    if (holder.state === "reused") {
      stderr.write(
        `talks-bot: note: process id ${holder.pid} (lock ${holder.name}) now belongs to a process started after that lock was taken: not signalled\n`,
      );
      continue;
    }
    try {
      process.kill(holder.pid, "SIGHUP");
      signalled += 1;
      stdout.write(`Signalled talks-bot ${what}: it reloads its corpus folder and logs the result.\n`);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      stderr.write(
        code === "EPERM"
          ? `talks-bot: cannot signal ${what}: it runs as another user; run talks-bot reload as that user\n`
          : `talks-bot: cannot signal ${what}: ${(error as Error).message}\n`,
      );
    }
  }
  if (holders.elsewhere.length > 0) {
    const hosts = [...new Set(holders.elsewhere.map((lease) => lease.ownerId.split(":")[0]))].join(", ");
    stderr.write(
      `talks-bot: note: ${holders.elsewhere.length} bot process(es) on other hosts (${hosts}) were not signalled: each host reloads its own corpus folder; run talks-bot reload there\n`,
    );
  }
  if (signalled > 0) return 0;
  throw new RefusedError(
    `reload: no talks-bot process is running on this host (${host}) on ${where}: nothing to reload. A bot started later reads the corpus folder as it is then.`,
  );
}
