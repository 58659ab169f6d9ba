/**
 * What the bot says, in the reader's language: ICU MessageFormat catalogs (one JSON file per locale, in this
 * folder) formatted with FormatJS's `intl-messageformat`, so plurals follow each language's CLDR rules
 * (Arabic has six forms), and dates and numbers come from `Intl`.
 *
 * In a right-to-left language every text value placed into a message is wrapped in Unicode isolates (FSI …
 * PDI), so an English name, a title or a link inside an Arabic or Hebrew sentence keeps its own direction and
 * cannot pull the sentence's punctuation out of place. A `select` or `plural` still chooses its branch by the
 * value as given: isolated, "channel" would match no case.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type MessageFormatElement, TYPE } from "@formatjs/icu-messageformat-parser";
import { IntlMessageFormat } from "intl-messageformat";
import { PROJECT_ROOT } from "../paths.js";
import { isolate, isolateCommands, isolateInRtl } from "../text/bidi.js";
import type englishCatalog from "./en.json";
import { LOCALES, type LocaleInfo, SOURCE_LOCALE } from "./locales.js";

export { LOCALES, type LocaleInfo, SOURCE_LOCALE } from "./locales.js";

/** A key of the English catalog: every message the bot can say. */
export type MessageKey = keyof typeof englishCatalog;
export type MessageValues = Readonly<Record<string, string | number>>;

export const CATALOG_DIR = join(PROJECT_ROOT, "src", "i18n");

/** Formatted messages kept for reuse, at most. */
const FORMATTED_LIMIT = 5000;

type Catalog = Readonly<Record<string, string>>;

/**
 * The name under which a `select` or `plural` reads its argument: the value as given, beside the value as
 * shown. ':' cannot occur in an ICU argument name, so no placeholder of a catalog can take it.
 */
function selectorName(name: string): string {
  return `raw:${name}`;
}

/** A message's syntax tree with every `select` and `plural` reading its argument under {@link selectorName}. */
function withRawSelectors(elements: readonly MessageFormatElement[]): MessageFormatElement[] {
  return elements.map((element) => {
    if (element.type === TYPE.tag) return { ...element, children: withRawSelectors(element.children) };
    if (element.type !== TYPE.select && element.type !== TYPE.plural) return element;
    const options = Object.fromEntries(
      Object.entries(element.options).map(([name, option]) => [
        name,
        { ...option, value: withRawSelectors(option.value) },
      ]),
    );
    return { ...element, value: selectorName(element.value), options };
  });
}

