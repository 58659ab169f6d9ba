/**
 * Time zones as people type them: validated against IANA (current names, never abbreviations or bare offsets),
 * suggested with typo tolerance, with the local time shown, for autocomplete.
 */

import { distance } from "fastest-levenshtein";
import { UserFacingError } from "../errors.js";
import { english, type Lang } from "../i18n/index.js";
import { truncate } from "../text/truncate.js";
import { localParts } from "./time.js";

/**
 * ICU in Node 20 lists some zones under names IANA has since replaced; we show and store the current names.
 * Each current name is accepted by Intl as an alias of the old one.
 */
const CURRENT_ZONE_NAMES: Readonly<Record<string, string>> = {
  "Africa/Asmera": "Africa/Asmara",
  "America/Buenos_Aires": "America/Argentina/Buenos_Aires",
  "America/Catamarca": "America/Argentina/Catamarca",
  "America/Coral_Harbour": "America/Atikokan",
  "America/Cordoba": "America/Argentina/Cordoba",
  "America/Godthab": "America/Nuuk",
  "America/Indianapolis": "America/Indiana/Indianapolis",
  "America/Jujuy": "America/Argentina/Jujuy",
  "America/Louisville": "America/Kentucky/Louisville",
  "America/Mendoza": "America/Argentina/Mendoza",
  "Asia/Calcutta": "Asia/Kolkata",
  "Asia/Katmandu": "Asia/Kathmandu",
  "Asia/Rangoon": "Asia/Yangon",
  "Asia/Saigon": "Asia/Ho_Chi_Minh",
  "Atlantic/Faeroe": "Atlantic/Faroe",
  "Europe/Kiev": "Europe/Kyiv",
  "Pacific/Enderbury": "Pacific/Kanton",
  "Pacific/Ponape": "Pacific/Pohnpei",
  "Pacific/Truk": "Pacific/Chuuk",
};

/** Zone ids that look like abbreviations: they pin one offset or US rules and mislead more than they help. */
const ABBREVIATION_IDS = new Set([
  "est",
  "mst",
  "hst",
  "cet",
  "eet",
  "met",
  "wet",
  "est5edt",
  "cst6cdt",
  "mst7mdt",
  "pst8pdt",
]);

const OFFSET_RE = /^(?:utc|gmt|z)?\s*[+\-\u2212]\s*\d/i;

interface ZoneEntry {
  readonly zone: string;
  /** Lower-case forms searched: the current name and any older ICU name, with `_` as spaces. */
  readonly names: readonly string[];
  /** Lower-case last path segment (the city), `_` as spaces. */
  readonly city: string;
  /** Position in {@link COMMON_ZONES}, or a large number; used to break ties toward familiar zones. */
  readonly popularity: number;
}

/** Shown for an empty autocomplete query, and preferred among equally good matches. */
const COMMON_ZONES = [
  "UTC",
  "Asia/Jerusalem",
  "Asia/Gaza",
  "Asia/Hebron",
  "Asia/Riyadh",
  "Africa/Cairo",
  "Asia/Amman",
  "Asia/Beirut",
  "Asia/Damascus",
  "Asia/Baghdad",
  "Asia/Qatar",
  "Asia/Dubai",
  "Europe/Istanbul",
  "Asia/Tehran",
  "Europe/London",
  "Europe/Paris",
  "Europe/Berlin",
  "America/New_York",
  "America/Chicago",
  "America/Los_Angeles",
  "America/Toronto",
  "Asia/Karachi",
  "Asia/Kolkata",
  "Asia/Jakarta",
  "Australia/Sydney",
] as const;

let zoneIndex: { entries: readonly ZoneEntry[]; byLower: ReadonlyMap<string, string> } | undefined;

function normalizeForSearch(s: string): string {
  return s
    .trim()
    .toLowerCase()
    .replace(/[\s_]+/g, " ");
}

/** Built once: the zone list and its lower-case forms are all the autocomplete and validation need. */
function zones(): { entries: readonly ZoneEntry[]; byLower: ReadonlyMap<string, string> } {
  if (zoneIndex !== undefined) return zoneIndex;
  const popularity = new Map<string, number>(COMMON_ZONES.map((z, i) => [z, i]));
  const byLower = new Map<string, string>();
  const entries: ZoneEntry[] = [];
  const listed = ["UTC", ...Intl.supportedValuesOf("timeZone")];
  for (const listedName of listed) {
    const zone = CURRENT_ZONE_NAMES[listedName] ?? listedName;
    const aliases = zone === "UTC" ? ["UTC", "Etc/UTC", "GMT"] : [zone, listedName];
    for (const a of aliases) byLower.set(a.toLowerCase(), zone);
    const city = normalizeForSearch(zone.slice(zone.lastIndexOf("/") + 1));
    entries.push({
      zone,
      names: [...new Set(aliases.map(normalizeForSearch))],
      city,
      popularity: popularity.get(zone) ?? Number.MAX_SAFE_INTEGER,
    });
  }
  zoneIndex = { entries, byLower };
  return zoneIndex;
}

function invalidZone(
  value: string,
  why: "zone.error.unknown" | "zone.error.offset" | "zone.error.abbreviation" = "zone.error.unknown",
): UserFacingError {
  return new UserFacingError(why, { value });
}

/**
 * Canonical IANA name for a zone typed by a moderator: case-insensitive ("asia/riyadh" → "Asia/Riyadh"),
 * spaces accepted for underscores, "UTC"/"GMT" → "UTC", old names mapped to current ones
 * ("Asia/Calcutta" → "Asia/Kolkata").
 *
 * Throws UserFacingError for unknown names, UTC offsets ("+03:00", "UTC+3") and abbreviation ids ("EST"),
 * since none of those say when daylight saving applies. `Etc/GMT±N` is accepted; see {@link timeZoneWarning}.
 */
