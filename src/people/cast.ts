import { processTerm } from "../text/normalize.js";
import {
  isCapitalized,
  isPossessiveApostrophe,
  lower,
  type ReadParagraph,
  shortHash,
  slug,
  stripPossessive,
  type Token,
} from "../text/prose.js";
import {
  BOUNDARY_WORDS,
  DETERMINERS,
  HONORIFICS,
  NAME_PARTICLES,
  NOT_NAME_WORDS,
  POSTMODIFIERS,
  PRONOUNS,
  ROLE_NOUNS,
  SPEECH_VERBS,
  TIME_WORDS,
  VERBS,
} from "./lexicon.js";
import type { Speaker } from "./types.js";

/**
 * The people, organisations and anonymous sources of one article, and the rules that map a noun
 * phrase from an attribution ("Al-Ansari", "the diplomat", "Biden himself") to one of them.
 */

interface Entry {
  key: string;
  name: string | null;
  role: string | null;
  /** The appositive exactly as printed ("the Israeli government’s hostage coordinator"), used in the label. */
  appositive: string | null;
  label: string | null;
  aliases: string[];
  /** First paragraph that names or describes the entry: coreference prefers earlier introductions. */
  introduced: number;
  /** Head noun stem of an anonymous description, for "the diplomat" → "a diplomat familiar with …". */
  head: string | null;
  /** The last word of the role, for "the spokesman" → a named spokesman. */
  roleHead: string | null;
  /** Whether the entry is a person or organisation (true) or an anonymous description (false). */
  named: boolean;
}

/** A titled or apposed name found in text: "Israeli War Minister Benny Gantz", "Gal Hirsch, the … coordinator". */
export interface NamedMention {
  readonly name: string;
  readonly role: string | null;
  readonly appositive: string | null;
  /** Token range of the whole mention, [first, last]. */
  readonly first: number;
  readonly last: number;
}

function isWord(token: Token | undefined): token is Token {
  return token?.kind === "word";
}

function isComma(token: Token | undefined): boolean {
  return token?.kind === "punct" && token.text === ",";
}

function isRoleNoun(token: Token | undefined): boolean {
  return isWord(token) && ROLE_NOUNS.has(lower(token.text));
}

/** A word that can be part of a personal or organisation name. */
function isNameWord(token: Token | undefined): boolean {
  if (!isWord(token)) return false;
  const base = stripPossessive(token.text).word;
  if (!isCapitalized(base)) return false;
  const low = lower(base);
  return !NOT_NAME_WORDS.has(low) && !ROLE_NOUNS.has(low) && !HONORIFICS.has(low);
}

function headStem(word: string): string {
  return processTerm(word) ?? lower(word);
}

function sliceText(read: ReadParagraph, first: number, last: number): string {
  const a = read.tokens[first];
  const b = read.tokens[last];
  return a && b ? read.text.slice(a.start, b.end) : "";
}

/**
 * Reads a name that starts at token `at`: up to 4 capitalised words (with particles such as "bin" between
 * them), ending early at a possessive ("Biden's", "Burns'"). Returns the last token index and the text.
 */
