import { parseHTML } from "linkedom";

/**
 * The little of the DOM that extraction uses, typed here: the project compiles without the browser's DOM
 * library (nothing else needs it), and linkedom's and Readability's declarations name its types.
 */
export interface DomNode {
  readonly nodeType: number;
  readonly textContent: string | null;
  readonly childNodes: Iterable<DomNode>;
}

export interface DomElement extends DomNode {
  /** Lowercase tag name. */
  readonly localName: string;
  readonly parentElement: DomElement | null;
  getAttribute(name: string): string | null;
  hasAttribute(name: string): boolean;
  querySelector(selectors: string): DomElement | null;
  querySelectorAll(selectors: string): Iterable<DomElement>;
  contains(other: DomNode): boolean;
  remove(): void;
}

export interface DomDocument {
  readonly documentElement: DomElement;
  readonly body: DomElement | null;
  querySelector(selectors: string): DomElement | null;
  querySelectorAll(selectors: string): Iterable<DomElement>;
}

export const ELEMENT_NODE = 1;
export const TEXT_NODE = 3;

export function isElement(node: DomNode): node is DomElement {
  return node.nodeType === ELEMENT_NODE;
}

/**
 * A page as a whole document: linkedom, unlike a browser, builds no `<html>` or `<body>` around a fragment (a
 * saved snippet, a page without a body tag), and Readability reads only what is in the body.
 */
function wholeDocument(html: string): string {
  if (!/<html[\s>]/i.test(html)) return `<!doctype html><html><head></head><body>${html}</body></html>`;
  if (/<body[\s>]/i.test(html)) return html;
  const start = /<\/head\s*>/i.exec(html) ?? /<html[^>]*>/i.exec(html);
  const afterStart = start ? start.index + start[0].length : 0;
  const end = /<\/html\s*>/i.exec(html)?.index ?? html.length;
  return `${html.slice(0, afterStart)}<body>${html.slice(afterStart, Math.max(afterStart, end))}</body>${html.slice(Math.max(afterStart, end))}`;
}

/** Parses an HTML page, or a fragment of one, as a whole document. */
export function parseDocument(html: string): DomDocument {
  return (parseHTML(wholeDocument(html)) as unknown as { document: DomDocument }).document;
}

/** Text with every run of white space (newlines, no-break spaces, tabs) made one space, trimmed. */
export function collapseSpace(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

/** An element's text, white space collapsed. */
export function textOf(element: DomNode | null | undefined): string {
  return collapseSpace(element?.textContent ?? "");
}
