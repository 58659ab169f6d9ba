/**
 * Direct quotations in the coverage: who said what, verbatim, read from the articles by attribution rules
 * (nothing is listed by hand), and looked up by speaker and topic.
 */
export { MAX_QUERY_LENGTH, QuoteBook } from "./quotes/book.js";
export { extractQuotes, readArticle, UNATTRIBUTED } from "./quotes/extract.js";
export type { Quote, QuoteMatch, QuoteQuery, Speaker, SpeakerChoice } from "./quotes/types.js";
