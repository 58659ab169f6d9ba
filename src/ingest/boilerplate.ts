import { type DomDocument, type DomElement, textOf } from "./dom.js";

/**
 * What a news page carries besides its article, and how it is taken out. Readability finds the article's
 * block, but keeps some of what sits inside it: a newsletter box, an author's bio, a "Read more:" link, a photo
 * credit. So extraction works in two passes around it:
 *
 * 1. Before Readability, {@link removePageChrome} deletes the elements that are never article text: by tag
 *    (navigation, asides, headers and footers, figures and their captions, forms, embeds), by ARIA role, and
 *    by a class or id that names boilerplate (`cookie-banner`, `newsletter-signup`, `related-stories`,
 *    `share-bar`, `byline`, `ad-slot`…). An element that holds most of the page's paragraph text is kept
 *    whatever its class says (a body wrapped in `subscriber-content` is still the body).
 * 2. After it, {@link boilerplateLine} drops whole paragraphs that read as page furniture: bylines, photo
 *    credits, "Advertisement", "Read more:" and "Related:" links, newsletter and share prompts, copyright and
 *    cookie notices, and "Updated …" time stamps. Each rule is anchored and limited to short lines, so a
 *    sentence of the story that merely mentions a newsletter or a photograph stays.
 */

/** Tags whose content is never a paragraph of the article. */
const CHROME_TAGS = [
  "script",
  "style",
  "noscript",
  "template",
  "iframe",
  "object",
  "embed",
  "svg",
  "canvas",
  "video",
  "audio",
  "picture",
  "img",
  "figure",
  "figcaption",
  "form",
  "button",
  "input",
  "select",
  "textarea",
  "label",
  "dialog",
  "nav",
  "aside",
  "header",
  "footer",
  "menu",
];

const CHROME_ROLES = [
  "navigation",
  "banner",
  "contentinfo",
  "complementary",
  "dialog",
  "alertdialog",
  "search",
  "menu",
  "menubar",
  "toolbar",
];

/**
 * Class and id words that name boilerplate. A class or id is split into parts at spaces, dashes, underscores
 * and camelCase; a part that contains one of {@link CHROME_NAME_STEMS} (`jp-relatedposts`, `cookieBanner`), or
 * is one of the short {@link CHROME_NAME_PARTS} (`ad-slot`, but not `shadow` or `header`), names boilerplate.
 */
const CHROME_NAME_STEMS = [
  "cookie",
  "onetrust",
  "banner",
  "kicker",
  "eyebrow",
  "consent",
  "newsletter",
  "advert",
  "sponsor",
  "related",
  "recirc",
  "trending",
  "byline",
  "caption",
  "breadcrumb",
  "outbrain",
  "taboola",
  "pullquote",
  "readmore",
  "mostread",
  "social",
  "sharing",
  "signup",
  "promo",
];

const CHROME_NAME_PARTS = new Set([
  "header",
  "heading",
  "headline",
  "masthead",
  "footer",
  "nav",
  "navbar",
  "navigation",
  "menu",
  "sidebar",
  "widget",
  "rail",
  "skip",
  "gdpr",
  "subscribe",
  "subscription",
  "ad",
  "ads",
  "bio",
  "share",
  "credit",
  "credits",
  "tags",
  "comment",
  "comments",
  "popular",
  "recommended",
]);

/** Pairs of parts that name boilerplate together: `most-read`, `read-more`, `pull-quote`, `sign-up`. */
const CHROME_NAME_PAIRS = [
  ["most", "read"],
  ["read", "more"],
  ["pull", "quote"],
  ["sign", "up"],
  ["more", "stories"],
  ["author", "info"],
  ["twitter", "tweet"],
  ["instagram", "media"],
];

function nameParts(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .toLowerCase()
    .split(/[\s_-]+/)
    .filter(Boolean);
}

/** True when a class attribute or an id names boilerplate (see {@link CHROME_NAME_STEMS}). */
export function namesBoilerplate(name: string): boolean {
  const parts = nameParts(name);
  if (
    parts.some((part) => CHROME_NAME_PARTS.has(part) || CHROME_NAME_STEMS.some((stem) => part.includes(stem)))
  )
    return true;
  return CHROME_NAME_PAIRS.some(([first, second]) =>
    parts.some((part, i) => part === first && parts[i + 1] === second),
  );
}

function paragraphTextLength(root: DomElement | DomDocument): number {
  let total = 0;
  for (const p of root.querySelectorAll("p")) total += textOf(p).length;
  return total;
}

/** Deletes navigation, banners, asides, captions and the other page chrome in place (pass 1 above). */
export function removePageChrome(document: DomDocument): void {
  for (const element of [...document.querySelectorAll(CHROME_TAGS.join(","))]) element.remove();
  const roles = CHROME_ROLES.map((role) => `[role="${role}"]`).join(",");
  for (const element of [...document.querySelectorAll(`${roles},[aria-hidden="true"],[hidden]`)]) {
    if (element.localName !== "body" && element.localName !== "html") element.remove();
  }
  const pageText = paragraphTextLength(document);
  for (const element of [...document.querySelectorAll("[class],[id]")]) {
    if (element.localName === "body" || element.localName === "html") continue;
    const named = `${element.getAttribute("class") ?? ""} ${element.getAttribute("id") ?? ""}`;
    if (!namesBoilerplate(named)) continue;
    // A wrapper of the story itself, whatever its class says.
    if (element.querySelector("article, main, [itemprop~='articleBody']")) continue;
    if (pageText > 0 && paragraphTextLength(element) * 2 >= pageText) continue;
    element.remove();
  }
}