export function readName(
  read: ReadParagraph,
  at: number,
  limit = read.tokens.length,
): { last: number; name: string } | null {
  if (at >= limit || !isNameWord(read.tokens[at])) return null;
  const parts: string[] = [];
  let last = at;
  let i = at;
  let capitals = 0;
  while (i < limit && capitals < 4) {
    const token = read.tokens[i];
    if (!token) break;
    if (
      i > at &&
      isWord(token) &&
      NAME_PARTICLES.has(token.text) &&
      i + 1 < limit &&
      isNameWord(read.tokens[i + 1])
    ) {
      parts.push(token.text);
      i++;
      continue;
    }
    if (!isNameWord(token)) break;
    const { word, possessive } = stripPossessive(token.text);
    parts.push(word);
    capitals++;
    last = i;
    i++;
    if (possessive) break;
    // "Burns' visit": a bare apostrophe after the name is a possessive, and ends it.
    const after = read.tokens[i];
    if (after?.kind === "punct" && /['\u2019]/.test(after.text)) break;
    // "J. Kirby", "John F. Kirby": an initial's period belongs to the name when a name word follows it.
    if (
      /^\p{Lu}$/u.test(word) &&
      after?.kind === "punct" &&
      after.text === "." &&
      after.start === token.end &&
      i + 1 < limit &&
      isNameWord(read.tokens[i + 1])
    ) {
      parts[parts.length - 1] = `${word}.`;
      i++;
    }
  }
  return { last, name: parts.join(" ") };
}

/**
 * The role written before a title noun, read backwards no further than `floor`: capitalised words, further
 * title nouns and lowercase modifiers ("White House national security spokesman"), trimmed so that it starts
 * at a capital or a title noun. A courtesy title in front ("Dr.") is not part of the role.
 */
function readRoleBefore(read: ReadParagraph, roleNoun: number, floor: number): number {
  let first = roleNoun;
  for (let i = roleNoun - 1; i >= floor; i--) {
    const token = read.tokens[i];
    if (!isWord(token)) break;
    const low = lower(token.text);
    if (
      NOT_NAME_WORDS.has(low) ||
      BOUNDARY_WORDS.has(low) ||
      VERBS.has(low) ||
      HONORIFICS.has(low) ||
      DETERMINERS.has(low)
    )
      break;
    if (POSTMODIFIERS.has(low) && !isCapitalized(token.text)) break;
    first = i;
    // A possessive ("Israel's war minister") opens the role and nothing before it belongs to it.
    if (stripPossessive(token.text).possessive) break;
  }
  while (first < roleNoun) {
    const token = read.tokens[first];
    if (token && (isCapitalized(token.text) || ROLE_NOUNS.has(lower(token.text)))) break;
    first++;
  }
  return first;
}

/**
 * A titled name whose title noun is at `roleNoun`: "CIA Director Bill Burns", "Secretary of State Antony
 * Blinken". `minWords` guards the article-wide scan against "General Assembly"-style false names; the
 * mention lies within tokens [floor, limit).
 */
export function titledAt(
  read: ReadParagraph,
  roleNoun: number,
  minWords: number,
  floor = 0,
  limit = read.tokens.length,
): NamedMention | null {
  if (!isRoleNoun(read.tokens[roleNoun])) return null;
  let nameAt = roleNoun + 1;
  let roleLast = roleNoun;
  const next = read.tokens[nameAt];
  if (isWord(next) && (next.text === "of" || next.text === "for")) {
    // "of State Antony Blinken": the title takes all but the last two capitalised words.
    let runEnd = nameAt + 1;
    while (runEnd < limit && isNameWord(read.tokens[runEnd])) runEnd++;
    if (runEnd - (nameAt + 1) < 3) return null;
    roleLast = runEnd - 3;
    nameAt = runEnd - 2;
  }
  const name = readName(read, nameAt, limit);
  if (!name || name.name.split(" ").length < minWords) return null;
  const first = readRoleBefore(read, roleNoun, floor);
  return {
    name: name.name,
    role: sliceText(read, first, roleLast),
    appositive: null,
    first,
    last: name.last,
  };
}

/** Whether tokens [first, last] read as an appositive: "the Israeli government’s hostage coordinator". */
function isAppositive(read: ReadParagraph, first: number, last: number): boolean {
  const start = read.tokens[first];
  if (!isWord(start)) return false;
  const low = lower(start.text);
  if (low === "which" || low === "who" || low === "whose" || low === "that" || low === "including")
    return false;
  for (let i = first; i <= last; i++) {
    const token = read.tokens[i];
    if (isPossessiveApostrophe(read, i)) continue;
    if (!isWord(token)) return false;
    const low = lower(token.text);
    if (ROLE_NOUNS.has(low)) return true;
    // "the United States, Egypt and the prime minister of Qatar" is a list, not an appositive.
    if (low === "and" || low === "or") return false;
  }
  return false;
}

/** The last index of an appositive that starts at `first`: up to the next comma, period or quote. */
function appositiveEnd(read: ReadParagraph, first: number, limit: number): number {
  let last = first - 1;
  for (let i = first; i < limit; i++) {
    const token = read.tokens[i];
    // "chair of the Port Ellery Shippers' Council": a plural possessive's apostrophe does not end it.
    if (!isWord(token) && !(isPossessiveApostrophe(read, i) && isWord(read.tokens[i + 1]))) break;
    last = i;
  }
  return last;
}

/** "Gal Hirsch, the Israeli government’s hostage coordinator," — a name then a comma and an appositive. */
export function apposedAt(
  read: ReadParagraph,
  nameAt: number,
  limit = read.tokens.length,
): NamedMention | null {
  const before = read.tokens[nameAt - 1];
  // After "the" a capitalised run is an organisation or place ("the United States"), not a person.
  if (isNameWord(before) || (isWord(before) && lower(before.text) === "the")) return null;
  const name = readName(read, nameAt, limit);
  if (!name || name.name.split(" ").length < 2) return null;
  if (!isComma(read.tokens[name.last + 1])) return null;
  const first = name.last + 2;
  const last = appositiveEnd(read, first, limit);
  if (last < first || !isAppositive(read, first, last)) return null;
  const appositive = sliceText(read, first, last);
  const role = appositive.replace(/^(?:the|a|an)\s+/i, "");
  return { name: name.name, role, appositive, first: nameAt, last };
}

function surnameOf(name: string): string {
  const parts = name.split(" ");
  return parts[parts.length - 1] ?? name;
}

/** Where an all-caps organisation name is spelled out in the article ("US" → "United States"). */
function expandAcronym(acronym: string, paragraphs: readonly ReadParagraph[]): string | null {
  if (!/^\p{Lu}{2,5}$/u.test(acronym)) return null;
  const pattern = new RegExp(
    acronym
      .split("")
      .map((ch) => `${ch}[\\p{Ll}]+`)
      .join("\\s+"),
    "u",
  );
  for (const read of paragraphs) {
    const found = pattern.exec(read.text);
    if (found) return found[0];
  }
  return null;
}

/** The people and sources of one article. */
export class Cast {
  private readonly entries = new Map<string, Entry>();
  private readonly order: Entry[] = [];
  private last: Entry | null = null;
  /** A person a sentence opened with and the cast does not know yet: kept until a pronoun refers to them. */
  private pending: { mention: Pick<NamedMention, "name" | "role" | "appositive">; paragraph: number } | null =
    null;

  constructor(
    private readonly articleId: string,
    private readonly paragraphs: readonly ReadParagraph[],
  ) {
    // Everyone titled or apposed anywhere in the article, so that a later surname finds them.
    paragraphs.forEach((read, index) => {
      for (let i = 0; i < read.tokens.length; i++) {
        const mention = titledAt(read, i, 2) ?? apposedAt(read, i);
        if (mention) this.person(mention, index + 1);
      }
    });
  }

  /** Registers (or finds) a named person or organisation. */
  person(
    mention: Pick<NamedMention, "name" | "role" | "appositive">,
    paragraph: number,
    label: string | null = null,
  ): string {
    const key = slug(mention.name) || "unnamed";
    const existing = this.entries.get(key);
    if (existing) {
      if (existing.role === null && mention.role !== null) {
        existing.role = mention.role;
        existing.appositive = mention.appositive;
      }
      existing.introduced = Math.min(existing.introduced, paragraph);
      return key;
    }
    // An organisation ("the White House") has no surname; a person is often called by theirs.
    const surname = label === null ? surnameOf(mention.name) : mention.name;
    const aliases = surname !== mention.name ? [surname] : [];
    const expansion = expandAcronym(mention.name, this.paragraphs);
    if (expansion) aliases.push(expansion);
    // "spokeswoman for the foreign ministry" is a spokeswoman: the head is the last title noun, if any.
    const roleWords = mention.role?.split(/\s+/) ?? [];
    const titleWord =
      [...roleWords].reverse().find((w) => ROLE_NOUNS.has(lower(w))) ?? roleWords[roleWords.length - 1];
    const entry: Entry = {
      key,
      name: mention.name,
      role: mention.role,
      appositive: mention.appositive,
      label,
      aliases,
      introduced: paragraph,
      head: null,
      roleHead: titleWord !== undefined ? headStem(titleWord) : null,
      named: true,
    };
    this.entries.set(key, entry);
    this.order.push(entry);
    return key;
  }

  /** An anonymous or collective source, labelled exactly as described ("a diplomat familiar with …"). */
  private description(label: string, head: string | null, core: string, paragraph: number): string {
    const key = `${shortSlug(label)}--${shortHash(`${this.articleId}\n${label}`)}`;
    if (!this.entries.has(key)) {
      const entry: Entry = {
        key,
        name: null,
        role: null,
        appositive: null,
        label,
        aliases: core && core !== label ? [core] : [],
        introduced: paragraph,
        head,
        roleHead: null,
        named: false,
      };
      this.entries.set(key, entry);
      this.order.push(entry);
    }
    return key;
  }

  /** Looks up a person by full name or surname, preferring the latest introduction at or before `paragraph`. */
  private byName(name: string, paragraph: number): Entry | null {
    const exact = this.entries.get(slug(name));
    if (exact?.named) return exact;
    const wanted = slug(name);
    const candidates = this.order.filter(
      (e) => e.named && e.name !== null && slug(surnameOf(e.name)) === wanted,
    );
    return pickIntroduced(candidates, paragraph);
  }

  /** Records that `key` spoke, for pronouns ("he said") further on. */
  spoke(key: string): void {
    this.last = this.entries.get(key) ?? this.last;
    this.pending = null;
  }

  /**
   * Notes whom a sentence without quotations is about when it opens with a person ("Brackwater said the date
   * …", "Marrowby, 68, retired …", "Dario Fenwick-Lusk, a crane operator …, said he backed …"): a pronoun in a
   * later quote ("…,” she said) refers to them rather than to whoever was quoted last. Someone the article has
   * not named before counts only as the subject of a speech verb, and joins the cast only if a pronoun then
   * refers to them.
   */
  noteSubject(read: ReadParagraph, start: number, end: number, paragraph: number): void {
    const opening = openingPerson(read, start, end);
    if (!opening) return;
    const known = this.byName(opening.mention.name, paragraph);
    if (known) {
      if (isPerson(known)) this.spoke(known.key);
      return;
    }
    if (opening.mention.name.includes(" ") && SPEECH_VERBS.has(opening.verb))
      this.pending = { mention: opening.mention, paragraph };
  }

  /**
   * The person a sentence opens with, as the speaker of a quote its own words attribute to that subject
   * through a second verb ("Corwin Tallis, chair of …, welcomed the deal but said exporters had lost “…”").
   */
  subjectOf(read: ReadParagraph, start: number, end: number, paragraph: number): string | null {
    const opening = openingPerson(read, start, end);
    if (!opening) return null;
    const known = this.byName(opening.mention.name, paragraph);
    if (known) return known.key;
    return opening.mention.name.includes(" ") ? this.person(opening.mention, paragraph) : null;
  }

  /**
   * Resolves the noun phrase in tokens [first, last] of `read` (paragraph `paragraph`) to a cast key.
   * Returns null when the phrase does not name or describe anyone.
   */
  resolve(read: ReadParagraph, first: number, last: number, paragraph: number): string | null {
    [first, last] = trimPhrase(read, first, last);
    if (last < first) return null;
    const only = read.tokens[first];
    if (first === last && isWord(only) && PRONOUNS.has(lower(only.text))) {
      // "…,” he said after "Dario Fenwick-Lusk, a crane operator …, said he backed …": the person the
      // sentences before were about, named there for the first time.
      const pending = this.pending;
      if (pending && PERSONAL_PRONOUNS.has(lower(only.text))) {
        const key = this.person(pending.mention, pending.paragraph);
        this.spoke(key);
        return key;
      }
      return this.last?.key ?? null;
    }

    const commas: number[] = [];
    for (let i = first; i <= last; i++) if (isComma(read.tokens[i])) commas.push(i);
    const firstComma = commas[0];
    if (firstComma !== undefined) {
      const next = read.tokens[firstComma + 1];
      if (isWord(next) && (lower(next.text) === "including" || lower(next.text) === "among")) {
        return this.describe(read, first, last, firstComma - 1, paragraph);
      }
      const apposed = apposedAt(read, first, last + 1);
      if (apposed && commas.length === 1 && apposed.last === last) return this.person(apposed, paragraph);
      // "Hester Ambleforth, the provincial conciliator chairing the talks": a name described after a comma,
      // whether or not the description has a title noun in it.
      const described = commas.length === 1 ? describedName(read, first, firstComma, last) : null;
      if (described) return this.byName(described.name, paragraph)?.key ?? this.person(described, paragraph);
      // "…, the White House said": the attribution is the last clause of the phrase.
      const lastComma = commas[commas.length - 1] ?? firstComma;
      return this.resolve(read, lastComma + 1, last, paragraph);
    }

    // A titled name ending the phrase: "Israeli War Minister Benny Gantz", "President Biden".
    for (let i = first; i <= last; i++) {
      const titled = titledAt(read, i, 1, first, last + 1);
      if (titled && titled.last === last) {
        const known = this.byName(titled.name, paragraph);
        if (known) return known.key;
        return this.person(titled, paragraph);
      }
    }

    // A bare name, possibly with a courtesy title: "Al-Ansari", "Mr. Netanyahu", "Jane Doe".
    let nameFirst = first;
    while (nameFirst <= last) {
      const token = read.tokens[nameFirst];
      if (
        !(isWord(token) && HONORIFICS.has(lower(token.text))) &&
        !(token?.kind === "punct" && token.text === ".")
      )
        break;
      nameFirst++;
    }
    const name = readName(read, nameFirst, last + 1);
    if (name && name.last === last) {
      const known = this.byName(name.name, paragraph);
      return known ? known.key : this.person({ name: name.name, role: null, appositive: null }, paragraph);
    }

    // "the US", "the White House": a definite proper noun is an organisation.
    const article = read.tokens[first];
    if (isWord(article) && lower(article.text) === "the") {
      const org = readName(read, first + 1, last + 1);
      if (org && org.last === last) {
        const label = sliceText(read, first, last);
        return this.person({ name: org.name, role: null, appositive: null }, paragraph, label);
      }
      // "the diplomat", "the spokesman": someone described or titled earlier.
      const head = descriptionHead(read, first, last);
      if (head) {
        const earlier = this.definite(head.stem, paragraph);
        if (earlier) return earlier.key;
      }
    }
    return this.describe(read, first, last, last, paragraph);
  }

  private describe(
    read: ReadParagraph,
    first: number,
    last: number,
    coreLast: number,
    paragraph: number,
  ): string {
    const head = descriptionHead(read, first, coreLast);
    const label = sliceText(read, first, last);
    return this.description(label, head?.stem ?? null, head?.core ?? "", paragraph);
  }

  /** "the diplomat": the latest anonymous source with that head noun, else a named person with that title. */
  private definite(stem: string, paragraph: number): Entry | null {
    const described = this.order.filter((e) => !e.named && e.head === stem);
    const titled = this.order.filter((e) => e.named && e.roleHead === stem);
    return pickIntroduced(described, paragraph) ?? pickIntroduced(titled, paragraph);
  }

  /** Named people introduced with a title or a role, in order of introduction. */
  introduced(): { name: string; role: string; appositive: string | null }[] {
    return this.order.flatMap((e) =>
      e.named && e.name !== null && e.role !== null && e.label === null
        ? [{ name: e.name, role: e.role, appositive: e.appositive }]
        : [],
    );
  }

  /** The finished speakers, by key. */
  speakers(): Map<string, Speaker> {
    const out = new Map<string, Speaker>();
    for (const e of this.order) {
      const label = e.named
        ? e.label !== null
          ? e.label
          : e.appositive !== null
            ? `${e.name}, ${e.appositive}`
            : e.role !== null
              ? `${e.name}, ${e.role}`
              : (e.name ?? e.key)
        : (e.label ?? e.key);
      out.set(e.key, { key: e.key, name: e.name, role: e.role, label, aliases: [...e.aliases] });
    }
    return out;
  }
}

/** A slug cut at a word boundary, so that keys stay well within Discord's 100-character values. */
function shortSlug(text: string, max = 48): string {
  let out = "";
  for (const part of slug(text).split("-")) {
    if (out.length > 0 && out.length + part.length + 1 > max) break;
    out = out ? `${out}-${part}` : part.slice(0, max);
  }
  return out || "source";
}

function pickIntroduced(candidates: readonly Entry[], paragraph: number): Entry | null {
  const earlier = candidates.filter((e) => e.introduced <= paragraph);
  const pool = earlier.length > 0 ? earlier : candidates;
  return pool.reduce<Entry | null>(
    (best, e) => (best === null || e.introduced >= best.introduced ? e : best),
    null,
  );
}

/**
 * Trims what is not part of a speaker phrase from its edges: leading conjunctions and prepositions, a
 * trailing reflexive or adverb ("Biden himself recently"), a trailing time ("Kirby on Tuesday").
 */
function trimPhrase(read: ReadParagraph, first: number, last: number): [number, number] {
  const low = (i: number) => {
    const t = read.tokens[i];
    return t?.kind === "word" ? lower(t.text) : (t?.text ?? "");
  };
  for (;;) {
    const word = low(last);
    const token = read.tokens[last];
    if (last < first) break;
    if (token?.kind === "punct" && token.text !== ".") {
      last--;
      continue;
    }
    if (
      /^(?:himself|herself|themselves|itself|also|again|recently|later|earlier|then|once|now|already|still|reportedly|previously|publicly|privately|separately|repeatedly|has|have|had|would|will|just)$/.test(
        word,
      )
    ) {
      last--;
      continue;
    }
    if (TIME_WORDS.has(word) && last > first) {
      last--;
      while (last >= first && /^(?:on|last|this|over|the|in|at|early|late)$/.test(low(last))) last--;
      continue;
    }
    break;
  }
  while (first <= last) {
    const token = read.tokens[first];
    const word = low(first);
    if (token?.kind === "punct" || /^(?:and|but|or|so|then|while|when|after|before|as|that)$/.test(word)) {
      first++;
      continue;
    }
    break;
  }
  return [first, last];
}

/** "a diplomat familiar with …" → head "diplomat"; "Israeli officials" → "officials" with core "Israeli officials". */
function descriptionHead(
  read: ReadParagraph,
  first: number,
  last: number,
): { stem: string; core: string } | null {
  let start = first;
  while (
    start <= last &&
    isWord(read.tokens[start]) &&
    DETERMINERS.has(lower(read.tokens[start]?.text ?? ""))
  )
    start++;
  let end = start;
  for (let i = start; i <= last; i++) {
    const token = read.tokens[i];
    if (!isWord(token)) break;
    if (i > start && POSTMODIFIERS.has(lower(token.text))) break;
    end = i;
  }
  const head = read.tokens[end];
  if (!isWord(head) || end < start) return null;
  return { stem: headStem(head.text), core: sliceText(read, start, end) };
}

/** Pronouns that only a person is referred to by. */
const PERSONAL_PRONOUNS: ReadonlySet<string> = new Set(["he", "she"]);

/** A named entry that is a person: someone titled, or with a first name and a surname (not "Hamas"). */
function isPerson(entry: Entry): boolean {
  return entry.named && entry.label === null && (entry.role !== null || (entry.name ?? "").includes(" "));
}

/**
 * Tokens [first, last] describe a thing rather than name one: words only (a plural possessive's apostrophe
 * included), opening with a lowercase word, a number or a possessive ("the …", "a crane operator …", "68",
 * "Varden's …"). A capitalised opening reads as the next item of a list ("Qatar, Egypt and the US").
 */
function isDescription(read: ReadParagraph, first: number, last: number): boolean {
  if (last < first) return false;
  for (let i = first; i <= last; i++) {
    if (!isWord(read.tokens[i]) && !isPossessiveApostrophe(read, i)) return false;
  }
  const lead = read.tokens[first];
  if (!isWord(lead)) return false;
  return !isCapitalized(lead.text) || /^\p{N}/u.test(lead.text) || stripPossessive(lead.text).possessive;
}

/** "Name, description" in tokens [first, last] with its one comma at `comma`: the name and the description. */
function describedName(
  read: ReadParagraph,
  first: number,
  comma: number,
  last: number,
): Pick<NamedMention, "name" | "role" | "appositive"> | null {
  if (!isDescription(read, comma + 1, last)) return null;
  let at = first;
  while (at < comma && (HONORIFICS.has(lower(read.tokens[at]?.text ?? "")) || read.tokens[at]?.text === "."))
    at++;
  const described = describedAs(sliceText(read, comma + 1, last));
  // "Sheikh Mohammed bin Abdulrahman Al Thani, Qatar's prime minister": the title is not part of the name.
  for (let k = at; k < comma; k++) {
    const titled = titledAt(read, k, 1, at, comma);
    if (titled && titled.first === at && titled.last === comma - 1)
      return { name: titled.name, ...(described.role !== null ? described : titled) };
  }
  const name = readName(read, at, comma);
  if (!name || name.last !== comma - 1) return null;
  return { name: name.name, ...described };
}

/** A description as a role ("the provincial conciliator"); an age ("68") describes no role. */
function describedAs(appositive: string): Pick<NamedMention, "role" | "appositive"> {
  if (/^\p{N}+$/u.test(appositive)) return { role: null, appositive: null };
  return { role: appositive.replace(/^(?:the|a|an)\s+/i, ""), appositive };
}

/**
 * A person a sentence opens with, and the first word after the name (and its description, if any): a titled
 * name ("Mayor Agathe Renwyck urged"), a name after a courtesy title ("Dr Yasmin Thorncroft, an economist …,
 * said"), or a bare name ("Brackwater said"). The word after must be lowercase, as a verb is.
 */
function openingPerson(
  read: ReadParagraph,
  start: number,
  end: number,
): { mention: Pick<NamedMention, "name" | "role" | "appositive">; verb: string } | null {
  let at = start;
  while (at < end && (HONORIFICS.has(lower(read.tokens[at]?.text ?? "")) || read.tokens[at]?.text === "."))
    at++;
  let mention: Pick<NamedMention, "name" | "role" | "appositive"> | null = null;
  let after = at;
  for (let k = at; k < Math.min(end, at + 8) && mention === null; k++) {
    const titled = titledAt(read, k, 2, at, end);
    if (titled && titled.first === at) {
      mention = titled;
      after = titled.last + 1;
    }
  }
  if (mention === null) {
    const name = readName(read, at, end);
    if (!name) return null;
    mention = { name: name.name, role: null, appositive: null };
    after = name.last + 1;
  }
  if (isComma(read.tokens[after])) {
    // "Name, a description, verb …"
    let close = after + 1;
    while (close < end && !isComma(read.tokens[close])) close++;
    if (close >= end || !isDescription(read, after + 1, close - 1)) return null;
    if (mention.role === null)
      mention = { ...mention, ...describedAs(sliceText(read, after + 1, close - 1)) };
    after = close + 1;
  }
  const verb = read.tokens[after];
  if (!isWord(verb) || isCapitalized(verb.text)) return null;
  return { mention, verb: lower(verb.text) };
}
