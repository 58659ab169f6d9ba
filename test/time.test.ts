import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  addDaysToLocalDate,
  daysBetweenLocalDates,
  isValidLocalDate,
  localParts,
  parseLocalDate,
  weekdayOfLocalDate,
  zonedTimeToUtc,
} from "../src/calendar/time.js";
import { FROM, TO, transitions } from "./support/zones.js";

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

const ZONES = [
  "UTC",
  "America/New_York",
  "Asia/Jerusalem",
  "Europe/London",
  "Australia/Lord_Howe",
  "Asia/Kathmandu",
  "Pacific/Chatham",
  "America/Santiago",
  "Asia/Gaza",
  "America/St_Johns",
] as const;

const TRANSITIONS = new Map(ZONES.map((z) => [z, transitions(z)]));

/** The wall reading of an instant, as if it were UTC, for ordering readings. */
function wallMs(ms: number, zone: string): number {
  const p = localParts(new Date(ms), zone);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
}

function readingMs(date: string, time: string): number {
  return Date.parse(`${date}T${time}:00Z`);
}

/** Wall readings (date, time) that are either anywhere in 2020–2035 or within 3 hours of a DST change. */
const wallReadingArb = fc.constantFrom(...ZONES).chain((zone) => {
  const list = TRANSITIONS.get(zone) ?? [];
  const anywhere = fc.integer({ min: FROM / MINUTE, max: TO / MINUTE - 1 }).map((m) => m * MINUTE);
  const nearChange =
    list.length === 0
      ? anywhere
      : fc
          .tuple(fc.constantFrom(...list), fc.integer({ min: -180, max: 180 }))
          .map(([tr, m]) => tr.at + tr.after * MINUTE + m * MINUTE);
  return fc.oneof(anywhere, nearChange).map((wall) => {
    const iso = new Date(wall).toISOString();
    return { zone, date: iso.slice(0, 10), time: iso.slice(11, 16) };
  });
});

