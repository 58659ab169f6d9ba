/**
 * Wall-clock helpers for IANA time zones, built only on `Intl` so they follow whatever tz data Node ships.
 *
 * Local dates are plain `YYYY-MM-DD` strings and local times `HH:MM` strings: they name a calendar day or a
 * clock reading in some zone, never an instant, so keeping them out of `Date` avoids accidental conversions.
 */

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/** A `YYYY-MM-DD` calendar date with no zone attached. */
export type LocalDate = string;

/** Day-of-week names indexed like `Date.prototype.getUTCDay` (0 = Sunday). */
export const WEEKDAY_NAMES = [
  "Sunday",
  "Monday",
  "Tuesday",
  "Wednesday",
  "Thursday",
  "Friday",
  "Saturday",
] as const;

/** English month names, index 0 = January; kept here so output does not depend on the ICU locale data. */
export const MONTH_NAMES = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
] as const;

/** What a clock in some zone shows at one instant. */
export interface LocalParts {
  /** `YYYY-MM-DD`. */
  readonly date: LocalDate;
  /** `HH:MM`, 24-hour. */
  readonly time: string;
  readonly year: number;
  /** 1–12. */
  readonly month: number;
  /** 1–31. */
  readonly day: number;
  /** 0–23. */
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  /** 0 = Sunday … 6 = Saturday. */
  readonly weekday: number;
  readonly weekdayName: (typeof WEEKDAY_NAMES)[number];
  /** Local time minus UTC at this instant, in minutes (e.g. 120 for UTC+2). May be fractional for old LMT offsets. */
  readonly offsetMinutes: number;
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME_RE = /^(\d{2}):(\d{2})$/;

const formatters = new Map<string, Intl.DateTimeFormat>();

/**
 * One formatter per zone: constructing a DateTimeFormat costs far more than using one, and the scheduler
 * and autocomplete call these helpers constantly.
 */
function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      calendar: "gregory",
      numberingSystem: "latn",
      // h23 rather than hour12:false: some V8 versions render midnight as "24" with the latter.
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(timeZone, f);
  }
  return f;
}

function pad2(n: number): string {
  return String(n).padStart(2, "0");
}

function pad4(n: number): string {
  return String(n).padStart(4, "0");
}

/** `Date.UTC` that treats years 0–99 literally instead of as 1900–1999. */
function utcMs(year: number, month: number, day: number, hour = 0, minute = 0, second = 0): number {
  const d = new Date(Date.UTC(2000, month - 1, day, hour, minute, second));
  d.setUTCFullYear(year);
  return d.getTime();
}

/** The zone's wall clock at `ms`, expressed as if that reading were UTC (whole seconds). */
function wallMsAt(ms: number, timeZone: string): number {
  let year = 0;
  let month = 1;
  let day = 1;
  let hour = 0;
  let minute = 0;
  let second = 0;
  for (const part of formatterFor(timeZone).formatToParts(ms)) {
    switch (part.type) {
      case "year":
        year = Number(part.value);
        break;
      case "month":
        month = Number(part.value);
        break;
      case "day":
        day = Number(part.value);
        break;
      case "hour":
        hour = Number(part.value) % 24;
        break;
      case "minute":
        minute = Number(part.value);
        break;
      case "second":
        second = Number(part.value);
        break;
      default:
        break;
    }
  }
  return utcMs(year, month, day, hour, minute, second);
}

/** Local minus UTC at instant `ms`, in milliseconds. */
function offsetMsAt(ms: number, timeZone: string): number {
  const wholeSeconds = Math.floor(ms / 1000) * 1000;
  return wallMsAt(wholeSeconds, timeZone) - wholeSeconds;
}

/** Parses `YYYY-MM-DD` into numbers, or undefined if it is malformed or not a real calendar date. */
export function parseLocalDate(value: string): { year: number; month: number; day: number } | undefined {
  const m = DATE_RE.exec(value);
  if (m === null) return undefined;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1) return undefined;
  const probe = new Date(utcMs(year, month, day));
  if (probe.getUTCMonth() !== month - 1 || probe.getUTCDate() !== day) return undefined;
  return { year, month, day };
}

/** True for a well-formed `YYYY-MM-DD` naming a real Gregorian date. */
export function isValidLocalDate(value: string): boolean {
  return parseLocalDate(value) !== undefined;
}

function requireLocalDate(value: string): { year: number; month: number; day: number } {
  const parsed = parseLocalDate(value);
  // Callers validate user input first, so a bad value here is a programming error, not a user error.
  if (parsed === undefined)
    throw new RangeError(`Expected a real date as YYYY-MM-DD, got ${JSON.stringify(value)}`);
  return parsed;
}

