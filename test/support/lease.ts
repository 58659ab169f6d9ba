/** A real lease for tests that drive the scheduler or the ledger directly: taken and kept as the bot does. */
import { randomBytes } from "node:crypto";
import { LeaseKeeper, leaseInstant } from "../../src/lease/renew.js";
import { createLogger, type Logger } from "../../src/logger.js";
import type { Storage } from "../../src/storage/types.js";

export interface HoldLeaseOptions {
  readonly name?: string;
  readonly owner?: string;
  /** Default a minute: long enough that no test's renewal matters. */
  readonly ttlMs?: number;
  readonly logger?: Logger;
  readonly onLost?: () => void;
}

/** Takes the lease (it must be free) and keeps it with a started {@link LeaseKeeper}; stop it when done. */
export async function holdLease(storage: Storage, options: HoldLeaseOptions = {}): Promise<LeaseKeeper> {
  const name = options.name ?? "bot";
  const owner = options.owner ?? `test:${process.pid}:${randomBytes(3).toString("hex")}`;
  const ttlMs = options.ttlMs ?? 60_000;
  const acquiredAt = leaseInstant();
  const lease = await storage.acquireLease(owner, ttlMs, acquiredAt.wall, name);
  if (!lease.acquired) throw new Error(`test: the lease ${name} is held by ${lease.holder}`);
  const keeper = new LeaseKeeper(storage, {
    logger: options.logger ?? createLogger({ level: "silent" }),
    leaseOwner: owner,
    leaseName: name,
    ttlMs,
    epoch: lease.epoch,
    acquiredAt,
    onLost: options.onLost ?? (() => undefined),
  });
  keeper.start();
  return keeper;
}
