import { fitsType, hasQuote } from "./answer-types.js";
import { CANDIDATES, type IndexedParagraph } from "./coverage-index.js";
import type { DecisionModel } from "./decision.js";
import type { CandidateFeatures } from "./features.js";
import type { Concept, Query, QueryReader } from "./query.js";
import type { QuestionVotes } from "./question-index.js";
import { cosine } from "./vector-math.js";

/**
 * Ranking: the paragraphs BM25 finds for a question's words and for the coverage words closest to them in
 * meaning, and those the nearest labelled questions vote for, each measured (how much of the question it and its
 * best sentence cover, by word and by meaning, whether that sentence holds the kind of answer asked for, the
 * labelled questions' votes…) and scored by the fitted ranking model; the scores become probabilities over the
 * candidates.
 */

/** BM25 weight of a neighbour term relative to its cosine with the query word. */
const NEIGHBOUR_BOOST = 0.5;
/** Neighbours of a word added to the BM25 query: at most this many, at least this close. */
const SEARCH_EXPANSIONS = 3;
const SEARCH_EXPANSION_FLOOR = 0.6;

/** One scored paragraph. */
export interface Candidate {
  readonly doc: IndexedParagraph;
  readonly features: CandidateFeatures;
  /** The ranking model's probability that this paragraph answers the question. */
  readonly score: number;
  readonly bestSentence: number;
}

/** The terms of a BM25 query for `query`, with their boosts: its words, and the closest few words they mean. */
function searchTerms(reader: QueryReader, query: Query): Map<string, number> {
  const boosts = new Map<string, number>();
  const boost = (term: string, value: number) => boosts.set(term, Math.max(boosts.get(term) ?? 0, value));
  for (const concept of query.concepts) {
    if (reader.index.vocabulary.has(concept.term)) boost(concept.term, concept.weight);
    // Only the closest few: every extra term costs a posting list in a large corpus.
    let expanded = 0;
    for (const [term, similarity] of concept.neighbours) {
      if (similarity < SEARCH_EXPANSION_FLOOR || expanded++ >= SEARCH_EXPANSIONS) break;
      boost(term, concept.weight * similarity * similarity * NEIGHBOUR_BOOST);
    }
  }
  return boosts;
}

/** Measures one paragraph against the question. */
function measure(
  reader: QueryReader,
  query: Query,
  queryVector: Float32Array | null,
  doc: IndexedParagraph,
  bm25: number,
  votes: QuestionVotes,
): { features: CandidateFeatures; bestSentence: number } {
  const paragraph = reader.coverage(query, (term) => doc.terms.get(term) ?? 0);
  const own = reader.coverage(query, (term) => ((doc.terms.get(term) ?? 0) === 1 ? 1 : 0));
  const sentences = reader.index.sentences(doc);
  let bestSentence = 0;
  let sentenceScore = -1;
  let sentenceCoverage = reader.coverage(query, () => 0);
  sentences.forEach((sentence, i) => {
    const coverage = reader.coverage(query, (term) => (sentence.terms.has(term) ? 1 : 0));
    const score = coverage.semantic * (fitsType(sentence.span.text, query.type, query.tokens) ? 1.25 : 1);
    if (score > sentenceScore) {
      sentenceScore = score;
      sentenceCoverage = coverage;
      bestSentence = i;
    }
  });
  const chosen = sentences[bestSentence];
  let meaning = 0;
  for (const sentence of sentences) meaning = Math.max(meaning, cosine(queryVector, sentence.vector));
  const vote = votes.paragraphs.get(doc.key);
  const heaviest = query.concepts.reduce<Concept | undefined>(
    (best, c) => (!best || c.weight > best.weight ? c : best),
    undefined,
  );
  return {
    bestSentence,
    features: {
      lexical: paragraph.lexical,
      semantic: paragraph.semantic,
      semanticNames: paragraph.semanticNames,
      meaning,
      bm25,
      sentence: sentenceCoverage.semantic,
      typeFit: chosen && fitsType(chosen.span.text, query.type, query.tokens) ? 1 : 0,
      contextOnly: paragraph.semantic > 0 ? Math.max(0, 1 - own.semantic / paragraph.semantic) : 0,
      keyword: heaviest ? reader.credit(heaviest, (term) => doc.terms.get(term) ?? 0, false).soft : 0,
      sentenceLexical: sentenceCoverage.lexical,
      lead: 1 / doc.paragraph,
      quoted: (query.type === "quote" || query.type === "who") && hasQuote(doc.text) ? 1 : 0,
      size: Math.log1p(doc.terms.size),
      allOf: paragraph.allOf,
      sentenceAllOf: sentenceCoverage.allOf,
      votes: vote?.share ?? 0,
      voteNearest: vote?.nearest ?? 0,
      closeness: vote?.closeness ?? 0,
      asked: vote?.asked ?? 0,
      closenessPlace: 0,
      semanticPlace: 0,
      closenessTrust: 0,
      semanticAlone: 0,
      bm25Alone: 0,
      sentenceAlone: 0,
      typeFitAlone: 0,
      ...uncoveredFeatures(undefined, 0),
    },
  };
}

