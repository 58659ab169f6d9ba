/**
 * The parsed corpus, kept between starts. Parsing and validating the YAML and Markdown is most of what a
 * one-shot `talks-bot ask` spends before it can search, and the files rarely change; so the validated corpus is
 * stored as JSON under `node_modules/.cache/talks-bot/` (where build tools keep their caches), keyed by a
 * SHA-256 of every file in the corpus folder, the folder's path and the loader's own code. Any change to any
 * of them, a damaged cache file or an unwritable folder means a full load, which is always correct; the YAML
 * parser and the schema are loaded only then. `validate-corpus` never uses the cache.
 */
import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { extname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { DEFAULT_CORPUS_DIR, PROJECT_ROOT } from "../paths.js";
import type { Corpus } from "./types.js";

/** Where the cache lives by default. */
export const CORPUS_CACHE_DIR = join(PROJECT_ROOT, "node_modules", ".cache", "talks-bot");

/** The loader's source (load.js when compiled, load.ts under tsx): a change to it is a change to the output. */
const LOADER = fileURLToPath(new URL(`./load${extname(fileURLToPath(import.meta.url))}`, import.meta.url));

interface Stored {
  readonly key: string;
  readonly corpus: Omit<Corpus, "aliases"> & { readonly aliases: [string, readonly string[]][] };
}

/** Every regular file under `dir`, sorted, as paths relative to it. */
function filesUnder(dir: string, prefix = ""): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(dir, prefix), { withFileTypes: true })) {
    const path = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...filesUnder(dir, path));
    else if (entry.isFile()) out.push(path);
  }
  return out.sort();
}

function keyOf(dir: string): string {
  const hash = createHash("sha256").update(`talks-bot corpus cache 1\n${dir}\n`);
  hash.update(readFileSync(LOADER));
  for (const file of filesUnder(dir)) {
    const bytes = readFileSync(join(dir, file));
    hash.update(`\n${file}\n${bytes.length}\n`).update(bytes);
  }
  return hash.digest("hex");
}

function read(path: string, key: string): Corpus | null {
  try {
    const stored = JSON.parse(readFileSync(path, "utf8")) as Stored;
    if (stored.key !== key) return null;
    return { ...stored.corpus, aliases: { entries: new Map(stored.corpus.aliases) } };
  } catch {
    return null;
  }
}

/** Writes atomically (a unique temporary file renamed over the old one), so a reader never sees half a file. */
function write(cacheDir: string, path: string, key: string, corpus: Corpus): void {
  const stored: Stored = { key, corpus: { ...corpus, aliases: [...corpus.aliases.entries] } };
  const temporary = `${path}.${randomBytes(6).toString("hex")}.tmp`;
  try {
    mkdirSync(cacheDir, { recursive: true });
    writeFileSync(temporary, JSON.stringify(stored));
    renameSync(temporary, path);
  } catch {
    // A read-only install or a full disk: the next start parses again, which is only slower.
    try {
      rmSync(temporary, { force: true });
    } catch {
      // Nothing was written.
    }
  }
}

export interface CorpusCacheOptions {
  /** Default: {@link CORPUS_CACHE_DIR}. */
  readonly cacheDir?: string;
}

/**
 * Loads the corpus from `folder`, from the cache when nothing changed since it was stored. Throws exactly
 * what `loadCorpus` throws for a missing folder or a bad file (those are never cached).
 */
export async function loadCorpusCached(
  folder: string = DEFAULT_CORPUS_DIR,
  options: CorpusCacheOptions = {},
): Promise<Corpus> {
  const dir = resolve(folder);
  const cacheDir = options.cacheDir ?? CORPUS_CACHE_DIR;
  const path = join(cacheDir, "corpus.json");
  let key: string | null = null;
  try {
    key = keyOf(dir);
  } catch {
    // The folder is missing or unreadable: the loader says which, and how to fix it.
  }
  const cached = key ? read(path, key) : null;
  if (cached) return cached;
  const { loadCorpus } = await import("./load.js");
  const corpus = loadCorpus(dir);
  // Stored only if no file changed while it was read, so a key never labels other contents.
  if (key && keyOf(dir) === key) write(cacheDir, path, key, corpus);
  return corpus;
}
