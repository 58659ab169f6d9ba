/**
 * The languages talks-bot speaks. Adding one is a catalog file (`src/i18n/<code>.json`, every key of
 * `en.json`) and one line here.
 */
export interface LocaleInfo {
  /** The catalog's name, and the value stored for a server's reminders. */
  readonly code: string;
  /** Discord's locale codes that choose this language (the first is used for command localisations). */
  readonly discord: readonly string[];
  /** The locale given to `Intl` for dates and numbers (with any `-u-` extensions, e.g. a numbering system). */
  readonly intl: string;
  readonly dir: "ltr" | "rtl";
  /** The language's own name, as the reminders' language choice shows it. */
  readonly name: string;
}

export const LOCALES: readonly LocaleInfo[] = [
  { code: "en", discord: ["en-US", "en-GB"], intl: "en-GB", dir: "ltr", name: "English" },
  { code: "ar", discord: ["ar"], intl: "ar", dir: "rtl", name: "العربية" },
  { code: "he", discord: ["he"], intl: "he", dir: "rtl", name: "עברית" },
];

/** English: the language of the coverage, and what every other catalog falls back to. */
export const SOURCE_LOCALE = "en";
