import { mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, it } from "vitest";
import { type CorpusWatcher, watchCorpus } from "../src/corpus/watch.js";
import { tempDir } from "./support/bot.js";

/** A watched corpus-shaped folder, and the bursts its watcher reported, in order. */
function watched() {
  const temp = tempDir();
  const dir = join(temp.path, "corpus");
  mkdirSync(join(dir, "articles"), { recursive: true });
  mkdirSync(join(dir, "questions"));
  writeFileSync(join(dir, "articles", "a.md"), "first\n");
  writeFileSync(join(dir, "aliases.yaml"), "truce: ceasefire\n");
  const bursts: (readonly string[])[] = [];
  const waiting: ((files: readonly string[]) => void)[] = [];
  const errors: Error[] = [];
  const watcher = watchCorpus(dir, {
    quietMs: 100,
    onChange: (files) => {
      const next = waiting.shift();
      if (next) next(files);
      else bursts.push(files);
    },
    onError: (error) => errors.push(error),
  });
  return {
    dir,
    watcher,
    errors,
    write: (file: string, text = "text\n") => writeFileSync(join(dir, file), text),
    /** The next burst the watcher reports. */
    nextBurst: (): Promise<readonly string[]> => {
      const ready = bursts.shift();
      if (ready) return Promise.resolve(ready);
      return new Promise((resolve) => waiting.push(resolve));
    },
    cleanup: () => {
      watcher.close();
      temp.cleanup();
    },
  };
}

let open: { cleanup(): void; watcher: CorpusWatcher }[] = [];
function setup() {
  const w = watched();
  open.push(w);
  return w;
}
afterEach(() => {
  for (const w of open) w.cleanup();
  open = [];
});

describe("watching the corpus folder", () => {
  it("reports a report added, changed and removed, and a change to aliases.yaml", async ({ expect }) => {
    const w = setup();
    w.write("articles/b.md");
    expect(await w.nextBurst()).toEqual(["articles/b.md"]);
    w.write("articles/a.md", "changed\n");
    expect(await w.nextBurst()).toEqual(["articles/a.md"]);
    rmSync(join(w.dir, "articles", "b.md"));
    expect(await w.nextBurst()).toEqual(["articles/b.md"]);
    w.write("aliases.yaml", "captives: hostages\n");
    expect(await w.nextBurst()).toEqual(["aliases.yaml"]);
  });

  it("reports a burst of changes once, with every file in it", async ({ expect }) => {
    const w = setup();
    const files = Array.from({ length: 20 }, (_, i) => `articles/report-${String(i).padStart(2, "0")}.md`);
    for (const file of files) w.write(file);
    expect(await w.nextBurst()).toEqual(files);
  });

  it("sees an atomic write (a temporary file renamed into place) as the file it makes", async ({
    expect,
  }) => {
    const w = setup();
    w.write("articles/.a1b2c3.add.tmp");
    renameSync(join(w.dir, "articles", ".a1b2c3.add.tmp"), join(w.dir, "articles", "new.md"));
    expect(await w.nextBurst()).toEqual(["articles/new.md"]);
  });

  it("ignores files the loader never reads: swap files, temporary files, other names, nested folders", async ({
    expect,
  }) => {
    const w = setup();
    w.write("articles/.a.md.swp");
    w.write("articles/notes.txt");
    w.write("questions/off-topic.jsonl~");
    w.write("README.md");
    mkdirSync(join(w.dir, "articles", "drafts"));
    w.write("articles/drafts/draft.md");
    // A change the loader reads, after them: the burst that reports it holds nothing else.
    w.write("questions/a.jsonl");
    expect(await w.nextBurst()).toEqual(["questions/a.jsonl"]);
  });

  it("watches a folder made after the watch began (status/)", async ({ expect }) => {
    const w = setup();
    mkdirSync(join(w.dir, "status"));
    expect(await w.nextBurst()).toEqual(["status"]);
    w.write("status/2025-06-04.yaml");
    expect(await w.nextBurst()).toEqual(["status/2025-06-04.yaml"]);
  });

  it("keeps watching a folder replaced by a rename (a deployment swapping articles/)", async ({ expect }) => {
    const w = setup();
    mkdirSync(join(w.dir, "articles.next"));
    writeFileSync(join(w.dir, "articles.next", "a.md"), "replaced\n");
    rmSync(join(w.dir, "articles"), { recursive: true });
    renameSync(join(w.dir, "articles.next"), join(w.dir, "articles"));
    expect(await w.nextBurst()).toContain("articles");
    // The old folder's watch saw nothing of this one; the watcher opened its watches again after the burst.
    w.write("articles/later.md");
    expect(await w.nextBurst()).toEqual(["articles/later.md"]);
    expect(w.errors).toEqual([]);
  });
});
