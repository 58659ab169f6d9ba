import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { PROJECT_ROOT } from "../paths.js";

/**
 * Word vectors for semantic matching, loaded from the compact artifact that `npm run build:vectors` derives
 * from GloVe (see `src/tools/build-vectors.ts`): unit-length vectors quantised to int8 with one float scale
 * per word, so the cosine of two words is `scaleA * scaleB * (qa · qb)`.
 *
 * File layout: a text line `talks-bot word vectors 2`, a JSON line of metadata (dimensions, count, the
 * payload's sha256, provenance), then the payload: the words joined by "\n" (UTF-8), zero padding to a
 * multiple of 4 bytes, `count` float32 scales (little-endian), `count` int32 family numbers (words with the
 * same stem share one: "mediate", "mediator", "mediating") and `count * dimensions` int8 components.
 */

/** Where the shipped artifact lives. */
export const WORD_VECTORS_PATH = join(PROJECT_ROOT, "src", "search", "model", "word-vectors.bin");

const MAGIC = "talks-bot word vectors 2\n";
/** Members of a family averaged into its vector: the most frequent few, so a rare sense does not dominate. */
const FAMILY_MEMBERS = 6;
const REBUILD = "npm run build:vectors";

interface Metadata {
  readonly dimensions: number;
  readonly count: number;
  readonly wordBytes: number;
  readonly sha256: string;
  readonly [key: string]: unknown;
}

/** The artifact is missing or damaged: the message names the file and the command that rebuilds it. */
export class WordVectorsError extends Error {
  override readonly name = "WordVectorsError";
}

/** Encodes words and their raw vectors into the artifact format (the build script's half). */
export function encodeWordVectors(
  words: readonly string[],
  vectors: readonly (readonly number[])[],
  families: readonly number[],
  dimensions: number,
  provenance: Record<string, unknown>,
): Buffer {
  const wordBlock = Buffer.from(words.join("\n"), "utf8");
  const padding = (4 - (wordBlock.length % 4)) % 4;
  const scales = new Float32Array(words.length);
  const components = new Int8Array(words.length * dimensions);
  vectors.forEach((vector, row) => {
    if (vector.length !== dimensions)
      throw new Error(`word-vectors: '${words[row]}' has ${vector.length} dims`);
    const norm = Math.hypot(...vector) || 1;
    let max = 0;
    for (const x of vector) max = Math.max(max, Math.abs(x / norm));
    const scale = max / 127 || 1;
    scales[row] = scale;
    vector.forEach((x, d) => {
      components[row * dimensions + d] = Math.round(x / norm / scale);
    });
  });
  const payload = Buffer.concat([
    wordBlock,
    Buffer.alloc(padding),
    Buffer.from(scales.buffer),
    Buffer.from(Int32Array.from(families).buffer),
    Buffer.from(components.buffer),
  ]);
  const metadata: Metadata = {
    dimensions,
    count: words.length,
    wordBytes: wordBlock.length,
    sha256: createHash("sha256").update(payload).digest("hex"),
    ...provenance,
  };
  return Buffer.concat([Buffer.from(`${MAGIC}${JSON.stringify(metadata)}\n`, "utf8"), payload]);
}

/** Looks words up and compares them; ids are rows of the artifact. */
export class WordVectors {
  readonly dimensions: number;
  readonly size: number;
  readonly #ids: Map<string, number>;
  readonly #scales: Float32Array;
  readonly #families: Int32Array;
  readonly #components: Int8Array;
  /**
   * The rows of each family, most frequent first (built on first use): family f's rows are
   * `#familyRows[#familyStart[f] .. #familyStart[f + 1])`. Two typed arrays rather than a map of arrays,
   * which for 40,000 families took megabytes of heap.
   */
  #familyRows: Int32Array | undefined;
  #familyStart: Int32Array | undefined;
  readonly #familyVectors = new Map<number, Float32Array>();

  private constructor(
    words: string[],
    scales: Float32Array,
    families: Int32Array,
    components: Int8Array,
    dimensions: number,
  ) {
    this.dimensions = dimensions;
    this.size = words.length;
    this.#ids = new Map();
    for (let i = 0; i < words.length; i++) this.#ids.set(words[i] as string, i);
    this.#scales = scales;
    this.#families = families;
    this.#components = components;
  }

