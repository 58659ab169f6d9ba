/**
 * Days with no sunset said plainly: Longyearbyen's polar night, McMurdo's and Vostok's midnight sun, and
 * Vostok's polar night, checked against astronomy-engine. Where the sun does not set, no time is shown as a
 * sunset: the countdown says why, names what stands in (a high-latitude convention, or 18:00), and suggests a
 * city where the sun sets.
 */
import { Body, Equator, Horizon, Observer, SearchHourAngle, SearchRiseSet } from "astronomy-engine";
import { describe, expect, it } from "vitest";
import { type CountdownResult, countdownFor } from "../src/calendar/countdown.js";
import { findCity, type Place, zonePlace } from "../src/calendar/places.js";
import { dayTimes } from "../src/calendar/prayer.js";
import { localParts, zonedTimeToUtc } from "../src/calendar/time.js";
import { renderText } from "../src/console/render.js";
import { loadCorpus } from "../src/corpus/load.js";
import { english, langFor } from "../src/i18n/index.js";
import { countdownView } from "../src/views/countdown.js";
import { textMarkup } from "../src/views/markup.js";

const MINUTE = 60_000;
const config = { ramadanStart: undefined };
const corpus = loadCorpus();
const text = (result: CountdownResult, lang = english()) =>
  renderText(countdownView(corpus, result, textMarkup, lang));
/** Ramadan 1448 begins on the evening of 7 February 2027. */
const BEFORE_1448 = new Date("2027-01-20T00:00:00Z");

function placeOf(zone: string): Place {
  const place = zonePlace(zone);
  if (!place) throw new Error(zone);
  return place;
}

/** astronomy-engine: the sunsets during one local date, in order. */
function referenceSunsets(latitude: number, longitude: number, date: string, zone: string): Date[] {
  const observer = new Observer(latitude, longitude, 0);
  const end = zonedTimeToUtc(date, "23:59", zone).getTime() + MINUTE;
  const found: Date[] = [];
  let from = zonedTimeToUtc(date, "00:00", zone);
  for (;;) {
    const set = SearchRiseSet(Body.Sun, observer, -1, from, 1);
    if (!set || set.date.getTime() >= end) return found;
    found.push(set.date);
    from = new Date(set.date.getTime() + MINUTE);
  }
}

/** astronomy-engine: the Sun's geometric altitude at an instant, in degrees. */
function sunAltitude(latitude: number, longitude: number, at: Date): number {
  const observer = new Observer(latitude, longitude, 0);
  const sky = Equator(Body.Sun, at, observer, true, true);
  return Horizon(at, observer, sky.ra, sky.dec).altitude;
}

describe("Longyearbyen's polar night", () => {
  const zone = "Arctic/Longyearbyen";
  const longyearbyen = placeOf(zone);

  it("has no sunset on the eve of Ramadan 1448, and says so instead of showing 18:00 as one", () => {
    expect(referenceSunsets(longyearbyen.latitude, longyearbyen.longitude, "2027-02-07", zone)).toEqual([]);
    const result = countdownFor({ config }, BEFORE_1448, zone, { place: longyearbyen });
    expect(result.start).toMatchObject({ date: "2027-02-07", fallback: "polar-night", by: "AqrabBalad" });
    expect(result.sun).toMatchObject({ fallback: "polar-night", polarConvention: "AqrabBalad" });
    const shown = text(result);
    expect(shown).not.toMatch(/at sunset|sunset on/);
    expect(shown).toContain("begins on the evening of Sunday, 7 February 2027 at 13:55");
    expect(shown).toContain("There is no sunset in Longyearbyen on 7 February 2027");
    expect(shown).toContain("(polar night)");
    expect(shown).toContain("those at 74°N, the nearest latitude where the sun sets");
  });

  it("stands in with the sunset at the nearest latitude where the sun sets, as astronomy-engine finds it", () => {
    const day = dayTimes(longyearbyen, "2027-02-07", zone, "MuslimWorldLeague");
    expect(day).toMatchObject({ sunset: null, polar: "polar-night" });
    if (day.fast?.by !== "AqrabBalad") throw new Error("expected the nearest latitude");
    const [there] = referenceSunsets(day.fast.latitude, longyearbyen.longitude, "2027-02-07", zone);
    expect(Math.abs(day.fast.evening.getTime() - (there?.getTime() ?? 0))).toBeLessThanOrEqual(2 * MINUTE);
    // Half a degree nearer the pole, the sun at its highest stays within 1.25° of the horizon (−0.83°):
    // it grazes it, and no minute of sunset can be told.
    const nearer = day.fast.latitude + 0.5;
    const noon = SearchHourAngle(
      Body.Sun,
      new Observer(nearer, longyearbyen.longitude, 0),
      0,
      zonedTimeToUtc("2027-02-07", "00:00", zone),
      1,
    ).time.date;
    expect(sunAltitude(nearer, longyearbyen.longitude, noon)).toBeLessThan(-50 / 60 + 1.25);
  });

  it("suggests the nearest city where the sun sets that evening", () => {
    const result = countdownFor({ config }, BEFORE_1448, zone, { place: longyearbyen });
    const suggestion = result.sun.suggestion;
    if (!suggestion) throw new Error("expected a suggestion");
    expect(suggestion).toMatchObject({ name: "Hammerfest", timeZone: "Europe/Oslo" });
    const city = findCity(suggestion.key);
    if (!city) throw new Error(suggestion.key);
    expect(referenceSunsets(city.latitude, city.longitude, "2027-02-07", city.timeZone)).toHaveLength(1);
    expect(text(result)).toContain("give a city such as Hammerfest (Europe/Oslo)");
  });

  it("gives the fast by the convention during Ramadan, and none, with a reason, when the server chose none", () => {
    const noon = zonedTimeToUtc("2027-02-10", "12:00", zone);
    const result = countdownFor({ config }, noon, zone, { place: longyearbyen });
    if (result.phase !== "during" || !result.fast) throw new Error("expected a fast");
    expect(result.fast).toMatchObject({
      date: "2027-02-10",
      today: true,
      by: "AqrabBalad",
      polar: "polar-night",
    });
    expect(result.noFastReason).toBeNull();
    expect(localParts(result.fast.maghrib, zone).date).toBe("2027-02-10");
    expect(text(result)).toContain("By the nearest-place convention");

    const nearestDay = countdownFor({ config }, noon, zone, {
      place: longyearbyen,
      polarConvention: "AqrabYaum",
    });
    if (nearestDay.phase !== "during" || nearestDay.fast?.by !== "AqrabYaum") throw new Error("nearest day");
    // The sun first sets again at Longyearbyen around 16 February: those times, moved to the 10th.
    expect(nearestDay.fast.fromDate > "2027-02-10").toBe(true);
    const [then] = referenceSunsets(
      longyearbyen.latitude,
      longyearbyen.longitude,
      nearestDay.fast.fromDate,
      zone,
    );
    expect(then).toBeDefined();
    expect(localParts(nearestDay.fast.evening, zone).date).toBe("2027-02-10");

    const none = countdownFor({ config }, noon, zone, { place: longyearbyen, polarConvention: "Unresolved" });
    if (none.phase !== "during") throw new Error("expected during");
    expect(none.fast).toBeNull();
    expect(none.noFastReason).toBe("polar-night");
    expect(none.evening).toMatchObject({ by: "fixed", fallback: "polar-night" });
    expect(localParts(none.evening.at, zone).time).toBe("18:00");
    const shown = text(none);
    expect(shown).toContain("18:00 local time stands in for sunset.");
    expect(shown).toContain("No fast times are given");
  });

  it("says it in Arabic and Hebrew too", () => {
    const result = countdownFor({ config }, BEFORE_1448, zone, { place: longyearbyen });
    const arabic = text(result, langFor("ar"));
    expect(arabic).toContain("الليل القطبي");
    expect(arabic).toContain("° شمالًا");
    expect(arabic).not.toContain("جنوبًا");
    const hebrew = text(result, langFor("he"));
    expect(hebrew).toContain("לילה קוטבי");
    expect(hebrew).toContain("° צפון");
    expect(hebrew).not.toContain("דרום");
    const mcmurdo = countdownFor({ config }, BEFORE_1448, "Antarctica/McMurdo", null);
    expect(text(mcmurdo, langFor("ar"))).toContain("° جنوبًا");
  });
});

