/**
 * The place's own day, in every zone from Kiritimati (UTC+14) to Pago Pago (UTC−11): the countdown of every
 * zone's principal city, for every Ramadan from 1446 to 1450, checked against astronomy-engine, a separate
 * computation of the Sun's position, never against adhan itself.
 *
 * A stated sunset must fall on the local date it is stated for, within 2 minutes of the reference. Where the
 * countdown says there is no sunset, the reference must agree, or the sun must only graze the horizon (within
 * the 1.25° the bot documents, where no minute can be told), or set so near midnight that iftar would fall
 * on the next day.
 */
import { Body, Equator, Horizon, Observer, SearchHourAngle, SearchRiseSet } from "astronomy-engine";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type CountdownResult, countdownFor, type Evening } from "../src/calendar/countdown.js";
import { zonePlace, zonesWithPlaces } from "../src/calendar/places.js";
import {
  addDaysToLocalDate,
  daysBetweenLocalDates,
  localParts,
  zonedTimeToUtc,
} from "../src/calendar/time.js";
import { ummAlQuraFirstFast, ummAlQuraRamadanLength } from "../src/calendar/umm-al-qura.js";
import { renderText } from "../src/console/render.js";
import { loadCorpus } from "../src/corpus/load.js";
import { english } from "../src/i18n/index.js";
import { countdownView } from "../src/views/countdown.js";
import { textMarkup } from "../src/views/markup.js";

const MINUTE = 60_000;
const config = { ramadanStart: undefined };
const YEARS = [1446, 1447, 1448, 1449, 1450] as const;
/** adhan's horizon for sunset (the Sun's centre, refraction and radius included), and the bot's grazing band. */
const HORIZON = -50 / 60;
const GRAZING = 1.25;
/** How far the bot's low-precision declination may sit from astronomy-engine's, in degrees. */
const DECLINATION_TOLERANCE = 0.05;
/** The largest margin a method adds to sunset for Maghrib at these latitudes: a Maghrib past midnight. */
const LATEST_MAGHRIB_MARGIN = 20 * MINUTE;

/** Every zone of the bundled tables that this Node's ICU knows, with its principal location. */
const ZONES = zonesWithPlaces().filter((zone) => {
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
});

interface Reference {
  /** The sunset after the place's solar noon of that local date, whatever date it falls on; null if none. */
  readonly sunset: Date | null;
  /** The Sun's geometric altitude at its highest and lowest that day, in degrees. */
  readonly highest: number;
  readonly lowest: number;
}

function altitude(observer: Observer, at: Date): number {
  const sky = Equator(Body.Sun, at, observer, true, true);
  return Horizon(at, observer, sky.ra, sky.dec).altitude;
}

const references = new Map<string, Reference>();

/** astronomy-engine's reading of one local date's evening at a place. */
function reference(latitude: number, longitude: number, date: string, zone: string): Reference {
  const key = `${latitude} ${longitude} ${date} ${zone}`;
  const cached = references.get(key);
  if (cached) return cached;
  const observer = new Observer(latitude, longitude, 0);
  const noon = SearchHourAngle(Body.Sun, observer, 0, zonedTimeToUtc(date, "00:00", zone), 1).time.date;
  const lowestAt = SearchHourAngle(Body.Sun, observer, 12, noon, 1).time.date;
  const found = SearchRiseSet(Body.Sun, observer, -1, noon, 1);
  const result = {
    sunset: found && found.date.getTime() < lowestAt.getTime() ? found.date : null,
    highest: altitude(observer, noon),
    lowest: altitude(observer, lowestAt),
  };
  references.set(key, result);
  return result;
}

const onDate = (at: Date, zone: string) => localParts(at, zone).date;

