import type { Config } from "../config.js";
import { type CountdownResult, ramadanCountdown } from "../countdown.js";

/** The per-guild calendar settings that shift the countdown (local moon sighting). */
export interface CalendarSettings {
  readonly dayOffset?: number | undefined;
  readonly startOverride?: string | null | undefined;
}

/**
 * The countdown as a community sees it: a guild's explicit start date wins, then the deployment's
 * RAMADAN_START, then the Umm al-Qura calendar shifted by the guild's day offset.
 */
export function countdownFor(
  ctx: { readonly config: Pick<Config, "ramadanStart"> },
  now: Date,
  timeZone: string,
  settings: CalendarSettings | null | undefined,
): CountdownResult {
  const start = settings?.startOverride ?? ctx.config.ramadanStart;
  return ramadanCountdown(now, {
    timeZone,
    override: start ? { start } : undefined,
    dayOffset: start ? 0 : (settings?.dayOffset ?? 0),
  });
}
