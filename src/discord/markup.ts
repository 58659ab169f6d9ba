import { neutralizeBidi } from "../text/bidi.js";
import type { Markup } from "../views/card.js";
import { escapeMarkdown, hideLinkEmbed, hyperlink, TimestampStyles, time } from "./lib.js";

const ESCAPE_CACHE_SIZE = 2000;
const escapeCache = new Map<string, string>();
const BARE_URL = /(?<!<)\bhttps?:\/\/[^\s<>]+/gi;

/**
 * Escapes every `[` outside a bare URL, so no masked link `[label](url)` can start anywhere in the text.
 * (discord.js's `maskedLink` escape matches greedily, once per line: the second link on a line survived.)
 * Bare URLs are wrapped in `<…>`, which stops their preview and keeps their own brackets intact.
 */
function escapeLinks(text: string): string {
  let out = "";
  let last = 0;
  for (const match of text.matchAll(BARE_URL)) {
    out += text.slice(last, match.index).replaceAll("[", "\\[");
    out += `<${match[0]}>`;
    last = match.index + match[0].length;
  }
  return out + text.slice(last).replaceAll("[", "\\[");
}

/**
 * A URL as a masked link's target: http(s) only, normalised by the WHATWG URL parser (which percent-encodes
 * spaces, quotes and angle brackets), with parentheses encoded too, so no character of it can end the link
 * early. Null for anything else (a `javascript:` URL, text that is not a URL).
 */
function linkTarget(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") return null;
  return parsed.href.replaceAll("(", "%28").replaceAll(")", "%29");
}

/** Discord markdown: user and corpus text is escaped, links cannot unfurl, timestamps are live. */
export const discordMarkup: Markup = {
  escape: (text) => {
    // Escaping runs a dozen regular expressions, and answers quote the same corpus text again and again.
    let escaped = escapeCache.get(text);
    if (escaped === undefined) {
      escaped = escapeLinks(
        escapeMarkdown(neutralizeBidi(text), { heading: true, bulletedList: true, numberedList: true }),
      );
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
  // `[label](<url>)`: the brackets stop Discord's preview of the page; a `]` in the label cannot end it early.
  link: (label, url) => {
    const target = linkTarget(url);
    return target === null ? label : hyperlink(label.replace(/(?<!\\)\]/g, "\\]"), hideLinkEmbed(target));
  },
  userMention: (userId) => `<@${userId}>`,
};
