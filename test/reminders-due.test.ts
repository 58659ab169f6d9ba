import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addDaysToLocalDate, localParts } from "../src/calendar/time.js";
import { UserFacingError } from "../src/errors.js";
import {
  evaluateDue,
  firstSlotFrom,
  nextSlot,
  parseDailyTime,
  type Slot,
  slotAfterLocalDate,
  slotFor,
} from "../src/reminders/due.js";
import { FROM, TO, transitions } from "./support/zones.js";

const SECOND = 1000;
const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

const ZONES = [
  "America/New_York",
  "Asia/Jerusalem",
  "Europe/London",
  "Australia/Lord_Howe",
  "Asia/Kathmandu",
  "Pacific/Chatham",
  "UTC",
] as const;

const TRANSITIONS = new Map(ZONES.map((z) => [z, transitions(z)]));

function hhmm(hour: number, minute: number): string {
  return `${String(hour).padStart(2, "0")}:${String(minute).padStart(2, "0")}`;
}

function expectUserError(fn: () => unknown, fragment: string): void {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(UserFacingError);
  expect((caught as Error).message).toContain(fragment);
}

interface Outcome {
  readonly posts: { localDate: string; at: number }[];
  readonly skips: { localDate: string; at: number }[];
  readonly first: Slot;
}

/**
 * The scheduler's state machine: one pending slot per reminder; on each tick, post or skip it and move to
 * the next local date's slot until the pending slot lies in the future.
 */
function simulate(
  setup: number,
  ticks: readonly number[],
  time: string,
  zone: string,
  graceMs: number,
): Outcome {
  const first = firstSlotFrom(new Date(setup), time, zone);
  let slot = first;
  const posts: { localDate: string; at: number }[] = [];
  const skips: { localDate: string; at: number }[] = [];
  for (const t of ticks) {
    for (;;) {
      const d = evaluateDue({ now: new Date(t), slotAt: slot.at, slotLocalDate: slot.localDate, graceMs });
      if (d.action === "wait") break;
      if (d.action === "post") posts.push({ localDate: d.localDate, at: t });
      else skips.push({ localDate: d.localDate, at: t });
      slot = slotAfterLocalDate(slot.localDate, time, zone);
    }
  }
  return { posts, skips, first };
}

/** Minute ticks (at second `phase`) from `from` for `count` minutes. */
function minuteTicks(from: number, count: number, phase = 0): number[] {
  return Array.from({ length: count }, (_, i) => from + phase + i * MINUTE);
}

describe("parseDailyTime", () => {
  it("accepts H:MM and HH:MM from 00:00 to 23:59", () => {
    expect(parseDailyTime("07:30")).toEqual({ hour: 7, minute: 30, text: "07:30" });
    expect(parseDailyTime("7:30")).toEqual({ hour: 7, minute: 30, text: "07:30" });
    expect(parseDailyTime("00:00")).toEqual({ hour: 0, minute: 0, text: "00:00" });
    expect(parseDailyTime("23:59")).toEqual({ hour: 23, minute: 59, text: "23:59" });
    expect(parseDailyTime(" 9:05 ")).toEqual({ hour: 9, minute: 5, text: "09:05" });
  });

  it("rejects anything else with the 24-hour message", () => {
    for (const bad of [
      "24:00",
      "7pm",
      "07:60",
      "7:5",
      "",
      "  ",
      "007:30",
      "07:30:00",
      "07.30",
      "-1:00",
      "7 :30",
      "٠٧:٣٠",
    ]) {
      expectUserError(
        () => parseDailyTime(bad),
        "Time must be HH:MM in 24-hour form, 00:00–23:59 (for example 07:30)",
      );
    }
  });

  it("round-trips every valid time and agrees with a reference check on any string", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 23 }),
        fc.integer({ min: 0, max: 59 }),
        fc.boolean(),
        (h, m, short) => {
          const input = short ? `${h}:${String(m).padStart(2, "0")}` : hhmm(h, m);
          expect(parseDailyTime(input)).toEqual({ hour: h, minute: m, text: hhmm(h, m) });
        },
      ),
    );
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 6 }), fc.stringMatching(/^\d{1,3}:\d{1,3}$/)), (s) => {
        const m = /^(\d{1,2}):(\d{2})$/.exec(s.trim());
        const ok = m !== null && Number(m[1]) <= 23 && Number(m[2]) <= 59;
        if (ok) expect(parseDailyTime(s).text).toBe(hhmm(Number(m[1]), Number(m[2])));
        else expect(() => parseDailyTime(s)).toThrow(UserFacingError);
      }),
      { numRuns: 500 },
    );
  });
});

