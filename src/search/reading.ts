import { foldText, isStopWord, tokenize } from "../text/normalize.js";
import { type AnswerType, answerType } from "./answer-types.js";

export type { AnswerType };

/**
 * Reads a chat message the way a person would before searching: drops what is not text (mentions, links,
 * emoji, control characters), splits it into sentences, sets aside greetings and chat filler ("sorry if this
 * was asked already", "quick q", "thanks guys"), finds the question(s) inside, and tells what kind of answer
 * each asks for. Nothing here knows the coverage: it is plain English chat.
 */

/** The script a message is written in, by the majority of its letters. */
export type Script = "latin" | "arabic" | "hebrew" | "other" | "none";

/** One sentence of the message that says something, and how much it counts for the search. */
export interface Segment {
  readonly text: string;
  /** 1 for a question; less for statements around it, which give context but are not what is asked. */
  readonly weight: number;
  readonly question: boolean;
}

/** A message, read. */
export interface ReadQuestion {
  /** The text with mentions, links, emoji and control characters removed, whitespace collapsed. */
  readonly text: string;
  readonly script: Script;
  /** Sentences that carry content, in order (filler removed). */
  readonly segments: readonly Segment[];
  /** The separate questions of a message that asks two or more things; a single question gives one. */
  readonly parts: readonly string[];
  readonly type: AnswerType;
  /**
   * Set when the message is only chat: a greeting ("hi all", "how are you doing today bot") or thanks
   * ("ty that helped"), with nothing asked about anything.
   */
  readonly smallTalk: "hello" | "thanks" | null;
}

// Words that carry no topic in chat: greetings, politeness, hedges, talk about asking. Together with the
// stop words they make a sentence filler when nothing else is in it.
const FILLER = new Set(
  `hi hello hey heya hiya yo sup morning evening afternoon gm greetings everyone everybody all folks guys
  peeps fam chat mods bot talks-bot talksbot sorry apologies apologise apologize pardon excuse ask
  asked asking asks already quick q qq question questions dumb stupid silly noob wondering wonder wondered
  curious anyone anybody someone somebody thanks thank thx ty cheers appreciate appreciated lol lmao
  haha hahaha omg wow hmm umm uh um ok okay alright so well anyway btw tbh imo imho ngl fyi idk iirc afaik
  rn pls plz please`
    .split(/\s+/)
    .filter(Boolean),
);

// Words of a message that greets, thanks or asks after the bot, besides the filler: "how are you doing today",
// "nice to meet you", "that helped, great". A message made only of these and filler is small talk.
const SMALL_TALK = new Set(
  `doing today tonight day night good great nice fine well meet welcome new here back bye goodbye later see
  soon help helped helps helpful useful awesome cool amazing perfect love glad happy hope wish nice
  shalom salam salaam alaykum alaikum marhaba ahlan toda raba shukran habibi yalla gn gm tmrw ttyl cya
  bro man dude sir friend friends y'all yall r u ya up`
    .split(/\s+/)
    .filter(Boolean),
);
const THANKS = new Set([
  "thanks",
  "thank",
  "thx",
  "ty",
  "tysm",
  "cheers",
  "appreciate",
  "appreciated",
  "toda",
  "shukran",
]);

/** Small talk (see {@link ReadQuestion.smallTalk}) by the words of a cleaned message. */
// Asking after the bot itself, in words that are otherwise all little words.
const HOW_ARE_YOU = /\bhow (?:are|r) (?:you|u|ya)\b|\bwhat'?s up\b|\bwhats up\b/;

function smallTalkOf(text: string): "hello" | "thanks" | null {
  const tokens = tokenize(text);
  const chat = tokens.filter((word) => FILLER.has(word) || SMALL_TALK.has(word));
  if (chat.length === 0 && HOW_ARE_YOU.test(foldText(text))) chat.push("how are you");
  const words = tokens.filter((word) => !isStopWord(word));
  // Chat words, and nothing else but the little words between them ("how are you", "thank you so much").
  if (chat.length === 0 || tokens.length > 12) return null;
  if (!words.every((word) => FILLER.has(word) || SMALL_TALK.has(word))) return null;
  return tokens.some((word) => THANKS.has(word)) ? "thanks" : "hello";
}

const QUESTION_START =
  /^(?:who|whom|whose|what|when|where|why|how|which|is|are|was|were|do|does|did|can|could|will|would|should|has|have|had|any|anything|whats|whos|wheres|whens|hows|whys)\b/;

