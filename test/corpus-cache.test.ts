import {
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseSync } from "@swc/core";
import { afterEach, describe, expect, it } from "vitest";
import { LOADER_CODE, loadCorpusCached, refreshCorpusCache } from "../src/corpus/cache.js";
import { loadCorpus } from "../src/corpus/load.js";
import { CorpusError } from "../src/errors.js";
import { PROJECT_ROOT } from "../src/paths.js";
import { copyCorpus, SECOND_ARTICLE } from "./support/corpus.js";
import { mountSmallDisk } from "./support/full-disk.js";

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "talks-bot-cache-"));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function corpusCopy() {
  const copy = copyCorpus();
  cleanups.push(() => copy.remove());
  return copy;
}

/**
 * The project modules a module loads at run time, as files: its imports, re-exports and `import()` of a relative
 * path, but not `import type` or `export type … from`, which the compiler removes.
 */
function runtimeImports(file: string): string[] {
  const ast = parseSync(readFileSync(file, "utf8"), { syntax: "typescript" });
  const specifiers: string[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const item of node) visit(item);
      return;
    }
    if (typeof node !== "object" || node === null) return;
    const n = node as Record<string, unknown> & { type?: string };
    const source = (n.source as { value?: string } | undefined)?.value;
    const typeOnly = n.typeOnly === true;
    if (
      (n.type === "ImportDeclaration" ||
        n.type === "ExportAllDeclaration" ||
        n.type === "ExportNamedDeclaration") &&
      source &&
      !typeOnly
    )
      specifiers.push(source);
    if (n.type === "CallExpression" && (n.callee as { type?: string }).type === "Import") {
      const [first] = n.arguments as { expression?: { type?: string; value?: string } }[];
      if (first?.expression?.type === "StringLiteral" && first.expression.value)
        specifiers.push(first.expression.value);
    }
    for (const [key, value] of Object.entries(n)) if (key !== "span") visit(value);
  };
  visit(ast);
  return specifiers
    .filter((specifier) => specifier.startsWith("."))
    .map((specifier) => resolve(dirname(file), specifier).replace(/\.js$/, ".ts"));
}

/** Every project module `entry` loads, directly or through others, `entry` included. */
function runtimeClosure(entry: string): string[] {
  const seen = new Set<string>([entry]);
  for (const file of seen) for (const imported of runtimeImports(file)) seen.add(imported);
  return [...seen];
}

describe("the corpus cache's key", () => {
  it("covers the code of every project module the loader loads, and only those", () => {
    const load = fileURLToPath(new URL("../src/corpus/load.ts", import.meta.url));
    const inProject = (files: readonly string[]) => files.map((file) => relative(PROJECT_ROOT, file)).sort();
    expect(inProject(LOADER_CODE)).toEqual(inProject(runtimeClosure(load)));
  });
});

