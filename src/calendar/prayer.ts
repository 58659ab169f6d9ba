/**
 * Sunset and the day's fast (suhoor ends at Fajr, iftar at Maghrib) for a place and a local date, with
 * `adhan`, which implements the standard calculation methods. Times are rounded to the minute, as timetables
 * are.
 *
 * Two things adhan leaves to its caller:
 * - **The local day.** adhan computes the solar day whose noon falls on the calendar date it is given, in
 *   UTC. East of the date line that is the day before the place's own date (Kiritimati's noon is at 22:28
 *   UTC), so each local date is mapped to the solar day whose noon falls on it in the place's zone.
 * - **Days with no sunset.** Where the sun does not rise (polar night) or does not set before midnight
 *   (midnight sun), there is no sunset to give. {@link dayTimes} says so, and gives the fast's times by one of
 *   the conventions adhan names (`PolarCircleResolution`), as the community chose.
 */
import { createRequire } from "node:module";
import { addDaysToLocalDate, type LocalDate, localParts, zonedTimeToUtc } from "./time.js";

/** adhan, loaded on first use: answering a question never needs it, and the console and CLI start faster. */
let adhanModule: typeof import("adhan") | undefined;
function adhan(): typeof import("adhan") {
  adhanModule ??= createRequire(import.meta.url)("adhan") as typeof import("adhan");
  return adhanModule;
}

/** The calculation methods a moderator can choose, by adhan's names. */
export const METHODS = [
  "UmmAlQura",
  "MuslimWorldLeague",
  "NorthAmerica",
  "Egyptian",
  "Karachi",
  "Dubai",
  "Kuwait",
  "Qatar",
  "Singapore",
  "Tehran",
  "Turkey",
  "MoonsightingCommittee",
] as const;

export type Method = (typeof METHODS)[number];

export function isMethod(value: string): value is Method {
  return (METHODS as readonly string[]).includes(value);
}

/** The method most of a country's mosques and timetables use; the Muslim World League's elsewhere. */
const REGIONAL: Readonly<Record<string, Method>> = {
  SA: "UmmAlQura",
  YE: "UmmAlQura",
  BH: "UmmAlQura",
  OM: "UmmAlQura",
  AE: "Dubai",
  KW: "Kuwait",
  QA: "Qatar",
  EG: "Egyptian",
  SD: "Egyptian",
  LY: "Egyptian",
  PS: "Egyptian",
  IL: "Egyptian",
  JO: "Egyptian",
  LB: "Egyptian",
  SY: "Egyptian",
  IQ: "Egyptian",
  TR: "Turkey",
  IR: "Tehran",
  PK: "Karachi",
  IN: "Karachi",
  BD: "Karachi",
  AF: "Karachi",
  SG: "Singapore",
  MY: "Singapore",
  ID: "Singapore",
  BN: "Singapore",
  US: "NorthAmerica",
  CA: "NorthAmerica",
  GB: "MoonsightingCommittee",
  IE: "MoonsightingCommittee",
};

export function defaultMethod(country: string | null): Method {
  return (country ? REGIONAL[country] : undefined) ?? "MuslimWorldLeague";
}

/**
 * How the fast is timed on a day with no sunset at the place, by adhan's names (`PolarCircleResolution`):
 * - `AqrabBalad` ("the nearest land"): the times at the nearest latitude, at the same longitude, where the sun
 *   sets that day, found in adhan's steps of half a degree toward the equator;
 * - `AqrabYaum` ("the nearest day"): the place's own times on the nearest day on which the sun sets there;
 * - `Unresolved`: no times; 18:00 local time stands in for the evening, and the fast's times are not given.
 */
export const POLAR_CONVENTIONS = ["AqrabBalad", "AqrabYaum", "Unresolved"] as const;

export type PolarConvention = (typeof POLAR_CONVENTIONS)[number];

/** The nearest latitude where the sun sets: the times people nearest the place keep. */
export const DEFAULT_POLAR_CONVENTION: PolarConvention = "AqrabBalad";