function requireLocalTime(value: string): { hour: number; minute: number } {
  const m = TIME_RE.exec(value);
  const hour = Number(m?.[1]);
  const minute = Number(m?.[2]);
  if (m === null || hour > 23 || minute > 59) {
    throw new RangeError(`Expected a time as HH:MM (00:00–23:59), got ${JSON.stringify(value)}`);
  }
  return { hour, minute };
}

function formatLocalDateMs(ms: number): LocalDate {
  const d = new Date(ms);
  return `${pad4(d.getUTCFullYear())}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}`;
}

/** `date` moved by `days` calendar days (negative goes back). */
export function addDaysToLocalDate(date: LocalDate, days: number): LocalDate {
  const { year, month, day } = requireLocalDate(date);
  return formatLocalDateMs(utcMs(year, month, day) + days * DAY_MS);
}

/** Calendar days from `from` to `to` (positive when `to` is later). */
export function daysBetweenLocalDates(from: LocalDate, to: LocalDate): number {
  const a = requireLocalDate(from);
  const b = requireLocalDate(to);
  return Math.round((utcMs(b.year, b.month, b.day) - utcMs(a.year, a.month, a.day)) / DAY_MS);
}

/** Day of week of a calendar date, 0 = Sunday. */
export function weekdayOfLocalDate(date: LocalDate): number {
  const { year, month, day } = requireLocalDate(date);
  return new Date(utcMs(year, month, day)).getUTCDay();
}

/** What a clock in `timeZone` reads at `instant`. */
export function localParts(instant: Date, timeZone: string): LocalParts {
  const ms = instant.getTime();
  if (!Number.isFinite(ms)) throw new RangeError("localParts: invalid Date");
  const wall = wallMsAt(ms, timeZone);
  const w = new Date(wall);
  const year = w.getUTCFullYear();
  const month = w.getUTCMonth() + 1;
  const day = w.getUTCDate();
  const hour = w.getUTCHours();
  const minute = w.getUTCMinutes();
  const weekday = w.getUTCDay();
  return {
    date: `${pad4(year)}-${pad2(month)}-${pad2(day)}`,
    time: `${pad2(hour)}:${pad2(minute)}`,
    year,
    month,
    day,
    hour,
    minute,
    second: w.getUTCSeconds(),
    weekday,
    weekdayName: WEEKDAY_NAMES[weekday] ?? "Sunday",
    offsetMinutes: (wall - Math.floor(ms / 1000) * 1000) / MINUTE_MS,
  };
}

/**
 * The instant at which clocks in `timeZone` read `time` on `localDate`.
 *
 * - In a spring-forward gap (the reading never happens), returns the first valid instant after the gap,
 *   e.g. 02:30 on 2026-03-08 in America/New_York → 03:00 EDT.
 * - In a fall-back overlap (the reading happens twice), returns the first occurrence,
 *   e.g. 01:30 on 2026-11-01 in America/New_York → 01:30 EDT (05:30Z), not 01:30 EST.
 *
 * Throws RangeError for a malformed date or time; validate user input before calling.
 */
export function zonedTimeToUtc(localDate: LocalDate, time: string, timeZone: string): Date {
  const { year, month, day } = requireLocalDate(localDate);
  const { hour, minute } = requireLocalTime(time);
  const wall = utcMs(year, month, day, hour, minute);

  // Offsets a day either side bracket any transition near this reading; zones do not change offset twice
  // within two days, which is the same assumption the Temporal reference implementation makes.
  const before = offsetMsAt(wall - DAY_MS, timeZone);
  const after = offsetMsAt(wall + DAY_MS, timeZone);
  const candidates = [...new Set([wall - before, wall - after])]
    .filter((t) => wallMsAt(t, timeZone) === wall)
    .sort((a, b) => a - b);
  const first = candidates[0];
  if (first !== undefined) return new Date(first);

  if (after <= before) {
    // Unreachable with real tz data (no candidate without a forward jump); fall back to the later offset.
    return new Date(wall - after);
  }
  // Gap: the transition instant T lies in (wall - after, wall - before]; its wall reading is the end of the
  // gap. Binary search at one-second resolution, since offsets change on whole seconds.
  let lo = Math.floor((wall - after) / 1000); // offset here is still `before`
  let hi = Math.ceil((wall - before) / 1000); // offset here is already `after`
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (offsetMsAt(mid * 1000, timeZone) === before) lo = mid;
    else hi = mid;
  }
  return new Date(hi * 1000);
}
