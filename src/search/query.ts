import type { AliasMatcher } from "./aliases.js";
import { contentTerms, foldText, isLightWord, isStopWord, processTerm, tokenize } from "./normalize.js";

/**
 * A question broken into concepts: one per content word or alias phrase the user typed, each with
 * the alternative wordings that count as a match for it ("bibi" → netanyahu).
 */

/** One way of matching a concept: its content terms (all should match) and how much a match counts. */
export interface Alternative {
  readonly words: readonly string[];
  /** 1 for what the user typed, less for an alias. */
  readonly credit: number;
}

/** Something the question asks about. */
export interface Concept {
  /** The folded tokens as typed. */
  readonly typed: readonly string[];
  /** Content terms of what was typed (may be empty for an alias of stop words). */
  readonly typedTerms: readonly string[];
  readonly alternatives: readonly Alternative[];
  /** True for a single typed word, which is the only kind typo tolerance and prefix apply to. */
  readonly single: boolean;
  /** True for the concept made from the question's last token, when the question looks unfinished. */
  readonly last: boolean;
  /** True when every typed word is a light word (see `isLightWord`). */
  readonly light: boolean;
  /** Edit distance of the spelling correction applied to the typed word (0 when none). */
  readonly corrected: number;
}

/** What kind of answer the question wants, from its question words. */
export type AnswerKind = "number" | "time" | "duration" | "quote" | "other";

/** The parsed question. */
export interface QueryPlan {
  readonly concepts: readonly Concept[];
  readonly kind: AnswerKind;
}

/** Credit of a match through an alias, relative to the word the user typed. */
export const ALIAS_CREDIT = 0.9;

/** How a question is read: the alias table, and a spelling corrector for unknown words. */
export interface PlanContext {
  readonly aliases: AliasMatcher | null;
  /** A known word within a small edit distance of `token`, or null when none or not needed. */
  readonly correct: (token: string) => { token: string; distance: number } | null;
}

// "how long", "how far": the second word only says what kind of answer is wanted.
const QUESTION_PHRASE_TAILS = new Set(["long", "far", "old", "often"]);

function answerKind(folded: string): AnswerKind {
  if (/\bhow (?:many|much)\b|\bnumber of\b|\btoll\b/.test(folded)) return "number";
  if (/\bhow long\b/.test(folded)) return "duration";
  if (/\bwhen\b|\bwhat (?:day|date|time)\b/.test(folded)) return "time";
  if (
    /\b(?:say|said|says|tell|told|call|called|describe|described|warn|warned|quote|statement|comment|react)\b/.test(
      folded,
    )
  ) {
    return "quote";
  }
  return "other";
}

/** Parses a question: corrects spelling, applies aliases (longest phrase first), drops stop words. */
export function planQuery(question: string, context: PlanContext): QueryPlan {
  const raw = tokenize(question);
  const corrections = new Map<number, number>();
  const tokens = raw.map((token, i) => {
    // Dropped, not removed, so positions still line up with `raw` (an empty token matches nothing).
    if (i > 0 && raw[i - 1] === "how" && QUESTION_PHRASE_TAILS.has(token)) return "";
    if (isStopWord(token)) return token;
    const fix = context.correct(token);
    if (fix === null) return token;
    corrections.set(i, fix.distance);
    return fix.token;
  });
  const unfinished = /[\p{L}\p{N}]$/u.test(question) && raw.length > 0;
  const concepts: Concept[] = [];
  const seen = new Set<string>();
  const add = (concept: Omit<Concept, "last" | "light" | "corrected">, from: number, to: number) => {
    const signature = concept.alternatives.map((alt) => alt.words.join(" ")).join("|");
    if (concept.alternatives.length === 0 || seen.has(signature)) return;
    seen.add(signature);
    let corrected = 0;
    for (let k = from; k < to; k += 1) corrected = Math.max(corrected, corrections.get(k) ?? 0);
    const meaningful = concept.typed.filter((token) => !isStopWord(token));
    const light = meaningful.length > 0 && meaningful.every((token) => isLightWord(token));
    // A corrected word was not typed as such: it cannot also be a half-typed one.
    concepts.push({
      ...concept,
      last: unfinished && to === tokens.length && corrected === 0,
      light,
      corrected,
    });
  };
  let i = 0;
  while (i < tokens.length) {
    const alias = context.aliases?.match(tokens, i) ?? null;
    if (alias) {
      const typed = tokens.slice(i, i + alias.length);
      const typedTerms = contentTerms(typed.join(" "));
      const alternatives: Alternative[] = typedTerms.length > 0 ? [{ words: typedTerms, credit: 1 }] : [];
      for (const words of alias.alternatives) {
        if (!alternatives.some((alt) => alt.words.join(" ") === words.join(" "))) {
          alternatives.push({ words, credit: ALIAS_CREDIT });
        }
      }
      add({ typed, typedTerms, alternatives, single: typed.length === 1 }, i, i + alias.length);
      i += alias.length;
      continue;
    }
    const token = tokens[i] ?? "";
    const term = processTerm(token);
    if (term !== null) {
      add(
        { typed: [token], typedTerms: [term], alternatives: [{ words: [term], credit: 1 }], single: true },
        i,
        i + 1,
      );
    }
    i += 1;
  }
  return { concepts, kind: answerKind(foldText(question)) };
}
