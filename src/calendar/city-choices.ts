import { UserFacingError } from "../errors.js";
import type { Lang } from "../i18n/index.js";
import { truncate } from "../text/truncate.js";
import { type City, findCity, suggestCities } from "./places.js";
import { validateTimeZone } from "./timezones.js";

/** A zone typed in another option, if it is one; autocomplete must not throw over a half-typed zone. */
function zoneOrUndefined(typed: string | undefined): string | undefined {
  if (!typed?.trim()) return undefined;
  try {
    return validateTimeZone(typed);
  } catch {
    return undefined;
  }
}

/** Autocomplete for a city option: the zone's cities first, labelled with their zone. */
export function cityChoices(
  partial: string,
  zone: string | undefined,
  lang: Lang,
): { name: string; value: string }[] {
  return suggestCities(partial, zoneOrUndefined(zone)).map((city) => ({
    name: truncate(
      lang.t("city.choice", { city: city.name, country: city.country, zone: city.timeZone }),
      100,
    ),
    value: truncate(city.key, 100, ""),
  }));
}

/**
 * The city a person picked or typed. With a time zone, the city must lie in it: a city elsewhere would give
 * sunset times that disagree with the clock the posts are scheduled by.
 */
export function resolveCity(input: string, timeZone: string | undefined): City {
  const city = findCity(input, timeZone);
  if (!city) throw new UserFacingError("city.error.unknown", { value: input.slice(0, 100) });
  // The city list may spell a zone by an older name (Asia/Calcutta): compare canonical names.
  if (timeZone && (zoneOrUndefined(city.timeZone) ?? city.timeZone) !== timeZone) {
    throw new UserFacingError("city.error.otherZone", {
      city: city.key,
      cityZone: city.timeZone,
      zone: timeZone,
    });
  }
  return city;
}
