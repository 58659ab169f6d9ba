import type { PageMetadata } from "./metadata.js";

/** What a reader of one input (a page, a Markdown or a text file) found in it. */
export interface Extracted {
  readonly metadata: PageMetadata;
  /** The article's paragraphs, in order, each on one line. */
  readonly paragraphs: readonly string[];
  /** What the report should mention: what was left out or passed over. */
  readonly notes: readonly string[];
}
