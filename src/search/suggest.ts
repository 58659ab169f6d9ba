import { distance } from "fastest-levenshtein";
import { foldText, isStopWord, stem, tokenize } from "../text/normalize.js";

/**
 * Autocomplete for the ask command: questions the coverage answers, ranked by how well they match
 * what has been typed so far. Curated questions come first; "What did X say?" is added for every
 * person the coverage quotes, so new articles bring their own suggestions.
 */

/** Discord rejects autocomplete choices longer than this. */
export const MAX_SUGGESTION_LENGTH = 100;
// Only the start of a very long input matters for matching, and it keeps the work bounded.
const MAX_PARTIAL_LENGTH = 200;

interface Entry {
  readonly text: string;
  readonly folded: string;
  readonly tokens: readonly string[];
  readonly tokenSet: ReadonlySet<string>;
  readonly terms: ReadonlySet<string>;
  readonly order: number;
}

/** The question offered for a person the coverage quotes. */
export function speakerQuestion(name: string): string {
  return `What did ${name} say?`;
}

/** Ranks a fixed list of questions against partial input. */
export class QuestionSuggester {
  private readonly entries: Entry[] = [];
  /** `speakers`: the names of people the coverage quotes, each offered as "What did X say?". */
  constructor(curated: readonly string[], speakers: readonly string[]) {
    const generated = speakers.map(speakerQuestion);
    const seen = new Set<string>();
    for (const raw of [...curated, ...generated]) {
      const text = raw.trim().replace(/\s+/g, " ");
      const folded = foldText(text);
      if (text.length === 0 || text.length > MAX_SUGGESTION_LENGTH || seen.has(folded)) continue;
      seen.add(folded);
      const tokens = tokenize(text);
      this.entries.push({
        text,
        folded,
        tokens,
        tokenSet: new Set(tokens),
        terms: new Set(tokens.filter((t) => !isStopWord(t)).map(stem)),
        order: this.entries.length,
      });
    }
  }

  /** Every question that can be suggested, in their default order. */
  all(): readonly string[] {
    return this.entries.map((entry) => entry.text);
  }

  private matchesWord(entry: Entry, token: string): number {
    if (entry.tokenSet.has(token) || entry.terms.has(stem(token))) return 1;
    if (token.length >= 5 && entry.tokens.some((word) => word.length >= 4 && distance(word, token) <= 1))
      return 0.7;
    return 0;
  }

  /** Up to `limit` questions matching `partial`; the first ones when nothing has been typed. */
  suggest(partial: string, limit = 25): string[] {
    const max = Number.isFinite(limit) ? Math.max(0, Math.floor(limit)) : 25;
    const text = partial.slice(0, MAX_PARTIAL_LENGTH);
    const tokens = tokenize(text);
    if (tokens.length === 0) return this.entries.slice(0, max).map((entry) => entry.text);
    // The last word is still being typed unless the input ends in a space or punctuation.
    const unfinished = /[\p{L}\p{N}]$/u.test(text);
    const complete = unfinished ? tokens.slice(0, -1) : tokens;
    const prefix = unfinished ? tokens[tokens.length - 1] : undefined;
    const typed = foldText(text).trim().replace(/\s+/g, " ");
    const scored: { entry: Entry; score: number }[] = [];
    for (const entry of this.entries) {
      let score = 0;
      let content = 0;
      for (const token of complete) {
        if (isStopWord(token)) {
          if (entry.tokenSet.has(token)) score += 0.25;
          continue;
        }
        const hit = this.matchesWord(entry, token);
        if (hit > 0) {
          score += hit;
          content += 1;
        }
      }
      if (prefix !== undefined && entry.tokens.some((word) => word.startsWith(prefix))) {
        if (isStopWord(prefix)) score += 0.25;
        else {
          score += 1;
          content += 1;
        }
      } else if (prefix !== undefined && !isStopWord(prefix) && this.matchesWord(entry, prefix) > 0) {
        score += 0.8;
        content += 1;
      }
      const startsWith = entry.folded.startsWith(typed);
      if (startsWith) score += 2;
      if (content > 0 || startsWith) scored.push({ entry, score });
    }
    scored.sort((a, b) => b.score - a.score || a.entry.order - b.entry.order);
    return scored.slice(0, max).map(({ entry }) => entry.text);
  }
}