export function isPolarConvention(value: string): value is PolarConvention {
  return (POLAR_CONVENTIONS as readonly string[]).includes(value);
}

/**
 * Why a local date has no sunset at a place:
 * - `polar-night`: the sun does not rise, or its highest point is within 1.25° of the horizon;
 * - `midnight-sun`: the sun does not set before the day ends, or its lowest point is within 1.25° of the
 *   horizon.
 * So near the horizon the sun's path is nearly level with it, so the minute it sets cannot be told (adhan's
 * times there are off by up to an hour), and none is given.
 */
export type PolarCondition = "polar-night" | "midnight-sun";

/** Whose sun the fast's times come from: the place's own, or a {@link PolarConvention}'s stand-in. */
export type FastSource =
  | { readonly by: "place" }
  | {
      readonly by: "AqrabBalad";
      /** The latitude whose sun was used. */
      readonly latitude: number;
    }
  | {
      readonly by: "AqrabYaum";
      /** The local date whose sun was used. */
      readonly fromDate: LocalDate;
    };

/** One local date's fast: suhoor ends at Fajr, iftar at Maghrib. */
export type FastTimes = FastSource & {
  readonly fajr: Date;
  readonly maghrib: Date;
  /**
   * When the next Islamic day begins: sunset at the place, or (with a convention) the stand-in's sunset; on
   * the same local date.
   */
  readonly evening: Date;
};

export interface DayTimes {
  /** The place's local date these times are for. */
  readonly date: LocalDate;
  /** The sun's upper edge below the horizon on this date's evening, at the place; null when it does not set. */
  readonly sunset: Date | null;
  /** Why {@link sunset} is null; null when the sun sets. */
  readonly polar: PolarCondition | null;
  /** The day's fast; by the convention on a polar day; null when the convention is `Unresolved` there. */
  readonly fast: FastTimes | null;
}

const HOUR_MS = 3_600_000;
const DEGREE = Math.PI / 180;
/** adhan's sunrise and sunset altitude: the Sun's radius plus refraction at the horizon. */
const HORIZON_DEGREES = -50 / 60;
/**
 * How near the horizon the sun's highest or lowest point may be before no sunset is given: the narrowest band
 * outside which adhan's sunsets keep within 2 minutes of astronomy-engine's, in every zone's principal city for
 * Ramadan 1440–1480.
 */
const GRAZING_DEGREES = 1.25;
/** adhan's own step for the nearest latitude (`PolarCircleResolution.AqrabBalad`). */
const LATITUDE_STEP = 0.5;
/** adhan's own bound for the nearest day (`PolarCircleResolution.AqrabYaum`): half a year either way. */
const MAX_DAYS_AWAY = 183;

/**
 * The Sun's declination in degrees at an instant, by the Astronomical Almanac's low-precision formula
 * (within 0.01° until 2050): only to tell polar night from midnight sun and to find a grazing sun.
 */
function sunDeclination(at: Date): number {
  const n = at.getTime() / 86_400_000 + 2_440_587.5 - 2_451_545;
  const meanLongitude = 280.46 + 0.985_647_4 * n;
  const meanAnomaly = (357.528 + 0.985_600_3 * n) * DEGREE;
  const longitude =
    (meanLongitude + 1.915 * Math.sin(meanAnomaly) + 0.02 * Math.sin(2 * meanAnomaly)) * DEGREE;
  const obliquity = (23.439 - 0.000_000_4 * n) * DEGREE;
  return Math.asin(Math.sin(obliquity) * Math.sin(longitude)) / DEGREE;
}

/**
 * Polar night or midnight sun by the Sun's highest altitude at `noon` and its lowest that night (twelve
 * hours on: near the equinoxes the declination moves enough in that time to matter); else null.
 */
