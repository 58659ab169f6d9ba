/**
 * Which talks-bot processes run on this host, found through the database they share: every bot process holds
 * a lease for its shard, named by its owner id `host:pid:nonce` (see acquire.ts), and renews it while it runs.
 * `talks-bot reload` signals the ones on its own host this way; processes on other hosts are named, not touched
 * (a signal cannot reach them, and each host reloads its own corpus folder).
 */
import { readFileSync } from "node:fs";
import type { LiveLease, Storage } from "../storage/types.js";

/** How far a process's start may seem to follow its lease's, from clock granularity and offsets (ms). */
const START_SLACK_MS = 2000;

/** A live lease held from this host, and what became of the process that holds it. */
export interface LocalHolder extends LiveLease {
  readonly pid: number;
  /**
   * `running`: the process exists (and, where the system says when it started, started before it took the
   * lease); `gone`: it died without releasing the lease, which runs out by itself; `reused`: its process id
   * now belongs to a process started after the lease was taken, which must not be signalled.
   */
  readonly state: "running" | "gone" | "reused";
}

/** The live leases of the database, split into this host's and the others'. */
export interface Holders {
  readonly here: readonly LocalHolder[];
  readonly elsewhere: readonly LiveLease[];
}

/** When process `pid` started (ms since the epoch), where the system says (Linux); else null. */
function processStartedAt(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name in parentheses (which may hold spaces): state is field 3, starttime 22.
    const ticks = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19]);
    const bootSeconds = Number(/^btime (\d+)$/m.exec(readFileSync("/proc/stat", "utf8"))?.[1]);
    if (!Number.isFinite(ticks) || !Number.isFinite(bootSeconds)) return null;
    // /proc counts in USER_HZ, 100 a second on every Linux.
    return bootSeconds * 1000 + ticks * 10;
  } catch {
    return null;
  }
}

function stateOf(pid: number, acquiredAt: number): LocalHolder["state"] {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: it exists, under another user; signalling it will say so.
    if ((error as NodeJS.ErrnoException).code === "ESRCH") return "gone";
  }
  const started = processStartedAt(pid);
  return started !== null && started > acquiredAt + START_SLACK_MS ? "reused" : "running";
}

/**
 * The live leases on `storage` (at `now`, this host's clock), this host's (`host`, as in the owner ids: the
 * HOST_ID setting, else the machine's name) with the state of each holding process.
 */
export async function leaseHolders(storage: Storage, host: string, now: number): Promise<Holders> {
  const here: LocalHolder[] = [];
  const elsewhere: LiveLease[] = [];
  for (const lease of await storage.liveLeases(now)) {
    const [holderHost, pidText] = lease.ownerId.split(":");
    const pid = Number(pidText);
    if (holderHost !== host || !pidText || !/^\d+$/.test(pidText)) {
      elsewhere.push(lease);
      continue;
    }
    here.push({ ...lease, pid, state: stateOf(pid, lease.acquiredAt) });
  }
  return { here, elsewhere };
}
