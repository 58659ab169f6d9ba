/**
 * Taking a shard's lease at start-up: one process per shard (a second one would answer every interaction
 * twice). The lease lives in the database ({@link Storage.acquireLease}); this module decides what to do when
 * another process holds it.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { Logger } from "../logger.js";
import type { Storage } from "../storage/types.js";
import { holderIsDeadHere } from "./check.js";
import { type LeaseInstant, leaseInstant } from "./renew.js";

/** Thrown when another process already runs the bot on this database: two would answer every command twice. */
export class AlreadyRunningError extends Error {
  override readonly name = "AlreadyRunningError";
}

/** The lease a process holds for its shard: `bot` for a single process, `bot:shard:1/3` for a shard. */
export function leaseNameOf(shardId: number, shardCount: number): string {
  return shardCount > 1 ? `bot:shard:${shardId}/${shardCount}` : "bot";
}

export interface AcquireOptions {
  readonly logger: Logger;
  /** This host's name, as it appears first in owner ids (`host:pid:nonce`). */
  readonly host: string;
  readonly leaseOwner: string;
  readonly leaseName: string;
  readonly ttlMs: number;
  readonly shardId: number;
  readonly shardCount: number;
}

/**
 * Takes this process's lease for its shard. A lease held by a process that died on this host is taken at
 * once; one held by another host's process is waited for until it expires (that process stopped renewing:
 * it died, or lost its database); a holder that keeps renewing, or lives on this host, means another copy
 * runs, and this one refuses to start, naming it.
 *
 * @returns the lease's epoch (its fencing token) and when the acquisition that won it started.
 * @throws AlreadyRunningError when another live process holds the lease.
 */
export async function acquireShardLease(
  storage: Storage,
  options: AcquireOptions,
): Promise<{ readonly epoch: number; readonly acquiredAt: LeaseInstant }> {
  const { logger, host, leaseOwner, leaseName, ttlMs: ttl, shardId, shardCount } = options;
  const what = shardCount > 1 ? `shard ${shardId}/${shardCount}` : "the bot";
  let acquiredAt = leaseInstant();
  let lease = await storage.acquireLease(leaseOwner, ttl, acquiredAt.wall, leaseName);
  let waited = false;
  while (!lease.acquired) {
    const holderHost = lease.holder.split(":")[0];
    if (holderHost === host && holderIsDeadHere(lease.holder, host)) {
      // The holder crashed on this machine (a kill -9, a restart by a supervisor): no need to wait out its lock.
      logger.warn(
        { holder: lease.holder },
        "taking over the lock of a talks-bot process that is no longer running",
      );
      await storage.releaseLease(lease.holder, leaseName);
    } else if (holderHost === host || waited) {
      throw new AlreadyRunningError(
        `another talks-bot process (${lease.holder}) is running on ${storage.location} for ${what}; stop it first (its lock expires ${new Date(lease.expiresAt).toISOString()} if it crashed)`,
      );
    } else {
      // Another host's process: if it died, its lease runs out within one lifetime.
      const wait = Math.max(0, Math.min(lease.expiresAt - Date.now(), ttl)) + 250;
      logger.warn(
        {
          holder: lease.holder,
          until: new Date(lease.expiresAt).toISOString(),
          shard: [shardId, shardCount],
        },
        `${what} is held by another process; waiting for its lock to expire`,
      );
      await sleep(wait);
      waited = true;
    }
    acquiredAt = leaseInstant();
    lease = await storage.acquireLease(leaseOwner, ttl, acquiredAt.wall, leaseName);
  }
  return { epoch: lease.epoch, acquiredAt };
}