describe("slots", () => {
  it("post at the first valid minute after a spring-forward gap and once on a fall-back day", () => {
    const ny = "America/New_York";
    expect(slotFor("2026-03-08", "02:30", ny).toISOString()).toBe("2026-03-08T07:00:00.000Z");
    expect(localParts(slotFor("2026-03-08", "02:30", ny), ny).time).toBe("03:00");
    expect(slotFor("2026-11-01", "01:30", ny).toISOString()).toBe("2026-11-01T05:30:00.000Z");
    expect(slotFor("2026-07-01", "07:30", "Asia/Jerusalem").toISOString()).toBe("2026-07-01T04:30:00.000Z");
  });

  it("starts today when the time is still ahead or in the current minute, else tomorrow", () => {
    const tz = "Asia/Jerusalem";
    const at = (iso: string) => new Date(iso);
    expect(firstSlotFrom(at("2026-07-01T04:00:00Z"), "07:30", tz)).toEqual({
      localDate: "2026-07-01",
      at: at("2026-07-01T04:30:00Z"),
    });
    expect(firstSlotFrom(at("2026-07-01T04:30:00Z"), "07:30", tz).localDate).toBe("2026-07-01");
    expect(firstSlotFrom(at("2026-07-01T04:30:59.999Z"), "07:30", tz).localDate).toBe("2026-07-01");
    expect(firstSlotFrom(at("2026-07-01T04:31:00Z"), "07:30", tz)).toEqual({
      localDate: "2026-07-02",
      at: at("2026-07-02T04:30:00Z"),
    });
    // 23:30 UTC on 1 July is already 2 July in Jerusalem.
    expect(firstSlotFrom(at("2026-07-01T23:30:00Z"), "07:30", tz).localDate).toBe("2026-07-02");
  });

  it("nextSlot is the first slot strictly after an instant; slotAfterLocalDate is the next date's slot", () => {
    const tz = "America/New_York";
    expect(nextSlot(new Date("2026-03-08T07:00:00Z"), "02:30", tz)).toEqual({
      localDate: "2026-03-09",
      at: new Date("2026-03-09T06:30:00Z"),
    });
    expect(nextSlot(new Date("2026-03-08T06:59:59Z"), "02:30", tz).localDate).toBe("2026-03-08");
    expect(slotAfterLocalDate("2026-10-31", "01:30", tz)).toEqual({
      localDate: "2026-11-01",
      at: new Date("2026-11-01T05:30:00Z"),
    });
    fc.assert(
      fc.property(
        fc.constantFrom(...ZONES),
        fc.integer({ min: FROM, max: TO }),
        fc.integer({ min: 0, max: 23 }),
        fc.integer({ min: 0, max: 59 }),
        (zone, ms, h, m) => {
          const time = hhmm(h, m);
          const s = nextSlot(new Date(ms), time, zone);
          expect(s.at.getTime()).toBeGreaterThan(ms);
          expect(s.at.getTime() - ms).toBeLessThanOrEqual(DAY + 2 * HOUR);
          expect(s.at).toEqual(slotFor(s.localDate, time, zone));
          // No slot of the previous date lies in between.
          expect(slotFor(addDaysToLocalDate(s.localDate, -1), time, zone).getTime()).toBeLessThanOrEqual(ms);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("evaluateDue", () => {
  const slotAt = new Date("2026-07-01T04:30:00Z");
  const base = { slotAt, slotLocalDate: "2026-07-01", graceMs: HOUR };
  const at = (ms: number) => evaluateDue({ ...base, now: new Date(slotAt.getTime() + ms) });

  it("waits before the slot, posts within grace and skips after", () => {
    expect(at(-1)).toEqual({ action: "wait" });
    expect(at(0)).toEqual({ action: "post", localDate: "2026-07-01" });
    expect(at(HOUR - 1)).toEqual({ action: "post", localDate: "2026-07-01" });
    expect(at(HOUR)).toEqual({ action: "skip", localDate: "2026-07-01", lateByMs: HOUR });
    expect(at(3 * DAY)).toEqual({ action: "skip", localDate: "2026-07-01", lateByMs: 3 * DAY });
  });

  it("refuses a grace window that could never post", () => {
    for (const graceMs of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => evaluateDue({ ...base, now: slotAt, graceMs })).toThrow(RangeError);
    }
  });
});

describe("scheduler simulation", () => {
  it("posts 02:30 at 03:00 local on the New York spring-forward day", () => {
    const tz = "America/New_York";
    const setup = Date.parse("2026-03-06T12:00:00Z");
    const out = simulate(setup, minuteTicks(setup, 4 * 24 * 60, 7 * SECOND), "02:30", tz, 10 * MINUTE);
    expect(out.skips).toEqual([]);
    expect(out.posts.map((p) => p.localDate)).toEqual([
      "2026-03-07",
      "2026-03-08",
      "2026-03-09",
      "2026-03-10",
    ]);
    const dstDay = out.posts[1];
    expect(dstDay?.at).toBe(Date.parse("2026-03-08T07:00:07Z"));
    expect(localParts(new Date(dstDay?.at ?? 0), tz).time).toBe("03:00");
  });

  it("posts 01:30 exactly once on the New York fall-back day, at the first 01:30", () => {
    const tz = "America/New_York";
    const setup = Date.parse("2026-10-30T12:00:00Z");
    const out = simulate(setup, minuteTicks(setup, 4 * 24 * 60), "01:30", tz, 2 * HOUR);
    const onDay = out.posts.filter((p) => p.localDate === "2026-11-01");
    expect(onDay).toEqual([{ localDate: "2026-11-01", at: Date.parse("2026-11-01T05:30:00Z") }]);
    expect(out.posts.map((p) => p.localDate)).toEqual([
      "2026-10-31",
      "2026-11-01",
      "2026-11-02",
      "2026-11-03",
    ]);
  });

  it("skips days missed during downtime, then resumes", () => {
    const tz = "Europe/London";
    const setup = Date.parse("2026-07-01T05:00:00Z");
    const ticks = [
      ...minuteTicks(setup, 90),
      ...minuteTicks(Date.parse("2026-07-03T12:00:00Z"), 2 * 24 * 60),
    ];
    const out = simulate(setup, ticks, "07:00", tz, 30 * MINUTE);
    expect(out.posts.map((p) => p.localDate)).toEqual(["2026-07-01", "2026-07-04", "2026-07-05"]);
    expect(out.skips.map((s) => s.localDate)).toEqual(["2026-07-02", "2026-07-03"]);
  });

  const scenario = fc.constantFrom(...ZONES).chain((zone) => {
    const list = TRANSITIONS.get(zone) ?? [];
    const anywhere = fc.integer({ min: FROM, max: TO - 20 * DAY });
    // Start a few days before a clock change so the simulated window crosses it.
    const nearChange =
      list.length === 0
        ? anywhere
        : fc
            .tuple(fc.constantFrom(...list), fc.integer({ min: 0, max: 4 * DAY }))
            .map(([tr, back]) => tr.at - back);
    const anyTime = fc
      .tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }))
      .map(([h, m]) => hhmm(h, m));
    // Times at and around the changes (02:00–02:59 in the US, 01:00–01:59 in London, 02:xx at Lord Howe…).
    const edgeTime = fc
      .tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 59 }))
      .map(([h, m]) => hhmm(h, m));
    const segment = fc.record({
      upMs: fc.integer({ min: 0, max: 40 * HOUR }),
      stepMs: fc.oneof(
        { weight: 4, arbitrary: fc.constant(MINUTE) },
        { weight: 2, arbitrary: fc.integer({ min: 20 * SECOND, max: 90 * SECOND }) },
        { weight: 1, arbitrary: fc.integer({ min: 90 * SECOND, max: 20 * MINUTE }) },
      ),
      downMs: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 50 * HOUR })),
    });
    return fc.record({
      zone: fc.constant(zone),
      setup: fc.oneof(anywhere, nearChange),
      time: fc.oneof(anyTime, edgeTime),
      graceMs: fc.oneof(
        fc.integer({ min: 1, max: 2 * MINUTE }),
        fc.integer({ min: MINUTE, max: 6 * HOUR }),
        fc.integer({ min: 6 * HOUR, max: 30 * HOUR }),
      ),
      firstDelayMs: fc.integer({ min: 0, max: 2 * HOUR }),
      segments: fc.array(segment, { minLength: 1, maxLength: 5 }),
    });
  });

  it("posts at most once per local date, never early, and never misses a day with a tick in its window", () => {
    fc.assert(
      fc.property(scenario, ({ zone, setup, time, graceMs, firstDelayMs, segments }) => {
        const ticks: number[] = [];
        let t = setup + firstDelayMs;
        for (const { upMs, stepMs, downMs } of segments) {
          const end = t + upMs;
          for (; t <= end; t += stepMs) ticks.push(t);
          t += downMs;
        }
        const { posts, skips, first } = simulate(setup, ticks, time, zone, graceMs);

        // Local dates of posts strictly increase, hence at most one post per date.
        for (let i = 1; i < posts.length; i++) {
          expect((posts[i]?.localDate ?? "") > (posts[i - 1]?.localDate ?? "")).toBe(true);
        }
        // Never before the slot, always within grace.
        for (const p of posts) {
          const slot = slotFor(p.localDate, time, zone).getTime();
          expect(p.at).toBeGreaterThanOrEqual(slot);
          expect(p.at).toBeLessThan(slot + graceMs);
        }
        // Every date from the first slot up to the last tick is decided exactly once, in order, and posted
        // exactly when some tick fell inside its window.
        const lastTick = ticks[ticks.length - 1] ?? setup;
        const decided = new Map<string, "post" | "skip">();
        for (const p of posts) decided.set(p.localDate, "post");
        for (const s of skips) {
          expect(decided.has(s.localDate)).toBe(false);
          decided.set(s.localDate, "skip");
        }
        let date = first.localDate;
        let count = 0;
        for (let slot = first.at.getTime(); slot <= lastTick; slot = slotFor(date, time, zone).getTime()) {
          const tickInWindow = ticks.some((x) => x >= slot && x < slot + graceMs);
          expect(decided.get(date)).toBe(tickInWindow ? "post" : "skip");
          count++;
          date = addDaysToLocalDate(date, 1);
        }
        expect(decided.size).toBe(count);
      }),
      { numRuns: 300 },
    );
  });
});

describe("evaluateDue across local midnight", () => {
  it("skips a late slot once its local day is over, even inside the grace window", () => {
    const slotAt = new Date("2026-12-01T22:00:00Z");
    const base = { slotAt, slotLocalDate: "2026-12-01", graceMs: 6 * 3600_000 };
    expect(
      evaluateDue({ ...base, now: new Date("2026-12-01T23:30:00Z"), nowLocalDate: "2026-12-01" }),
    ).toEqual({
      action: "post",
      localDate: "2026-12-01",
    });
    expect(
      evaluateDue({ ...base, now: new Date("2026-12-02T01:00:00Z"), nowLocalDate: "2026-12-02" }),
    ).toEqual({
      action: "skip",
      localDate: "2026-12-01",
      lateByMs: 3 * 3600_000,
    });
  });
});