describe("McMurdo's midnight sun", () => {
  const zone = "Antarctica/McMurdo";
  const mcmurdo = placeOf(zone);

  it("has no sunset on the eve of Ramadan 1448: the sun stays up", () => {
    expect(referenceSunsets(mcmurdo.latitude, mcmurdo.longitude, "2027-02-07", zone)).toEqual([]);
    const midnight = zonedTimeToUtc("2027-02-07", "23:59", zone);
    expect(sunAltitude(mcmurdo.latitude, mcmurdo.longitude, midnight)).toBeGreaterThan(0);
    const result = countdownFor({ config }, BEFORE_1448, zone, null);
    expect(result.start).toMatchObject({ fallback: "midnight-sun", by: "AqrabBalad" });
    expect(result.sun.suggestion?.timeZone).toBe("Pacific/Auckland");
    const shown = text(result);
    expect(shown).not.toMatch(/at sunset|sunset on/);
    expect(shown).toContain("There is no sunset in McMurdo on the evening of 7 February 2027");
    expect(shown).toContain("(midnight sun)");
    expect(shown).toContain("°S, the nearest latitude where the sun sets");
  });

  it("gives McMurdo's own sunset once the sun sets before midnight again", () => {
    const day = dayTimes(mcmurdo, "2027-03-05", zone, "MuslimWorldLeague");
    const [reference] = referenceSunsets(mcmurdo.latitude, mcmurdo.longitude, "2027-03-05", zone);
    if (!day.sunset || !reference) throw new Error("expected a sunset");
    expect(Math.abs(day.sunset.getTime() - reference.getTime())).toBeLessThanOrEqual(2 * MINUTE);
    expect(day.fast?.by).toBe("place");
  });
});

describe("Vostok", () => {
  const zone = "Antarctica/Vostok";
  const vostok = placeOf(zone);

  it("has midnight sun on the eve of Ramadan 1448", () => {
    expect(referenceSunsets(vostok.latitude, vostok.longitude, "2027-02-07", zone)).toEqual([]);
    const result = countdownFor({ config }, BEFORE_1448, zone, null);
    expect(result.start).toMatchObject({ fallback: "midnight-sun", by: "AqrabBalad" });
    expect(text(result)).toContain("There is no sunset in Vostok on the evening of 7 February 2027");
  });

  it("has polar night at midwinter, with the fast by the nearest latitude", () => {
    const noon = zonedTimeToUtc("2027-06-21", "12:00", zone);
    expect(sunAltitude(vostok.latitude, vostok.longitude, noon)).toBeLessThan(-10);
    const day = dayTimes(vostok, "2027-06-21", zone, "MuslimWorldLeague");
    expect(day).toMatchObject({ sunset: null, polar: "polar-night", fast: { by: "AqrabBalad" } });
    const unresolved = dayTimes(vostok, "2027-06-21", zone, "MuslimWorldLeague", "Unresolved");
    expect(unresolved).toMatchObject({ sunset: null, polar: "polar-night", fast: null });
  });
});
