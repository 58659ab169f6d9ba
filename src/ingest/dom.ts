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

/** Parses a whole HTML page. */
export function parseDocument(html: string): DomDocument {
  return (parseHTML(html) as unknown as { document: DomDocument }).document;
}

/** Text with every run of white space (newlines, no-break spaces, tabs) made one space, trimmed. */
export function collapseSpace(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

/** An element's text, white space collapsed. */
export function textOf(element: DomNode | null | undefined): string {
  return collapseSpace(element?.textContent ?? "");
}
