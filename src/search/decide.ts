import type { DecisionModel } from "./decision.js";
import type { Confidence, QuestionFeatures } from "./features.js";
import { type Query, type QueryReader, softCredit } from "./query.js";
import type { Candidate } from "./rank.js";

/**
 * The decision: what the engine makes of a question once its paragraphs are ranked. The question's features
 * (how sure the ranking is, how much of the question the best paragraph covers, how much of it the coverage
 * does not know at all…) go to the fitted tier models: a confident answer, the closest the coverage comes, or
 * a refusal.
 */

/** What the tier models read of a ranked question; null when nothing was ranked. */
export function questionFeatures(
  reader: QueryReader,
  query: Query,
  ranked: readonly Candidate[],
): QuestionFeatures | null {
  const top = ranked[0];
  if (!top) return null;
  let total = 0;
  let unknown = 0;
  let unseen = 0;
  let specific = 0;
  for (const concept of query.concepts) {
    total += concept.weight;
    if (!concept.known) {
      unseen += concept.weight;
      const [closest = 0] = [...concept.neighbours.values()];
      unknown += concept.weight * (1 - softCredit(closest));
    }
    const { soft } = reader.credit(concept, (term) => top.doc.terms.get(term) ?? 0, false);
    if (soft >= 0.5 && !concept.generic) specific = 1;
  }
  return {
    top: top.score,
    margin: top.score - (ranked[1]?.score ?? 0),
    lexical: top.features.lexical,
    semantic: top.features.semantic,
    sentence: top.features.sentence,
    typeFit: top.features.typeFit,
    unknown: total > 0 ? unknown / total : 1,
    unseen: total > 0 ? unseen / total : 1,
    meaning: top.features.meaning,
    allOf: top.features.allOf,
    sentenceAllOf: top.features.sentenceAllOf,
    specific,
    length: Math.log1p(query.concepts.length),
  };
}

/** The tier of a question with these features (none when nothing was ranked). */
export function decide(decision: DecisionModel, features: QuestionFeatures | null): Confidence {
  return features ? decision.tier(features) : "none";
}
