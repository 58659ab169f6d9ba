/**
 * Where sunset and the prayer times are computed, checked against an independent astronomical computation
 * (astronomy-engine, a separate implementation of the Sun's position) rather than against adhan itself.
 */
import { Body, Observer, SearchRiseSet } from "astronomy-engine";
import { describe, expect, it } from "vitest";
import { cityChoices, resolveCity } from "../src/calendar/city-choices.js";
import { countdownFor } from "../src/calendar/countdown.js";
import { findCity, parseIso6709, suggestCities, zonePlace } from "../src/calendar/places.js";
import { dayTimes, defaultMethod, METHODS } from "../src/calendar/prayer.js";
import { addDaysToLocalDate, localParts } from "../src/calendar/time.js";
import { UserFacingError } from "../src/errors.js";
import { english } from "../src/i18n/index.js";

const MINUTE = 60_000;
const config = { ramadanStart: undefined };

/** Sunset by astronomy-engine: the first setting of the Sun's upper limb after local noon of `date`. */
function referenceSunset(latitude: number, longitude: number, date: string): Date {
  const localNoon = new Date(Date.parse(`${date}T12:00:00Z`) - (longitude / 15) * 3_600_000);
  const found = SearchRiseSet(Body.Sun, new Observer(latitude, longitude, 0), -1, localNoon, 1);
  if (!found) throw new Error(`no sunset at ${latitude},${longitude} on ${date}`);
  return found.date;
}

/** Every 9th day of 2027, and the evenings Ramadan 1448 begins and ends. */
const DATES = [
  ...Array.from({ length: 41 }, (_, i) => addDaysToLocalDate("2027-01-01", i * 9)),
  "2027-02-07",
  "2027-03-08",
];

describe("the principal location of a time zone", () => {
  it("reads ISO 6709 coordinates with and without seconds", () => {
    expect(parseIso6709("+513030-0000731")).toEqual({
      latitude: 51 + 30 / 60 + 30 / 3600,
      longitude: -(7 / 60 + 31 / 3600),
    });
    expect(parseIso6709("+2438+04643")).toEqual({ latitude: 24 + 38 / 60, longitude: 46 + 43 / 60 });
    expect(parseIso6709("-3352+15113")).toEqual({ latitude: -(33 + 52 / 60), longitude: 151 + 13 / 60 });
    expect(parseIso6709("north")).toBeNull();
  });

  it("names each zone's city and country, keeps folded zones' own cities, and has none for UTC", () => {
    expect(zonePlace("Europe/London")).toMatchObject({ name: "London", country: "GB" });
    expect(zonePlace("America/New_York")).toMatchObject({ name: "New York", country: "US" });
    expect(zonePlace("Asia/Riyadh")).toMatchObject({ name: "Riyadh", country: "SA" });
    // Since 1970 Kuwait shares Riyadh's clock, but its own principal city is Kuwait City.
    expect(zonePlace("Asia/Kuwait")).toMatchObject({ name: "Kuwait", country: "KW" });
    expect(zonePlace("Asia/Kuwait")?.latitude).toBeCloseTo(29.33, 1);
    expect(zonePlace("Asia/Gaza")).toMatchObject({ name: "Gaza", country: "PS" });
    expect(zonePlace("UTC")).toBeNull();
    expect(zonePlace("Etc/GMT+3")).toBeNull();
  });

  it("knows a place for every zone Intl lists except the Etc ones", () => {
    const missing = Intl.supportedValuesOf("timeZone").filter(
      (zone) => !zone.startsWith("Etc/") && zone !== "UTC" && zonePlace(zone) === null,
    );
    // Only old aliases may lack a row (Intl lists some that tzdata keeps as links only).
    expect(missing.length).toBeLessThan(Intl.supportedValuesOf("timeZone").length / 20);
  });
});

