import type { Article } from "../corpus/types.js";
import { Cast, readName } from "../people/cast.js";
import {
  BOUNDARY_WORDS,
  CATENATIVE_VERBS,
  DETERMINERS,
  HONORIFICS,
  PREPOSITIONS,
  ROLE_NOUNS,
  SPEECH_VERBS,
  SUBJECT_VERB_FILLERS,
  TRIGGERS,
  USE_VERBS,
  VERBS,
  WORD_NOUNS,
} from "../people/lexicon.js";
import {
  isCapitalized,
  isPossessiveApostrophe,
  lower,
  type ReadParagraph,
  readParagraph,
  sentenceOf,
  type Token,
} from "../text/prose.js";
import type { Quote, Speaker } from "./types.js";

/** The speaker of a quote no rule could attribute: shown as such rather than guessed. */
export const UNATTRIBUTED: Speaker = {
  key: "unattributed",
  name: null,
  role: null,
  label: "unattributed in the coverage",
  aliases: [],
};

/** The longest speaker phrase read, in words: attributions are short, and a long run means a misreading. */
const MAX_PHRASE_WORDS = 16;

type Range = readonly [number, number];

/** Asides set off by commas between a subject and its verb ("Aid groups, meanwhile, described"). */
const PARENTHETICALS = new Set([
  "meanwhile",
  "however",
  "though",
  "too",
  "instead",
  "moreover",
  "separately",
  "nonetheless",
  "nevertheless",
  "also",
  "meantime",
]);

function word(token: Token | undefined): string | null {
  return token?.kind === "word" ? lower(token.text) : null;
}

function isPunct(token: Token | undefined, chars: string): boolean {
  return token?.kind === "punct" && chars.includes(token.text);
}

/** "Dr.", "J. Kirby" — a period that belongs to a courtesy title or an initial, not to the sentence. */
function isTitlePeriod(read: ReadParagraph, i: number): boolean {
  if (!isPunct(read.tokens[i], ".")) return false;
  const before = read.tokens[i - 1];
  if (HONORIFICS.has(word(before) ?? "")) return true;
  const after = read.tokens[i + 1];
  return (
    before?.kind === "word" &&
    /^\p{Lu}$/u.test(before.text) &&
    before.end === read.tokens[i]?.start &&
    after?.kind === "word" &&
    isCapitalized(after.text)
  );
}

/**
 * Reads a noun phrase backwards, ending at token `end` and stopping at `floor`: it ends at a clause
 * boundary word, a verb or punctuation, and just after a determiner ("the US"). Commas are crossed
 * for "X, including Y," and for "Name, the … title," so that both read whole.
 */
function phraseBefore(read: ReadParagraph, end: number, floor: number): Range | null {
  let last = end;
  let first = last + 1;
  let count = 0;
  for (let i = end; i >= floor; i--) {
    const token = read.tokens[i];
    const low = word(token);
    if (low !== null && token) {
      // ", meanwhile," between subject and verb: an aside, skipped with its commas.
      if (first > last && PARENTHETICALS.has(low) && isPunct(read.tokens[i - 1], ",")) {
        last = i - 2;
        i--;
        continue;
      }
      if (BOUNDARY_WORDS.has(low) || VERBS.has(low)) break;
      first = i;
      if (++count > MAX_PHRASE_WORDS) return null;
      // "the Israeli government’s … coordinator" may be an appositive after a name: keep reading if so.
      if (DETERMINERS.has(low) && !afterNameAndComma(read, i)) break;
      continue;
    }
    if (isPunct(token, ",")) {
      if (first > last) {
        // The closing comma of "X, including Y," or of an appositive.
        last = i - 1;
        continue;
      }
      const lead = word(read.tokens[first]);
      const leadsAppositive = lead !== null && DETERMINERS.has(lead) && hasRoleNoun(read, first, last);
      if (lead === "including" || lead === "among" || leadsAppositive) {
        first = i;
        continue;
      }
      break;
    }
    if (isTitlePeriod(read, i) || isPossessiveApostrophe(read, i)) {
      first = i;
      continue;
    }
    break;
  }
  if (first > last) return null;
  // A determiner-led appositive crossed above needs its name: otherwise drop the dangling comma part.
  if (isPunct(read.tokens[first], ",")) first++;
  return [first, last];
}

/** Whether token `i` follows "Name," — the start of an appositive. */
function afterNameAndComma(read: ReadParagraph, i: number): boolean {
  const name = read.tokens[i - 2];
  return isPunct(read.tokens[i - 1], ",") && name?.kind === "word" && isCapitalized(name.text);
}

function hasRoleNoun(read: ReadParagraph, first: number, last: number): boolean {
  for (let i = first; i <= last; i++) if (ROLE_NOUNS.has(word(read.tokens[i]) ?? "")) return true;
  return false;
}

