import type { Markup } from "./card.js";

/** Plain terminal text: nothing to escape, times written out in the requested zone. */
export const textMarkup: Markup = {
  escape: (text) => text,
  bold: (text) => text,
  italic: (text) => text,
  quote: (text) =>
    text
      .split("\n")
      .map((line) => `  │ ${line}`)
      .join("\n"),
  liveRelative: () => undefined,
  timestamp: (at, style, timeZone) => {
    if (style === "date") return formatDate(at, timeZone);
    const absolute = formatter("full", timeZone).format(at);
    return `${absolute} (${timeZone})`;
  },
  link: (label, url) => `${label} <${url}>`,
  userMention: (userId) => `@${userId}`,
};

/** "22 February 2024" for an ISO date or an instant. */
export function formatDate(value: string | Date, timeZone = "UTC"): string {
  const at = typeof value === "string" ? new Date(`${value}T12:00:00Z`) : value;
  return formatter("date", timeZone).format(at);
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/**
 * Formatters are costly to build (tens of microseconds and native memory each), and a busy bot formats
 * dates on every reply: build one per style and zone, once.
 */
function formatter(style: "full" | "date", timeZone: string): Intl.DateTimeFormat {
  const key = `${style} ${timeZone}`;
  let cached = formatters.get(key);
  if (!cached) {
    cached = new Intl.DateTimeFormat(
      "en-GB",
      style === "full"
        ? { timeZone, dateStyle: "full", timeStyle: "short" }
        : { timeZone, day: "numeric", month: "long", year: "numeric" },
    );
    formatters.set(key, cached);
  }
  return cached;
}

/** "Sunday, 7 February 2027 at 18:00 (in 72 days)": absolute, plus a live relative time where there is one. */
export function whenLabel(markup: Markup, at: Date, timeZone: string): string {
  const absolute = markup.timestamp(at, "full", timeZone);
  const live = markup.liveRelative(at);
  return live ? `${absolute} (${live})` : absolute;
}