describe("cities", () => {
  it("finds a city by its choice key or its name, preferring the given zone", () => {
    expect(findCity("London", "Europe/London")).toMatchObject({ name: "London", country: "GB" });
    expect(findCity("London", "America/Toronto")).toMatchObject({ name: "London", country: "CA" });
    expect(findCity("london")).toMatchObject({ country: "GB" }); // the most populous London
    const birmingham = findCity("Birmingham", "Europe/London");
    expect(birmingham && findCity(birmingham.key)).toEqual(birmingham);
    expect(findCity("Atlantis")).toBeNull();
    expect(findCity("")).toBeNull();
  });

  it("suggests the zone's cities first, most populous first, within Discord's limits", () => {
    const inLondon = suggestCities("", "Europe/London");
    expect(inLondon[0]).toMatchObject({ name: "London" });
    expect(inLondon.every((c) => c.timeZone === "Europe/London")).toBe(true);
    expect(suggestCities("man", "Europe/London")[0]).toMatchObject({ name: "Manchester" });
    expect(suggestCities("jedd", undefined)[0]).toMatchObject({ name: "Jeddah", country: "SA" });
    for (const choice of cityChoices("sa", "Asia/Riyadh", english())) {
      expect(choice.name.length).toBeLessThanOrEqual(100);
      expect(choice.value.length).toBeLessThanOrEqual(100);
      expect(findCity(choice.value)?.key).toBe(choice.value);
    }
    expect(cityChoices("x", "not a zone", english()).length).toBeLessThanOrEqual(25);
  });

  it("gives a zone's principal city the zone's coordinates, so both give one sunset", () => {
    for (const [city, zone] of [
      ["Jerusalem", "Asia/Jerusalem"],
      ["Kuwait", "Asia/Kuwait"],
      ["Ho Chi Minh City", "Asia/Ho_Chi_Minh"],
      ["London", "Europe/London"],
      ["Jakarta", "Asia/Jakarta"],
    ] as const) {
      const principal = zonePlace(zone);
      expect(findCity(city, zone), city).toMatchObject({
        latitude: principal?.latitude,
        longitude: principal?.longitude,
      });
    }
    // Another city of the zone keeps its own.
    expect(findCity("Haifa", "Asia/Jerusalem")?.latitude).toBeCloseTo(32.8, 1);
  });

  it("refuses a city it does not know, or one in another zone, saying which", () => {
    expect(() => resolveCity("Atlantis", "Europe/London")).toThrow(UserFacingError);
    expect(() => resolveCity("Jeddah", "Europe/London")).toThrow(/Jeddah.*Asia\/Riyadh.*Europe\/London/);
    expect(resolveCity("Manchester", "Europe/London")).toMatchObject({ name: "Manchester" });
  });
});

