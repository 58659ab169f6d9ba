/**
 * Text made safe to print to a terminal: control characters (an ESC starting a colour or cursor sequence,
 * a bell, a carriage return that overwrites the line) and the bidirectional overrides that can disguise text
 * are shown as visible escapes (`\x1b`, `\u202e`) instead of being acted on. Newlines and tabs stay, and so do
 * the bidirectional isolates that keep an English name readable inside an Arabic sentence.
 */
// Control characters (C0, DEL, C1), and the bidi embeddings and overrides.
const UNSAFE = /[\p{Cc}\u202a-\u202e]/gu;

export function forTerminal(text: string): string {
  return text.replace(UNSAFE, (char) => {
    if (char === "\n" || char === "\t") return char;
    const code = char.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16)}`;
  });
}
