/**
 * The shared send budget, over one real SQLite file opened by two "processes", with a virtual clock whose
 * sleeps can overshoot: a process that wakes up late must never send in a way that crowds one second.
 */
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { PostError } from "../src/post-error.js";
import { awaitSendSlot, LATE_SLOT_MS, type PaceClock } from "../src/reminders/pace.js";
import { SqliteStorage } from "../src/storage/sqlite.js";
import { tempDir } from "./support/bot.js";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** One virtual time line; each process's sleeps overshoot by what `lateness` says. */
class VirtualTime {
  at = 1_000_000;
  clock(lateness: (sleptMs: number) => number): PaceClock {
    return {
      now: () => this.at,
      sleep: async (ms) => {
        this.at += ms + lateness(ms);
      },
    };
  }
}

function twoProcesses() {
  const dir = tempDir();
  const path = join(dir.path, "budget.db");
  const first = SqliteStorage.open(path);
  const second = SqliteStorage.open(path);
  cleanups.push(
    dir.cleanup,
    () => first.close(),
    () => second.close(),
  );
  return [first, second] as const;
}

/** The most sends within any one second. */
function busiestSecond(times: readonly number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end++) {
    while ((sorted[end] as number) - (sorted[start] as number) >= 1000) start++;
    best = Math.max(best, end - start + 1);
  }
  return best;
}

describe("awaitSendSlot", () => {
  it("sends on time at one reservation per slot", async () => {
    const [storage] = twoProcesses();
    const time = new VirtualTime();
    const clock = time.clock(() => 0);
    const sent: number[] = [];
    for (let i = 0; i < 5; i++) {
      await awaitSendSlot(storage, "discord", 25, clock);
      sent.push(time.at);
    }
    expect(sent).toEqual([1_000_000, 1_000_025, 1_000_050, 1_000_075, 1_000_100]);
  });

  it("never lets a late process send past the span it reserved: it reserves a wider one instead", async () => {
    const [punctual, late] = twoProcesses();
    const time = new VirtualTime();
    const onTime = time.clock(() => 0);
    // A start-up's busy event loop: every wake-up of this process comes 120 ms after it asked.
    const busy = time.clock(() => 120);
    // The late process's reservations, as the database handed them out.
    const spans: { start: number; width: number }[] = [];
    const recorded = {
      reserveSlot: async (name: string, width: number, now: number) => {
        const start = await late.reserveSlot(name, width, now);
        spans.push({ start, width });
        return start;
      },
    };
    const sent: number[] = [];
    const reservations: number[] = [];
    for (let i = 0; i < 60; i++) {
      const isLate = i % 3 === 0;
      const before = spans.length;
      await awaitSendSlot(isLate ? recorded : punctual, "discord", 25, isLate ? busy : onTime);
      sent.push(time.at);
      if (!isLate) continue;
      reservations.push(spans.length - before);
      const last = spans[spans.length - 1] as { start: number; width: number };
      expect(time.at).toBeGreaterThanOrEqual(last.start);
      expect(time.at).toBeLessThanOrEqual(last.start + last.width + LATE_SLOT_MS);
    }
    // Whenever it had to wait for its slot, it woke 120 ms late and had to reserve again, wider.
    expect(reservations.filter((n) => n > 1).length).toBeGreaterThan(10);
    expect(busiestSecond(sent)).toBeLessThanOrEqual(1000 / 25 + 3);
  });

  it("gives its turn up with nothing sent when it never wakes up in time", async () => {
    const [storage] = twoProcesses();
    // A process stalled between every two steps: each look at the clock finds it 10 s later.
    let at = 1_000_000;
    const stalled: PaceClock = { now: () => (at += 10_000), sleep: async () => undefined };
    const failure = await awaitSendSlot(storage, "discord", 25, stalled).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(PostError);
    expect((failure as PostError).kind).toBe("rejected");
  });

  it("reports a database that cannot reserve as nothing sent", async () => {
    const [storage] = twoProcesses();
    await storage.close();
    const failure = await awaitSendSlot(storage, "discord", 25).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(PostError);
    expect((failure as PostError).kind).toBe("rejected");
  });
});
