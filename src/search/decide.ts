import type { DecisionModel } from "./decision.js";
import type { Confidence, QuestionFeatures } from "./features.js";
import { type Query, type QueryReader, softCredit } from "./query.js";
import type { QuestionVotes } from "./question-index.js";
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
  votes: QuestionVotes,
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
    outOfScope: votes.outOfScope,
    offTopic: votes.offTopic,
    inScopeMass: votes.inScopeMass,
    outOfScopeMass: votes.outOfScopeMass,
    domain: votes.domain,
    nearestQuestion: votes.nearest,
    nearestAnswerable: votes.nearestAnswerable,
    nearestOutOfScope: votes.nearestOutOfScope,
    scopeGap: votes.nearestAnswerable - votes.nearestOutOfScope,
    scopeGapSharp: votes.nearestAnswerable ** 4 - votes.nearestOutOfScope ** 4,
    nearestAgrees: votes.nearestAnswers.includes(top.doc.key) ? votes.nearestAnswerable ** 4 : 0,
    topVotes: top.features.votes,
    topCloseness: top.features.closeness,
    topUncovered: top.features.uncovered,
  };
}

/**
 * The tier of a ranked question (none when nothing was ranked), by `coverageOnly` when its best paragraph is
 * uncovered. A question the labelled set already holds,
 * word for word as read (its twin), gets its label: confident when the ranking puts one of its paragraphs first, refused
 * when it is labelled as not answered. Members often ask exactly what the bot suggested, or what was asked
 * before; the fitted models never see such twins (cross-fitting keeps them apart), so they would hedge.
 */
export function decide(
  decision: DecisionModel,
  features: QuestionFeatures | null,
  ranked: readonly Candidate[],
  votes: QuestionVotes,
  coverageOnly: DecisionModel = decision,
): Confidence {
  if (!features) return "none";
  // The best paragraph is one no labelled question is answered by (an article without any): its tiers are
  // those fitted for a corpus without labelled questions, which never counted on votes.
  if (features.topUncovered === 1 && votes.covered.size > 0) return coverageOnly.tier(features);
  const { twin } = votes;
  if (twin) {
    if (twin.paragraphs.length === 0) return "none";
    const top = ranked[0];
    if (top && top.doc.articleId === twin.articleId && twin.paragraphs.includes(top.doc.paragraph))
      return "high";
  }
  return decision.tier(features);
}