/** The checks every evening the countdown states must pass. */
function checkEvening(evening: Evening, zone: string, label: string): void {
  const place = zonePlace(zone);
  if (!place) throw new Error(zone);
  // Whatever stands in for it, an evening is on its own local date: the next day is the next fast.
  expect(onDate(evening.at, zone), `${label}: its date`).toBe(evening.date);
  const ref = reference(place.latitude, place.longitude, evening.date, zone);
  if (evening.by === "place") {
    expect(evening.fallback, label).toBeNull();
    expect(ref.sunset, `${label}: astronomy-engine finds a sunset`).not.toBeNull();
    const off = Math.abs(evening.at.getTime() - (ref.sunset?.getTime() ?? 0));
    expect(off, `${label}: ${off / 1000} s from astronomy-engine`).toBeLessThanOrEqual(2 * MINUTE);
    return;
  }
  // Never a time shown as a sunset that is not one: a stand-in says why there is none.
  const band = GRAZING + DECLINATION_TOLERANCE;
  if (evening.fallback === "polar-night") {
    expect(ref.highest, `${label}: the sun rises clear of the horizon`).toBeLessThan(HORIZON + band);
  } else {
    expect(evening.fallback, label).toBe("midnight-sun");
    const lateOrNone =
      ref.sunset === null ||
      onDate(new Date(ref.sunset.getTime() + LATEST_MAGHRIB_MARGIN), zone) !== evening.date;
    expect(lateOrNone || ref.lowest > HORIZON - band, `${label}: the sun sets well before midnight`).toBe(
      true,
    );
  }
}

describe("the place's local day, in every zone", () => {
  it(`knows ${ZONES.length} zones, Kiritimati to Pago Pago`, () => {
    expect(ZONES.length).toBeGreaterThan(400);
    for (const zone of ["Pacific/Kiritimati", "Pacific/Apia", "Pacific/Tongatapu", "Pacific/Pago_Pago"])
      expect(ZONES).toContain(zone);
  });

  it("starts and ends each Ramadan 1446–1450 at the principal city's sunset on the right local date", () => {
    for (const zone of ZONES) {
      for (const year of YEARS) {
        const firstFast = ummAlQuraFirstFast(year);
        const now = new Date(Date.parse(`${addDaysToLocalDate(firstFast, -20)}T00:00:00Z`));
        const result = countdownFor({ config }, now, zone, null);
        const label = `${zone} ${year}`;
        expect(result.phase, label).toBe("before");
        expect(result.firstFast, label).toBe(firstFast);
        // The first fast is always the local day after the start.
        expect(result.start.date, label).toBe(addDaysToLocalDate(firstFast, -1));
        expect(result.end.date, label).toBe(result.lastFast);
        expect(result.startsAt).toEqual(result.start.at);
        expect(result.sun.fallback, label).toBe(result.start.fallback);
        checkEvening(result.start, zone, `${label} start`);
        checkEvening(result.end, zone, `${label} end`);
      }
    }
  });

  it("gives today's fast until that local day's sunset, then moves the day on (fast-check)", () => {
    const instant = fc.record({
      zone: fc.constantFrom(...ZONES),
      year: fc.constantFrom(...YEARS),
      dayIndex: fc.nat({ max: 28 }),
      minuteOfDay: fc.nat({ max: 24 * 60 - 1 }),
    });
    fc.assert(
      fc.property(instant, ({ zone, year, dayIndex, minuteOfDay }) => {
        const place = zonePlace(zone);
        if (!place) throw new Error(zone);
        const today = addDaysToLocalDate(ummAlQuraFirstFast(year), dayIndex);
        const clock = `${String(Math.floor(minuteOfDay / 60)).padStart(2, "0")}:${String(minuteOfDay % 60).padStart(2, "0")}`;
        const now = zonedTimeToUtc(today, clock, zone);
        const label = `${zone} ${today} ${clock}`;
        const result = countdownFor({ config }, now, zone, null);
        if (result.phase !== "during") {
          // Only the evening of the last fast day ends Ramadan.
          expect(today, label).toBe(
            addDaysToLocalDate(ummAlQuraFirstFast(year), ummAlQuraRamadanLength(year) - 1),
          );
          expect(result.hijriYear, label).toBe(year + 1);
          return;
        }
        const local = onDate(now, zone);
        const islamicDay = result.evening.date;
        expect([local, addDaysToLocalDate(local, 1)], label).toContain(islamicDay);
        expect(result.day, label).toBe(daysBetweenLocalDates(result.firstFast, islamicDay) + 1);
        checkEvening(result.evening, zone, `${label} evening`);
        // Before this local day's evening, today's fast; after it, tomorrow's.
        const ref = reference(place.latitude, place.longitude, local, zone).sunset;
        if (result.evening.by === "place" && ref && onDate(ref, zone) === local) {
          if (Math.abs(now.getTime() - ref.getTime()) > 2 * MINUTE)
            expect(islamicDay === local, label).toBe(now.getTime() < ref.getTime());
        }
        if (result.fast === null) {
          expect(result.noFastReason, label).not.toBeNull();
          return;
        }
        expect(result.noFastReason).toBeNull();
        expect(result.fast.date, label).toBe(islamicDay);
        expect(result.fast.today, label).toBe(islamicDay === local);
        expect(onDate(result.fast.maghrib, zone), `${label} Maghrib`).toBe(islamicDay);
        expect(result.fast.fajr.getTime(), label).toBeLessThan(result.fast.maghrib.getTime());
        expect(result.fast.maghrib.getTime(), label).toBeGreaterThanOrEqual(result.evening.at.getTime());
        if (result.fast.by === "place") expect(result.fast.polar, label).toBeNull();
        else expect(result.fast.polar, label).not.toBeNull();
      }),
      { seed: 1446, numRuns: 1000 },
    );
  });
});

