import type { Article } from "../corpus/types.js";
import { foldText, isStopWord } from "./normalize.js";

/**
 * People named in an article, found from how news prose introduces them ("CIA Director Bill Burns",
 * "Gal Hirsch, the Israeli government's hostage coordinator, told…"). Later paragraphs use the
 * surname alone ("Burns is expected to travel…"), so the index adds each person's full description
 * to every paragraph that mentions them: "what is the CIA director doing in Paris" then finds it.
 */

/** A person introduced in an article. */
export interface Person {
  /** The name without titles, e.g. "Bill Burns". */
  readonly name: string;
  /** Folded surname, as it appears in later mentions, e.g. "burns", "al-ansari". */
  readonly key: string;
  /** Every way the article introduces them, e.g. "CIA Director Bill Burns". */
  readonly descriptions: readonly string[];
  /** True when the article reports words they said (said, told, warned, wrote). */
  readonly speaker: boolean;
}

// Words that make a capitalised run a person's title rather than a place or an organisation.
const TITLE_WORDS = new Set([
  "president",
  "minister",
  "director",
  "coordinator",
  "spokesman",
  "spokeswoman",
  "spokesperson",
  "secretary",
  "dr",
  "mr",
  "mrs",
  "ms",
  "gen",
  "general",
  "chief",
  "envoy",
  "ambassador",
  "king",
  "prince",
  "sheikh",
  "emir",
  "leader",
  "commander",
  "adviser",
  "advisor",
  "chairman",
  "senator",
  "governor",
  "mayor",
  "speaker",
]);

// Lowercase role words that may sit inside a title ("Foreign Ministry spokesman Majed Al-Ansari").
const INNER_ROLE_WORDS = new Set([
  "spokesman",
  "spokeswoman",
  "spokesperson",
  "adviser",
  "advisor",
  "envoy",
  "chief",
]);

// Verbs that report words someone said, as opposed to a view ascribed to them ("argued", "dismissed"):
// only people quoted this way get a "What did X say?" suggestion.
const SPEECH_VERBS = /^(?:said|says|told|tells|warned|warns|wrote|writes|stated|added)$/;

const ABBREVIATION_WITH_DOT = /^(?:(?:\p{L}\.)+|Dr\.|Mr\.|Mrs\.|Ms\.|Gen\.|Sen\.|Rep\.|Gov\.|Lt\.|Col\.)$/u;

interface Word {
  /** The word without surrounding quotes and punctuation, possessive removed. */
  readonly core: string;
  /** Punctuation after the word ends the run (comma, full stop, closing quote…). */
  readonly closes: boolean;
  /** The word ends a quotation. */
  readonly endsQuote: boolean;
  readonly end: number;
}

function words(text: string): Word[] {
  const out: Word[] = [];
  for (const match of text.matchAll(/\S+/g)) {
    const raw = match[0];
    const stripped = raw.replace(/^["'\u201c\u2018([]+/, "");
    let core = stripped;
    let closes = false;
    const endsQuote = /["\u201d]\W*$/.test(stripped);
    if (!ABBREVIATION_WITH_DOT.test(stripped)) {
      const trailing = /[,.;:!?"'\u201d\u2019)\]]+$/.exec(stripped);
      if (trailing) {
        core = stripped.slice(0, trailing.index);
        // A bare trailing apostrophe is a possessive ("Burns'"), which does not end the name.
        closes = trailing[0] !== "'" && trailing[0] !== "\u2019";
      }
    }
    core = core.replace(/['\u2019]s$/, "").replace(/['\u2019]$/, "");
    out.push({ core, closes, endsQuote, end: match.index + raw.length });
  }
  return out;
}

const isCapitalised = (word: string) => /^\p{Lu}/u.test(word);
const bare = (word: string) => foldText(word).replace(/\./g, "");

function appositiveRole(text: string, from: number): string | null {
  // ", the Israeli government's hostage coordinator," — a role in commas right after the name.
  const match = /^,\s+(?:the|a|an)\s+([^,.;]{3,80}),/.exec(text.slice(from - 1));
  if (!match?.[1]) return null;
  const role = match[1];
  return role.split(/\s+/).some((w) => TITLE_WORDS.has(bare(w)) || w.toLowerCase().endsWith("coordinator"))
    ? role
    : null;
}

function speaksAfter(all: readonly Word[], index: number): boolean {
  // A name inside a quotation is talked about, not talking: stop at the end of the quote.
  for (let i = index; i < Math.min(all.length, index + 9); i += 1) {
    const word = all[i];
    if (!word) break;
    if (i > index && SPEECH_VERBS.test(word.core.toLowerCase())) return true;
    if (word.endsQuote) return false;
  }
  const previous = all[index - 1];
  return previous !== undefined && /^(?:said|says|told)$/i.test(previous.core);
}

interface Draft {
  name: string;
  descriptions: Set<string>;
  speaker: boolean;
}

function collectRuns(text: string, all: readonly Word[], found: Map<string, Draft>): void {
  let run: Word[] = [];
  const flush = () => {
    while (run.length > 0 && isStopWord(bare(run[0]?.core ?? ""))) run = run.slice(1);
    const last = run[run.length - 1];
    const given = run[run.length - 2];
    if (last && given && run.length >= 2 && isCapitalised(last.core) && isCapitalised(given.core)) {
      const titled = run.some((w) => TITLE_WORDS.has(bare(w.core)));
      const role = appositiveRole(text, last.end);
      if (
        (titled || role !== null) &&
        !TITLE_WORDS.has(bare(last.core)) &&
        !TITLE_WORDS.has(bare(given.core))
      ) {
        const key = foldText(last.core);
        const draft = found.get(key) ?? {
          name: `${given.core} ${last.core}`,
          descriptions: new Set(),
          speaker: false,
        };
        const description = run.map((w) => w.core).join(" ");
        draft.descriptions.add(role === null ? description : `${description}, ${role}`);
        found.set(key, draft);
      }
    }
    run = [];
  };
  for (const word of all) {
    const inner = run.length > 0 && INNER_ROLE_WORDS.has(word.core);
    if (word.core.length > 0 && (isCapitalised(word.core) || inner)) {
      run.push(word);
      if (word.closes) flush();
    } else {
      flush();
    }
  }
  flush();
}

function mentions(foldedText: string, key: string): boolean {
  let from = 0;
  for (;;) {
    const at = foldedText.indexOf(key, from);
    if (at < 0) return false;
    const before = foldedText.charAt(at - 1);
    const after = foldedText.charAt(at + key.length);
    if (!/[\p{L}\p{N}]/u.test(before) && !/[\p{L}\p{N}]/u.test(after)) return true;
    from = at + 1;
  }
}

/** Finds the people an article introduces with a title or a role, and whether it quotes them. */
export function findPeople(article: Article): Person[] {
  const found = new Map<string, Draft>();
  const split = article.paragraphs.map((paragraph) => words(paragraph.text));
  article.paragraphs.forEach((paragraph, i) => {
    collectRuns(paragraph.text, split[i] ?? [], found);
  });
  for (const all of split) {
    all.forEach((word, index) => {
      const draft = found.get(foldText(word.core));
      if (draft && !draft.speaker && speaksAfter(all, index)) draft.speaker = true;
    });
  }
  return [...found].map(([key, draft]) => ({
    name: draft.name,
    key,
    descriptions: [...draft.descriptions],
    speaker: draft.speaker,
  }));
}

/** The people from `people` that a paragraph mentions, by surname. */
export function peopleIn(text: string, people: readonly Person[]): Person[] {
  const folded = foldText(text);
  return people.filter((person) => mentions(folded, person.key));
}
