import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type CountdownBefore,
  type CountdownResult,
  EVENING_START_TIME,
  ramadanCountdown,
} from "../src/calendar/countdown.js";
import { addDaysToLocalDate, localParts } from "../src/calendar/time.js";
import { suggestTimeZones, timeZoneWarning, validateTimeZone } from "../src/calendar/timezones.js";
import {
  parseOverrideStart,
  ummAlQuraFirstFast,
  ummAlQuraRamadanLength,
} from "../src/calendar/umm-al-qura.js";
import { renderText } from "../src/console/render.js";
import { loadCorpus } from "../src/corpus/load.js";
import { UserFacingError } from "../src/errors.js";
import { english } from "../src/i18n/index.js";
import { countdownView } from "../src/views/countdown.js";
import { textMarkup } from "../src/views/markup.js";

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

/** An independent reading of ICU's Umm al-Qura calendar, so the tests do not trust the module's own. */
const icu = new Intl.DateTimeFormat("en-u-ca-islamic-umalqura", {
  timeZone: "UTC",
  year: "numeric",
  month: "numeric",
  day: "numeric",
});

function hijri(date: string): { year: number; month: number; day: number } {
  const parts = icu.formatToParts(new Date(`${date}T12:00:00Z`));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return { year: get("year"), month: get("month"), day: get("day") };
}

const ZONES = [
  "UTC",
  "Asia/Jerusalem",
  "Asia/Gaza",
  "Asia/Riyadh",
  "America/New_York",
  "Europe/London",
  "Australia/Lord_Howe",
  "Asia/Kathmandu",
  "Pacific/Chatham",
  "Pacific/Kiritimati",
  "Pacific/Pago_Pago",
] as const;

const ARTICLE_DAY = new Date("2024-02-22T12:00:00Z");

function expectUserError(fn: () => unknown, ...fragments: string[]): void {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(UserFacingError);
  for (const f of fragments) expect((caught as Error).message).toContain(f);
}

function asBefore(r: CountdownResult): CountdownBefore {
  if (r.phase !== "before") throw new Error(`expected phase before, got ${r.phase}`);
  return r;
}

const corpus = loadCorpus();
/** The countdown card as the console shows it. */
const viewText = (result: CountdownResult) =>
  renderText(countdownView(corpus, result, textMarkup, english()));

describe("Umm al-Qura dates from ICU", () => {
  it("match the published first fasts of Ramadan 1445–1448", () => {
    // Published Umm al-Qura / Saudi dates: 11 Mar 2024, 1 Mar 2025, 18 Feb 2026, 8 Feb 2027.
    expect(ummAlQuraFirstFast(1445)).toBe("2024-03-11");
    expect(ummAlQuraFirstFast(1446)).toBe("2025-03-01");
    expect(ummAlQuraFirstFast(1447)).toBe("2026-02-18");
    expect(ummAlQuraFirstFast(1448)).toBe("2027-02-08");
    expect(ummAlQuraRamadanLength(1445)).toBe(30);
    expect(ummAlQuraRamadanLength(1446)).toBe(29);
    expect(ummAlQuraRamadanLength(1447)).toBe(30);
    expect(ummAlQuraRamadanLength(1448)).toBe(29);
  });

  it("finds 1 Ramadan for every year in range, and the month length agrees with ICU", () => {
    for (let year = 1400; year <= 1500; year++) {
      const first = ummAlQuraFirstFast(year);
      expect(hijri(first)).toEqual({ year, month: 9, day: 1 });
      expect(hijri(addDaysToLocalDate(first, -1)).month).toBe(8);
      const length = ummAlQuraRamadanLength(year);
      expect(hijri(addDaysToLocalDate(first, length - 1))).toEqual({ year, month: 9, day: length });
      expect(hijri(addDaysToLocalDate(first, length))).toEqual({ year, month: 10, day: 1 });
    }
  });
});

