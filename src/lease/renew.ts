/**
 * Keeping a lease, and proving it before each send: the lease's renewals, the fence stamped on claims, the
 * check before a send, and what happens when the process finds it was paused or lost the lease.
 */
import { setMaxListeners } from "node:events";
import type { Logger } from "../logger.js";
import {
  type LeaseFence,
  LeaseLostError,
  type Storage,
  StorageBusyError,
  StorageUnavailableError,
} from "../storage/types.js";

/**
 * How often a lease is renewed, as a share of its lifetime (SHARD_LEASE_SECONDS, 30 s by default): three
 * heartbeats per lifetime, so one slow round trip never loses it.
 */
const RENEWALS_PER_LEASE = 3;
/** How long before the lease's end a send may still start: a tenth of its lifetime, at most a second. */
const MARGIN_SHARE = 10;
const MAX_MARGIN_MS = 1000;

/** When a lease was confirmed, on both clocks: its lifetime is counted from then. */
export interface LeaseInstant {
  /** `performance.now()`: keeps counting while the process is stopped (SIGSTOP, a frozen container). */
  readonly monotonic: number;
  /** `Date.now()`: also counts a host's sleep, which the monotonic clock does not see. */
  readonly wall: number;
}

/** The clocks a keeper reads (tests do not replace them; the names say which is which). */
const CLOCKS = { monotonic: () => performance.now(), wall: () => Date.now() };

export interface KeeperOptions {
  readonly logger: Logger;
  readonly leaseOwner: string;
  readonly leaseName: string;
  readonly ttlMs: number;
  /** The epoch the lease was acquired with. */
  readonly epoch: number;
  /** When the acquisition that returned `epoch` started. */
  readonly acquiredAt: LeaseInstant;
  /** Called once when another process holds the lease: this process must stop. */
  readonly onLost: () => void;
}

/**
 * Keeps a lease and fences what is sent under it.
 *
 * - **Renewals** run every third of the lease's lifetime, one at a time: the next is planned when the last
 *   has finished, so a renewal stuck behind a database lock never piles up others behind it.
 * - **A pause is noticed.** The lease is valid until its last confirmation plus its lifetime, counted on the
 *   monotonic clock (which runs on while the process is stopped) and on the wall clock (which also counts a
 *   host's sleep). Whenever the keeper is asked anything and finds that time passed, it drops its claims
 *   first (the {@link claims} signal aborts), then re-validates with the database.
 * - **Re-validation** renews the lease if it is still live; an expired one is taken again if it is free,
 *   under a new epoch (the claims made before are then checked afresh); one another process holds is lost.
 * - **Lost** is logged once; nothing is sent from then on, and `onLost` tells the process to stop.
 */
export class LeaseKeeper {
  readonly #storage: Pick<Storage, "renewLease" | "acquireLease" | "checkLease">;
  readonly #options: KeeperOptions;
  #epoch: number;
  #state: "held" | "checking" | "lost" | "stopped" = "held";
  #validUntil: LeaseInstant;
  #claims = claimsController();
  #timer: NodeJS.Timeout | undefined;
  #renewing: Promise<void> | undefined;

  constructor(storage: Pick<Storage, "renewLease" | "acquireLease" | "checkLease">, options: KeeperOptions) {
    this.#storage = storage;
    this.#options = options;
    this.#epoch = options.epoch;
    this.#validUntil = after(options.acquiredAt, options.ttlMs);
  }

  /** The lease's name and current epoch. */
  get name(): string {
    return this.#options.leaseName;
  }

  get epoch(): number {
    return this.#epoch;
  }

  /** Starts renewing. */
  start(): void {
    if (this.#state === "stopped" || this.#timer) return;
    this.#plan();
  }

  /** Stops renewing and drops every claim; waits for a renewal in flight. */
  async stop(): Promise<void> {
    this.#state = "stopped";
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#claims.abort();
    await this.#renewing;
  }

  /** Aborted when the claims made under the current epoch must be dropped (a pause, a lost lease, a stop). */
  claims(): AbortSignal {
    return this.#notice().signal;
  }

  /**
   * The fence to stamp a claim with, presented now.
   * @throws LeaseLostError while the lease is not confirmed (lost, being re-validated, or near its end).
   */
  fence(): LeaseFence {
    this.#notice();
    if (!this.#fresh()) throw this.#refusal();
    return { name: this.#options.leaseName, epoch: this.#epoch, now: CLOCKS.wall() };
  }

  /** Whether a send may leave now, by this process's clocks alone (the last check on the wire). */
  mayWrite(): boolean {
    this.#notice();
    return this.#fresh();
  }

  /**
   * Called just before each send: checks with the database, on its clock, that the lease is still this
   * process's and runs long enough for the send to leave, then that no pause happened during the check.
   * @throws LeaseLostError otherwise: do not send.
   */
  async confirm(): Promise<void> {
    const fence = this.fence();
    const started = now();
    const check = await this.#storage.checkLease(fence);
    if (!check.held) {
      // Expired, or taken: the renewal path decides between taking it again and stopping.
      this.#suspect("the database says the lease is no longer this process's");
      throw this.#refusal();
    }
    if (fence.epoch === this.#epoch && this.#state === "held") {
      this.#validUntil = later(this.#validUntil, after(started, check.remainingMs));
    }
    this.#notice();
    if (!this.#fresh() || fence.epoch !== this.#epoch) throw this.#refusal();
  }

  /** Margin before the lease's end within which no send starts. */
  get #marginMs(): number {
    return Math.min(MAX_MARGIN_MS, this.#options.ttlMs / MARGIN_SHARE);
  }

  #fresh(): boolean {
    const margin = this.#marginMs;
    return (
      this.#state === "held" &&
      CLOCKS.monotonic() < this.#validUntil.monotonic - margin &&
      CLOCKS.wall() < this.#validUntil.wall - margin
    );
  }

  #refusal(): LeaseLostError {
    const { leaseName } = this.#options;
    const why =
      this.#state === "lost"
        ? "another process holds it"
        : this.#state === "stopped"
          ? "the bot is stopping"
          : "it is not confirmed (being checked again after a pause or failed renewals)";
    return new LeaseLostError(`lease: ${leaseName} (epoch ${this.#epoch}): ${why}; nothing is sent`);
  }

  /**
   * Notices a pause before anything else: when the lease's lifetime has passed since its last confirmation,
   * the claims are dropped and the lease is checked again. Returns the current claims' controller.
   */
  #notice(revalidate = true): AbortController {
    if (
      this.#state === "held" &&
      (CLOCKS.monotonic() >= this.#validUntil.monotonic || CLOCKS.wall() >= this.#validUntil.wall)
    ) {
      this.#suspect(
        "the lease's lifetime passed since it was last confirmed (the process was paused, or renewals failed)",
        revalidate,
      );
    }
    return this.#claims;
  }

  /** Drops the claims and, unless a renewal is what noticed it, starts re-validating at once. */
  #suspect(reason: string, revalidate = true): void {
    if (this.#state !== "held") return;
    this.#state = "checking";
    this.#claims.abort();
    this.#options.logger.warn(
      { lease: this.#options.leaseName, epoch: this.#epoch },
      `lease: ${reason}; its claims are dropped and nothing is sent until it is confirmed again`,
    );
    if (revalidate) void this.#renew();
  }

  #plan(): void {
    if (this.#state === "lost" || this.#state === "stopped") return;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#renew();
    }, this.#options.ttlMs / RENEWALS_PER_LEASE);
    this.#timer.unref();
  }

