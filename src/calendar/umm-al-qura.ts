/**
 * The Umm al-Qura calendar, from Node's ICU data (so there is no table to update each year): the Hijri date of
 * a day, the first fast and the length of each year's Ramadan, and the check that an explicit first-fast date
 * (`RAMADAN_START`, a server's `start_date`) is near the Umm al-Qura one. The countdown builds on it; the
 * configuration checks RAMADAN_START with it, without loading places and prayer times.
 */

import { UserFacingError } from "../errors.js";
import {
  addDaysToLocalDate,
  daysBetweenLocalDates,
  isValidLocalDate,
  type LocalDate,
  parseLocalDate,
} from "./time.js";

const DAY_MS = 86_400_000;
const RAMADAN_MONTH = 9;

/** How far (in days) an explicit `RAMADAN_START` may sit from the Umm al-Qura first fast of its year. */
export const OVERRIDE_TOLERANCE_DAYS = 3;

/** An explicit start date, typically from the `RAMADAN_START` environment variable. */
export interface RamadanOverride {
  /** `YYYY-MM-DD`: the date of the first fast, i.e. 1 Ramadan. */
  readonly start: LocalDate;
}

/** A date in the Umm al-Qura calendar. */
export interface HijriDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

let hijriFormatter: Intl.DateTimeFormat | undefined;

function hijriFormat(): Intl.DateTimeFormat {
  if (hijriFormatter === undefined) {
    const f = new Intl.DateTimeFormat("en-u-ca-islamic-umalqura-nu-latn", {
      timeZone: "UTC",
      year: "numeric",
      month: "numeric",
      day: "numeric",
    });
    // Without the calendar in ICU, Intl silently falls back to Gregorian and every date would be wrong.
    if (f.resolvedOptions().calendar !== "islamic-umalqura") {
      throw new Error("This Node.js build lacks the Umm al-Qura calendar (ICU); use a build with full-icu");
    }
    hijriFormatter = f;
  }
  return hijriFormatter;
}

/** The Umm al-Qura date for the daytime of a Gregorian civil date. */
export function hijriDateOf(date: LocalDate): HijriDate {
  const p = parseLocalDate(date);
  if (p === undefined) throw new RangeError(`Expected YYYY-MM-DD, got ${JSON.stringify(date)}`);
  // Noon UTC sits well inside the civil day, so the formatter reports that day's Hijri date.
  const noon = new Date(Date.UTC(2000, p.month - 1, p.day, 12));
  noon.setUTCFullYear(p.year);
  let year = 0;
  let month = 0;
  let day = 0;
  for (const part of hijriFormat().formatToParts(noon)) {
    if (part.type === "year") year = Number(part.value);
    else if (part.type === "month") month = Number(part.value);
    else if (part.type === "day") day = Number(part.value);
  }
  return { year, month, day };
}

// Mean lengths, used only to estimate before stepping to the exact day.
const MEAN_HIJRI_YEAR_DAYS = 354.367;
const MEAN_HIJRI_MONTH_DAYS = 29.5306;

const firstFastCache = new Map<number, LocalDate>();