/**
 * A paragraph no labelled question is answered by (an article without any) has no votes whatever it says:
 * whether it is one, and its own evidence apart, so the ranking can weigh it by the coverage alone.
 */
function uncoveredFeatures(features: CandidateFeatures | undefined, uncovered: number) {
  return {
    uncovered,
    semanticUncovered: (features?.semantic ?? 0) * uncovered,
    bm25Uncovered: (features?.bm25 ?? 0) * uncovered,
    sentenceUncovered: (features?.sentenceAllOf ?? 0) * uncovered,
    typeFitUncovered: (features?.typeFit ?? 0) * uncovered,
    meaningUncovered: (features?.meaning ?? 0) * uncovered,
  };
}

/**
 * Ranks paragraphs for one question (or one part of a message), best first: BM25's best CANDIDATES, and every
 * paragraph the nearest labelled questions vote for.
 */
export function rank(
  reader: QueryReader,
  decision: DecisionModel,
  query: Query,
  votes: QuestionVotes,
): Candidate[] {
  if (query.concepts.length === 0) return [];
  const hits = reader.index.search(searchTerms(reader, query));
  const topBm25 = hits[0]?.score ?? 0;
  const bm25 = new Map(hits.map((hit) => [hit.doc.key, hit.score]));
  const docs = hits.slice(0, CANDIDATES).map((hit) => hit.doc);
  for (const key of votes.paragraphs.keys()) {
    const doc = reader.index.docs[key];
    if (doc && !docs.includes(doc)) docs.push(doc);
  }
  const queryVector = reader.meaning(query);
  const measured = docs.map((doc) => {
    const score = bm25.get(doc.key) ?? 0;
    return {
      doc,
      ...measure(reader, query, queryVector, doc, topBm25 > 0 ? score / topBm25 : 0, votes),
    };
  });
  // Each paragraph's place in the labelled questions' order and in BM25's: the two lists agree or not.
  const placeOf = (value: (f: CandidateFeatures) => number) => {
    const order = [...measured].sort((a, b) => value(b.features) - value(a.features));
    return new Map(order.map((m, i) => [m.doc.key, value(m.features) > 0 ? 1 / (1 + i) : 0]));
  };
  const closenessPlace = placeOf((f) => f.closeness);
  const semanticPlace = placeOf((f) => f.semantic);
  const ranked: Candidate[] = measured.map(({ doc, features: measuredFeatures, bestSentence }) => {
    const features = {
      ...measuredFeatures,
      closenessPlace: closenessPlace.get(doc.key) ?? 0,
      semanticPlace: semanticPlace.get(doc.key) ?? 0,
      closenessTrust: measuredFeatures.closeness * votes.nearest,
      semanticAlone: measuredFeatures.semantic * (1 - votes.nearest),
      bm25Alone: measuredFeatures.bm25 * (1 - votes.nearest),
      sentenceAlone: measuredFeatures.sentenceAllOf * (1 - votes.nearest),
      typeFitAlone: measuredFeatures.typeFit * (1 - votes.nearest),
      ...uncoveredFeatures(measuredFeatures, votes.covered.has(doc.key) ? 0 : 1),
    };
    return { doc, features, score: decision.rank(features), bestSentence };
  });
  // Scores become probabilities over the candidates (the ranking model is a conditional logit).
  const max = Math.max(...ranked.map((c) => c.score));
  let total = 0;
  for (const c of ranked) total += Math.exp(c.score - max);
  for (const c of ranked) (c as { score: number }).score = Math.exp(c.score - max) / total;
  ranked.sort((a, b) => b.score - a.score || a.doc.key - b.doc.key);
  return ranked;
}
