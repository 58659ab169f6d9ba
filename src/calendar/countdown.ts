/**
 * Countdown to Ramadan, the deadline the ceasefire talks race against.
 *
 * Dates come from the Umm al-Qura calendar (umm-al-qura.ts), and evenings from the place's sunset.
 * Moderators can shift the start for communities that follow a local moon sighting (`dayOffset`) or pin an
 * exact first-fast date (`RAMADAN_START`).
 */

import { UserFacingError } from "../errors.js";
import { type City, nearestCities, type Place, zonePlace } from "./places.js";
import {
  type DayTimes,
  DEFAULT_POLAR_CONVENTION,
  dayTimes,
  defaultMethod,
  type FastSource,
  type FastTimes,
  isMethod,
  isPolarConvention,
  type Method,
  type PolarCondition,
  type PolarConvention,
} from "./prayer.js";
import {
  addDaysToLocalDate,
  daysBetweenLocalDates,
  type LocalDate,
  localParts,
  zonedTimeToUtc,
} from "./time.js";
import { validateTimeZone } from "./timezones.js";
import {
  hijriDateOf,
  overrideHijriYear,
  type RamadanOverride,
  ummAlQuraFirstFast,
  ummAlQuraRamadanLength,
} from "./umm-al-qura.js";

/**
 * Local clock time that stands in for sunset where the place is unknown (the zones UTC and Etc/GMT±N name
 * none), and on a polar day when the community chose no convention: within about an hour and a half of
 * sunset across the populated Muslim world in the months Ramadan can fall in. Everywhere else sunset is
 * computed for the place.
 */
export const EVENING_START_TIME = "18:00";

/** `dayOffset` must lie in this range: local moon sightings differ from Umm al-Qura by a day or two. */
export const MAX_DAY_OFFSET = 2;

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

export interface RamadanCountdownOptions {
  /** The IANA zone the community lives by. */
  readonly timeZone: string;
  /**
   * Where sunset is computed: the community's city, or its zone's principal location. Without one, sunset
   * is taken as {@link EVENING_START_TIME} local time.
   */
  readonly place?: Place | null | undefined;
  /** The prayer-time calculation method for Fajr and Maghrib (default: the region's usual one). */
  readonly method?: Method | undefined;
  /** How days with no sunset are timed (default: {@link DEFAULT_POLAR_CONVENTION}). */
  readonly polarConvention?: PolarConvention | undefined;
  /**
   * Pins 1 Ramadan of the Hijri year it falls in; other years still use Umm al-Qura (plus `dayOffset`), so a
   * stale override expires by itself. Takes precedence over `dayOffset` for its year.
   */
  readonly override?: RamadanOverride | undefined;
  /** Whole days (−2…+2) added to both the start and the end, for communities following a local sighting. */
  readonly dayOffset?: number | undefined;
}

/** Where the dates of a result came from. */
export type CountdownSource = "umm-al-qura" | "override" | "offset";

/**
 * Why an evening is not a sunset at the place: the zone names no place (`no-place`), or the sun does not set
 * there that evening (a {@link PolarCondition}).
 */
export type SunFallback = "no-place" | PolarCondition;

/**
 * The moment a local date's evening begins the next Islamic day, and what it is: the place's sunset
 * (`by: "place"`), the stand-in sunset of a high-latitude convention (`AqrabBalad`, `AqrabYaum`), or
 * {@link EVENING_START_TIME} local time (`fixed`). Always on `date`.
 */
export type Evening = (FastSource | { readonly by: "fixed" }) & {
  /** The local date whose evening this is. */
  readonly date: LocalDate;
  readonly at: Date;
  /** Why `at` is not a sunset at the place; null when it is. */
  readonly fallback: SunFallback | null;
};

/** A city to suggest where the sun does not set: the nearest one where it does, that evening. */
export interface CitySuggestion {
  readonly name: string;
  /** The value that picks it (`--city`, `city:`). */
  readonly key: string;
  readonly timeZone: string;
}

