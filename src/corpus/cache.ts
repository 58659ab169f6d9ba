/**
 * The parsed corpus, kept between starts. Parsing and validating the YAML and Markdown is most of what a
 * one-shot `talks-bot ask` spends before it can search, and the files rarely change; so the validated corpus is
 * stored as JSON under `node_modules/.cache/talks-bot/` (where build tools keep their caches), keyed by a
 * SHA-256 of every file in the corpus folder (links followed), the folder's path, the loader's code and the
 * lock file of the installed packages. A change to any of them, a damaged cache file or an unwritable folder
 * means a full load; the YAML parser and the schema are loaded only then. `validate-corpus` never uses the
 * cache. A change to the stored format must change the format line in `keyOf`.
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

/**
 * The code whose change changes the loaded corpus: the loader and the project modules it uses for values
 * (compiled .js, or .ts under tsx). The parsers and the schema library are covered by the lock file.
 */
const EXTENSION = extname(fileURLToPath(import.meta.url));
const LOADER_CODE = ["./load", "../time", "../i18n/locales", "../paths"].map((path) =>
  fileURLToPath(new URL(`${path}${EXTENSION}`, import.meta.url)),
);
/** The installed packages, by the lock file when there is one. */
const INSTALLED = ["package-lock.json", "package.json"].map((name) => join(PROJECT_ROOT, name));

interface Stored {
  readonly key: string;
  readonly corpus: Omit<Corpus, "aliases"> & { readonly aliases: [string, readonly string[]][] };
}

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
  const hash = createHash("sha256").update(`talks-bot corpus cache 2\n${dir}\n`);
  for (const file of LOADER_CODE) hash.update(readFileSync(file));
  const installed = INSTALLED.find((file) => existsSync(file));
  if (installed) hash.update(readFileSync(installed));
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