describe("east of the date line", () => {
  const corpus = loadCorpus();
  const text = (result: CountdownResult) => renderText(countdownView(corpus, result, textMarkup, english()));

  it("starts Ramadan 1448 in Kiritimati at sunset on its own 7 February, the eve of the first fast", () => {
    const result = countdownFor({ config }, new Date("2027-01-20T00:00:00Z"), "Pacific/Kiritimati", null);
    if (result.phase !== "before") throw new Error(result.phase);
    // astronomy-engine: 2027-02-07T04:44:47Z, 18:44 on 7 February in Kiritimati (UTC+14).
    expect(Math.abs(result.startsAt.getTime() - Date.parse("2027-02-07T04:44:47Z"))).toBeLessThanOrEqual(
      2 * MINUTE,
    );
    expect(localParts(result.startsAt, "Pacific/Kiritimati").date).toBe("2027-02-07");
    expect(result.firstFast).toBe("2027-02-08");
    expect(text(result)).toContain("begins at sunset on Sunday, 7 February 2027 at 18:4");
    expect(text(result)).toContain("the first fast is 8 February 2027");
  });

  it("gives Kiritimati's fast of the local day, and moves the day on at its sunset", () => {
    const zone = "Pacific/Kiritimati";
    const afternoon = countdownFor({ config }, zonedTimeToUtc("2027-02-15", "14:00", zone), zone, null);
    if (afternoon.phase !== "during" || !afternoon.fast) throw new Error("expected a fast");
    expect(afternoon.day).toBe(8);
    expect(afternoon.fast).toMatchObject({ date: "2027-02-15", today: true, by: "place" });
    expect(localParts(afternoon.fast.fajr, zone).date).toBe("2027-02-15");
    expect(localParts(afternoon.fast.maghrib, zone).date).toBe("2027-02-15");
    const night = countdownFor({ config }, zonedTimeToUtc("2027-02-15", "20:00", zone), zone, null);
    if (night.phase !== "during" || !night.fast) throw new Error("expected a fast");
    expect(night.day).toBe(9);
    expect(night.fast).toMatchObject({ date: "2027-02-16", today: false });
  });
});
