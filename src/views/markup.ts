import { english, type Lang } from "../i18n/index.js";
import { neutralizeBidi } from "../text/bidi.js";
import type { Markup } from "./card.js";

const textMarkups = new Map<string, Markup>();

/**
 * Plain terminal text in a language: no markdown to escape, only the bidi controls of text from outside;
 * times written out in the requested zone.
 */
export function textMarkupFor(lang: Lang): Markup {
  let markup = textMarkups.get(lang.locale);
  if (!markup) {
    markup = {
      escape: neutralizeBidi,
      bold: (text) => text,
      italic: (text) => text,
      quote: (text) =>
        text
          .split("\n")
          .map((line) => `  │ ${line}`)
          .join("\n"),
      liveRelative: () => undefined,
      timestamp: (at, style, timeZone) =>
        style === "date" ? lang.date(at, timeZone) : `${lang.dateTime(at, timeZone)} (${timeZone})`,
      link: (label, url) => `${label} <${url}>`,
      userMention: (userId) => `@${userId}`,
    };
    textMarkups.set(lang.locale, markup);
  }
  return markup;
}

/** Terminal text in English. */
export const textMarkup: Markup = textMarkupFor(english());

/** An absolute time, plus a live relative time where the surface has one ("… (in 72 days)"). */
export function whenLabel(markup: Markup, at: Date, timeZone: string): string {
  const absolute = markup.timestamp(at, "full", timeZone);
  const live = markup.liveRelative(at);
  return live ? `${absolute} (${live})` : absolute;
}
