/**
 * Where a community is, for its sunset and prayer times: the principal location of its time zone, or a city
 * a moderator picked.
 *
 * - Time zones: `data/zone.tab` and `data/zone1970.tab` from the IANA time zone database (tzdata 2025b,
 *   public domain), which give each zone's principal location ("Europe/London" → London, 51°30′N 0°07′W)
 *   and its countries. `zone.tab` is read first because it keeps a row for zones that `zone1970.tab` folds
 *   into another (Asia/Kuwait has Kuwait City there, not Riyadh).
 * - Cities: the list of the npm package `city-timezones` (7,300 cities with coordinates, country and zone),
 *   read on first use. A zone's principal city takes the zone's coordinates, so a zone and its principal city
 *   give one sunset.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { PROJECT_ROOT } from "../paths.js";
import { validateTimeZone } from "./timezones.js";

export interface Place {
  /** "London", "Jakarta": the zone's principal city, or the city picked. */
  readonly name: string;
  /** ISO 3166 code of the country, where known. */
  readonly country: string | null;
  readonly latitude: number;
  readonly longitude: number;
}

export interface City extends Place {
  readonly country: string;
  /** The province or state, to tell same-named cities apart. */
  readonly province: string;
  readonly timeZone: string;
  readonly population: number;
  /** "London, England, GB": what a choice carries and what is stored. */
  readonly key: string;
}

const DATA_DIR = join(PROJECT_ROOT, "src", "calendar", "data");

/** ISO 6709 `±DDMM[SS]±DDDMM[SS]` → decimal degrees. */
export function parseIso6709(text: string): { latitude: number; longitude: number } | null {
  const m = /^([+-])(\d{2})(\d{2})(\d{2})?([+-])(\d{3})(\d{2})(\d{2})?$/.exec(text);
  if (!m) return null;
  const degrees = (sign: string, d: string, min: string, sec: string | undefined) =>
    (sign === "-" ? -1 : 1) * (Number(d) + Number(min) / 60 + Number(sec ?? 0) / 3600);
  return {
    latitude: degrees(m[1] ?? "+", m[2] ?? "0", m[3] ?? "0", m[4]),
    longitude: degrees(m[5] ?? "+", m[6] ?? "0", m[7] ?? "0", m[8]),
  };
}

let zoneTable: ReadonlyMap<string, Place> | undefined;

function zones(): ReadonlyMap<string, Place> {
  if (zoneTable) return zoneTable;
  const table = new Map<string, Place>();
  // zone.tab first: its rows name each country's own principal city, even for zones folded since 1970.
  for (const file of ["zone.tab", "zone1970.tab"]) {
    for (const line of readFileSync(join(DATA_DIR, file), "utf8").split("\n")) {
      if (line.startsWith("#") || line.trim() === "") continue;
      const [countries = "", coordinates = "", zone = ""] = line.split("\t");
      const at = parseIso6709(coordinates);
      if (!at || table.has(zone)) continue;
      const city = zone.slice(zone.lastIndexOf("/") + 1).replace(/_/g, " ");
      table.set(zone, { name: city, country: countries.split(",")[0] ?? null, ...at });
    }
  }
  zoneTable = table;
  return table;
}

/** Every zone the bundled tables give a principal location, as they name it. */
export function zonesWithPlaces(): string[] {
  return [...zones().keys()];
}

/** The principal location of an IANA zone; null for zones with no place (UTC, Etc/GMT+3). */
export function zonePlace(timeZone: string): Place | null {
  return zones().get(timeZone) ?? null;
}

interface CityRecord {
  readonly city: string;
  readonly city_ascii: string;
  readonly lat: number;
  readonly lng: number;
  readonly pop: number;
  readonly iso2: string;
  readonly province: string;
  readonly timezone: string | null;
}

interface IndexedCity {
  readonly city: City;
  /** Lower-case, accent-free names searched. */
  readonly names: readonly string[];
}

let cityIndex: readonly IndexedCity[] | undefined;

function fold(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[\s_-]+/g, " ")
    .trim();
}

const EARTH_RADIUS_KM = 6371;