function grazingOrPolar(latitude: number, noon: Date): PolarCondition | null {
  const highest = 90 - Math.abs(latitude - sunDeclination(noon));
  const lowest = Math.abs(latitude + sunDeclination(new Date(noon.getTime() + 12 * HOUR_MS))) - 90;
  if (highest < HORIZON_DEGREES + GRAZING_DEGREES) return "polar-night";
  if (lowest > HORIZON_DEGREES - GRAZING_DEGREES) return "midnight-sun";
  return null;
}

type Rounding = "nearest" | "up" | "none";

function roundToMinute(at: Date, rounding: Rounding): Date {
  const minute = 60_000;
  const ms = at.getTime();
  if (rounding === "none") return at;
  return new Date(rounding === "up" ? Math.ceil(ms / minute) * minute : Math.round(ms / minute) * minute);
}

interface SolarDay {
  readonly noon: Date;
  /** Unrounded, possibly NaN. */
  readonly sunset: Date;
  readonly fajr: Date;
  readonly maghrib: Date;
  readonly rounding: Rounding;
}

/**
 * adhan's times for the solar day whose noon falls on `date` in `timeZone`, at one latitude and longitude.
 * adhan reads the calendar date from a Date's local fields (any process time zone gives the same fields), and
 * takes it as the UTC day in which the place's solar noon falls: local noon shifted by the longitude's hours
 * lands in that UTC day.
 */
function solarDay(
  latitude: number,
  longitude: number,
  date: LocalDate,
  timeZone: string,
  method: Method,
): SolarDay {
  const { CalculationMethod, Coordinates, HighLatitudeRule, PrayerTimes, Rounding } = adhan();
  const localNoon = zonedTimeToUtc(date, "12:00", timeZone).getTime();
  const solarDate = new Date(localNoon + (longitude / 15) * HOUR_MS);
  const coordinates = new Coordinates(latitude, longitude);
  const params = CalculationMethod[method]();
  params.highLatitudeRule = HighLatitudeRule.recommended(coordinates);
  // Rounded here, after the sunset's own date is known: a sunset at 23:59:40 is on its date, not at 00:00.
  const rounding: Rounding =
    params.rounding === Rounding.Up ? "up" : params.rounding === Rounding.None ? "none" : "nearest";
  params.rounding = Rounding.None;
  const times = new PrayerTimes(
    coordinates,
    new Date(solarDate.getUTCFullYear(), solarDate.getUTCMonth(), solarDate.getUTCDate()),
    params,
  );
  return { noon: times.dhuhr, sunset: times.sunset, fajr: times.fajr, maghrib: times.maghrib, rounding };
}

const valid = (d: Date) => Number.isFinite(d.getTime());

/** The place's sunset on the evening of `date`, or why there is none. */
function sunsetOn(
  day: SolarDay,
  latitude: number,
  date: LocalDate,
  timeZone: string,
): { sunset: Date; polar: null } | { sunset: null; polar: PolarCondition } {
  const polar = grazingOrPolar(latitude, day.noon);
  if (polar) return { sunset: null, polar };
  if (!valid(day.sunset)) {
    // Outside the grazing band adhan finds a sunset; should it not, the sign of the season still says which.
    return { sunset: null, polar: sunDeclination(day.noon) * latitude < 0 ? "polar-night" : "midnight-sun" };
  }
  // A sunset after midnight belongs to no evening of this date: the sun is still up when the date ends.
  if (localParts(day.sunset, timeZone).date !== date) return { sunset: null, polar: "midnight-sun" };
  const rounded = roundToMinute(day.sunset, day.rounding);
  // Rounding never carries a sunset past midnight into the next date.
  const sunset =
    localParts(rounded, timeZone).date === date
      ? rounded
      : new Date(Math.floor(day.sunset.getTime() / 60_000) * 60_000);
  return { sunset, polar: null };
}

/**
 * The fast of a solar day whose sun sets on `date`; null when adhan cannot place Fajr before Maghrib, or
 * Maghrib (sunset plus the method's margin) falls after midnight.
 */