describe("the corpus cache", () => {
  it("stores the validated corpus once, and gives back the same corpus from it", async () => {
    const cacheDir = tempDir();
    const { dir } = corpusCopy();
    const first = await loadCorpusCached(dir, { cacheDir });
    expect(readdirSync(cacheDir)).toEqual(["corpus.json"]);
    const stored = readFileSync(join(cacheDir, "corpus.json"), "utf8");
    const second = await loadCorpusCached(dir, { cacheDir });
    expect(readFileSync(join(cacheDir, "corpus.json"), "utf8")).toBe(stored);
    expect(second).toEqual(loadCorpus(dir));
    expect(second).toEqual(first);
    expect(second.aliases.entries).toBeInstanceOf(Map);
  });

  it("reads the files again when one changes, or one is added", async () => {
    const cacheDir = tempDir();
    const copy = corpusCopy();
    const before = await loadCorpusCached(copy.dir, { cacheDir });
    copy.write("articles/example-2024-03-01-talks-resume.md", SECOND_ARTICLE);
    const added = await loadCorpusCached(copy.dir, { cacheDir });
    expect(added.articles.map((a) => a.id)).toEqual([
      "example-2024-03-01-talks-resume",
      ...before.articles.map((a) => a.id),
    ]);
    copy.write("questions.yaml", "- Who is mediating?\n");
    expect((await loadCorpusCached(copy.dir, { cacheDir })).suggestedQuestions).toEqual([
      "Who is mediating?",
    ]);
  });

  it("follows symbolic links, as the loader does: a change behind a linked folder is seen", async () => {
    const cacheDir = tempDir();
    const copy = corpusCopy();
    const elsewhere = join(tempDir(), "articles");
    renameSync(join(copy.dir, "articles"), elsewhere);
    symlinkSync(elsewhere, join(copy.dir, "articles"));
    const before = await loadCorpusCached(copy.dir, { cacheDir });
    writeFileSync(join(elsewhere, "example-2024-03-01-talks-resume.md"), SECOND_ARTICLE);
    const after = await loadCorpusCached(copy.dir, { cacheDir });
    expect(after.articles).toHaveLength(before.articles.length + 1);
    expect(after).toEqual(loadCorpus(copy.dir));
  });

  it("never caches a bad corpus: the same error every time", async () => {
    const cacheDir = tempDir();
    const copy = corpusCopy();
    copy.write("questions.yaml", "who: is mediating\n");
    for (let i = 0; i < 2; i++) {
      await expect(loadCorpusCached(copy.dir, { cacheDir })).rejects.toThrow(CorpusError);
    }
    const missing = join(tempDir(), "nowhere");
    await expect(loadCorpusCached(missing, { cacheDir })).rejects.toThrow(
      `folder does not exist: ${missing}`,
    );
  });

  it("loads the files when the cache is damaged, and repairs it", async () => {
    const cacheDir = tempDir();
    const { dir } = corpusCopy();
    const good = await loadCorpusCached(dir, { cacheDir });
    const stored = readFileSync(join(cacheDir, "corpus.json"), "utf8");
    writeFileSync(join(cacheDir, "corpus.json"), stored.slice(0, stored.length / 2));
    expect(await loadCorpusCached(dir, { cacheDir })).toEqual(good);
    expect(readFileSync(join(cacheDir, "corpus.json"), "utf8")).toBe(stored);
  });

  it("never uses a cache edited with its key intact: loads the files and writes them over it", async () => {
    const cacheDir = tempDir();
    const { dir } = corpusCopy();
    const good = await loadCorpusCached(dir, { cacheDir });
    const path = join(cacheDir, "corpus.json");
    const stored = readFileSync(path, "utf8");
    const edited = stored.replaceAll("Qatar, Egypt and the United States", "Norway alone");
    expect(edited).not.toBe(stored);
    writeFileSync(path, edited);
    const loaded = await loadCorpusCached(dir, { cacheDir });
    expect(loaded).toEqual(good);
    expect(JSON.stringify(loaded)).not.toContain("Norway alone");
    expect(readFileSync(path, "utf8")).toBe(stored);
  });

  it("refreshCorpusCache says what it found, and leaves the cache holding the validated corpus", async () => {
    const cacheDir = tempDir();
    const copy = corpusCopy();
    const path = join(cacheDir, "corpus.json");
    const corpus = loadCorpus(copy.dir);
    expect(refreshCorpusCache(copy.dir, corpus, { cacheDir })).toEqual({ state: "created", path });
    const stored = readFileSync(path, "utf8");
    expect(refreshCorpusCache(copy.dir, corpus, { cacheDir }).state).toBe("current");
    // Edited with its header (key and hash) intact, or damaged: replaced by what was validated.
    writeFileSync(path, stored.replace("Qatar, Egypt and the United States", "Norway alone"));
    expect(refreshCorpusCache(copy.dir, corpus, { cacheDir }).state).toBe("mismatch");
    expect(readFileSync(path, "utf8")).toBe(stored);
    writeFileSync(path, stored.slice(0, 100));
    expect(refreshCorpusCache(copy.dir, corpus, { cacheDir }).state).toBe("mismatch");
    // Written for other files: rebuilt for these.
    copy.write("questions.yaml", "- Who is mediating?\n");
    const changed = loadCorpus(copy.dir);
    expect(refreshCorpusCache(copy.dir, changed, { cacheDir }).state).toBe("stale");
    expect(await loadCorpusCached(copy.dir, { cacheDir })).toEqual(changed);
  });

  it("works without a cache when its folder cannot be written", async () => {
    const parent = tempDir();
    const blocked = join(parent, "file");
    writeFileSync(blocked, "not a folder");
    const { dir } = corpusCopy();
    expect(await loadCorpusCached(dir, { cacheDir: join(blocked, "cache") })).toEqual(loadCorpus(dir));
  });

  it("on a full disk, loads the files and leaves no partial cache file behind", async ({ skip }) => {
    const disk = mountSmallDisk(1024);
    if (!disk) return skip("mounting a small file system needs root");
    cleanups.push(() => disk.unmount());
    const { dir } = corpusCopy();
    disk.fill();
    const cacheDir = join(disk.dir, "cache");
    expect(await loadCorpusCached(dir, { cacheDir })).toEqual(loadCorpus(dir));
    expect(readdirSync(cacheDir)).toEqual([]);
    disk.free();
    await loadCorpusCached(dir, { cacheDir });
    expect(readdirSync(cacheDir)).toEqual(["corpus.json"]);
  });
});
