import { foldText, tokenize } from "../text/normalize.js";

/**
 * What kind of answer a question asks for ("how many" → a number, "who" → a person or a body), and whether a
 * sentence of the coverage holds one that the question does not already name: the answer to "who is brokering
 * the talks?" is a sentence naming someone, and the answer to "how many people fled to Rafah?" has a number.
 */

export type AnswerType =
  | "who"
  | "when"
  | "where"
  | "number"
  | "duration"
  | "why"
  | "yesno"
  | "future"
  | "quote"
  | "what";

// Each answer type with the words that ask for it, in priority order for cues at the same position.
const TYPE_CUES: readonly (readonly [AnswerType, RegExp])[] = [
  ["number", /\bhow (?:many|much|big|large)\b|\bnumber of\b|\btoll\b/],
  ["duration", /\bhow long\b|\bduration\b/],
  ["when", /\bwhen\b|\bwhens\b|\b(?:what|which) (?:day|date|time|month|year)\b/],
  ["where", /\bwhere\b|\bwheres\b|\bwhich (?:city|country|countries|place|places)\b/],
  ["why", /\bwhy\b|\bwhys\b|\bwhat for\b|\bhow come\b|\breasons?\b/],
  [
    "quote",
    /\b(?:say|said|says|tell|told|call|called|describe|described|warn|warned|quote|quoted|statement|react|reacted|respond|responded|claim|claimed)\b/,
  ],
  ["who", /\bwho(?:m|se|s)?\b|\bwhich (?:official|officials|person|people|leader|leaders|side|sides)\b/],
  ["yesno", /^(?:is|are|was|were|do|does|did|can|could|will|would|should|has|have|had)\b/],
];

// What will happen, or what someone means to do: "is israel going to attack rafah?", "will there be a deal".
const FUTURE_CUE =
  /^(?:is|are|will|would|does|do)\b.*\b(?:going to|gonna|will|plan(?:s|ning)? to|about to|intend(?:s|ing)? to|expected to|likely to|ever)\b|^will\b/;

/**
 * The kind of answer a question wants: the earliest question cue in it decides ("who…, and when…" is who). A
 * yes/no question about what will happen asks for what the coverage reports of intentions and expectations.
 */
export function answerType(text: string): AnswerType {
  const folded = foldText(text);
  if (FUTURE_CUE.test(folded)) return "future";
  let best: AnswerType = "what";
  let at = Number.POSITIVE_INFINITY;
  for (const [type, cue] of TYPE_CUES) {
    const match = cue.exec(folded);
    if (match && match.index < at) {
      best = type;
      at = match.index;
    }
  }
  return best;
}

const NUMBER =
  /\b(?:\d[\d.,]*|dozens?|hundreds?|thousands?|millions?|billions?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|several|half)\b/gi;
const TIME =
  /\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|january|february|march|april|may|june|july|august|september|october|november|december|weekend|today|yesterday|tomorrow|(?:last|next|this|coming) (?:week|month|year|days)|\w+ (?:days|weeks|months|years) ago|since|until|\d{4})\b/gi;
const DURATION = /\b(?:[\w-]+-(?:day|week|month|year)|(?:days?|weeks?|months?|years?|hours?))\b/gi;
const PLACE =
  /\b(?:in|at|to|from|into|across|near|visit(?:ed)?|travel(?:l?ed)?|stops? in)\s+(?:the\s+)?(\p{Lu}[\p{L}'-]*)/gu;
const NAME = /(?<![.!?\u201c"]\s)(?<!^)\b\p{Lu}[\p{L}'\u2019-]+(?:\s+\p{Lu}[\p{L}'\u2019-]+)*/gu;
const ROLE =
  /\b(?:officials?|spokes(?:man|woman|person)|minister|director|coordinator|president|diplomat|sources?|leaders?|negotiators?|mediators?|envoy|administration|government|delegation|council|groups?|people familiar)\b/gi;
// Only explicit reasons: "would" or "if" are in half of all news sentences, whether they explain anything or not.
const REASON =
  /\b(?:because|given that|so that|in order to|as a result|due to|reason|evidence that|shows)\b/i;
// What a sentence says about the future: threats, warnings, plans, expectations, conditions.
const FUTURE =
  /\b(?:will|would|could|might|threat(?:en(?:s|ed|ing)?|s)?|warn(?:s|ed|ing)?|expect(?:s|ed)?|plan(?:s|ned|ning)?|impending|upcoming|coming (?:days|weeks)|intend(?:s|ed)?|if|unless|aim(?:s|ed)? to|prepar(?:e|es|ed|ing))\b/i;
const ATTRIBUTION =
  /\b(?:said|says|told|warned|wrote|added|described|dismissed|according to|argue[sd]?|believe[sd]?)\b/i;
const QUOTE_MARK = /["\u201c\u201d]/;

/** True when some match of `pattern` in `text` has a word the question does not contain. */
function novel(text: string, pattern: RegExp, question: ReadonlySet<string>, group = 0): boolean {
  for (const match of text.matchAll(pattern)) {
    const words = tokenize(match[group] ?? "");
    if (words.length > 0 && words.some((word) => !question.has(word))) return true;
  }
  return false;
}

/**
 * True when a sentence holds an answer of `type` that the question does not already contain (`question`: the
 * question's tokens): a number not in it for "how many", a name or a role for "who"…
 */
export function fitsType(sentence: string, type: AnswerType, question: ReadonlySet<string>): boolean {
  switch (type) {
    case "number":
      return novel(sentence, NUMBER, question);
    case "duration":
      return novel(sentence, DURATION, question);
    case "when":
      return novel(sentence, TIME, question);
    case "where":
      return novel(sentence, PLACE, question, 1);
    case "who":
      return novel(sentence, NAME, question) || novel(sentence, ROLE, question);
    case "why":
      return REASON.test(sentence);
    case "quote":
      return QUOTE_MARK.test(sentence) || ATTRIBUTION.test(sentence);
    case "future":
      return FUTURE.test(sentence);
    default:
      return false;
  }
}

/** A sentence that quotes someone or reports what they said. */
export function isAttributed(text: string): boolean {
  return ATTRIBUTION.test(text);
}

/** A text with a quotation mark in it. */
export function hasQuote(text: string): boolean {
  return QUOTE_MARK.test(text);
}
