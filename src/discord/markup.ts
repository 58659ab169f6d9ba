import type { Markup } from "../views/card.js";
import { escapeMarkdown, TimestampStyles, time } from "./lib.js";

const ESCAPE_CACHE_SIZE = 2000;
const escapeCache = new Map<string, string>();
const BARE_URL = /(?<!<)\bhttps?:\/\/[^\s<>]+/gi;

/** Discord markdown: user and corpus text is escaped, links cannot unfurl, timestamps are live. */
export const discordMarkup: Markup = {
  escape: (text) => {
    // Escaping runs a dozen regular expressions, and answers quote the same corpus text again and again.
    let escaped = escapeCache.get(text);
    if (escaped === undefined) {
      escaped = escapeMarkdown(text, {
        maskedLink: true,
        heading: true,
        bulletedList: true,
        numberedList: true,
      }).replace(BARE_URL, (url) => `<${url}>`);
      if (escapeCache.size >= ESCAPE_CACHE_SIZE) escapeCache.clear();
      escapeCache.set(text, escaped);
    }
    return escaped;
  },
  bold: (text) => `**${text}**`,
  italic: (text) => `*${text}*`,
  quote: (text) =>
    text
      .split("\n")
      .map((line) => `> ${line}`)
      .join("\n"),
  timestamp: (at, style) =>
    time(at, style === "date" ? TimestampStyles.LongDate : TimestampStyles.LongDateTime),
  liveRelative: (at) => time(at, TimestampStyles.RelativeTime),
  link: (label, url) => `[${label}](${url})`,
  userMention: (userId) => `<@${userId}>`,
};
