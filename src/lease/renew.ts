/** Keeping a lease: renewed on a timer for as long as the process runs. */
import type { Logger } from "../logger.js";
import type { Storage } from "../storage/types.js";

/**
 * How often a lease is renewed, as a share of its lifetime (SHARD_LEASE_SECONDS, 30 s by default): three
 * heartbeats per lifetime, so one slow round trip never loses it.
 */
const RENEWALS_PER_LEASE = 3;

export interface RenewOptions {
  readonly logger: Logger;
  readonly leaseOwner: string;
  readonly leaseName: string;
  readonly ttlMs: number;
  /** Called when another process has taken the lease over; the caller must stop. */
  readonly onLost: () => void;
}

/** Renews the lease every third of its lifetime until the returned function is called. */
export function renewPeriodically(storage: Storage, options: RenewOptions): () => void {
  const { logger, leaseOwner, leaseName, ttlMs, onLost } = options;
  const renew = setInterval(() => {
    storage.renewLease(leaseOwner, ttlMs, Date.now(), leaseName).then(
      (ok) => {
        if (ok) return;
        // Another process took over: two bots would answer every interaction twice, so this one stops.
        logger.error("lost the single-instance lock to another process; stopping");
        onLost();
      },
      (error: unknown) => logger.warn({ err: error }, "could not renew the single-instance lock"),
    );
  }, ttlMs / RENEWALS_PER_LEASE);
  renew.unref();
  return () => clearInterval(renew);
}