function loadCatalog(file: string): Catalog {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new Error(`i18n: cannot read ${file}: ${(error as Error).message}`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
    throw new Error(`i18n: ${file} must hold one JSON object of messages`);
  for (const [key, value] of Object.entries(parsed)) {
    if (typeof value !== "string") throw new Error(`i18n: ${file}: "${key}" must be a string`);
  }
  return parsed as Catalog;
}

/** The catalogs of a set of locales, compiled on first use. */
export class Catalogs {
  readonly #messages = new Map<string, Catalog>();
  readonly #compiled = new Map<string, IntlMessageFormat>();
  /** Formatted messages by locale, key and values: most replies repeat the same labels and citations. */
  readonly #formatted = new Map<string, string>();
  readonly #info = new Map<string, LocaleInfo>();

  constructor(
    readonly locales: readonly LocaleInfo[] = LOCALES,
    readonly dir: string = CATALOG_DIR,
  ) {
    for (const locale of locales) {
      this.#info.set(locale.code, locale);
      this.#messages.set(locale.code, loadCatalog(join(dir, `${locale.code}.json`)));
    }
    if (!this.#messages.has(SOURCE_LOCALE)) throw new Error(`i18n: the ${SOURCE_LOCALE} catalog is required`);
  }

  info(code: string): LocaleInfo {
    const info = this.#info.get(code);
    if (!info) throw new Error(`i18n: unknown locale ${code}`);
    return info;
  }

  /** The raw ICU message, or undefined when the catalog lacks it. */
  message(code: string, key: string): string | undefined {
    return this.#messages.get(code)?.[key];
  }

  keys(code: string): string[] {
    return Object.keys(this.#messages.get(code) ?? {});
  }

  /**
   * Formats a message; a key missing from a catalog falls back to English (a test keeps them complete).
   * `values` are what selects and plurals choose by; `shown`, when given, what the placeholders display
   * (the same values, isolated for a right-to-left reply).
   */
  format(code: string, key: string, values?: MessageValues, shown?: MessageValues): string {
    const own = this.message(code, key);
    const locale = own === undefined ? SOURCE_LOCALE : code;
    const source = own ?? this.message(SOURCE_LOCALE, key);
    if (source === undefined) throw new Error(`i18n: no message ${key}`);
    const cacheKey = `${locale}\u0000${key}`;
    const formattedKey = values
      ? `${cacheKey}\u0000${JSON.stringify(values)}${shown ? `\u0000${JSON.stringify(shown)}` : ""}`
      : cacheKey;
    const known = this.#formatted.get(formattedKey);
    if (known !== undefined) return known;
    let compiled = this.#compiled.get(cacheKey);
    if (!compiled) {
      const intl = this.info(locale).intl;
      const parsed = new IntlMessageFormat(source, intl, undefined, { ignoreTag: true });
      compiled = new IntlMessageFormat(withRawSelectors(parsed.getAst()), intl);
      this.#compiled.set(cacheKey, compiled);
    }
    let args: Record<string, string | number> | undefined;
    if (values) {
      args = { ...(shown ?? values) };
      for (const [name, value] of Object.entries(values)) args[selectorName(name)] = value;
    }
    let value: ReturnType<typeof compiled.format>;
    try {
      value = compiled.format(args);
    } catch (error) {
      throw new Error(`i18n: ${locale} ${key}: ${(error as Error).message}`);
    }
    const formatted = typeof value === "string" ? value : String(value);
    // Bounded: values such as a question's text make the space of keys open-ended.
    if (this.#formatted.size >= FORMATTED_LIMIT) this.#formatted.clear();
    this.#formatted.set(formattedKey, formatted);
    return formatted;
  }
}

/** The language of one reply: its messages, dates and numbers. */
export interface Lang {
  /** The catalog's code: "en", "ar", "he". */
  readonly locale: string;
  readonly dir: "ltr" | "rtl";
  t(key: MessageKey, values?: MessageValues): string;
  /** A calendar date, "22 February 2024", for an ISO date (`YYYY-MM-DD`) or an instant in a zone. */
  date(value: string | Date, timeZone?: string): string;
  /** A weekday, date and time in a zone, "Sunday, 10 March 2024 at 17:58". */
  dateTime(at: Date, timeZone: string): string;
  /** A clock time in a zone, "17:58". */
  time(at: Date, timeZone: string): string;
  /** An Umm al-Qura date, "1 Ramadan 1445 AH", for an ISO date. */
  hijriDate(date: string): string;
  /** An Umm al-Qura month and year, "Ramadan 1445 AH", for an ISO date inside it. */
  hijriMonth(date: string): string;
  number(value: number): string;
  /** "+1", "−2": a number with its sign always shown. */
  signed(value: number): string;
  /** "a, b and c", "a, b or c", or a plain "a, b, c" (`unit`). */
  list(items: readonly string[], type?: "conjunction" | "disjunction" | "unit"): string;
  /** Text of the other direction (English coverage inside an Arabic reply), isolated; as is in LTR replies. */
  isolate(text: string): string;
}

const DATE_STYLES = {
  date: { day: "numeric", month: "long", year: "numeric" },
  dateTime: { dateStyle: "full", timeStyle: "short", hourCycle: "h23" },
  time: { hour: "2-digit", minute: "2-digit", hourCycle: "h23" },
  hijriDate: { day: "numeric", month: "long", year: "numeric" },
  hijriMonth: { month: "long", year: "numeric" },
} as const satisfies Record<string, Intl.DateTimeFormatOptions>;

/** ISO date → an instant at noon UTC, well inside that civil day. */
function noon(date: string): Date {
  return new Date(`${date}T12:00:00Z`);
}

class LangImpl implements Lang {
  readonly dir: "ltr" | "rtl";
  readonly #formats = new Map<string, Intl.DateTimeFormat>();
  readonly #number: Intl.NumberFormat;
  readonly #lists = new Map<string, Intl.ListFormat>();
  #signed: Intl.NumberFormat | undefined;
  readonly #intl: string;

  constructor(
    readonly locale: string,
    private readonly catalogs: Catalogs,
  ) {
    const info = catalogs.info(locale);
    this.dir = info.dir;
    this.#intl = info.intl;
    this.#number = new Intl.NumberFormat(info.intl);
  }

  t(key: MessageKey, values?: MessageValues): string {
    if (this.dir === "ltr") return this.catalogs.format(this.locale, key, values);
    if (!values) return isolateCommands(this.catalogs.format(this.locale, key));
    const isolated: Record<string, string | number> = {};
    for (const [name, value] of Object.entries(values))
      isolated[name] = typeof value === "string" ? isolateInRtl(value) : value;
    // Isolated for display only: a select or plural matches the value as given.
    return isolateCommands(this.catalogs.format(this.locale, key, values, isolated));
  }

  // Formatters are costly to build (tens of microseconds and native memory each), and a busy bot formats
  // dates on every reply: one per style, calendar and zone, built once.
  #format(style: keyof typeof DATE_STYLES, timeZone: string): Intl.DateTimeFormat {
    const key = `${style} ${timeZone}`;
    let format = this.#formats.get(key);
    if (!format) {
      const hijri = style === "hijriDate" || style === "hijriMonth";
      const locale = hijri
        ? `${this.#intl}${this.#intl.includes("-u-") ? "-" : "-u-"}ca-islamic-umalqura`
        : this.#intl;
      format = new Intl.DateTimeFormat(locale, { ...DATE_STYLES[style], timeZone });
      this.#formats.set(key, format);
    }
    return format;
  }

  date(value: string | Date, timeZone = "UTC"): string {
    return this.#format("date", timeZone).format(typeof value === "string" ? noon(value) : value);
  }

  dateTime(at: Date, timeZone: string): string {
    return this.#format("dateTime", timeZone).format(at);
  }

  time(at: Date, timeZone: string): string {
    return this.#format("time", timeZone).format(at);
  }

  // The month's name and the digits come from Intl; the order and the era from the catalog, since some
  // locales' Intl patterns put the era first ("הג׳רה 1445 רמדאן").
  #hijriParts(date: string, style: "hijriDate" | "hijriMonth"): Record<string, string> {
    const parts: Record<string, string> = {};
    for (const part of this.#format(style, "UTC").formatToParts(noon(date))) parts[part.type] = part.value;
    return parts;
  }

  hijriDate(date: string): string {
    const { day = "", month = "", year = "" } = this.#hijriParts(date, "hijriDate");
    return this.t("calendar.hijriDate", { day, month, year });
  }

  hijriMonth(date: string): string {
    const { month = "", year = "" } = this.#hijriParts(date, "hijriMonth");
    return this.t("calendar.hijriMonth", { month, year });
  }

  number(value: number): string {
    return this.#number.format(value);
  }

  signed(value: number): string {
    this.#signed ??= new Intl.NumberFormat(this.#intl, { signDisplay: "always" });
    return this.#signed.format(value);
  }

  list(items: readonly string[], type: "conjunction" | "disjunction" | "unit" = "conjunction"): string {
    const shown = this.dir === "rtl" ? items.map((item) => isolateInRtl(item)) : items;
    let format = this.#lists.get(type);
    if (!format) {
      format = new Intl.ListFormat(this.#intl, { type, style: type === "unit" ? "short" : "long" });
      this.#lists.set(type, format);
    }
    const list = format.format(shown);
    // Hebrew joins "and" to a Hebrew word ("והסיכונים"); CLDR's "ו-" with a hyphen is for digits and Latin.
    return this.locale === "he" ? list.replace(/ו-(?=[\u2067\u2068]?\p{Script=Hebrew})/gu, "ו") : list;
  }

  isolate(text: string): string {
    return this.dir === "rtl" && text !== "" ? isolate(text) : text;
  }
}

let defaultCatalogs: Catalogs | undefined;

/** The shipped catalogs (en, ar, he), read once. */
export function catalogs(): Catalogs {
  defaultCatalogs ??= new Catalogs();
  return defaultCatalogs;
}

const langs = new Map<string, Lang>();

/** The language for a catalog code; unknown codes get English. */
export function langFor(code: string, from: Catalogs = catalogs()): Lang {
  const known = from.locales.some((l) => l.code === code) ? code : SOURCE_LOCALE;
  if (from !== defaultCatalogs) return new LangImpl(known, from);
  let lang = langs.get(known);
  if (!lang) {
    lang = new LangImpl(known, from);
    langs.set(known, lang);
  }
  return lang;
}

/**
 * The catalog for a locale as Discord or a person gives it ("ar", "he", "en-US", "EN", "he-IL"): an exact
 * Discord code first, then the language part; null when talks-bot does not speak it.
 */
export function supportedLocale(
  locale: string | null | undefined,
  from: Catalogs = catalogs(),
): string | null {
  if (!locale) return null;
  const wanted = locale.trim().toLowerCase();
  for (const info of from.locales) {
    if (info.code === wanted || info.discord.some((d) => d.toLowerCase() === wanted)) return info.code;
  }
  const language = wanted.split(/[-_]/)[0];
  return from.locales.find((info) => info.code === language)?.code ?? null;
}

/** English: messages for logs and operators, and the language of the coverage. */
export function english(): Lang {
  return langFor(SOURCE_LOCALE);
}

/** The English text of a message: for errors that are also logged or shown to operators. */
export function englishText(key: MessageKey, values?: MessageValues): string {
  return english().t(key, values);
}
