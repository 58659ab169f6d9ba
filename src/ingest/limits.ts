/**
 * Every limit `talks-bot add` works to, in one place: what it fetches, what it calls an article, and what
 * it reports as suspicious.
 */
export const ADD_LIMITS = {
  /** A page or file larger than this is refused: news pages are well under 2 MB of HTML. */
  maxPageBytes: 5 * 1024 * 1024,
  /** Redirects followed before giving up (browsers allow 20; a news link needs one or two). */
  maxRedirects: 5,
  /** Default time for the whole fetch, redirects and body included (`--timeout` changes it). */
  timeoutMs: 20_000,
  /** Longest `--timeout` accepted, in seconds. */
  maxTimeoutSeconds: 600,
  /** Below this many words in all, or with no paragraph this long, a page has no article. */
  minArticleWords: 60,
  minLongestParagraphWords: 20,
  /** Fewer words or paragraphs than these are reported as a very short text. */
  shortTextWords: 150,
  shortTextParagraphs: 3,
  /** A paragraph with fewer words than this is reported (a section label or a stray caption). */
  shortParagraphWords: 4,
  /** Share of the shorter text's five-word runs found in an existing report that makes a duplicate. */
  nearDuplicateShare: 0.8,
} as const;
