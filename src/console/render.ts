import { markRtlLines } from "../text/bidi.js";
import type { Reply } from "../views/card.js";

function indent(text: string, prefix = "  "): string {
  return text
    .split("\n")
    .map((line) => (line.length > 0 ? `${prefix}${line}` : line))
    .join("\n");
}

/** Renders a Reply as terminal text: the same cards Discord shows, as plain paragraphs. */
export function renderText(reply: Reply): string {
  const blocks: string[] = [];
  if (reply.content) blocks.push(reply.content);
  for (const card of reply.cards) {
    const lines: string[] = [`== ${card.title} ==`];
    if (card.url) lines.push(card.url);
    if (card.description) lines.push(card.description);
    for (const field of card.fields ?? []) lines.push(`${field.name}:\n${indent(field.value)}`);
    if (card.footer) lines.push(`-- ${card.footer}`);
    blocks.push(lines.join("\n"));
  }
  const text = `${blocks.join("\n\n")}\n`;
  // A terminal that lays out bidirectional text reads right-to-left lines as Discord does.
  return reply.dir === "rtl" ? markRtlLines(text) : text;
}