/** Skips what stands between a subject and its verb, reading backwards from just before `verb`. */
function skipBeforeVerb(read: ReadParagraph, verb: number): number {
  let i = verb - 1;
  for (;;) {
    const low = word(read.tokens[i]);
    if (low === null) return i;
    if (SUBJECT_VERB_FILLERS.has(low)) {
      i--;
      continue;
    }
    const prev = word(read.tokens[i - 1]);
    if (low === "to" && prev !== null && CATENATIVE_VERBS.has(prev)) {
      i -= 2;
      continue;
    }
    if (low === "to" && prev === "on" && CATENATIVE_VERBS.has(word(read.tokens[i - 2]) ?? "")) {
      i -= 3;
      continue;
    }
    return i;
  }
}

function isVerbLike(low: string): boolean {
  return (
    VERBS.has(low) ||
    CATENATIVE_VERBS.has(low) ||
    SUBJECT_VERB_FILLERS.has(low) ||
    low === "to" ||
    /(?:ing|ed)$/.test(low)
  );
}

/** The attribution verb governing a quote from before it in the same sentence ("wrote that", "dismissed … as"). */
function triggerBefore(read: ReadParagraph, quote: number, sentenceStart: number): number | null {
  for (let i = quote - 1; i >= sentenceStart; i--) {
    const low = word(read.tokens[i]);
    if (low === null) continue;
    if (TRIGGERS.has(low)) return i;
    if (USE_VERBS.has(low)) {
      let j = i + 1;
      if (DETERMINERS.has(word(read.tokens[j]) ?? "")) j++;
      if (WORD_NOUNS.has(word(read.tokens[j]) ?? "")) return i;
    }
  }
  return null;
}

/**
 * Attribution before the quote: "American officials wrote that “…”", "Netanyahu dismissed … as “…”",
 * "the US began circulating its own resolution calling for a “…”" (the subject of the main verb).
 */
function speakerBefore(read: ReadParagraph, quote: number, sentenceStart: number): Range | null {
  const trigger = triggerBefore(read, quote, sentenceStart);
  if (trigger === null) return null;
  const triggerWord = word(read.tokens[trigger]) ?? "";
  const verbAt = skipBeforeVerb(read, trigger);
  const subject =
    apposedSubject(read, verbAt, sentenceStart) ??
    relativeAntecedent(read, verbAt, sentenceStart) ??
    phraseBefore(read, verbAt, sentenceStart);
  if (!triggerWord.endsWith("ing")) return subject;
  // A participle hangs off a noun ("its own resolution calling for") or a clause; the speaker is the
  // subject of the main verb before it.
  let j = (subject ? subject[0] : trigger) - 1;
  if (isPunct(read.tokens[j], ",")) j--;
  let skipped = 0;
  while (j >= sentenceStart) {
    const low = word(read.tokens[j]);
    if (low === null || !isVerbLike(low)) break;
    j--;
    skipped++;
  }
  if (skipped > 0) {
    const main = phraseBefore(read, j, sentenceStart);
    if (main) return main;
  }
  return subject;
}

/**
 * "Hester Ambleforth, the provincial conciliator chairing the talks, said": the comma at `closing` ends a
 * description of the name before the comma that opens it. The name and its description, or null.
 */
