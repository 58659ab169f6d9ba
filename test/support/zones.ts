import { localParts } from "../../src/calendar/time.js";

const DAY = 86_400_000;

/** The span the DST property tests cover. */
export const FROM = Date.UTC(2020, 0, 1);
export const TO = Date.UTC(2036, 0, 1);

export interface OffsetTransition {
  /** First instant (to the second) with the new offset. */
  readonly at: number;
  readonly before: number;
  readonly after: number;
}

/** Offset changes of `zone` in [from, to): found by a daily scan, then bisected to the second. */
export function transitions(zone: string, from = FROM, to = TO): OffsetTransition[] {
  const offset = (ms: number) => localParts(new Date(ms), zone).offsetMinutes;
  const found: OffsetTransition[] = [];
  let prev = offset(from);
  for (let t = from + DAY; t < to; t += DAY) {
    const cur = offset(t);
    if (cur !== prev) {
      let lo = (t - DAY) / 1000;
      let hi = t / 1000;
      while (hi - lo > 1) {
        const mid = Math.floor((lo + hi) / 2);
        if (offset(mid * 1000) === prev) lo = mid;
        else hi = mid;
      }
      found.push({ at: hi * 1000, before: prev, after: cur });
      prev = cur;
    }
  }
  return found;
}