/** One post-filter rule: its name (shown by tests), a test, and a line it drops. */
export interface LineRule {
  readonly name: string;
  readonly example: string;
  drops(line: string): boolean;
}

function words(line: string): string[] {
  return line.split(/\s+/).filter(Boolean);
}

/** Words a byline joins names with, besides capitalised names themselves. */
const BYLINE_JOINERS = new Set([
  "and",
  "&",
  "in",
  "for",
  "de",
  "da",
  "van",
  "von",
  "der",
  "al",
  "bin",
  "el",
  "la",
]);

const SHORT = 30;

const MONTH = "(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\\.?";
/** "March 14, 2025", "14 March 2025", "2025-03-14". */
const DATE = new RegExp(
  `(\\b${MONTH} \\d{1,2},? \\d{4}|\\b\\d{1,2} ${MONTH},? \\d{4}|\\b\\d{4}-\\d{2}-\\d{2})`,
  "i",
);

/** The post-filter (pass 2 above), in the order it is tried. */
export const LINE_RULES: readonly LineRule[] = [
  {
    name: "byline",
    example: "By Amara Okoye and Lukas Brenner, The Meridian Times",
    drops: (line) => {
      const match = /^by\s+(.+)$/i.exec(line);
      if (!match?.[1] || words(line).length > 14 || /[.!?]["”’]?$/.test(line)) return false;
      return words(match[1].replace(/[,|·•–—]/g, " ")).every(
        (word) => /^[\p{Lu}@]/u.test(word) || BYLINE_JOINERS.has(word.toLowerCase()),
      );
    },
  },
  {
    name: "photo credit or caption",
    example: "Photo: Ilse Varga/The Meridian Times",
    drops: (line) =>
      (/^(photo|photograph|picture|image|video|illustration|graphic|file photo)s?( credit)?\s*[:|/]/i.test(
        line,
      ) ||
        /^(credit|source|pictured)\s*:/i.test(line) ||
        /[([](photo|image|picture|credit)s?\b[^)\]]*[)\]]\s*$/i.test(line) ||
        /\b(getty images|ap photo|afp via getty|reuters\/|epa-efe)\b[^.]*$/i.test(line)) &&
      words(line).length <= SHORT,
  },
  {
    name: "advertisement label",
    example: "Story continues below advertisement",
    drops: (line) =>
      /^(advertisement|advertising|ad|sponsored( content)?|skip advertisement|(story|article) continues below( this)? (advertisement|ad))\.?$/i.test(
        line,
      ),
  },
  {
    name: "related link",
    example: "Read more: Why the Lake Merrow talks collapsed in January",
    drops: (line) =>
      /^(read more|read next|related( stories| coverage| articles?)?|see also|also read|recommended( reading)?|more on this( story)?|more from [^:]{1,40}|most read|watch|listen|explainer)\s*[:|–—»›>-]/i.test(
        line,
      ) && words(line).length <= SHORT,
  },
  {
    name: "newsletter or subscription prompt",
    example: "Sign up for our free daily briefing and get the day's stories in your inbox.",
    drops: (line) =>
      (/^(sign up|subscribe)\b/i.test(line) ||
        (/\b(sign up|subscribe)\b/i.test(line) &&
          /\b(newsletter|briefing|inbox|free trial|digest)\b/i.test(line))) &&
      words(line).length <= SHORT,
  },
  {
    name: "reporting credit",
    example: "Reporting by Ilse Varga in Port Alder; editing by Tom Hale",
    drops: (line) =>
      /^(additional )?(reporting|writing|editing|compiled|produced) by\b/i.test(line) &&
      words(line).length <= SHORT,
  },
  {
    name: "share prompt",
    example: "Share this article",
    drops: (line) =>
      /^(share (this|on|via)|copy link|follow us|tweet this|email this|print this)\b/i.test(line) &&
      words(line).length <= 8,
  },
  {
    name: "copyright notice",
    example: "© 2025 The Meridian Times Ltd. All rights reserved.",
    drops: (line) =>
      (/^(©|\(c\)\s*\d{4}|copyright\s*(©\s*)?\d{4})/i.test(line) ||
        /\ball rights reserved\.?$/i.test(line)) &&
      words(line).length <= SHORT,
  },
  {
    name: "cookie notice",
    example: "We use cookies to improve your experience. By continuing to browse, you agree.",
    drops: (line) =>
      /\bcookies?\b/i.test(line) &&
      /\b(we use|uses|use of|accept|consent|continuing to (browse|use)|privacy|preferences|got it)\b/i.test(
        line,
      ) &&
      words(line).length <= 50,
  },
  {
    name: "time stamp",
    example: "Updated 4 March 2025, 14:05 CET",
    drops: (line) =>
      words(line).length <= 14 &&
      (/^(published|updated|posted|last updated|first published)(\s+on)?\s*:?\s*(\d|(mon|tue|wed|thu|fri|sat|sun|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b)/i.test(
        line,
      ) ||
        (DATE.test(line) &&
          !/[.!?]["”’)]?$/.test(line) &&
          /(\d{1,2}[:.]\d{2}|\b(am|pm|a\.m\.|p\.m\.|utc|gmt|cet|est|edt|updated|ago)\b)/i.test(line))),
  },
];

/** The rule that drops this paragraph, or undefined when it is article text. */
export function boilerplateLine(line: string): LineRule | undefined {
  return LINE_RULES.find((rule) => rule.drops(line));
}