/** Where and how sunset and the fast's times were computed, and whether the countdown's evening is a sunset. */
export interface SunSource {
  /** The city, or the zone's principal location; null when the zone names none (UTC, Etc/GMT+3). */
  readonly place: Place | null;
  /** Null without a place. */
  readonly method: Method | null;
  /** How a day with no sunset is timed. */
  readonly polarConvention: PolarConvention;
  /**
   * Why the evening the countdown leads with (the start before Ramadan; during it, the evening that ends the
   * fast shown) is not a sunset at the place; null when it is one.
   */
  readonly fallback: SunFallback | null;
  /** With a polar fallback: the nearest city where the sun sets that evening. */
  readonly suggestion: CitySuggestion | null;
}

/** One day's fast: suhoor ends at Fajr, iftar at Maghrib, from the place's sun or the convention's stand-in. */
export type FastDay = FastTimes & {
  readonly date: LocalDate;
  /** True when it is today's fast, false for tomorrow's (after sunset, the next fast is the one to keep). */
  readonly today: boolean;
  /** Why the times are not the place's own; null when they are. */
  readonly polar: PolarCondition | null;
};

interface CountdownBase {
  /** Hijri year of the Ramadan concerned (e.g. 1445). */
  readonly hijriYear: number;
  /** The evening of the day before the first fast (its sunset, or what stands in): Ramadan begins. */
  readonly startsAt: Date;
  /** The evening of the last fast day, when Eid al-Fitr begins. */
  readonly endsAt: Date;
  /** The evening Ramadan begins, and whether it is a sunset. */
  readonly start: Evening;
  /** The evening Eid al-Fitr begins, and whether it is a sunset. */
  readonly end: Evening;
  /** `YYYY-MM-DD` of the first fast (1 Ramadan). */
  readonly firstFast: LocalDate;
  /** `YYYY-MM-DD` of the last fast day. */
  readonly lastFast: LocalDate;
  /** Number of days in this Ramadan: 29 or 30. */
  readonly length: number;
  readonly source: CountdownSource;
  /** The whole days the community shifts Umm al-Qura by (0 unless `source` is "offset"). */
  readonly dayOffset: number;
  /** The zone the instants were computed in. */
  readonly timeZone: string;
  readonly sun: SunSource;
}

/** Ramadan has not begun: time remaining until {@link CountdownBase.startsAt}. */
export interface CountdownBefore extends CountdownBase {
  readonly phase: "before";
  /** Whole days remaining (floor of totalMs / 24 h). */
  readonly days: number;
  /** Whole hours remaining after `days`. */
  readonly hours: number;
  /** Whole minutes remaining after `hours`. */
  readonly minutes: number;
  /** Milliseconds until `startsAt`; always positive. */
  readonly totalMs: number;
}

/** Ramadan is under way. */
export interface CountdownDuring extends CountdownBase {
  readonly phase: "during";
  /** Day N of Ramadan, 1…length. The evening before the first fast already counts as day 1. */
  readonly day: number;
  /** Days of Ramadan remaining after the current one (0 on the last day). */
  readonly daysLeft: number;
  /** Milliseconds until `endsAt`; always positive. */
  readonly msLeft: number;
  /** The fast to keep next (today's until sunset, then tomorrow's), when the place and times are known. */
  readonly fast: FastDay | null;
  /** Why {@link fast} is null: no place, or a polar day with no convention; null when there is a fast. */
  readonly noFastReason: SunFallback | null;
  /** The evening that ends the current Islamic day (today's, or after it, tomorrow's), and what it is. */
  readonly evening: Evening;
}

export type CountdownResult = CountdownBefore | CountdownDuring;

interface RamadanWindow {
  readonly hijriYear: number;
  readonly firstFast: LocalDate;
  readonly lastFast: LocalDate;
  readonly length: number;
  readonly source: CountdownSource;
}

function requireDayOffset(dayOffset: number | undefined): number {
  const offset = dayOffset ?? 0;
  if (!Number.isInteger(offset) || Math.abs(offset) > MAX_DAY_OFFSET) {
    throw new UserFacingError("calendar.error.offset", { max: MAX_DAY_OFFSET, value: String(dayOffset) });
  }
  return offset;
}