describe("ramadanCountdown", () => {
  it("says 17 days on 22 February 2024, the day the article was written", () => {
    const expected: Record<string, { hours: number; startsAt: string }> = {
      "Asia/Jerusalem": { hours: 4, startsAt: "2024-03-10T16:00:00.000Z" },
      UTC: { hours: 6, startsAt: "2024-03-10T18:00:00.000Z" },
      // 10 March 2024 is also the US spring-forward day: 18:00 EDT.
      "America/New_York": { hours: 10, startsAt: "2024-03-10T22:00:00.000Z" },
    };
    for (const [timeZone, want] of Object.entries(expected)) {
      const r = asBefore(ramadanCountdown(ARTICLE_DAY, { timeZone }));
      expect(r.hijriYear).toBe(1445);
      expect(r.firstFast).toBe("2024-03-11");
      expect(r.days).toBe(17);
      expect(r.hours).toBe(want.hours);
      expect(r.minutes).toBe(0);
      expect(r.startsAt.toISOString()).toBe(want.startsAt);
      expect(r.source).toBe("umm-al-qura");
      expect(localParts(r.startsAt, timeZone)).toMatchObject({
        date: "2024-03-10",
        time: EVENING_START_TIME,
      });
    }
  });

  it("counts the evening before the first fast as day 1", () => {
    const tz = "Asia/Jerusalem";
    const justBefore = ramadanCountdown(new Date("2024-03-10T15:59:00Z"), { timeZone: tz });
    expect(justBefore).toMatchObject({ phase: "before", days: 0, hours: 0, minutes: 1 });
    expect(ramadanCountdown(new Date("2024-03-10T16:00:00Z"), { timeZone: tz })).toMatchObject({
      phase: "during",
      day: 1,
    });
    expect(ramadanCountdown(new Date("2024-03-11T12:00:00Z"), { timeZone: tz })).toMatchObject({
      phase: "during",
      day: 1,
    });
    // 18:00 on 11 March begins 2 Ramadan.
    expect(ramadanCountdown(new Date("2024-03-11T16:00:00Z"), { timeZone: tz })).toMatchObject({ day: 2 });
  });

  it("is on day 5 in the daytime of 15 March 2024", () => {
    for (const timeZone of ["Asia/Jerusalem", "UTC", "America/New_York"]) {
      const r = ramadanCountdown(new Date("2024-03-15T14:00:00Z"), { timeZone });
      expect(r).toMatchObject({ phase: "during", hijriYear: 1445, day: 5, daysLeft: 25, length: 30 });
    }
    const r = ramadanCountdown(new Date("2024-03-15T12:00:00Z"), { timeZone: "Asia/Jerusalem" });
    expect(r.phase === "during" && r.endsAt.toISOString()).toBe("2024-04-09T15:00:00.000Z");
  });

  it("names the last days correctly", () => {
    const tz = "Asia/Jerusalem";
    const last = ramadanCountdown(new Date("2024-04-09T12:00:00Z"), { timeZone: tz });
    expect(last).toMatchObject({ phase: "during", day: 30, daysLeft: 0 });
    const penultimate = ramadanCountdown(new Date("2024-04-08T12:00:00Z"), { timeZone: tz });
    expect(viewText(penultimate)).toContain("1 day left after today;");
    expect(viewText(last)).toContain("This is the last day;");
  });

  it("moves on to next year's Ramadan on Eid", () => {
    const eid = ramadanCountdown(new Date("2024-04-10T12:00:00Z"), { timeZone: "Asia/Jerusalem" });
    expect(eid).toMatchObject({ phase: "before", hijriYear: 1446, firstFast: "2025-03-01" });
    // Eid begins at 18:00 on 9 April; from then on the countdown is to 1446.
    expect(ramadanCountdown(new Date("2024-04-09T15:00:00Z"), { timeZone: "Asia/Jerusalem" })).toMatchObject({
      phase: "before",
      hijriYear: 1446,
    });
    const r1447 = ramadanCountdown(new Date("2025-06-01T00:00:00Z"), { timeZone: "Asia/Riyadh" });
    expect(r1447).toMatchObject({ phase: "before", hijriYear: 1447, firstFast: "2026-02-18" });
    expect(r1447.startsAt.toISOString()).toBe("2026-02-17T15:00:00.000Z");
    expect(ramadanCountdown(new Date("2026-06-01T00:00:00Z"), { timeZone: "UTC" })).toMatchObject({
      hijriYear: 1448,
      firstFast: "2027-02-08",
    });
  });

  it("uses singular and plural units and drops empty ones", () => {
    const tz = "UTC";
    const start = Date.parse("2024-03-10T18:00:00Z");
    const text = (msBefore: number) =>
      countdownView(
        corpus,
        ramadanCountdown(new Date(start - msBefore), { timeZone: tz }),
        textMarkup,
        english(),
      ).cards[0]?.title;
    const tail = " until Ramadan 1445 AH";
    expect(text(DAY + HOUR)).toBe(`1 day and 1 hour${tail}`);
    expect(text(DAY)).toBe(`1 day${tail}`);
    expect(text(2 * DAY + 5 * HOUR + 59 * MINUTE)).toBe(`2 days and 5 hours${tail}`);
    expect(text(2 * HOUR + MINUTE)).toBe(`2 hours and 1 minute${tail}`);
    expect(text(HOUR)).toBe(`1 hour${tail}`);
    expect(text(2 * MINUTE)).toBe(`2 minutes${tail}`);
    expect(text(30_000)).toBe(`Less than a minute${tail}`);
  });

  it("shifts both ends by a day offset and says so", () => {
    const r = asBefore(ramadanCountdown(ARTICLE_DAY, { timeZone: "Asia/Jerusalem", dayOffset: 1 }));
    expect(r).toMatchObject({ firstFast: "2024-03-12", lastFast: "2024-04-10", source: "offset", days: 18 });
    expect(viewText(r)).toContain("== 18 days and 4 hours until Ramadan 1445 AH ==");
    expect(viewText(r)).toContain("begins on the evening of Monday, 11 March 2024 at 18:00 (Asia/Jerusalem)");
    expect(viewText(r)).not.toContain("sunset on");
    expect(viewText(r)).toContain("Umm al-Qura dates shifted by +1 day for this community's moon sighting");
    expect(ramadanCountdown(ARTICLE_DAY, { timeZone: "UTC", dayOffset: -2 })).toMatchObject({
      firstFast: "2024-03-09",
    });
    expect(ramadanCountdown(ARTICLE_DAY, { timeZone: "UTC", dayOffset: 0 })).toMatchObject({
      source: "umm-al-qura",
    });
    for (const bad of [3, -3, 1.5, Number.NaN]) {
      expectUserError(() => ramadanCountdown(ARTICLE_DAY, { timeZone: "UTC", dayOffset: bad }), "day offset");
    }
  });

  it("applies an override to its own year only", () => {
    const override = { start: "2024-03-10" };
    const r = ramadanCountdown(ARTICLE_DAY, { timeZone: "Asia/Jerusalem", override, dayOffset: 2 });
    expect(r).toMatchObject({ phase: "before", firstFast: "2024-03-10", source: "override", days: 16 });
    expect(viewText(r)).toContain("First fast set by this community");
    // The evening of 9 March is already day 1 under the override.
    expect(
      ramadanCountdown(new Date("2024-03-09T16:30:00Z"), { timeZone: "Asia/Jerusalem", override }),
    ).toMatchObject({ phase: "during", day: 1 });
    // A stale override does not stop next year's countdown.
    expect(ramadanCountdown(new Date("2025-01-01T00:00:00Z"), { timeZone: "UTC", override })).toMatchObject({
      hijriYear: 1446,
      firstFast: "2025-03-01",
      source: "umm-al-qura",
    });
    expectUserError(
      () => ramadanCountdown(ARTICLE_DAY, { timeZone: "UTC", override: { start: "2024-06-01" } }),
      "2024-06-01",
      "2024-03-11",
    );
    expectUserError(
      () => ramadanCountdown(ARTICLE_DAY, { timeZone: "UTC", override: { start: "2024-3-1" } }),
      "2024-3-1",
    );
  });

  it("rejects unknown zones with a user-facing message", () => {
    expectUserError(() => ramadanCountdown(ARTICLE_DAY, { timeZone: "Mars/Olympus" }), "Mars/Olympus");
  });

  it("holds its invariants for any instant in 2020–2035 in any zone", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2036, 0, 1) - 1 }),
        fc.constantFrom(...ZONES),
        fc.integer({ min: -2, max: 2 }),
        (ms, timeZone, dayOffset) => {
          const now = new Date(ms);
          const r = ramadanCountdown(now, { timeZone, dayOffset });
          const first = hijri(addDaysToLocalDate(r.firstFast, -dayOffset));
          expect(first).toEqual({ year: r.hijriYear, month: 9, day: 1 });
          expect(r.source).toBe(dayOffset === 0 ? "umm-al-qura" : "offset");
          expect(r.length === 29 || r.length === 30).toBe(true);
          expect(r.lastFast).toBe(addDaysToLocalDate(r.firstFast, r.length - 1));
          expect(localParts(r.startsAt, timeZone)).toMatchObject({
            date: addDaysToLocalDate(r.firstFast, -1),
            time: EVENING_START_TIME,
          });
          expect(localParts(r.endsAt, timeZone)).toMatchObject({
            date: r.lastFast,
            time: EVENING_START_TIME,
          });
          expect(r.endsAt.getTime()).toBeGreaterThan(ms);
          if (r.phase === "before") {
            expect(r.startsAt.getTime()).toBeGreaterThan(ms);
            expect(r.totalMs).toBe(r.startsAt.getTime() - ms);
            const shown = r.days * DAY + r.hours * HOUR + r.minutes * MINUTE;
            expect(shown).toBeLessThanOrEqual(r.totalMs);
            expect(r.totalMs - shown).toBeLessThan(MINUTE);
            expect(r.hours).toBeLessThan(24);
            expect(r.minutes).toBeLessThan(60);
            // Nothing is skipped: the Ramadan before this one has already ended.
            const previous = ramadanCountdown(new Date(r.startsAt.getTime() - 1), { timeZone, dayOffset });
            expect(previous).toMatchObject({ phase: "before", hijriYear: r.hijriYear });
          } else {
            expect(r.startsAt.getTime()).toBeLessThanOrEqual(ms);
            expect(r.day).toBeGreaterThanOrEqual(1);
            expect(r.day).toBeLessThanOrEqual(30);
            expect(r.day).toBeLessThanOrEqual(r.length);
            expect(r.daysLeft).toBe(r.length - r.day);
            // The Islamic date (the civil date, or the next one after the evening start) is day N of Ramadan.
            const local = localParts(now, timeZone);
            const islamicDate =
              local.time >= EVENING_START_TIME ? addDaysToLocalDate(local.date, 1) : local.date;
            expect(hijri(addDaysToLocalDate(islamicDate, -dayOffset))).toEqual({
              year: r.hijriYear,
              month: 9,
              day: r.day,
            });
          }
          expect(viewText(r).length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 500 },
    );
  });

  it("with an override, starts on the override date", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1442, max: 1456 }),
        fc.integer({ min: -3, max: 3 }),
        fc.integer({ min: -40 * DAY, max: 40 * DAY }),
        fc.constantFrom(...ZONES),
        (year, shift, fromStart, timeZone) => {
          const start = addDaysToLocalDate(ummAlQuraFirstFast(year), shift);
          const override = parseOverrideStart(start);
          expect(override).toEqual({ start });
          const ummStart = ramadanCountdown(new Date(Date.parse(`${ummAlQuraFirstFast(year)}T00:00:00Z`)), {
            timeZone,
          }).startsAt;
          const now = new Date(ummStart.getTime() + fromStart);
          const r = ramadanCountdown(now, { timeZone, override });
          if (r.hijriYear === year) {
            expect(r.firstFast).toBe(start);
            expect(r.source).toBe("override");
          } else {
            expect(r.source).toBe("umm-al-qura");
            expect(hijri(r.firstFast)).toEqual({ year: r.hijriYear, month: 9, day: 1 });
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe("parseOverrideStart", () => {
  it("treats unset or blank as no override", () => {
    expect(parseOverrideStart(undefined)).toBeUndefined();
    expect(parseOverrideStart("")).toBeUndefined();
    expect(parseOverrideStart("   ")).toBeUndefined();
  });

  it("accepts a real date near 1 Ramadan", () => {
    expect(parseOverrideStart("2024-03-11")).toEqual({ start: "2024-03-11" });
    expect(parseOverrideStart(" 2026-02-19 ")).toEqual({ start: "2026-02-19" });
    expect(parseOverrideStart("2024-03-08")).toEqual({ start: "2024-03-08" });
  });

  it("rejects malformed, impossible and far-off dates", () => {
    for (const bad of [
      "2024-3-11",
      "11/03/2024",
      "2024-02-30",
      "2023-02-29",
      "tomorrow",
      "2024-03-11T18:00",
    ]) {
      expectUserError(() => parseOverrideStart(bad), "first day of fasting", "YYYY-MM-DD", bad);
    }
    expectUserError(
      () => parseOverrideStart("2024-03-15"),
      "2024-03-15 is 4 days",
      "4 days",
      "1445",
      "2024-03-11",
    );
    expectUserError(() => parseOverrideStart("2025-03-11"), "1446", "2025-03-01");
  });
});

describe("validateTimeZone", () => {
  it("returns canonical names, case-insensitively", () => {
    expect(validateTimeZone("asia/riyadh")).toBe("Asia/Riyadh");
    expect(validateTimeZone("  Asia/Jerusalem ")).toBe("Asia/Jerusalem");
    expect(validateTimeZone("AMERICA/NEW_YORK")).toBe("America/New_York");
    expect(validateTimeZone("america/new york")).toBe("America/New_York");
    expect(validateTimeZone("UTC")).toBe("UTC");
    expect(validateTimeZone("utc")).toBe("UTC");
    expect(validateTimeZone("Etc/UTC")).toBe("UTC");
    expect(validateTimeZone("GMT")).toBe("UTC");
    expect(validateTimeZone("Asia/Kathmandu")).toBe("Asia/Kathmandu");
    expect(validateTimeZone("Asia/Calcutta")).toBe("Asia/Kolkata");
    expect(validateTimeZone("europe/kiev")).toBe("Europe/Kyiv");
    expect(validateTimeZone("US/Eastern")).toBe("America/New_York");
    expect(validateTimeZone("Etc/GMT+3")).toBe("Etc/GMT+3");
  });

  it("rejects offsets, abbreviations and unknown names, naming the input and an example", () => {
    for (const bad of ["+03:00", "-05:00", "UTC+3", "GMT-5", "utc +02:00", "\u221203:00"]) {
      expectUserError(
        () => validateTimeZone(bad),
        `“${bad}”`,
        "Use an IANA zone such as Europe/London or Asia/Jerusalem",
      );
    }
    for (const bad of ["EST", "pst8pdt", "Mars/Olympus", "Jerusalem", "Asia/Jerusalme"]) {
      expectUserError(
        () => validateTimeZone(bad),
        `“${bad}”`,
        "Use an IANA zone such as Europe/London or Asia/Jerusalem",
      );
    }
    expectUserError(() => validateTimeZone("  "), "Use an IANA zone");
  });

  it("accepts every zone Intl lists, returning a name Intl agrees on", () => {
    for (const listed of Intl.supportedValuesOf("timeZone")) {
      const zone = validateTimeZone(listed);
      expect(validateTimeZone(zone)).toBe(zone);
      expect(validateTimeZone(listed.toLowerCase())).toBe(zone);
      const resolve = (z: string) =>
        new Intl.DateTimeFormat("en", { timeZone: z }).resolvedOptions().timeZone;
      expect(resolve(zone)).toBe(resolve(listed));
    }
  });
});

describe("timeZoneWarning", () => {
  it("explains inverted Etc/GMT signs", () => {
    expect(timeZoneWarning("Etc/GMT+3")).toContain("UTC\u22123");
    expect(timeZoneWarning("Etc/GMT-14")).toContain("UTC+14");
    expect(timeZoneWarning("Etc/GMT+0")).toBeUndefined();
    expect(timeZoneWarning("Asia/Riyadh")).toBeUndefined();
    expect(timeZoneWarning("UTC")).toBeUndefined();
  });
});

describe("suggestTimeZones", () => {
  const now = new Date("2024-02-22T11:05:00Z");
  const zonesFor = (q: string, limit?: number) => suggestTimeZones(q, now, limit).map((s) => s.zone);

  it("shows common zones with the local time for an empty query", () => {
    const list = suggestTimeZones("", now);
    expect(list).toHaveLength(25);
    expect(list.map((s) => s.zone)).toEqual(expect.arrayContaining(["UTC", "Asia/Jerusalem", "Asia/Riyadh"]));
    expect(list.find((s) => s.zone === "Asia/Riyadh")?.label).toBe("Asia/Riyadh (now 14:05)");
  });

  it("ranks prefix, city, word and typo matches", () => {
    expect(zonesFor("riy")[0]).toBe("Asia/Riyadh");
    expect(zonesFor("asia/jer")[0]).toBe("Asia/Jerusalem");
    expect(zonesFor("new york")[0]).toBe("America/New_York");
    expect(zonesFor("new_york")[0]).toBe("America/New_York");
    expect(zonesFor("york")[0]).toBe("America/New_York");
    expect(zonesFor("angeles")[0]).toBe("America/Los_Angeles");
    expect(zonesFor("jeruslem")[0]).toBe("Asia/Jerusalem");
    expect(zonesFor("jeruz")[0]).toBe("Asia/Jerusalem");
    expect(zonesFor("lodnon")[0]).toBe("Europe/London");
    expect(zonesFor("lon")[0]).toBe("Europe/London");
    expect(zonesFor("gaza")[0]).toBe("Asia/Gaza");
    expect(zonesFor("calcutta")[0]).toBe("Asia/Kolkata");
    expect(zonesFor("kathmandu")[0]).toBe("Asia/Kathmandu");
    expect(zonesFor("utc")[0]).toBe("UTC");
    expect(zonesFor("Asia/").every((z) => z.startsWith("Asia/"))).toBe(true);
    expect(zonesFor("zzzzqqqq")).toEqual([]);
  });

  it("respects the limit", () => {
    expect(zonesFor("a", 5)).toHaveLength(5);
    expect(zonesFor("", 3)).toHaveLength(3);
    expect(zonesFor("a", 0)).toEqual([]);
  });

  it("always returns valid, distinct zones with short labels showing the local time", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 30 }),
          fc.constantFrom("a", "asia", "amer", "new", "sao", "  ", "st_"),
        ),
        fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2036, 0, 1) }),
        (q, ms) => {
          const at = new Date(ms);
          const list = suggestTimeZones(q, at);
          expect(list.length).toBeLessThanOrEqual(25);
          expect(new Set(list.map((s) => s.zone)).size).toBe(list.length);
          for (const { zone, label } of list) {
            expect(validateTimeZone(zone)).toBe(zone);
            expect(label.length).toBeLessThanOrEqual(100);
            expect(label).toBe(`${zone} (now ${localParts(at, zone).time})`);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