describe("sunset and the fast's times", () => {
  const cities: [string, number, number, string][] = [
    ["London", 51.5072, -0.1276, "Europe/London"],
    ["Riyadh", 24.6333, 46.7167, "Asia/Riyadh"],
    ["Jakarta", -6.1744, 106.8294, "Asia/Jakarta"],
    ["New York", 40.7128, -74.006, "America/New_York"],
    ["Reykjavík", 64.1466, -21.9426, "Atlantic/Reykjavik"],
    ["Cape Town", -33.9249, 18.4241, "Africa/Johannesburg"],
    ["Quito", -0.1807, -78.4678, "America/Guayaquil"],
  ];

  it.each(cities)(
    "agrees with astronomy-engine within 2 minutes in %s, all year",
    (_name, latitude, longitude, zone) => {
      for (const date of DATES) {
        const times = dayTimes({ latitude, longitude }, date, zone, "MuslimWorldLeague");
        const reference = referenceSunset(latitude, longitude, date);
        if (localParts(reference, zone).date !== date) {
          // Reykjavík's midsummer sun sets after midnight: that evening has no sunset of its own.
          expect(times, date).toMatchObject({ sunset: null, polar: "midnight-sun" });
          continue;
        }
        expect(times.sunset, date).not.toBeNull();
        const off = Math.abs((times.sunset?.getTime() ?? 0) - reference.getTime());
        expect(off, `${date}: ${off / 1000} s`).toBeLessThanOrEqual(2 * MINUTE);
      }
    },
  );

  it("starts each zone's countdown at its city's real sunset (London, Riyadh, Jakarta, New York, Reykjavík)", () => {
    const eve = "2027-02-07"; // 1 Ramadan 1448 is 8 February 2027
    for (const zone of [
      "Europe/London",
      "Asia/Riyadh",
      "Asia/Jakarta",
      "America/New_York",
      "Atlantic/Reykjavik",
    ]) {
      const place = zonePlace(zone);
      if (!place) throw new Error(zone);
      const result = countdownFor({ config }, new Date("2027-01-01T00:00:00Z"), zone, null);
      expect(result.firstFast).toBe("2027-02-08");
      const off = Math.abs(
        result.startsAt.getTime() - referenceSunset(place.latitude, place.longitude, eve).getTime(),
      );
      expect(off, `${zone}: ${off / 1000} s`).toBeLessThanOrEqual(2 * MINUTE);
      expect(result.sun).toMatchObject({ place: { name: place.name } });
    }
    // London's sun sets an hour before the 18:00 the countdown used to assume.
    const london = countdownFor({ config }, new Date("2027-01-01T00:00:00Z"), "Europe/London", null);
    expect(london.startsAt.toISOString()).toBe("2027-02-07T17:00:00.000Z");
  });

  it("gives Fajr before sunset and Maghrib at or after it, for every method", () => {
    for (const method of METHODS) {
      const day = dayTimes({ latitude: 21.4225, longitude: 39.8262 }, "2027-02-20", "Asia/Riyadh", method);
      const times = day.fast;
      if (!times || !day.sunset) throw new Error(method);
      expect(times.by).toBe("place");
      expect(times.evening).toEqual(day.sunset);
      expect(times.fajr.getTime()).toBeLessThan(day.sunset.getTime());
      expect(times.maghrib.getTime()).toBeGreaterThanOrEqual(day.sunset.getTime());
      // Maghrib is sunset plus the method's margin: a few minutes, or a 4.5° depression (Tehran).
      expect(times.maghrib.getTime() - day.sunset.getTime()).toBeLessThanOrEqual(20 * MINUTE);
    }
  });

  it("picks the region's usual method, and the Muslim World League's elsewhere", () => {
    expect(defaultMethod("SA")).toBe("UmmAlQura");
    expect(defaultMethod("EG")).toBe("Egyptian");
    expect(defaultMethod("US")).toBe("NorthAmerica");
    expect(defaultMethod("ID")).toBe("Singapore");
    expect(defaultMethod("GB")).toBe("MoonsightingCommittee");
    expect(defaultMethod("FR")).toBe("MuslimWorldLeague");
    expect(defaultMethod(null)).toBe("MuslimWorldLeague");
  });
});

describe("the fast during Ramadan", () => {
  it("gives today's Fajr and Maghrib until sunset, then tomorrow's", () => {
    const zone = "Asia/Riyadh";
    const riyadh = zonePlace(zone);
    if (!riyadh) throw new Error(zone);
    const morning = countdownFor({ config }, new Date("2027-02-20T06:00:00Z"), zone, null);
    if (morning.phase !== "during" || !morning.fast) throw new Error("expected a fast day");
    const expected = dayTimes(riyadh, "2027-02-20", zone, "UmmAlQura").fast;
    expect(morning.fast).toMatchObject({ date: "2027-02-20", today: true });
    expect(morning.fast.fajr).toEqual(expected?.fajr);
    expect(morning.fast.maghrib).toEqual(expected?.maghrib);
    const evening = countdownFor({ config }, new Date("2027-02-20T16:00:00Z"), zone, null);
    if (evening.phase !== "during") throw new Error("expected during");
    expect(evening.fast).toMatchObject({ date: "2027-02-21", today: false });
    expect(evening.day).toBe(morning.day + 1);
    // The evening of the last fast day ends Ramadan: the countdown moves on, with no fast to show.
    const last = countdownFor({ config }, new Date(evening.endsAt.getTime() + MINUTE), zone, null);
    expect(last.phase).toBe("before");
  });

  it("uses the city and method a server chose", () => {
    const jeddah = findCity("Jeddah", "Asia/Riyadh");
    if (!jeddah) throw new Error("Jeddah");
    const result = countdownFor({ config }, new Date("2027-02-20T06:00:00Z"), "Asia/Riyadh", {
      place: jeddah,
      method: "MuslimWorldLeague",
    });
    expect(result.sun).toMatchObject({ place: { name: "Jeddah" }, method: "MuslimWorldLeague" });
    if (result.phase !== "during" || !result.fast) throw new Error("expected a fast day");
    expect(result.fast.maghrib).toEqual(
      dayTimes(jeddah, "2027-02-20", "Asia/Riyadh", "MuslimWorldLeague").fast?.maghrib,
    );
  });
});
