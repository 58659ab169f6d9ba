import { setTimeout as sleep } from "node:timers/promises";
import { PostError } from "../post-error.js";
import { type FencedClaim, LeaseLostError, type Storage } from "../storage/types.js";

/** How late a process may be for its reserved send slot (a one-slot span) before it reserves again. */
export const LATE_SLOT_MS = 50;
/** The widest span a late process reserves, in slots. */
const MAX_SPAN_SLOTS = 64;
/** Reservations before a post gives up its turn (it is retried at the next pass; nothing was sent). */
const MAX_ATTEMPTS = 12;

/** Real time: the budget's slots are shared with other processes and waited for here. */
export interface PaceClock {
  now(): number;
  /** Waits `ms`; rejects at once when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

const REAL_TIME: PaceClock = {
  now: () => Date.now(),
  sleep: (ms, signal) => sleep(ms, undefined, signal ? { signal } : {}),
};

/** A claimed post waiting for its slot: the claim the slot is reserved for, and when to drop it. */
export interface SlotClaim {
  /** The claim with a fence presented now (it throws LeaseLostError when the lease is not confirmed). */
  readonly claim: () => FencedClaim;
  /** Aborted when the claim must be dropped (a pause noticed, the lease lost). */
  readonly signal: AbortSignal;
}

/**
 * Waits for this process's turn to send in a budget shared by every process on the database: one send per
 * `spacingMs`, in the order of reservation ({@link Storage.reserveSlot}). Resolves when the caller may send.
 *
 * A process that wakes up late for its slot (an event loop busy with a start-up, a slow database) must not
 * send then: its post would bunch with other processes' on-time posts and together they would pass the
 * budget. It reserves again, each time a span twice as wide (up to 64 slots), and sends within its span, or at
 * most 50 ms past its end. Spans never overlap, so however late processes wake, any second holds at most the
 * budget's sends plus the few that 50 ms of tolerated lateness lets in. After 12 reservations it gives its
 * turn up with a `rejected` PostError: nothing was sent, and the post is retried at the next pass.
 *
 * With `claimed`, each reservation is made only while the claim still carries this process's live fence
 * (see {@link Storage.reserveSlot}), and the wait ends at once when the claim is dropped: both reject with
 * LeaseLostError, and nothing may be sent.
 */
export async function awaitSendSlot(
  storage: Pick<Storage, "reserveSlot">,
  budget: string,
  spacingMs: number,
  clock: PaceClock = REAL_TIME,
  claimed?: SlotClaim,
): Promise<void> {
  let slots = 1;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const width = spacingMs * slots;
    let start: number;
    try {
      if (claimed?.signal.aborted) throw dropped();
      start = await storage.reserveSlot(budget, width, clock.now(), claimed?.claim());
    } catch (error) {
      if (error instanceof LeaseLostError) throw error;
      throw new PostError("could not reserve a send slot", "rejected", { cause: error });
    }
    const wait = start - clock.now();
    if (wait > 0) {
      try {
        await clock.sleep(wait, claimed?.signal);
      } catch (error) {
        if (claimed?.signal.aborted) throw dropped();
        throw error;
      }
    }
    if (claimed?.signal.aborted) throw dropped();
    if (clock.now() - start <= width - spacingMs + LATE_SLOT_MS) return;
    slots = Math.min(slots * 2, MAX_SPAN_SLOTS);
  }
  throw new PostError(`woke up too late for ${MAX_ATTEMPTS} send slots in a row`, "rejected");
}

function dropped(): LeaseLostError {
  return new LeaseLostError(
    "reminders: the claim was dropped while it waited for its send slot; nothing was sent",
  );
}
