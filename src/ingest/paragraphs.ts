import { collapseSpace, type DomElement, type DomNode, isElement, TEXT_NODE } from "./dom.js";

/** Elements whose text is one paragraph (or several, split at a blank line made of two `<br>`). */
const PARAGRAPH_TAGS = new Set(["p", "li", "dd", "dt", "pre", "address"]);
/** Headings are the page's signposts, not paragraphs of the story. */
const HEADING_TAGS = new Set(["h1", "h2", "h3", "h4", "h5", "h6"]);
/** Left out whole: a table's cells are no paragraphs, and nothing else here is text. */
const SKIPPED_TAGS = new Set(["table", "script", "style", "noscript", "template", "hr"]);
/** Text-level elements: their text joins the paragraph around them. */
const INLINE_TAGS = new Set([
  "a",
  "abbr",
  "b",
  "bdi",
  "bdo",
  "cite",
  "code",
  "data",
  "del",
  "dfn",
  "em",
  "font",
  "i",
  "ins",
  "kbd",
  "mark",
  "q",
  "s",
  "samp",
  "small",
  "span",
  "strong",
  "sub",
  "sup",
  "time",
  "u",
  "var",
  "wbr",
]);

/** What the walk found: the paragraphs, in order, and what it left out. */
export interface Blocks {
  readonly paragraphs: string[];
  readonly tablesLeftOut: number;
  /** Blocks that were (mostly) links: lists of related stories, tags, "Continue reading". */
  readonly linkBlocksLeftOut: number;
}

// Link text is carried between two private-use characters until each block's share of it is known.
const LINK_START = "\ue000";
const LINK_END = "\ue001";
const MARKS = /[\ue000\ue001]/g;

function letters(text: string): number {
  return text.replace(/[^\p{L}\p{N}]/gu, "").length;
}

/**
 * True for a block that is navigation rather than prose: all link, or, when short (12 words or fewer), at
 * least half link and not a sentence of its own ("Our standards: The Trust Principles.", "Next: High school band
 * heads to finals"). A short sentence with linked names ("Qatar and Egypt said so.") ends outside its links.
 */
function isLinkBlock(marked: string): boolean {
  const all = letters(marked);
  if (all === 0) return false;
  let linked = 0;
  for (const match of marked.matchAll(/\ue000([^\ue001]*)\ue001/g)) linked += letters(match[1] ?? "");
  if (linked >= all * 0.9) return true;
  const words = marked.replace(MARKS, "").split(/\s+/).filter(Boolean).length;
  const sentence = /[.!?]["”’)]?$/.test(marked.trimEnd());
  return words <= 12 && linked * 2 >= all && !sentence;
}

function inlineText(node: DomNode): string {
  // Line breaks in the source are spaces; only <br> breaks a line. Control characters and stray marks go.
  if (node.nodeType === TEXT_NODE)
    return (node.textContent ?? "").replace(/\s+/g, " ").replace(/[\p{Cc}\ue000\ue001]/gu, "");
  if (!isElement(node)) return "";
  if (node.localName === "br") return "\n";
  if (SKIPPED_TAGS.has(node.localName)) return "";
  let text = "";
  for (const child of node.childNodes) text += inlineText(child);
  return node.localName === "a" ? `${LINK_START}${text}${LINK_END}` : text;
}

/**
 * The paragraphs of an article's content, in reading order: one per `<p>` or list item, headings and link
 * lists left out, loose text in a `<div>` gathered up to the next block. `<br>` is a line break: one joins
 * lines with a space (an address), two or more start a new paragraph (pages that use `<br><br>` for `<p>`).
 */
export function paragraphsOf(root: DomElement): Blocks {
  const paragraphs: string[] = [];
  let tablesLeftOut = 0;
  let linkBlocksLeftOut = 0;
  let loose = "";
  const take = (marked: string) => {
    for (const block of marked.split(/\n[ \t\u00a0]*\n/)) {
      const text = collapseSpace(block.replace(MARKS, ""));
      if (text.length === 0) continue;
      if (isLinkBlock(block)) linkBlocksLeftOut++;
      else paragraphs.push(text);
    }
  };
  const flush = () => {
    take(loose);
    loose = "";
  };
  const walk = (node: DomNode) => {
    for (const child of node.childNodes) {
      if (!isElement(child)) {
        if (child.nodeType === TEXT_NODE) loose += inlineText(child);
        continue;
      }
      const tag = child.localName;
      if (tag === "br") loose += "\n";
      else if (INLINE_TAGS.has(tag)) loose += inlineText(child);
      else if (HEADING_TAGS.has(tag) || SKIPPED_TAGS.has(tag)) {
        flush();
        if (tag === "table") tablesLeftOut++;
      } else if (PARAGRAPH_TAGS.has(tag) && !child.querySelector("p, li, div, table, blockquote")) {
        flush();
        take(inlineText(child));
      } else {
        // A container (div, section, blockquote, a list, or a paragraph holding blocks): its blocks in order.
        flush();
        walk(child);
        flush();
      }
    }
  };
  walk(root);
  flush();
  return { paragraphs, tablesLeftOut, linkBlocksLeftOut };
}