/** Great-circle distance in kilometres. */
function distanceKm(a: { latitude: number; longitude: number }, b: { latitude: number; longitude: number }) {
  const rad = Math.PI / 180;
  const dLat = (b.latitude - a.latitude) * rad;
  const dLon = (b.longitude - a.longitude) * rad;
  const h =
    Math.sin(dLat / 2) ** 2 +
    Math.cos(a.latitude * rad) * Math.cos(b.latitude * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** How far a city may lie from its zone's principal location and still be taken for it. */
const PRINCIPAL_CITY_KM = 50;

/**
 * The zone's principal location when `names` name it ("Kuwait" is "Kuwait City") and it is near, else null:
 * its coordinates replace the city list's, so `--tz Asia/Jerusalem` and `--city Jerusalem` agree.
 */
function principalOf(
  names: readonly string[],
  timeZone: string,
  at: { latitude: number; longitude: number },
): Place | null {
  let zone: string;
  try {
    zone = validateTimeZone(timeZone); // the city list spells some zones by older names (Asia/Calcutta)
  } catch {
    return null;
  }
  const principal = zonePlace(zone);
  if (!principal) return null;
  const own = fold(principal.name);
  const same = names.some((n) => n === own || n.startsWith(`${own} `) || own.startsWith(`${n} `));
  return same && distanceKm(principal, at) <= PRINCIPAL_CITY_KM ? principal : null;
}

function cities(): readonly IndexedCity[] {
  if (cityIndex) return cityIndex;
  const require = createRequire(import.meta.url);
  const records = require("city-timezones/data/cityMap.json") as CityRecord[];
  const seen = new Set<string>();
  const list: IndexedCity[] = [];
  for (const r of [...records].sort((a, b) => b.pop - a.pop)) {
    const key = [r.city, r.province && r.province !== r.city ? r.province : "", r.iso2]
      .filter(Boolean)
      .join(", ");
    // A city with no zone (the Antarctic stations) cannot be placed on anyone's clock.
    if (seen.has(key) || !Number.isFinite(r.lat) || !Number.isFinite(r.lng) || !r.timezone) continue;
    seen.add(key);
    const names = [...new Set([fold(r.city), fold(r.city_ascii)])];
    const principal = principalOf(names, r.timezone, { latitude: r.lat, longitude: r.lng });
    list.push({
      city: {
        name: r.city,
        country: r.iso2,
        province: r.province,
        latitude: principal?.latitude ?? r.lat,
        longitude: principal?.longitude ?? r.lng,
        timeZone: r.timezone,
        population: r.pop,
        key,
      },
      names,
    });
  }
  cityIndex = list;
  return list;
}

/** The `limit` cities nearest a point, nearest first. */
export function nearestCities(latitude: number, longitude: number, limit: number): City[] {
  const at = { latitude, longitude };
  return cities()
    .map((c) => ({ city: c.city, km: distanceKm(at, c.city) }))
    .sort((a, b) => a.km - b.km)
    .slice(0, limit)
    .map((c) => c.city);
}

/**
 * The city a person means: an exact key from the choices ("London, England, GB"), else the most populous city
 * of that name, preferring one in `timeZone`. Null when none matches.
 */
export function findCity(input: string, timeZone?: string): City | null {
  const typed = input.trim();
  if (typed === "") return null;
  const all = cities();
  const exact = all.find((c) => c.city.key === typed);
  if (exact) return exact.city;
  const name = fold(typed.split(",")[0] ?? "");
  const named = all.filter((c) => c.names.includes(name));
  return (named.find((c) => c.city.timeZone === timeZone) ?? named[0])?.city ?? null;
}

/** Cities whose name starts with (or has a word starting with) the typed text, most populous first. */
export function suggestCities(partial: string, timeZone: string | undefined, limit = 25): City[] {
  const q = fold(partial);
  const all = cities();
  const inZone = timeZone ? all.filter((c) => c.city.timeZone === timeZone) : all;
  if (q === "") return inZone.slice(0, limit).map((c) => c.city);
  const prefix = (list: readonly IndexedCity[]) =>
    list.filter((c) => c.names.some((n) => n.startsWith(q) || n.split(" ").some((w) => w.startsWith(q))));
  const found = prefix(inZone);
  // A city outside the chosen zone is still offered after the zone's own, so a typo in the zone shows.
  const more =
    timeZone && found.length < limit ? prefix(all).filter((c) => c.city.timeZone !== timeZone) : [];
  return [...found, ...more].slice(0, limit).map((c) => c.city);
}