const MENTION = /<(?:@[!&]?|#)\d+>|<a?:\w+:\d+>|@[\w-]+/g;
const URL = /\bhttps?:\/\/\S+|\bwww\.\S+/gi;
// Pictographs, their modifiers and joiners, regional indicators, keycaps and variation selectors.
const EMOJI = /[\p{Extended_Pictographic}\p{Emoji_Modifier}\u{1F1E6}-\u{1F1FF}\u20e3\ufe0e\ufe0f\u200d]/gu;
// C0 and C1 controls (ESC[31m and the like), bidi controls and other invisible format characters.
const CONTROL = /[\p{Cc}\p{Cf}]/gu;
// Terminal escape sequences (ESC [ … final byte), written with the escape built from its code point.
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;?]*[ -/]*[@-~]`, "g");

/** Removes what is not text: ANSI sequences, control and format characters, emoji, mentions and links. */
export function cleanQuestion(text: string): string {
  return text
    .replace(ANSI, " ")
    .replace(URL, " ")
    .replace(MENTION, " ")
    .replace(EMOJI, " ")
    .replace(CONTROL, " ")
    .replace(/\s+/g, " ")
    .trim();
}

/** The script most of the letters belong to; "none" when there are no letters or digits at all. */
export function scriptOf(text: string): Script {
  let latin = 0;
  let arabic = 0;
  let hebrew = 0;
  let other = 0;
  for (const char of text) {
    if (/\p{Script=Latin}/u.test(char)) latin++;
    else if (/\p{Script=Arabic}/u.test(char)) arabic++;
    else if (/\p{Script=Hebrew}/u.test(char)) hebrew++;
    else if (/\p{L}/u.test(char)) other++;
    else if (/\p{N}/u.test(char)) latin += 0.5;
  }
  const total = latin + arabic + hebrew + other;
  if (total === 0) return "none";
  if (latin >= total / 2) return "latin";
  if (arabic >= hebrew && arabic >= other) return "arabic";
  if (hebrew >= other) return "hebrew";
  return "other";
}

/** True for chat words that never name a topic (greetings, politeness, talk about asking). */
export function isFiller(token: string): boolean {
  return FILLER.has(token);
}

function contentWords(text: string): string[] {
  return tokenize(text).filter((token) => token.length > 1 && !isStopWord(token) && !FILLER.has(token));
}

function isQuestion(sentence: string): boolean {
  return /\?\s*$/.test(sentence) || QUESTION_START.test(foldText(sentence));
}

// Sentence ends, plus a comma or dash before a question word ("hey all, who is mediating").
const SENTENCE_BREAK =
  /(?<=[.!?;\n])\s+|(?<=[,:\u2013\u2014-])\s+(?=(?:so |but |and |ok |okay )?(?:who|what|when|where|why|how|which|is|are|does|did|do|can|will|has|have)\b)/i;

/** Splits a question that asks two things joined by "and" + a question word: "who mediates and when is it". */
function splitParts(question: string): string[] {
  const pieces = question
    .split(
      /\s*(?:,\s*)?\b(?:and|also|plus|&)\s+(?=(?:who|what|when|where|why|how|which|is|are|does|did|do|will|has)\b)/i,
    )
    .map((piece) => piece.trim())
    .filter((piece) => contentWords(piece).length > 0);
  return pieces.length > 1 ? pieces : [question];
}

const CONTEXT_WEIGHT = 0.5;

/** Reads a message: see the module comment. */
export function readQuestion(raw: string): ReadQuestion {
  const text = cleanQuestion(raw);
  const script = scriptOf(text);
  const sentences = text
    .split(SENTENCE_BREAK)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  const kept = sentences
    .map((sentence) => ({ sentence, words: contentWords(sentence), question: isQuestion(sentence) }))
    .filter((s) => s.words.length > 0);
  if (kept.length === 0) kept.push({ sentence: text, words: [], question: true });
  const hasQuestion = kept.some((s) => s.question);
  const segments: Segment[] = kept.map((s) => ({
    text: s.sentence,
    question: s.question || !hasQuestion,
    weight: s.question || !hasQuestion ? 1 : CONTEXT_WEIGHT,
  }));
  const questions = segments.filter((s) => s.question).map((s) => s.text);
  const parts = questions.length > 1 ? questions : questions.flatMap(splitParts);
  const typeSource = questions[0] ?? text;
  return {
    text,
    script,
    segments,
    parts: parts.length > 0 ? parts : [text],
    type: answerType(typeSource),
    smallTalk: script === "latin" ? smallTalkOf(text) : null,
  };
}