describe("zonedTimeToUtc", () => {
  it("converts ordinary wall times", () => {
    expect(zonedTimeToUtc("2024-03-10", "18:00", "Asia/Jerusalem").toISOString()).toBe(
      "2024-03-10T16:00:00.000Z",
    );
    expect(zonedTimeToUtc("2024-07-01", "18:00", "Asia/Jerusalem").toISOString()).toBe(
      "2024-07-01T15:00:00.000Z",
    );
    expect(zonedTimeToUtc("2024-03-10", "18:00", "UTC").toISOString()).toBe("2024-03-10T18:00:00.000Z");
    // 10 March 2024 is itself a US spring-forward day; by 18:00 New York is on EDT.
    expect(zonedTimeToUtc("2024-03-10", "18:00", "America/New_York").toISOString()).toBe(
      "2024-03-10T22:00:00.000Z",
    );
    expect(zonedTimeToUtc("2024-01-15", "09:00", "Asia/Kathmandu").toISOString()).toBe(
      "2024-01-15T03:15:00.000Z",
    );
    expect(zonedTimeToUtc("2024-01-15", "09:00", "Pacific/Chatham").toISOString()).toBe(
      "2024-01-14T19:15:00.000Z",
    );
    expect(zonedTimeToUtc("2024-01-15", "00:00", "Etc/GMT+3").toISOString()).toBe("2024-01-15T03:00:00.000Z");
  });

  it("moves a time in a spring-forward gap to the first valid minute after it", () => {
    // America/New_York 2026-03-08: 02:00 EST → 03:00 EDT.
    expect(zonedTimeToUtc("2026-03-08", "02:30", "America/New_York").toISOString()).toBe(
      "2026-03-08T07:00:00.000Z",
    );
    expect(zonedTimeToUtc("2026-03-08", "02:00", "America/New_York").toISOString()).toBe(
      "2026-03-08T07:00:00.000Z",
    );
    expect(zonedTimeToUtc("2026-03-08", "03:00", "America/New_York").toISOString()).toBe(
      "2026-03-08T07:00:00.000Z",
    );
    expect(zonedTimeToUtc("2026-03-08", "01:59", "America/New_York").toISOString()).toBe(
      "2026-03-08T06:59:00.000Z",
    );
    // Asia/Jerusalem 2024-03-29: 02:00 → 03:00.
    expect(localParts(zonedTimeToUtc("2024-03-29", "02:30", "Asia/Jerusalem"), "Asia/Jerusalem").time).toBe(
      "03:00",
    );
    // Europe/London 2025-03-30: 01:00 → 02:00.
    expect(zonedTimeToUtc("2025-03-30", "01:30", "Europe/London").toISOString()).toBe(
      "2025-03-30T01:00:00.000Z",
    );
    // Australia/Lord_Howe 2025-10-05: a 30-minute gap, 02:00 → 02:30.
    const lh = zonedTimeToUtc("2025-10-05", "02:15", "Australia/Lord_Howe");
    expect(localParts(lh, "Australia/Lord_Howe").time).toBe("02:30");
    expect(lh.toISOString()).toBe("2025-10-04T15:30:00.000Z");
    // Pacific/Chatham 2025-09-28: 02:45 → 03:45.
    expect(localParts(zonedTimeToUtc("2025-09-28", "03:00", "Pacific/Chatham"), "Pacific/Chatham").time).toBe(
      "03:45",
    );
  });

  it("picks the first occurrence of a time repeated by a fall-back change", () => {
    // America/New_York 2026-11-01: 02:00 EDT → 01:00 EST, so 01:30 happens at 05:30Z and again at 06:30Z.
    expect(zonedTimeToUtc("2026-11-01", "01:30", "America/New_York").toISOString()).toBe(
      "2026-11-01T05:30:00.000Z",
    );
    expect(zonedTimeToUtc("2026-11-01", "01:00", "America/New_York").toISOString()).toBe(
      "2026-11-01T05:00:00.000Z",
    );
    expect(zonedTimeToUtc("2026-11-01", "02:00", "America/New_York").toISOString()).toBe(
      "2026-11-01T07:00:00.000Z",
    );
    // Europe/London 2025-10-26: 01:30 BST (00:30Z) before 01:30 GMT (01:30Z).
    expect(zonedTimeToUtc("2025-10-26", "01:30", "Europe/London").toISOString()).toBe(
      "2025-10-26T00:30:00.000Z",
    );
    // Australia/Lord_Howe 2026-04-05: 02:00 → 01:30, so 01:45 repeats after 30 minutes.
    expect(zonedTimeToUtc("2026-04-05", "01:45", "Australia/Lord_Howe").toISOString()).toBe(
      "2026-04-04T14:45:00.000Z",
    );
  });

  it("rejects malformed input as a programming error", () => {
    expect(() => zonedTimeToUtc("2024-02-30", "10:00", "UTC")).toThrow(RangeError);
    expect(() => zonedTimeToUtc("2024-2-3", "10:00", "UTC")).toThrow(RangeError);
    expect(() => zonedTimeToUtc("2024-02-03", "24:00", "UTC")).toThrow(RangeError);
    expect(() => zonedTimeToUtc("2024-02-03", "7:00", "UTC")).toThrow(RangeError);
  });

  it("round-trips every instant through its own wall reading (first occurrence on repeats)", () => {
    const zoneAndInstant = fc.constantFrom(...ZONES).chain((zone) => {
      const list = TRANSITIONS.get(zone) ?? [];
      const anywhere = fc.integer({ min: FROM / MINUTE, max: TO / MINUTE - 1 }).map((m) => m * MINUTE);
      if (list.length === 0) return fc.tuple(fc.constant(zone), anywhere);
      const nearChange = fc
        .tuple(fc.constantFrom(...list), fc.integer({ min: -180, max: 180 }))
        .map(([tr, m]) => tr.at + m * MINUTE);
      return fc.tuple(fc.constant(zone), fc.oneof(anywhere, nearChange));
    });
    fc.assert(
      fc.property(zoneAndInstant, ([zone, t]) => {
        const p = localParts(new Date(t), zone);
        const r = zonedTimeToUtc(p.date, p.time, zone).getTime();
        const q = localParts(new Date(r), zone);
        expect(q.date).toBe(p.date);
        expect(q.time).toBe(p.time);
        expect(r).toBeLessThanOrEqual(t);
        if (r < t) {
          // Only a repeated reading may map earlier, and then by exactly the size of the fall-back.
          expect(t - r).toBe((q.offsetMinutes - p.offsetMinutes) * MINUTE);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it("returns the reading itself or, inside a gap, the instant the clocks jump", () => {
    fc.assert(
      fc.property(wallReadingArb, ({ zone, date, time }) => {
        const r = zonedTimeToUtc(date, time, zone).getTime();
        const wanted = readingMs(date, time);
        const got = wallMs(r, zone);
        if (got === wanted) {
          // First occurrence: no earlier instant in the previous 3 hours shows the same reading.
          for (let t = r - 3 * HOUR; t < r; t += MINUTE) expect(wallMs(t, zone)).not.toBe(wanted);
        } else {
          // Gap: the reading was skipped; one second earlier the clock was still before it.
          expect(got).toBeGreaterThan(wanted);
          expect(wallMs(r - 1000, zone)).toBeLessThan(wanted);
          expect(localParts(new Date(r), zone).second).toBe(0);
        }
      }),
      { numRuns: 400 },
    );
  });
});

describe("localParts", () => {
  it("reports the wall clock, weekday and offset", () => {
    const p = localParts(new Date("2024-03-10T16:00:00Z"), "Asia/Jerusalem");
    expect(p).toEqual({
      date: "2024-03-10",
      time: "18:00",
      year: 2024,
      month: 3,
      day: 10,
      hour: 18,
      minute: 0,
      second: 0,
      weekday: 0,
      weekdayName: "Sunday",
      offsetMinutes: 120,
    });
    expect(localParts(new Date("2024-01-01T00:00:00Z"), "Asia/Kathmandu").offsetMinutes).toBe(345);
    expect(localParts(new Date("2024-01-01T00:00:00Z"), "Pacific/Chatham").offsetMinutes).toBe(825);
    expect(localParts(new Date("2024-01-01T00:00:00Z"), "Etc/GMT+3").time).toBe("21:00");
    // Midnight is hour 0, never 24.
    expect(localParts(new Date("2024-01-01T00:00:00Z"), "UTC").time).toBe("00:00");
  });

  it("agrees with the offset: wall reading = instant + offset", () => {
    fc.assert(
      fc.property(fc.constantFrom(...ZONES), fc.integer({ min: FROM, max: TO }), (zone, t) => {
        const p = localParts(new Date(t), zone);
        const secondStart = Math.floor(t / 1000) * 1000;
        expect(Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second)).toBe(
          secondStart + p.offsetMinutes * MINUTE,
        );
        expect(p.weekday).toBe(weekdayOfLocalDate(p.date));
      }),
      { numRuns: 500 },
    );
  });
});

describe("local date helpers", () => {
  it("validates real dates only", () => {
    expect(isValidLocalDate("2024-02-29")).toBe(true);
    expect(isValidLocalDate("2023-02-29")).toBe(false);
    expect(isValidLocalDate("2024-13-01")).toBe(false);
    expect(isValidLocalDate("2024-00-10")).toBe(false);
    expect(isValidLocalDate("2024-1-01")).toBe(false);
    expect(isValidLocalDate(" 2024-01-01")).toBe(false);
    expect(parseLocalDate("2024-03-11")).toEqual({ year: 2024, month: 3, day: 11 });
  });

  it("adds and counts days across months, leap days and years", () => {
    expect(addDaysToLocalDate("2024-02-28", 1)).toBe("2024-02-29");
    expect(addDaysToLocalDate("2024-02-29", 1)).toBe("2024-03-01");
    expect(addDaysToLocalDate("2024-12-31", 1)).toBe("2025-01-01");
    expect(addDaysToLocalDate("2024-03-01", -1)).toBe("2024-02-29");
    expect(daysBetweenLocalDates("2024-02-22", "2024-03-10")).toBe(17);
    expect(weekdayOfLocalDate("2024-03-10")).toBe(0);
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(1900, 0, 1) / DAY, max: Date.UTC(2100, 0, 1) / DAY }),
        fc.integer({ min: -1000, max: 1000 }),
        (dayNumber, n) => {
          const date = new Date(dayNumber * DAY).toISOString().slice(0, 10);
          const moved = addDaysToLocalDate(date, n);
          expect(moved).toBe(new Date((dayNumber + n) * DAY).toISOString().slice(0, 10));
          expect(daysBetweenLocalDates(date, moved)).toBe(n);
        },
      ),
    );
  });
});
