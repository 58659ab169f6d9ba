/**
 * The answer engine's indexes, kept between starts. Reading every paragraph and every labelled question is
 * most of what a one-shot `talks-bot ask` spends before it can search, and it only changes with the corpus,
 * the engine's code or the word vectors; so the indexes are stored as JSON beside the corpus cache
 * (`node_modules/.cache/talks-bot/engine.json`), keyed by a SHA-256 of the corpus as loaded, the engine's
 * code and the vectors' header, and checked against a hash of their own content. A different key, a damaged
 * or edited file, or an unwritable folder means the indexes are built again: never wrong answers, only a
 * slower start.
 */
import { createHash, randomBytes } from "node:crypto";
import {
  closeSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { dirname, extname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Corpus } from "../corpus/types.js";
import { AnswerEngine, type EngineOptions, type EngineSnapshot } from "./engine.js";
import { WORD_VECTORS_PATH } from "./word-vectors.js";

const FORMAT = "talks-bot engine snapshot 1";
/** The engine's own code: every module of this folder, compiled (.js) or under tsx (.ts). */
const CODE_DIR = dirname(fileURLToPath(import.meta.url));
const EXTENSION = extname(fileURLToPath(import.meta.url));

interface Header {
  readonly key: string;
  readonly digest: string;
}

const sha256 = (text: string | Buffer) => createHash("sha256").update(text).digest("hex");

/** The vectors' header line: it holds the payload's SHA-256, so reading it is enough to tell them apart. */
function vectorsHeader(path: string): string {
  const fd = openSync(path, "r");
  try {
    const buffer = Buffer.alloc(4096);
    const read = readSync(fd, buffer, 0, buffer.length, 0);
    return buffer.subarray(0, read).toString("latin1");
  } finally {
    closeSync(fd);
  }
}

function keyOf(corpus: Corpus): string {
  const hash = createHash("sha256").update(`${FORMAT}\n`);
  hash.update(JSON.stringify({ ...corpus, aliases: [...corpus.aliases.entries] }));
  for (const name of readdirSync(CODE_DIR)
    .filter((n) => n.endsWith(EXTENSION))
    .sort()) {
    hash.update(`\n${name}\n`).update(readFileSync(join(CODE_DIR, name)));
  }
  hash.update(vectorsHeader(WORD_VECTORS_PATH));
  return hash.digest("hex");
}

function read(path: string, key: string): EngineSnapshot | null {
  let file: string;
  try {
    file = readFileSync(path, "utf8");
  } catch {
    return null;
  }
  const newline = file.indexOf("\n");
  if (newline < 0) return null;
  try {
    const header = JSON.parse(file.slice(0, newline)) as Partial<Header>;
    const text = file.slice(newline + 1);
    if (header.key !== key || header.digest !== sha256(text)) return null;
    return JSON.parse(text) as EngineSnapshot;
  } catch {
    return null;
  }
}

/** Writes atomically (a unique temporary file renamed over the old one); false when it cannot. */
function write(cacheDir: string, path: string, key: string, snapshot: EngineSnapshot): boolean {
  const text = JSON.stringify(snapshot);
  const temporary = `${path}.${randomBytes(6).toString("hex")}.tmp`;
  try {
    mkdirSync(cacheDir, { recursive: true });
    writeFileSync(temporary, `${JSON.stringify({ key, digest: sha256(text) } satisfies Header)}\n${text}`);
    renameSync(temporary, path);
    return true;
  } catch {
    // A read-only install or a full disk: the next start builds the indexes again, which is only slower.
    try {
      rmSync(temporary, { force: true });
    } catch {
      // Nothing was written.
    }
    return false;
  }
}

/**
 * The engine for `corpus`, its indexes restored from `cacheDir` when they were stored for exactly this corpus,
 * this code and these vectors; otherwise built, and stored for next time. Engines with their own labelled
 * questions or vectors (`options.questions`, `options.vectors`) are always built.
 */
export function engineFromCache(
  corpus: Corpus,
  cacheDir: string,
  options: Partial<EngineOptions> = {},
): AnswerEngine {
  if (options.questions || options.vectors) return AnswerEngine.fromCorpus(corpus, options);
  const path = join(cacheDir, "engine.json");
  let key: string | null = null;
  try {
    key = keyOf(corpus);
  } catch {
    // The vectors or the code cannot be read: building says what is wrong.
  }
  const stored = key ? read(path, key) : null;
  const restored = stored ? AnswerEngine.fromSnapshot(stored, corpus, options) : null;
  if (restored) return restored;
  const engine = AnswerEngine.fromCorpus(corpus, options);
  if (key) write(cacheDir, path, key, engine.snapshot());
  return engine;
}
