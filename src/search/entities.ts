import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tokenize } from "../text/normalize.js";

/**
 * Countries under every name people use for them: "the US", "U.S.", "United States", "America", "American(s)"
 * are one country; "the Egyptian capital" and "the capital of Egypt" are Cairo. The names, demonyms and
 * capitals come from the `world-countries` package (mledoze/countries, ODbL), so the same text means the same
 * thing in a question and in the coverage, whatever the article.
 */

/** A country, or its capital city, as one search term. */
export interface EntityMatch {
  /** Index of the first token of the name in the token list. */
  readonly at: number;
  /** How many tokens the name spans. */
  readonly length: number;
  /** `@us` for the country, `@us-capital` for its capital city. */
  readonly term: string;
}

interface Country {
  readonly cca2: string;
  readonly name: { readonly common: string; readonly official: string };
  readonly altSpellings: readonly string[];
  readonly demonyms?: { readonly eng?: { readonly f: string; readonly m: string } };
  readonly capital?: readonly string[];
  readonly unMember?: boolean;
}

// English names that the data keeps elsewhere or not at all: "America" for the United States, and the two
// two-letter codes that are everyday English words for their countries. Other two-letter codes ("IN", "IS",
// "TO") are English words, so they are not names.
const EXTRA_NAMES: Readonly<Record<string, readonly string[]>> = { US: ["America", "US"], GB: ["UK"] };
// "us" is also the pronoun: after these words it is one ("tell us", "for us").
const PRONOUN_BEFORE_US = new Set(
  "tell tells told give gives gave show shows showed let lets help helps for to with of about among like brief update teach remind keep ask asks asked join joins against".split(
    " ",
  ),
);
const LATIN = /^[\p{Script=Latin}\p{N} .,'’()-]+$/u;

function plural(demonym: string): string | undefined {
  return /(?:sh|ch|ese|ss|s|i)$/i.test(demonym)
    ? /i$/i.test(demonym)
      ? `${demonym}s`
      : undefined
    : `${demonym}s`;
}

/** Finds country names, demonyms and capitals in token lists (see `tokenize`). */
export class Gazetteer {
  /** First token → phrases starting with it (token lists), longest first, with their term. */
  readonly #phrases = new Map<string, { tokens: readonly string[]; term: string }[]>();
  readonly #countryTerms = new Map<string, string>();

  constructor(countries: readonly Country[]) {
    // A name several places share ("American": the United States, and territories of it) goes to the UN member.
    const ordered = [...countries].sort((a, b) => Number(b.unMember ?? false) - Number(a.unMember ?? false));
    for (const country of ordered) {
      const id = country.cca2.toLowerCase();
      const term = `@${id}`;
      const demonym = country.demonyms?.eng;
      const names = [
        country.name.common,
        country.name.official,
        ...country.altSpellings.filter((name) => name.length >= 3),
        ...(EXTRA_NAMES[country.cca2] ?? []),
      ];
      const adjectives = demonym ? [demonym.m, demonym.f, plural(demonym.m)] : [];
      for (const name of [...names, ...adjectives]) {
        if (name && LATIN.test(name)) this.add(name, term);
      }
      for (const name of names)
        if (name && LATIN.test(name)) this.#countryTerms.set(tokenize(name).join(" "), term);
      for (const name of adjectives) if (name) this.#countryTerms.set(tokenize(name).join(" "), term);
      const capital = country.capital?.[0]?.replace(/\s+D\.C\.$/, "");
      if (capital && LATIN.test(capital)) this.add(capital, `${term}-capital`);
    }
    for (const list of this.#phrases.values()) list.sort((a, b) => b.tokens.length - a.tokens.length);
  }

  private add(name: string, term: string): void {
    const tokens = tokenize(name);
    const first = tokens[0];
    if (first === undefined) return;
    const list = this.#phrases.get(first) ?? [];
    if (!list.some((p) => p.term === term && p.tokens.join(" ") === tokens.join(" ")))
      list.push({ tokens, term });
    this.#phrases.set(first, list);
  }

  /** The countries and capitals named in `tokens`, longest name first, never overlapping. */
  find(tokens: readonly string[]): EntityMatch[] {
    const found: EntityMatch[] = [];
    for (let i = 0; i < tokens.length; ) {
      const match = this.matchAt(tokens, i);
      if (match) {
        found.push(match);
        i += match.length;
      } else i++;
    }
    return found;
  }

  private matchAt(tokens: readonly string[], at: number): EntityMatch | null {
    // "the capital of Egypt", "Egypt's capital", "the Egyptian capital".
    if (tokens[at] === "capital" && tokens[at + 1] === "of") {
      const country = this.countryAt(tokens, at + 2);
      if (country) return { at, length: 2 + country.length, term: `${country.term}-capital` };
    }
    const country = this.countryAt(tokens, at);
    if (country && tokens[at + country.length] === "capital") {
      return { at, length: country.length + 1, term: `${country.term}-capital` };
    }
    for (const phrase of this.#phrases.get(tokens[at] ?? "") ?? []) {
      if (!phrase.tokens.every((token, k) => tokens[at + k] === token)) continue;
      if (
        phrase.tokens.length === 1 &&
        phrase.tokens[0] === "us" &&
        PRONOUN_BEFORE_US.has(tokens[at - 1] ?? "")
      ) {
        continue;
      }
      return { at, length: phrase.tokens.length, term: phrase.term };
    }
    return null;
  }

  private countryAt(tokens: readonly string[], at: number): { term: string; length: number } | null {
    for (let length = Math.min(5, tokens.length - at); length >= 1; length--) {
      const term = this.#countryTerms.get(tokens.slice(at, at + length).join(" "));
      if (term) return { term, length };
    }
    return null;
  }
}

let shared: Gazetteer | undefined;
/** The gazetteer built from the `world-countries` data, once per process. */
export function countries(): Gazetteer {
  if (!shared) {
    // Read rather than required: require() would keep the whole 0.8 MB table in its cache for good.
    const path = createRequire(import.meta.url).resolve("world-countries/dist/countries.json");
    shared = new Gazetteer(JSON.parse(readFileSync(path, "utf8")) as Country[]);
  }
  return shared;
}