  /** One renewal at a time: asked again while one is in flight, it waits for that one. */
  #renew(): Promise<void> {
    this.#renewing ??= this.#renewOnce().finally(() => {
      this.#renewing = undefined;
      this.#plan();
    });
    return this.#renewing;
  }

  async #renewOnce(): Promise<void> {
    this.#notice(false);
    if (this.#state === "lost" || this.#state === "stopped") return;
    const { leaseOwner, leaseName, ttlMs, logger } = this.#options;
    try {
      const started = now();
      if (await this.#storage.renewLease(leaseOwner, ttlMs, started.wall, leaseName)) {
        this.#confirmed(started, this.#epoch);
        return;
      }
      // Expired (a pause, or renewals that failed for a whole lifetime), or taken by another process.
      const again = now();
      const lease = await this.#storage.acquireLease(leaseOwner, ttlMs, again.wall, leaseName);
      if (!lease.acquired) {
        this.#lost(lease.holder);
        return;
      }
      if (lease.epoch !== this.#epoch && !this.#stopped) {
        logger.warn(
          { lease: leaseName, epoch: lease.epoch, previousEpoch: this.#epoch },
          "lease: it had expired and was free; taken again under a new epoch (claims from before are checked afresh)",
        );
      }
      this.#confirmed(again, lease.epoch);
    } catch (error) {
      if (this.#stopped) return;
      const what =
        error instanceof StorageBusyError
          ? "timed out (a lock or a slow database)"
          : error instanceof StorageUnavailableError
            ? "failed: the database cannot be reached"
            : "failed";
      logger.warn({ err: error, lease: leaseName }, `lease: renewing the single-instance lock ${what}`);
    }
  }

  /** Read through a getter: the state may change while a renewal waits for the database. */
  get #stopped(): boolean {
    return this.#state === "stopped";
  }

  #confirmed(at: LeaseInstant, epoch: number): void {
    if (this.#state === "lost" || this.#state === "stopped") return;
    const wasChecking = this.#state === "checking";
    if (epoch !== this.#epoch || wasChecking) {
      // Claims made under the old epoch, or before the pause, were dropped: new ones get a new signal.
      this.#claims.abort();
      this.#claims = claimsController();
    }
    this.#epoch = epoch;
    this.#validUntil = after(at, this.#options.ttlMs);
    this.#state = "held";
    if (wasChecking) {
      this.#options.logger.info(
        { lease: this.#options.leaseName, epoch },
        "lease: confirmed again; posting resumes",
      );
    }
  }

  #lost(holder: string): void {
    if (this.#state === "lost" || this.#state === "stopped") return;
    this.#state = "lost";
    this.#claims.abort();
    clearTimeout(this.#timer);
    // Another process took over: two bots would answer every interaction twice, so this one stops.
    this.#options.logger.error(
      { lease: this.#options.leaseName, holder },
      "lost the single-instance lock to another process; stopping",
    );
    this.#options.onLost();
  }
}

/** Every post waiting for its send slot listens to the signal: as many as a pass runs at once. */
function claimsController(): AbortController {
  const controller = new AbortController();
  setMaxListeners(0, controller.signal);
  return controller;
}

function now(): LeaseInstant {
  return { monotonic: CLOCKS.monotonic(), wall: CLOCKS.wall() };
}

function after(at: LeaseInstant, ms: number): LeaseInstant {
  return { monotonic: at.monotonic + ms, wall: at.wall + ms };
}

function later(a: LeaseInstant, b: LeaseInstant): LeaseInstant {
  return { monotonic: Math.max(a.monotonic, b.monotonic), wall: Math.max(a.wall, b.wall) };
}

/** The moment to count a lease's lifetime from: taken just before the statement that confirms it. */
export function leaseInstant(): LeaseInstant {
  return now();
}