  /**
   * Reads and checks the artifact. Throws WordVectorsError (one line: the file, what is wrong, and the command
   * that rebuilds it) when it is missing, truncated or altered.
   */
  static load(path: string = WORD_VECTORS_PATH): WordVectors {
    const shown = relative(process.cwd(), path) || path;
    const fail = (problem: string): never => {
      throw new WordVectorsError(`word vectors: ${shown}: ${problem}; rebuild it with \`${REBUILD}\``);
    };
    let bytes: Buffer;
    try {
      bytes = readFileSync(path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      return fail(code === "ENOENT" ? "file not found" : `cannot be read (${code ?? String(error)})`);
    }
    if (bytes.subarray(0, MAGIC.length).toString("latin1") !== MAGIC) return fail("not a word-vector file");
    const metaEnd = bytes.indexOf(0x0a, MAGIC.length);
    if (metaEnd < 0) return fail("truncated header");
    let meta: Metadata;
    try {
      meta = JSON.parse(bytes.subarray(MAGIC.length, metaEnd).toString("utf8")) as Metadata;
    } catch {
      return fail("damaged header");
    }
    const { dimensions, count, wordBytes } = meta;
    if (![dimensions, count, wordBytes].every((n) => Number.isSafeInteger(n) && n > 0)) {
      return fail("damaged header");
    }
    const payload = bytes.subarray(metaEnd + 1);
    const padded = wordBytes + ((4 - (wordBytes % 4)) % 4);
    if (payload.length !== padded + count * 8 + count * dimensions) {
      return fail(`truncated or padded (${payload.length} payload bytes)`);
    }
    if (createHash("sha256").update(payload).digest("hex") !== meta.sha256) return fail("checksum mismatch");
    const words = payload.subarray(0, wordBytes).toString("utf8").split("\n");
    if (words.length !== count) return fail(`holds ${words.length} words, header says ${count}`);
    // Copies, so the 4-byte arrays are aligned whatever offset the payload had in the file buffer.
    const scales = new Float32Array(count);
    Buffer.from(scales.buffer).set(payload.subarray(padded, padded + count * 4));
    const families = new Int32Array(count);
    Buffer.from(families.buffer).set(payload.subarray(padded + count * 4, padded + count * 8));
    // Bytes need no alignment: the components (nearly all of the file) are read in place, not copied.
    const components = new Int8Array(
      payload.buffer,
      payload.byteOffset + padded + count * 8,
      count * dimensions,
    );
    return new WordVectors(words, scales, families, components, dimensions);
  }

  /** Row of a (folded, lowercase) word, or -1 when the artifact does not know it. */
  id(word: string): number {
    return this.#ids.get(word) ?? -1;
  }

  has(word: string): boolean {
    return this.#ids.has(word);
  }

  /** Cosine similarity of two rows, in -1..1. */
  similarity(a: number, b: number): number {
    if (a === b) return 1;
    const d = this.dimensions;
    const c = this.#components;
    let dot = 0;
    for (let i = 0, x = a * d, y = b * d; i < d; i++, x++, y++) dot += (c[x] as number) * (c[y] as number);
    return dot * (this.#scales[a] as number) * (this.#scales[b] as number);
  }

  /** Unit vector of a row as floats (for averaging a sentence's words). */
  vector(id: number): Float32Array {
    return this.writeVector(id, new Float32Array(this.dimensions), 0);
  }

  /** Writes a row's unit vector into `out` at `offset` (filling a matrix without a copy per row); returns `out`. */
  writeVector(id: number, out: Float32Array, offset: number): Float32Array {
    const d = this.dimensions;
    const scale = this.#scales[id] as number;
    for (let i = 0, from = id * d; i < d; i++)
      out[offset + i] = (this.#components[from + i] as number) * scale;
    return out;
  }

  /** Rows grouped by family (a counting sort: family numbers run from 0 without gaps), in row order. */
  #familyIndex(): { rows: Int32Array; start: Int32Array } {
    if (!this.#familyRows || !this.#familyStart) {
      let families = 0;
      for (const family of this.#families) families = Math.max(families, family + 1);
      const start = new Int32Array(families + 1);
      for (const family of this.#families) start[family + 1] = (start[family + 1] as number) + 1;
      for (let f = 0; f < families; f++) start[f + 1] = (start[f + 1] as number) + (start[f] as number);
      const next = start.slice(0, families);
      const rows = new Int32Array(this.size);
      for (let row = 0; row < this.size; row++) {
        const family = this.#families[row] as number;
        rows[next[family] as number] = row;
        next[family] = (next[family] as number) + 1;
      }
      this.#familyRows = rows;
      this.#familyStart = start;
    }
    return { rows: this.#familyRows, start: this.#familyStart };
  }

  /**
   * The unit mean vector of a row's family (the words sharing its stem: "mediating" with "mediator",
   * "mediation"…): words compared by family meet across their forms ("mediating" and "brokered" are far apart
   * as words, close as families).
   */
  familyVector(id: number): Float32Array {
    const family = this.#families[id] as number;
    const cached = this.#familyVectors.get(family);
    if (cached) return cached;
    const { rows, start } = this.#familyIndex();
    const from = start[family] ?? 0;
    const to = Math.min(start[family + 1] ?? from, from + FAMILY_MEMBERS);
    const d = this.dimensions;
    const sum = new Float32Array(d);
    // A row always belongs to its own family, so the range holds at least `id`.
    for (let k = from; k < to; k++) {
      const row = rows[k] as number;
      const scale = this.#scales[row] as number;
      for (let i = 0; i < d; i++)
        sum[i] = (sum[i] as number) + (this.#components[row * d + i] as number) * scale;
    }
    const norm = Math.hypot(...sum) || 1;
    for (let i = 0; i < sum.length; i++) sum[i] = (sum[i] as number) / norm;
    this.#familyVectors.set(family, sum);
    return sum;
  }

  /** Frequency rank of a row: the artifact keeps GloVe's order (most frequent first) for its frequent words. */
  rank(id: number): number {
    return id;
  }
}