function fastOf(
  day: SolarDay,
  sunset: Date,
  date: LocalDate,
  timeZone: string,
): Omit<FastTimes, "by"> | null {
  if (!valid(day.fajr) || !valid(day.maghrib)) return null;
  const fajr = roundToMinute(day.fajr, day.rounding);
  const maghrib = roundToMinute(day.maghrib, day.rounding);
  if (fajr.getTime() >= sunset.getTime() || localParts(maghrib, timeZone).date !== date) return null;
  return { fajr, maghrib, evening: sunset };
}

/** `AqrabBalad`: the same local date, at the nearest latitude toward the equator where the sun sets. */
function nearestLatitude(
  place: { readonly latitude: number; readonly longitude: number },
  date: LocalDate,
  timeZone: string,
  method: Method,
): FastTimes | null {
  const toward = place.latitude > 0 ? -1 : 1;
  for (let step = 1; step * LATITUDE_STEP <= Math.abs(place.latitude); step++) {
    const latitude = place.latitude + toward * step * LATITUDE_STEP;
    const day = solarDay(latitude, place.longitude, date, timeZone, method);
    const set = sunsetOn(day, latitude, date, timeZone);
    const fast = set.sunset ? fastOf(day, set.sunset, date, timeZone) : null;
    if (fast) return { by: "AqrabBalad", latitude, ...fast };
  }
  return null;
}

/** `AqrabYaum`: the place's own times on the nearest day when its sun sets, moved to `date` by whole days. */
function nearestDay(
  place: { readonly latitude: number; readonly longitude: number },
  date: LocalDate,
  timeZone: string,
  method: Method,
): FastTimes | null {
  for (let away = 1; away <= MAX_DAYS_AWAY; away++) {
    // adhan's order: a day later first, then a day earlier.
    for (const days of [away, -away]) {
      const fromDate = addDaysToLocalDate(date, days);
      const day = solarDay(place.latitude, place.longitude, fromDate, timeZone, method);
      const set = sunsetOn(day, place.latitude, fromDate, timeZone);
      const fast = set.sunset ? fastOf(day, set.sunset, fromDate, timeZone) : null;
      if (!fast) continue;
      const move = (d: Date) => new Date(d.getTime() - days * 24 * HOUR_MS);
      const moved = { fajr: move(fast.fajr), maghrib: move(fast.maghrib), evening: move(fast.evening) };
      // A clock change between the two days could carry iftar across midnight: try the next day then.
      if (
        localParts(moved.maghrib, timeZone).date === date &&
        localParts(moved.evening, timeZone).date === date
      )
        return { by: "AqrabYaum", fromDate, ...moved };
    }
  }
  return null;
}

/**
 * Sunset and the fast's times at a place on its local date `date` (`YYYY-MM-DD` in `timeZone`). Where the sun
 * does not set that evening, `sunset` is null, `polar` says why, and the fast's times come from `convention`.
 */
export function dayTimes(
  place: { readonly latitude: number; readonly longitude: number },
  date: LocalDate,
  timeZone: string,
  method: Method,
  convention: PolarConvention = DEFAULT_POLAR_CONVENTION,
): DayTimes {
  const day = solarDay(place.latitude, place.longitude, date, timeZone, method);
  const set = sunsetOn(day, place.latitude, date, timeZone);
  const own = set.sunset ? fastOf(day, set.sunset, date, timeZone) : null;
  if (own) return { date, sunset: set.sunset, polar: null, fast: { by: "place", ...own } };
  // A sunset whose iftar would fall after midnight is the edge of the midnight sun, and is treated as such:
  // the date's evening and its fast both come from the convention.
  const polar = set.polar ?? "midnight-sun";
  const fast =
    convention === "AqrabBalad"
      ? nearestLatitude(place, date, timeZone, method)
      : convention === "AqrabYaum"
        ? nearestDay(place, date, timeZone, method)
        : null;
  return { date, sunset: null, polar, fast };
}
