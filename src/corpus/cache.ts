/**
 * The parsed corpus, kept between starts. Parsing and validating the YAML and Markdown is most of what a
 * one-shot `talks-bot ask` spends before it can search, and the files rarely change; so the validated corpus is
 * stored as JSON under `node_modules/.cache/talks-bot/` (where build tools keep their caches), keyed by a
 * SHA-256 of every file in the corpus folder (links followed), the folder's path, the loader's code and the
 * lock file of the installed packages. The file is a header line (that key and a SHA-256 of the corpus text
 * after it) and the corpus as JSON: a corpus text that does not match its hash (damaged, or edited by hand with
 * the key left intact) is never used. A change to any of them, a damaged cache file or an unwritable folder
 * means a full load; the YAML parser and the schema are loaded only then. `validate-corpus` never reads the
 * cache for its verdict: it validates the files, then writes what it validated over a cache that differs. A
 * change to the stored format must change the format line in `keyOf`.
 */
import { createHash, randomBytes } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { extname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { DEFAULT_CORPUS_DIR, PROJECT_ROOT } from "../paths.js";
import type { Corpus } from "./types.js";

/** Where the cache lives by default. */
export const CORPUS_CACHE_DIR = join(PROJECT_ROOT, "node_modules", ".cache", "talks-bot");

const EXTENSION = extname(fileURLToPath(import.meta.url));
/**
 * The code whose change can change the loaded corpus: the loader and every project module it loads, directly or
 * through another (compiled .js, or .ts under tsx); `import type` loads nothing. test/corpus-cache.test.ts
 * checks this list against the loader's imports. The parsers and the schema library are covered by the lock file.
 */
export const LOADER_CODE: readonly string[] = [
  "./load",
  "../calendar/time",
  "../errors",
  "../i18n/index",
  "../i18n/locales",
  "../paths",
  "../text/bidi",
].map((path) => fileURLToPath(new URL(`${path}${EXTENSION}`, import.meta.url)));
/** The installed packages, by the lock file when there is one. */
const INSTALLED = ["package-lock.json", "package.json"].map((name) => join(PROJECT_ROOT, name));

/** The header line of the cache file. */
interface Header {
  /** {@link keyOf} the corpus folder it was read from. */
  readonly key: string;
  /** SHA-256 of the corpus text that follows the header line. */
  readonly digest: string;
}

type StoredCorpus = Omit<Corpus, "aliases"> & { readonly aliases: [string, readonly string[]][] };

/**
 * Every file under `dir`, sorted, as paths relative to it. Symbolic links are followed, as the loader follows
 * them (a folder met twice, through a link loop, is read once).
 */
function filesUnder(dir: string, prefix = "", seen = new Set<string>()): string[] {
  const here = realpathSync(join(dir, prefix));
  if (seen.has(here)) return [];
  seen.add(here);
  const out: string[] = [];
  for (const name of readdirSync(here).sort()) {
    const path = prefix ? `${prefix}/${name}` : name;
    const stat = statSync(join(dir, path), { throwIfNoEntry: false });
    if (stat?.isDirectory()) out.push(...filesUnder(dir, path, seen));
    else if (stat?.isFile()) out.push(path);
  }
  return out;
}

function keyOf(dir: string): string {
  const hash = createHash("sha256").update(`talks-bot corpus cache 3\n${dir}\n`);
  for (const file of LOADER_CODE) hash.update(readFileSync(file));
  const installed = INSTALLED.find((file) => existsSync(file));
  if (installed) hash.update(readFileSync(installed));
  for (const file of filesUnder(dir)) {
    const bytes = readFileSync(join(dir, file));
    hash.update(`\n${file}\n${bytes.length}\n`).update(bytes);
  }
  return hash.digest("hex");
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

function corpusText(corpus: Corpus): string {
  const stored: StoredCorpus = { ...corpus, aliases: [...corpus.aliases.entries] };
  return JSON.stringify(stored);
}

/** The cache file as stored: its header and corpus text, or null when it is missing or not in this format. */
function readStored(path: string): { header: Header; text: string } | null {
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
    if (typeof header.key !== "string" || typeof header.digest !== "string") return null;
    return { header: { key: header.key, digest: header.digest }, text: file.slice(newline + 1) };
  } catch {
    return null;
  }
}

/** The cached corpus for `key`, or null when there is none, it is for other files, or it fails its hash. */
function read(path: string, key: string): Corpus | null {
  const stored = readStored(path);
  if (stored?.header.key !== key || sha256(stored.text) !== stored.header.digest) return null;
  try {
    const corpus = JSON.parse(stored.text) as StoredCorpus;
    return { ...corpus, aliases: { entries: new Map(corpus.aliases) } };
  } catch {
    return null;
  }
}

/**
 * Writes atomically (a unique temporary file renamed over the old one), so a reader never sees half a file.
 * Returns false when the folder cannot be written.
 */
function write(cacheDir: string, path: string, key: string, text: string): boolean {
  const header: Header = { key, digest: sha256(text) };
  const temporary = `${path}.${randomBytes(6).toString("hex")}.tmp`;
  try {
    mkdirSync(cacheDir, { recursive: true });
    writeFileSync(temporary, `${JSON.stringify(header)}\n${text}`);
    renameSync(temporary, path);
    return true;
  } catch {
    // A read-only install or a full disk: the next start parses again, which is only slower.
    try {
      rmSync(temporary, { force: true });
    } catch {
      // Nothing was written.
    }
    return false;
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
  return (await loadCorpusKeyed(folder, options)).corpus;
}

/** A corpus and the key of the files it was read from. */
export interface KeyedCorpus {
  readonly corpus: Corpus;
  /**
   * A SHA-256 of every file in the folder, the loader's code and the installed packages, taken before the
   * files were read: equal keys mean the same files. Null when the folder could not be read to make one.
   */
  readonly key: string | null;
}

/**
 * {@link loadCorpusCached}, with the key of the files: a running bot compares it with the key of the corpus it
 * serves, and skips a reload that would change nothing.
 */
export async function loadCorpusKeyed(
  folder: string = DEFAULT_CORPUS_DIR,
  options: CorpusCacheOptions = {},
): Promise<KeyedCorpus> {
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
  if (cached) return { corpus: cached, key };
  const { loadCorpus } = await import("./load.js");
  const corpus = loadCorpus(dir);
  // Stored only if no file changed while it was read, so a key never labels other contents.
  if (key !== null && keyOf(dir) === key) {
    write(cacheDir, path, key, corpusText(corpus));
    return { corpus, key };
  }
  // A file changed while it was read: no key names what was read.
  return { corpus, key: null };
}

/**
 * What {@link refreshCorpusCache} found: `current` (the cache holds exactly the validated corpus), `created`
 * (there was none), `stale` (it was for other files), `mismatch` (it was for these files but its content
 * differs from them or from its hash: edited or damaged), `unwritable` (the folder cannot be written).
 */
export type CacheRefresh = "current" | "created" | "stale" | "mismatch" | "unwritable";

/**
 * Compares the cache with a corpus just validated from `folder` (by `loadCorpus`, never from the cache), and
 * replaces it with that corpus unless it already holds exactly that.
 */
export function refreshCorpusCache(
  folder: string,
  corpus: Corpus,
  options: CorpusCacheOptions = {},
): { readonly state: CacheRefresh; readonly path: string } {
  const dir = resolve(folder);
  const cacheDir = options.cacheDir ?? CORPUS_CACHE_DIR;
  const path = join(cacheDir, "corpus.json");
  const key = keyOf(dir);
  const text = corpusText(corpus);
  const stored = readStored(path);
  let state: CacheRefresh;
  if (!stored && !existsSync(path)) state = "created";
  else if (stored && stored.header.key !== key) state = "stale";
  else if (stored?.text === text && stored.header.digest === sha256(text)) return { state: "current", path };
  else state = "mismatch";
  return { state: write(cacheDir, path, key, text) ? state : "unwritable", path };
}
