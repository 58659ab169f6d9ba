/**
 * Bidirectional text: how an Arabic or Hebrew reply keeps English names, titles and quotations in order.
 *
 * - An embedded run of the other direction is wrapped in FIRST STRONG ISOLATE … POP DIRECTIONAL ISOLATE
 *   (U+2068 … U+2069): inside, the run takes its own direction; outside, it counts as one neutral character,
 *   so "قال ⁨John Kirby⁩:" keeps its colon on the Arabic side.
 * - A right-to-left line whose first strong character would be Latin (a line opening with an English title)
 *   starts with a RIGHT-TO-LEFT MARK (U+200F), so renderers that take a line's direction from its first strong
 *   character (HTML's `dir="auto"`, `unicode-bidi: plaintext`) lay it out right to left.
 * - Lines with no right-to-left letter at all (a verbatim English quotation) are left alone and read left to
 *   right, as they should.
 * - Text from outside (a question, a name as typed) never brings its own bidi controls into a message: see
 *   {@link neutralizeBidi}.
 */

export const FSI = "\u2068";
export const RLI = "\u2067";
export const PDI = "\u2069";
export const RLM = "\u200f";

const RTL_LETTER = /[\p{Script=Arabic}\p{Script=Hebrew}]/u;
const STRONG = /[\p{L}]/u;

export function isolate(text: string): string {
  return `${FSI}${text}${PDI}`;
}

/**
 * Isolates a value placed into a right-to-left sentence: a value with Arabic or Hebrew in it (a translated
 * phrase, a citation that ends in an Arabic date) as right-to-left (RLI), anything else by its first strong
 * character (FSI), which makes digits and Latin names left to right. A value of right-to-left words alone, or a
 * plain number, needs nothing.
 */
export function isolateInRtl(text: string): string {
  if (RIGHT_TO_LEFT_ONLY.test(text)) return text;
  return RTL_LETTER.test(text) ? `${RLI}${text}${PDI}` : `${FSI}${text}${PDI}`;
}

/**
 * Right-to-left words, marks and spaces only, or a plain number: such a value reads correctly in right-to-left
 * text as it is (a number with separators, "2026-02-18" or "+03:00", does not).
 */
const RIGHT_TO_LEFT_ONLY = /^(?:[\p{Script=Arabic}\p{Script=Hebrew}\p{M}\s]*|\p{N}+)$/u;

/** A slash command as messages write it: "/help", "/reminders set". */
const SLASH_COMMAND = /(?<![\p{L}\p{N}/])\/[a-z][a-z_-]*(?: [a-z][a-z_-]*)?/gu;

/**
 * Isolates the slash commands a right-to-left message names ("/help", "/reminders set"): the slash is a
 * neutral character, and without isolation an Arabic or Hebrew line shows "/help" as "help/". Text already
 * inside isolates (placed values) is left as it is.
 */
export function isolateCommands(text: string): string {
  let out = "";
  let depth = 0;
  let run = "";
  const flush = () => {
    out += run.replace(SLASH_COMMAND, (command) => isolate(command));
    run = "";
  };
  for (const char of text) {
    if (char === FSI || char === "\u2066" || char === RLI) {
      if (depth === 0) flush();
      depth++;
      out += char;
    } else if (char === PDI && depth > 0) {
      depth--;
      out += char;
    } else if (depth > 0) out += char;
    else run += char;
  }
  flush();
  return out;
}

/**
 * True when the line's first strong character is right-to-left. Isolated runs count here: the Unicode
 * algorithm skips them, but HTML's `dir="auto"` does not, so a line opening with an isolated English name
 * gets its mark either way.
 */
function startsRtl(line: string): boolean {
  for (const char of line) {
    if (char === RLM) return true;
    if (STRONG.test(char)) return RTL_LETTER.test(char);
  }
  return false;
}

/** Marks each line of right-to-left text that would otherwise be laid out left to right (see above). */
export function markRtlLines(text: string): string {
  return text
    .split("\n")
    .map((line) => {
      if (!RTL_LETTER.test(line) || startsRtl(line)) return line;
      // A Markdown quotation keeps its "> " at the start of the line.
      const quote = /^(>+ )/.exec(line)?.[1] ?? "";
      return `${quote}${RLM}${line.slice(quote.length)}`;
    })
    .join("\n");
}

/** Embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069): they reorder the text after them. */
const BIDI_FORMATTING = /[\u202a-\u202e\u2066-\u2069]/g;
/** Directional marks (LRM, RLM, ALM): invisible strong characters, which act only within an isolate. */
const BIDI_MARK = /[\u200e\u200f\u061c]/;

/**
 * Text from outside (a question, a speaker or a time zone as typed) made safe to place in a message, in every
 * language: embeddings, overrides and isolates become visible escapes (`\u202e`), so they can neither disguise
 * the text nor close the message's own isolates; a line with a directional mark is isolated (FSI … PDI), so
 * the mark acts only inside it. Text without them is returned as it is.
 */
export function neutralizeBidi(text: string): string {
  const escaped = text.replace(BIDI_FORMATTING, (char) => `\\u${char.charCodeAt(0).toString(16)}`);
  if (!BIDI_MARK.test(escaped)) return escaped;
  return escaped
    .split("\n")
    .map((line) => (BIDI_MARK.test(line) ? isolate(line) : line))
    .join("\n");
}