function windowFor(
  hijriYear: number,
  dayOffset: number,
  override: { hijriYear: number; start: LocalDate } | undefined,
): RamadanWindow {
  const length = ummAlQuraRamadanLength(hijriYear);
  let firstFast: LocalDate;
  let source: CountdownSource;
  if (override !== undefined && override.hijriYear === hijriYear) {
    firstFast = override.start;
    source = "override";
  } else {
    firstFast = addDaysToLocalDate(ummAlQuraFirstFast(hijriYear), dayOffset);
    source = dayOffset === 0 ? "umm-al-qura" : "offset";
  }
  // The length stays Umm al-Qura's: a shifted start usually means an equally shifted end.
  return { hijriYear, firstFast, lastFast: addDaysToLocalDate(firstFast, length - 1), length, source };
}

/**
 * Where `now` stands relative to Ramadan in `options.timeZone`: counting down to the next one ("before"),
 * or which day of it this is ("during"). After Ramadan ends the countdown moves on to the next year's.
 *
 * Ramadan begins on the evening of the day before the first fast and ends on the evening of the last fast
 * day, because the Islamic day begins at sunset: the place's sunset on that local date, or where it has none,
 * the stand-in the result names ({@link Evening}).
 *
 * Throws UserFacingError for an unknown zone, an out-of-range `dayOffset` or an implausible override.
 */
export function ramadanCountdown(now: Date, options: RamadanCountdownOptions): CountdownResult {
  const nowMs = now.getTime();
  if (!Number.isFinite(nowMs)) throw new RangeError("ramadanCountdown: invalid Date");
  const timeZone = validateTimeZone(options.timeZone);
  const dayOffset = requireDayOffset(options.dayOffset);
  let override: { hijriYear: number; start: LocalDate } | undefined;
  if (options.override !== undefined) {
    const start = options.override.start;
    override = { hijriYear: overrideHijriYear(start), start };
  }

  const place = options.place ?? null;
  const method = place ? (options.method ?? defaultMethod(place.country)) : null;
  const polarConvention = options.polarConvention ?? DEFAULT_POLAR_CONVENTION;
  const days = new Map<LocalDate, DayTimes>();
  const times = (date: LocalDate): DayTimes | null => {
    if (!place || !method) return null;
    let day = days.get(date);
    if (!day) {
      day = dayTimes(place, date, timeZone, method, polarConvention);
      days.set(date, day);
    }
    return day;
  };
  // The evening of a local date: the Islamic day that follows begins then.
  const evening = (date: LocalDate): Evening => {
    const day = times(date);
    const fixed = { date, at: zonedTimeToUtc(date, EVENING_START_TIME, timeZone), by: "fixed" } as const;
    if (!day) return { ...fixed, fallback: "no-place" };
    if (day.sunset) return { date, at: day.sunset, by: "place", fallback: null };
    if (!day.fast) return { ...fixed, fallback: day.polar };
    const { fajr: _fajr, maghrib: _maghrib, evening: at, ...source } = day.fast;
    return { ...source, date, at, fallback: day.polar };
  };
  const sunFor = (lead: Evening): SunSource => ({
    place,
    method,
    polarConvention,
    fallback: lead.fallback,
    suggestion:
      place && method && lead.fallback && lead.fallback !== "no-place"
        ? suggestCity(place, lead.date, method)
        : null,
  });

  const local = localParts(now, timeZone);
  const currentYear = hijriDateOf(local.date).year;
  // Last year's window is checked too in case an override or offset stretches it past the new year.
  for (let hijriYear = Math.max(1, currentYear - 1); hijriYear <= currentYear + 2; hijriYear++) {
    const w = windowFor(hijriYear, dayOffset, override);
    const start = evening(addDaysToLocalDate(w.firstFast, -1));
    const end = evening(w.lastFast);
    if (nowMs >= end.at.getTime()) continue;
    const base = {
      ...w,
      startsAt: start.at,
      endsAt: end.at,
      start,
      end,
      timeZone,
      dayOffset: w.source === "offset" ? dayOffset : 0,
    };
    if (nowMs < start.at.getTime()) {
      const totalMs = start.at.getTime() - nowMs;
      return {
        phase: "before",
        ...base,
        sun: sunFor(start),
        days: Math.floor(totalMs / DAY_MS),
        hours: Math.floor((totalMs % DAY_MS) / HOUR_MS),
        minutes: Math.floor((totalMs % HOUR_MS) / MINUTE_MS),
        totalMs,
      };
    }
    // Count by the place's local calendar, not elapsed hours, so DST changes cannot shift the day number;
    // every evening falls on its own local date, so the day after this evening is the next fast.
    const tonight = evening(local.date);
    const afterEvening = nowMs >= tonight.at.getTime();
    const islamicDay = afterEvening ? addDaysToLocalDate(local.date, 1) : local.date;
    const dayEnds = afterEvening ? evening(islamicDay) : tonight;
    const day = Math.min(w.length, Math.max(1, daysBetweenLocalDates(w.firstFast, islamicDay) + 1));
    const fastTimes = times(islamicDay);
    const fast: FastDay | null = fastTimes?.fast
      ? { ...fastTimes.fast, date: islamicDay, today: !afterEvening, polar: fastTimes.polar }
      : null;
    return {
      phase: "during",
      ...base,
      sun: sunFor(dayEnds),
      evening: dayEnds,
      day,
      daysLeft: w.length - day,
      msLeft: end.at.getTime() - nowMs,
      fast,
      noFastReason: fast ? null : (fastTimes?.polar ?? "no-place"),
    };
  }
  throw new Error(`No Ramadan found after ${now.toISOString()}`);
}