function apposedSubject(read: ReadParagraph, closing: number, floor: number): Range | null {
  if (!isPunct(read.tokens[closing], ",")) return null;
  let opening = closing - 1;
  while (opening > floor && !isPunct(read.tokens[opening], ",")) {
    const token = read.tokens[opening];
    if (token?.kind !== "word" && !isPossessiveApostrophe(read, opening)) return null;
    opening--;
  }
  if (!isPunct(read.tokens[opening], ",") || closing - opening - 1 > MAX_PHRASE_WORDS) return null;
  const lead = read.tokens[opening + 1];
  if (lead?.kind !== "word" || (isCapitalized(lead.text) && !/^\p{N}|['\u2019]s$/u.test(lead.text)))
    return null;
  // The name ends at the opening comma; read it from its first word.
  let nameStart = opening;
  while (nameStart - 1 >= floor && read.tokens[nameStart - 1]?.kind === "word") nameStart--;
  for (let at = nameStart; at < opening; at++) {
    const name = readName(read, at, opening);
    if (name && name.last === opening - 1) return [at, closing - 1];
  }
  return null;
}

/**
 * "Nell Brackwater, the union's general secretary, who in April had dismissed …": the subject of a verb in a
 * relative clause is the phrase the clause describes.
 */
function relativeAntecedent(read: ReadParagraph, verbAt: number, floor: number): Range | null {
  let who = verbAt;
  while (
    who > floor &&
    read.tokens[who]?.kind === "word" &&
    !RELATIVE_PRONOUNS.has(word(read.tokens[who]) ?? "")
  )
    who--;
  if (!RELATIVE_PRONOUNS.has(word(read.tokens[who]) ?? "") || !isPunct(read.tokens[who - 1], ","))
    return null;
  return apposedSubject(read, who - 1, floor) ?? phraseBefore(read, who - 2, floor);
}

const RELATIVE_PRONOUNS: ReadonlySet<string> = new Set(["who", "which"]);

/**
 * Whether the verb that attributes a quote shares its subject with an earlier verb ("welcomed the deal but
 * said …", "said … and urged both sides to “…”"): then no phrase stands before it, and the sentence's subject
 * is the speaker.
 */
function coordinatedTrigger(read: ReadParagraph, quote: number, sentenceStart: number): boolean {
  const trigger = triggerBefore(read, quote, sentenceStart);
  if (trigger === null) return false;
  const before = word(read.tokens[skipBeforeVerb(read, trigger)]);
  return before === "and" || before === "but";
}

/** Attribution after the quote: "…,” said a diplomat …", "…,” Al-Ansari said", "…,” Gal Hirsch, the …, told CNN". */
function speakerAfter(read: ReadParagraph, quote: number, end: number): Range | null {
  let i = quote + 1;
  if (isPunct(read.tokens[i], ",")) i++;
  let stop = i;
  while (stop < end && read.tokens[stop]?.kind !== "quote") stop++;
  if (i >= stop) return null;
  const first = word(read.tokens[i]);
  if (first !== null && SPEECH_VERBS.has(first)) {
    // Verb first: the phrase runs to the next comma, unless a name is followed by an appositive.
    let last = i;
    for (let j = i + 1; j < stop; j++) {
      const token = read.tokens[j];
      const low = word(token);
      if (low === null && !isTitlePeriod(read, j)) break;
      if (low === "who" || low === "which" || low === "that") break;
      last = j;
    }
    if (last === i) return null;
    if (isPunct(read.tokens[last + 1], ",")) {
      let k = last + 2;
      while (k < stop && read.tokens[k]?.kind === "word") k++;
      const lead = word(read.tokens[last + 2]);
      if (lead !== null && DETERMINERS.has(lead) && hasRoleNoun(read, last + 2, k - 1)) return [i + 1, k - 1];
    }
    return [i + 1, last];
  }
  if (first !== null && PREPOSITIONS.has(first)) return null;
  // Subject first: a speech verb within reach, with only words, commas and title periods before it.
  let words = 0;
  for (let j = i; j < stop; j++) {
    const token = read.tokens[j];
    const low = word(token);
    if (low === null) {
      if (isPunct(token, ",") || isTitlePeriod(read, j)) continue;
      return null;
    }
    if (SPEECH_VERBS.has(low) && j > i) return [i, j - 1];
    if (++words > MAX_PHRASE_WORDS) return null;
  }
  return null;
}

function hasQuote(read: ReadParagraph, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (read.tokens[i]?.kind === "quote") return true;
  return false;
}

function endsSentence(inner: string): boolean {
  return /[.!?]['"\u2019)\]]*\s*$/u.test(inner);
}

/** Quote text as printed, without a comma (or semicolon, colon) that belongs to the reporter's sentence. */
function cleanText(inner: string): string {
  return inner.trim().replace(/[\s,;:]+$/u, "");
}

function quoteKind(read: ReadParagraph, quote: number, sentenceStart: number, text: string): Quote["kind"] {
  const before = read.tokens[quote - 1];
  const atSentenceStart = quote === sentenceStart || isPunct(before, ":");
  const wordCount = text.split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w)).length;
  if (atSentenceStart && (/^[^\p{L}\p{N}]*\p{Lu}/u.test(text) || wordCount >= 4)) return "statement";
  // A reported clause ("wrote that “…”", "said, “…”") is a statement; a quoted word inside the reporter's
  // own sentence ("dismissed … as “delusions.”") is a phrase.
  const prev = isPunct(before, ",") ? read.tokens[quote - 2] : before;
  const low = word(prev);
  if (low !== null && (low === "that" || SPEECH_VERBS.has(low)) && wordCount >= 4) return "statement";
  return "phrase";
}

interface Found {
  readonly quote: number;
  readonly span: number;
  readonly sentenceStart: number;
  /** Whether the quote's own sentence attributes it (even if the phrase could not be resolved). */
  readonly attributed: boolean;
  speaker: string | null;
}

/** Quotes and cast of one article. */
export interface ArticleQuotes {
  readonly quotes: Quote[];
  /** Everyone the article titles, names or quotes, by key, including people never quoted. */
  readonly people: Map<string, Speaker>;
}

/** Extracts quotes and everyone named in an article. */
export function readArticle(article: Article): ArticleQuotes {
  const reads = article.paragraphs.map((p) => readParagraph(p.text));
  const cast = new Cast(article.id, reads);
  const found: Found[][] = [];

  // "Kirby told reporters:" closing one paragraph introduces the quote that opens the next.
  const introducedBefore = (p: number): string | null => {
    const read = reads[p - 1];
    const colon = read ? read.tokens.length - 1 : -1;
    if (!read || !isPunct(read.tokens[colon], ":")) return null;
    const range = speakerBefore(read, colon, sentenceOf(read, colon)[0]);
    return range ? cast.resolve(read, range[0], range[1], article.paragraphs[p - 1]?.number ?? p) : null;
  };

  reads.forEach((read, index) => {
    const paragraph = article.paragraphs[index]?.number ?? index + 1;
    const list: Found[] = [];
    let subjectsRead = 0;
    read.tokens.forEach((token, i) => {
      if (token.kind !== "quote" || token.span === undefined) return;
      const inner = read.spans[token.span]?.inner ?? "";
      const [start, end] = sentenceOf(read, i);
      const crossingEnd = sentenceOf(read, Math.min(i + 1, read.tokens.length - 1))[1];
      // Sentences before this quote's own, without quotations, may name whom a pronoun refers to.
      for (; subjectsRead < read.sentences.length; subjectsRead++) {
        const [from, to] = read.sentences[subjectsRead] ?? [0, 0];
        if (from >= start) break;
        if (!hasQuote(read, from, to)) cast.noteSubject(read, from, to, paragraph);
      }
      const before = () => speakerBefore(read, i, start);
      const after = () => speakerAfter(read, i, endsSentence(inner) ? Math.max(end, crossingEnd) : end);
      // The first attribution that names someone: a phrase after the quote may hold no one ("and urged").
      let range: Range | null = null;
      let speaker: string | null = null;
      for (const find of endsSentence(inner) ? [before, after] : [after, before]) {
        const found = find();
        if (!found) continue;
        range ??= found;
        speaker = cast.resolve(read, found[0], found[1], paragraph);
        if (speaker !== null) break;
      }
      const coordinated = speaker === null && coordinatedTrigger(read, i, start);
      if (coordinated) speaker = cast.subjectOf(read, start, end, paragraph);
      if (speaker) cast.spoke(speaker);
      // A sentence with its own attribution verb that names no one is left unattributed, not guessed; one whose
      // verb shares an earlier verb's subject continues the quote before it.
      const attributed = !coordinated && (range !== null || triggerBefore(read, i, start) !== null);
      list.push({ quote: i, span: token.span, sentenceStart: start, speaker, attributed });
    });

    // Quotes with no attribution of their own continue a neighbour's: the previous quote in the
    // paragraph (“…,” Kirby said. “And if …”), a later quote in the same sentence, or, for a paragraph
    // that opens with a quote, a speaker introduced with a colon or the last quote of the paragraph before.
    list.forEach((f, k) => {
      if (f.speaker !== null || f.attributed) return;
      const previous = list
        .slice(0, k)
        .reverse()
        .find((g) => g.speaker !== null);
      const sameSentence = list
        .slice(k + 1)
        .find((g) => g.speaker !== null && g.sentenceStart === f.sentenceStart);
      const opensParagraph = f.quote === 0 ? found[index - 1]?.at(-1) : undefined;
      f.speaker =
        previous?.speaker ??
        sameSentence?.speaker ??
        (f.quote === 0 ? introducedBefore(index) : null) ??
        opensParagraph?.speaker ??
        null;
    });
    // Pronouns in the next paragraph refer to whoever spoke last here, or whom a later sentence is about.
    const lastSpeaker = list.at(-1)?.speaker;
    if (lastSpeaker) cast.spoke(lastSpeaker);
    for (; subjectsRead < read.sentences.length; subjectsRead++) {
      const [from, to] = read.sentences[subjectsRead] ?? [0, 0];
      if (!hasQuote(read, from, to)) cast.noteSubject(read, from, to, paragraph);
    }
    found.push(list);
  });

  const people = cast.speakers();
  const quotes: Quote[] = [];
  found.forEach((list, p) => {
    const read = reads[p];
    const number = article.paragraphs[p]?.number ?? p + 1;
    if (!read) return;
    list.forEach((f, k) => {
      const text = cleanText(read.spans[f.span]?.inner ?? "");
      if (text.length === 0) return;
      quotes.push({
        id: `${article.id}#p${number}-q${k + 1}`,
        articleId: article.id,
        paragraph: number,
        text,
        kind: quoteKind(read, f.quote, f.sentenceStart, text),
        speaker: (f.speaker !== null ? people.get(f.speaker) : undefined) ?? UNATTRIBUTED,
      });
    });
  });
  return { quotes, people };
}

/** Every direct quotation in an article, in reading order, with its speaker as the article identifies them. */
export function extractQuotes(article: Article): Quote[] {
  return readArticle(article).quotes;
}
