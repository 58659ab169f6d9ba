/**
 * Sunset and the day's fast (suhoor ends at Fajr, iftar at Maghrib) for a place and a date, with `adhan`,
 * which implements the standard calculation methods. Times are rounded to the minute, as timetables are.
 */
import { createRequire } from "node:module";

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

export interface DayTimes {
  /** Dawn: the fast begins, suhoor ends. */
  readonly fajr: Date;
  /** The sun's upper edge below the horizon: the Islamic day begins. */
  readonly sunset: Date;
  /** The evening prayer: iftar (sunset plus the method's adjustment, if any). */
  readonly maghrib: Date;
}

/**
 * The times of a civil date (`YYYY-MM-DD`) at a place; null where the sun does not set that day (polar
 * summer), or the method cannot place Fajr.
 */
export function dayTimes(
  place: { readonly latitude: number; readonly longitude: number },
  date: string,
  method: Method,
): DayTimes | null {
  const [year, month, day] = date.split("-").map(Number);
  if (!year || !month || !day) throw new RangeError(`dayTimes: expected YYYY-MM-DD, got ${date}`);
  const { CalculationMethod, Coordinates, HighLatitudeRule, PrayerTimes } = adhan();
  const coordinates = new Coordinates(place.latitude, place.longitude);
  const params = CalculationMethod[method]();
  params.highLatitudeRule = HighLatitudeRule.recommended(coordinates);
  // adhan reads the calendar date from the Date's local fields; any process time zone gives the same fields.
  const times = new PrayerTimes(coordinates, new Date(year, month - 1, day), params);
  const valid = (d: Date) => Number.isFinite(d.getTime());
  if (!valid(times.sunset) || !valid(times.fajr) || !valid(times.maghrib)) return null;
  return { fajr: times.fajr, sunset: times.sunset, maghrib: times.maghrib };
}
