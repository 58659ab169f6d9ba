/**
 * Search benchmark: index build time and per-question latency of the full answer pipeline
 * (`AnswerEngine.ask`) against plain MiniSearch with default options over the same paragraphs, on the
 * shipped corpus and on a synthetic corpus of 20,000 paragraphs.
 *
 * Run: `node --import tsx bench/search.bench.ts [corpus-dir]` (prints a Markdown table and exits).
 * Goals: full pipeline p99 ≤ 5 ms on the shipped corpus, ≤ 25 ms at 20,000 paragraphs.
 */
import { availableParallelism, loadavg } from "node:os";
import { pathToFileURL } from "node:url";
import { loadCorpus } from "../src/corpus/load.js";
import type { Article, Corpus } from "../src/corpus/types.js";
import { AnswerEngine } from "../src/search/engine.js";
import { corpusQuestions } from "../src/tools/questions.js";
import { plainMiniSearchBaseline } from "./support/plain-baseline.js";
import { mulberry32 } from "./support/random.js";
import { formatMs, median, percentile, timed } from "./support/stats.js";

/** One benchmark measurement. */
export interface SearchBenchRow {
  readonly corpus: string;
  readonly paragraphs: number;
  /** Median index build time over `buildRuns` builds. */
  readonly buildMs: number;
  readonly plainBuildMs: number;
  /** Per-question latency of `ask`, over every question of the set, `queryRounds` times. */
  readonly askP50Ms: number;
  readonly askP99Ms: number;
  readonly plainP50Ms: number;
  readonly plainP99Ms: number;
  readonly samples: number;
}

/** Options for `runSearchBench`. */
export interface SearchBenchOptions {
  readonly syntheticParagraphs: number;
  readonly seed: number;
  /** Corpus folder; the shipped one by default. */
  readonly corpusDir: string | undefined;
}

/** The project's own questions, in every voice (chat, long messages, paraphrases, out of scope). */
const QUESTIONS = corpusQuestions().map((c) => c.q);

const SYLLABLES = [
  "ka",
  "lo",
  "mi",
  "ra",
  "ten",
  "sor",
  "vel",
  "an",
  "qui",
  "do",
  "ber",
  "sha",
  "nu",
  "tri",
  "gal",
  "pe",
];

/**
 * A corpus of article-like paragraphs: sentences drawn from a Zipf-distributed vocabulary of the real
 * article's words (names and places keep their capitals) plus invented words, with numbers and the
 * odd quotation, so term statistics look like news rather than noise.
 */