/** `YYYY-MM-DD` of 1 Ramadan of `hijriYear` per Umm al-Qura (ICU). Cached per year. */
export function ummAlQuraFirstFast(hijriYear: number): LocalDate {
  if (!Number.isInteger(hijriYear) || hijriYear < 1) throw new RangeError(`Bad Hijri year ${hijriYear}`);
  const cached = firstFastCache.get(hijriYear);
  if (cached !== undefined) return cached;

  // 1 Muharram 1 AH ≈ 16 July 622 (Julian) = 19 July 622 (proleptic Gregorian); 8 months to Ramadan.
  const epochMs = Date.UTC(622, 6, 19);
  const estimateMs = epochMs + ((hijriYear - 1) * MEAN_HIJRI_YEAR_DAYS + 8 * MEAN_HIJRI_MONTH_DAYS) * DAY_MS;
  const e = new Date(estimateMs);
  let date = `${String(e.getUTCFullYear()).padStart(4, "0")}-${String(e.getUTCMonth() + 1).padStart(2, "0")}-${String(e.getUTCDate()).padStart(2, "0")}`;

  // Jump by the estimated distance a few times (each jump lands within a day or so), then walk day by day.
  for (let i = 0; i < 4; i++) {
    const h = hijriDateOf(date);
    const off = Math.round(
      (h.year - hijriYear) * MEAN_HIJRI_YEAR_DAYS +
        (h.month - RAMADAN_MONTH) * MEAN_HIJRI_MONTH_DAYS +
        (h.day - 1),
    );
    if (off === 0) break;
    date = addDaysToLocalDate(date, -off);
  }
  for (let i = 0; i < 60; i++) {
    const h = hijriDateOf(date);
    if (h.year === hijriYear && h.month === RAMADAN_MONTH && h.day === 1) {
      firstFastCache.set(hijriYear, date);
      return date;
    }
    const ahead = h.year > hijriYear || (h.year === hijriYear && h.month >= RAMADAN_MONTH);
    date = addDaysToLocalDate(date, ahead ? -1 : 1);
  }
  throw new Error(`Could not locate 1 Ramadan ${hijriYear} in the ICU Umm al-Qura calendar`);
}

/** Days in Ramadan of `hijriYear` per Umm al-Qura: 29 or 30. */
export function ummAlQuraRamadanLength(hijriYear: number): number {
  const day30 = addDaysToLocalDate(ummAlQuraFirstFast(hijriYear), 29);
  return hijriDateOf(day30).month === RAMADAN_MONTH ? 30 : 29;
}

/** The Hijri year whose Umm al-Qura 1 Ramadan is within tolerance of `start`, or the nearest miss. */
function yearForOverride(start: LocalDate): { hijriYear: number; gap: number; ummAlQura: LocalDate } {
  const h = hijriDateOf(start);
  let best: { hijriYear: number; gap: number; ummAlQura: LocalDate } | undefined;
  for (const y of [h.year - 1, h.year, h.year + 1]) {
    if (y < 1) continue;
    const ummAlQura = ummAlQuraFirstFast(y);
    const gap = daysBetweenLocalDates(ummAlQura, start);
    if (best === undefined || Math.abs(gap) < Math.abs(best.gap)) best = { hijriYear: y, gap, ummAlQura };
  }
  if (best === undefined) throw new RangeError(`No Hijri year near ${start}`);
  return best;
}

/**
 * The Hijri year whose Ramadan an explicit first fast (1 Ramadan, `YYYY-MM-DD`) begins. `setting` names where
 * the date came from, for the message. Throws UserFacingError for a malformed or impossible date, or one more
 * than {@link OVERRIDE_TOLERANCE_DAYS} days from that year's Umm al-Qura first fast (almost always a wrong year).
 */
export function overrideHijriYear(start: LocalDate, setting = "RAMADAN_START"): number {
  if (!isValidLocalDate(start)) throw new UserFacingError("calendar.error.startFormat", { value: start });
  const { hijriYear, gap, ummAlQura } = yearForOverride(start);
  if (Math.abs(gap) > OVERRIDE_TOLERANCE_DAYS) {
    throw new UserFacingError("calendar.error.startFar", {
      value: start,
      gap: Math.abs(gap),
      year: hijriYear,
      ummAlQura,
      tolerance: OVERRIDE_TOLERANCE_DAYS,
      setting,
    });
  }
  return hijriYear;
}

/**
 * Parses a first-fast date (1 Ramadan) as `YYYY-MM-DD`: the `RAMADAN_START` environment override or a
 * server's `start_date`. Empty or unset means no override. Throws UserFacingError for a malformed or
 * impossible date, or one more than {@link OVERRIDE_TOLERANCE_DAYS} days from the Umm al-Qura first fast
 * (almost always a wrong year).
 */
export function parseOverrideStart(
  value: string | undefined,
  setting = "RAMADAN_START",
): RamadanOverride | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (trimmed === "") return undefined;
  overrideHijriYear(trimmed, setting);
  return { start: trimmed };
}
