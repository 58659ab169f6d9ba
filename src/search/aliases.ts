import type { AliasTable } from "../corpus/types.js";
import { contentTerms, tokenize } from "./normalize.js";

/**
 * The alias table (`corpus/aliases.yaml`) compiled for matching against a tokenised question:
 * keys become token sequences, so "spy chief", "U.N." and "un" match however they are typed.
 */

/** What an alias phrase stands for: each alternative as its content terms (stemmed). */
export interface AliasMatch {
  /** How many query tokens the alias phrase covers. */
  readonly length: number;
  readonly alternatives: readonly (readonly string[])[];
}

/** Finds the longest alias phrase starting at a position of a token list. */
export class AliasMatcher {
  private readonly byFirstToken = new Map<
    string,
    { tokens: readonly string[]; alternatives: string[][] }[]
  >();

  constructor(table: AliasTable) {
    for (const [alias, targets] of table.entries) {
      const tokens = tokenize(alias);
      const first = tokens[0];
      if (first === undefined) continue;
      const alternatives = targets.map((target) => contentTerms(target)).filter((terms) => terms.length > 0);
      if (alternatives.length === 0) continue;
      const rules = this.byFirstToken.get(first) ?? [];
      const existing = rules.find((rule) => rule.tokens.join(" ") === tokens.join(" "));
      if (existing) existing.alternatives.push(...alternatives);
      else rules.push({ tokens, alternatives });
      // Longest phrase first, so "israeli pm" wins over "israeli".
      rules.sort((a, b) => b.tokens.length - a.tokens.length);
      this.byFirstToken.set(first, rules);
    }
  }

  /** The longest alias starting at `tokens[at]`, or null. */
  match(tokens: readonly string[], at: number): AliasMatch | null {
    const rules = this.byFirstToken.get(tokens[at] ?? "");
    if (!rules) return null;
    for (const rule of rules) {
      if (rule.tokens.every((token, i) => tokens[at + i] === token)) {
        return { length: rule.tokens.length, alternatives: rule.alternatives };
      }
    }
    return null;
  }

  /** Every content term an alias can stand for, for a single token (used by autocomplete). */
  termsFor(token: string): readonly string[] {
    const found = this.match([token], 0);
    return found ? found.alternatives.flat() : [];
  }
}