export function syntheticCorpus(base: Corpus, paragraphs: number, seed: number): Corpus {
  const random = mulberry32(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const real = base.articles.flatMap((a) =>
    a.paragraphs.flatMap((p) => p.text.match(/[\p{L}][\p{L}'-]*/gu) ?? []),
  );
  const invented = Array.from({ length: 4000 }, () =>
    Array.from({ length: 2 + Math.floor(random() * 3) }, () => pick(SYLLABLES)).join(""),
  );
  const vocabulary = [...new Set([...real, ...invented])];
  // Shuffle, then weight by 1/rank: a few words are everywhere, most are rare.
  for (let i = vocabulary.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [vocabulary[i], vocabulary[j]] = [vocabulary[j] as string, vocabulary[i] as string];
  }
  const cumulative: number[] = [];
  let total = 0;
  vocabulary.forEach((_, rank) => {
    total += 1 / (rank + 1);
    cumulative.push(total);
  });
  const word = () => {
    const target = random() * total;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cumulative[mid] ?? 0) < target) lo = mid + 1;
      else hi = mid;
    }
    return vocabulary[lo] ?? "talks";
  };
  const sentence = () => {
    const words = Array.from({ length: 10 + Math.floor(random() * 20) }, word);
    if (random() < 0.3)
      words.splice(Math.floor(random() * words.length), 0, String(Math.floor(random() * 2000)));
    const text = words.join(" ");
    const capitalised = text.charAt(0).toUpperCase() + text.slice(1);
    return random() < 0.15 ? `“${capitalised},” ${word()} said.` : `${capitalised}.`;
  };
  const articles: Article[] = [];
  const perArticle = 25;
  for (let a = 0; a * perArticle < paragraphs; a += 1) {
    const id = `synthetic-${String(a).padStart(5, "0")}`;
    const count = Math.min(perArticle, paragraphs - a * perArticle);
    articles.push({
      id,
      title: Array.from({ length: 6 + Math.floor(random() * 5) }, word).join(" "),
      source: "Synthetic",
      published: "2024-01-01",
      publishedInferred: false,
      byline: [],
      contributors: [],
      file: `articles/${id}.md`,
      paragraphs: Array.from({ length: count }, (_, i) => ({
        articleId: id,
        number: i + 1,
        text: Array.from({ length: 1 + Math.floor(random() * 3) }, sentence).join(" "),
      })),
      notes: [],
    });
  }
  // The shipped article stays, with its labelled questions: the question index is measured at this scale too.
  return { ...base, articles: [...base.articles, ...articles] };
}

function measure(name: string, corpus: Corpus, buildRuns: number, queryRounds: number): SearchBenchRow {
  // Every question searched: the answers the engine remembers for a running bot would time a map lookup.
  const engine = AnswerEngine.fromCorpus(corpus, { recentAnswers: 0 });
  const plain = plainMiniSearchBaseline(corpus);
  // Untimed rounds so the JIT has optimised the hot paths and the sentence cache is warm, as in a bot
  // that has been running for a while (one round left p99 dominated by not-yet-optimised code).
  for (let round = 0; round < 5; round += 1) {
    for (const q of QUESTIONS) {
      engine.ask(q);
      plain.ask(q);
    }
  }
  // Queries are timed before the repeated builds, whose garbage would otherwise be collected in the
  // middle of the query timings and measure the benchmark rather than the search.
  const ask: number[] = [];
  const plainAsk: number[] = [];
  for (let round = 0; round < queryRounds; round += 1) {
    for (const q of QUESTIONS) {
      ask.push(timed(() => engine.ask(q)).ms);
      plainAsk.push(timed(() => plain.ask(q)).ms);
    }
  }
  const builds: number[] = [];
  const plainBuilds: number[] = [];
  for (let i = 0; i < buildRuns; i += 1) {
    builds.push(timed(() => AnswerEngine.fromCorpus(corpus)).ms);
    plainBuilds.push(timed(() => plainMiniSearchBaseline(corpus)).ms);
  }
  return {
    corpus: name,
    paragraphs: engine.size,
    buildMs: median(builds),
    plainBuildMs: median(plainBuilds),
    askP50Ms: percentile(ask, 50),
    askP99Ms: percentile(ask, 99),
    plainP50Ms: percentile(plainAsk, 50),
    plainP99Ms: percentile(plainAsk, 99),
    samples: ask.length,
  };
}

/** Runs the benchmark on the shipped corpus and on a synthetic one; returns one row per corpus. */
export function runSearchBench(options: Partial<SearchBenchOptions> = {}): SearchBenchRow[] {
  const { syntheticParagraphs = 20_000, seed = 20240222, corpusDir } = options;
  const shipped = loadCorpus(corpusDir);
  const synthetic = syntheticCorpus(shipped, syntheticParagraphs, seed);
  return [measure("shipped", shipped, 7, 20), measure(`synthetic (seed ${seed})`, synthetic, 3, 3)];
}

const ratio = (a: number, b: number) => (b > 0 ? `${(a / b).toFixed(1)}×` : "–");

/** The rows as a Markdown table. */
export function searchBenchTable(rows: readonly SearchBenchRow[]): string {
  const lines = [
    "| corpus | paragraphs | build (median) full / plain | ask p50 full / plain | ask p99 full / plain | p99 ratio | samples |",
    "| --- | ---: | --- | --- | --- | ---: | ---: |",
  ];
  for (const r of rows) {
    lines.push(
      `| ${r.corpus} | ${r.paragraphs} | ${formatMs(r.buildMs)} / ${formatMs(r.plainBuildMs)} ms | ${formatMs(r.askP50Ms)} / ${formatMs(r.plainP50Ms)} ms | ${formatMs(r.askP99Ms)} / ${formatMs(r.plainP99Ms)} ms | ${ratio(r.askP99Ms, r.plainP99Ms)} | ${r.samples} |`,
    );
  }
  return lines.join("\n");
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  // Latency tails depend on what else the machine is doing: say how busy it was.
  const before = loadavg()[0] ?? 0;
  const rows = runSearchBench({ corpusDir: process.argv[2] });
  console.log(searchBenchTable(rows));
  console.log(
    `\nNode ${process.version}, ${availableParallelism()} cores, 1-minute load average ${before.toFixed(2)} before, ${(loadavg()[0] ?? 0).toFixed(2)} after.`,
  );
}