export function validateTimeZone(input: string): string {
  const trimmed = input.trim();
  if (trimmed === "") throw new UserFacingError("zone.error.empty");
  if (OFFSET_RE.test(trimmed)) throw invalidZone(trimmed, "zone.error.offset");
  if (ABBREVIATION_IDS.has(trimmed.toLowerCase())) throw invalidZone(trimmed, "zone.error.abbreviation");
  const candidate = trimmed.replace(/\s+/g, "_");
  const known = zones().byLower.get(candidate.toLowerCase());
  if (known !== undefined) return known;
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat("en-US", { timeZone: candidate }).resolvedOptions().timeZone;
  } catch {
    throw invalidZone(trimmed);
  }
  return CURRENT_ZONE_NAMES[resolved] ?? resolved;
}

/**
 * The zone this machine's clock is set to: `TZ` when it names an IANA zone, else the system's own, else UTC
 * (a POSIX rule such as `EST5EDT`, or no zone at all).
 */
export function machineTimeZone(env: NodeJS.ProcessEnv = process.env): string {
  const candidates = [env.TZ?.trim().replace(/^:/, ""), new Intl.DateTimeFormat().resolvedOptions().timeZone];
  for (const candidate of candidates) {
    if (!candidate) continue;
    try {
      return validateTimeZone(candidate);
    } catch {
      // Not an IANA zone: try the next source.
    }
  }
  return "UTC";
}

/**
 * A caveat worth showing after a moderator picks `zone`, or undefined when there is none.
 * `Etc/GMT+3` is UTC−3: POSIX-style names invert the sign, which surprises nearly everyone.
 */
export function timeZoneWarning(zone: string, lang: Lang = english()): string | undefined {
  const m = /^Etc\/GMT([+-])(\d{1,2})$/i.exec(zone.trim());
  if (m === null) return undefined;
  const hours = Number(m[2]);
  if (hours === 0) return undefined;
  const actual = `UTC${m[1] === "+" ? "\u2212" : "+"}${hours}`;
  return lang.t("reminders.note.etcZone", { zone, actual });
}

/** One autocomplete choice: `zone` is the value to store, `label` what Discord shows (≤ 100 chars). */
export interface ZoneSuggestion {
  readonly zone: string;
  readonly label: string;
}

function labelFor(zone: string, now: Date, lang: Lang): string {
  return truncate(lang.t("zone.choice", { zone, time: localParts(now, zone).time }), 100);
}

function typoBudget(length: number): number {
  if (length < 3) return 0;
  if (length <= 4) return 1;
  if (length <= 8) return 2;
  return 3;
}

/**
 * How well `entry` matches the normalized query `q`: lower tiers are better, undefined is no match.
 * Tiers: exact, name prefix, city prefix, word/segment prefix, substring, then small typos.
 */
function rank(entry: ZoneEntry, q: string): { tier: number; dist: number } | undefined {
  if (entry.names.includes(q) || entry.city === q) return { tier: 0, dist: 0 };
  if (entry.names.some((n) => n.startsWith(q))) return { tier: 1, dist: 0 };
  if (entry.city.startsWith(q)) return { tier: 2, dist: 0 };
  if (entry.names.some((n) => n.split(/[/ -]/).some((w) => w.startsWith(q)))) return { tier: 3, dist: 0 };
  if (entry.names.some((n) => n.includes(q))) return { tier: 4, dist: 0 };
  const budget = typoBudget(q.length);
  if (budget === 0) return undefined;
  let best = distance(q, entry.city);
  // A half-typed name with a slip ("jeruz") should still find the city, so compare against its prefix too.
  if (q.length >= 4) best = Math.min(best, distance(q, entry.city.slice(0, q.length)));
  if (q.includes("/")) for (const n of entry.names) best = Math.min(best, distance(q, n));
  return best <= budget ? { tier: 5, dist: best } : undefined;
}

/**
 * Autocomplete for time zones: prefix, city, word and substring matches first, then small typos; spaces and
 * underscores are interchangeable. Empty input lists common zones. Labels show the current local time,
 * e.g. "Asia/Riyadh (now 14:05)".
 */
export function suggestTimeZones(
  partial: string,
  now: Date,
  limit = 25,
  lang: Lang = english(),
): ZoneSuggestion[] {
  const max = Math.max(0, Math.floor(limit));
  const q = normalizeForSearch(partial);
  const { entries } = zones();
  let picked: string[];
  if (q === "") {
    picked = COMMON_ZONES.slice(0, max);
  } else {
    const scored: { entry: ZoneEntry; tier: number; dist: number }[] = [];
    for (const entry of entries) {
      const r = rank(entry, q);
      if (r !== undefined) scored.push({ entry, ...r });
    }
    scored.sort(
      (a, b) =>
        a.tier - b.tier ||
        a.dist - b.dist ||
        a.entry.popularity - b.entry.popularity ||
        a.entry.zone.localeCompare(b.entry.zone),
    );
    picked = scored.slice(0, max).map((s) => s.entry.zone);
  }
  return picked.map((zone) => ({ zone, label: labelFor(zone, now, lang) }));
}

/** Autocomplete choices for a time-zone option: the zone as value, its current local time in the label. */
export function timeZoneChoices(
  partial: string,
  now: Date,
  lang: Lang = english(),
): { name: string; value: string }[] {
  return suggestTimeZones(partial, now, 25, lang).map((s) => ({ name: s.label, value: s.zone }));
}