/** A community's settings that shape its countdown: its moon sighting, its place and its method. */
export interface CalendarSettings {
  readonly dayOffset?: number | undefined;
  readonly startOverride?: string | null | undefined;
  /** A city picked for sunset and prayer times; else the zone's principal location. */
  readonly place?: Place | null | undefined;
  /** A calculation method picked by a moderator; else the region's usual one. */
  readonly method?: string | null | undefined;
  /** A polar-day convention picked by a moderator; else {@link DEFAULT_POLAR_CONVENTION}. */
  readonly polarConvention?: string | null | undefined;
}

/**
 * The countdown as a community sees it. A server's own calendar setting wins (its first-fast date, else its
 * day offset), then the deployment's RAMADAN_START, then the Umm al-Qura calendar.
 */
export function countdownFor(
  ctx: { readonly config: { readonly ramadanStart: string | undefined } },
  now: Date,
  timeZone: string,
  settings: CalendarSettings | null | undefined,
): CountdownResult {
  const dayOffset = settings?.dayOffset ?? 0;
  const start = settings?.startOverride ?? (dayOffset === 0 ? ctx.config.ramadanStart : undefined);
  const place = settings?.place ?? zonePlace(timeZone);
  const method = settings?.method && isMethod(settings.method) ? settings.method : undefined;
  const polar = settings?.polarConvention;
  return ramadanCountdown(now, {
    timeZone,
    override: start ? { start } : undefined,
    dayOffset,
    place,
    method,
    polarConvention: polar && isPolarConvention(polar) ? polar : undefined,
  });
}

/** How many of the nearest cities are tried for a suggestion: enough to leave a polar region. */
const SUGGESTION_CANDIDATES = 60;

/** The nearest city to `place` where the sun sets on the evening of `date` (its own zone's date). */
function suggestCity(place: Place, date: LocalDate, method: Method): CitySuggestion | null {
  const sets = (city: City) => {
    try {
      return dayTimes(city, date, city.timeZone, method).sunset !== null;
    } catch {
      return false; // a zone this Node's ICU does not know
    }
  };
  const city = nearestCities(place.latitude, place.longitude, SUGGESTION_CANDIDATES).find(sets);
  return city ? { name: city.name, key: city.key, timeZone: city.timeZone } : null;
}
