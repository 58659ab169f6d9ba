/**
 * Watching the corpus folder, so a running bot reloads it without a restart. The loader reads one fixed layout
 * (`articles/*.md`, `questions/*.jsonl`, `status/*.yaml`, `aliases.yaml`, `questions.yaml`), so exactly those
 * four folders are watched, each with its own non-recursive `fs.watch`: a change to anything else (an editor's
 * swap file, `talks-bot add`'s temporary file, a nested folder the loader never reads) is no change to the
 * corpus. A burst of changes (a copy of twenty reports, an editor's save in three steps) is one reload: the
 * watcher waits for a quiet moment.
 *
 * Node's `fs.watch` reports every change of that layout on Linux (inotify) on Node.js 20 and 24, including
 * atomic renames and a folder made after the watch began. The one thing a watch on a folder cannot see is the
 * same folder replaced (`rm -r articles && mv articles.new articles`): its watch stays on the old folder. So
 * after every burst the four watches are opened again, on whatever the paths name now.
 */
import { type FSWatcher, statSync, watch } from "node:fs";
import { join } from "node:path";

/** The folders the loader reads files from, besides the corpus folder itself. */
const FOLDERS = ["articles", "questions", "status"] as const;
type Folder = (typeof FOLDERS)[number] | "";

/** Whether a file in `folder` is one the loader reads (the same rules as its own listing). */
function readByLoader(folder: Folder, name: string): boolean {
  switch (folder) {
    case "":
      return name === "aliases.yaml" || name === "questions.yaml" || (FOLDERS as readonly string[]).includes(name);
    case "articles":
      return name.endsWith(".md");
    case "questions":
      return name.endsWith(".jsonl");
    case "status":
      return name.endsWith(".yaml") || name.endsWith(".yml");
  }
}

export interface CorpusWatchOptions {
  /** Called after a burst of changes, with the files changed (relative to the corpus folder). */
  readonly onChange: (changed: readonly string[]) => void;
  /** A folder that could not be watched (no inotify watches left, say): its changes need a SIGHUP. */
  readonly onError: (error: Error, folder: string) => void;
  /** Quiet time after the last change before `onChange`. Default 300 ms. */
  readonly quietMs?: number;
  /** Longest wait from a burst's first change, so a folder that never stops changing still reloads. Default 3 s. */
  readonly maxWaitMs?: number;
}

/** A running watch of the corpus folder. */
export interface CorpusWatcher {
  /** Opens the watches again, on whatever the folder's paths name now. */
  rearm(): void;
  close(): void;
}

/** Watches the corpus folder `dir`: see the module comment. */
export function watchCorpus(dir: string, options: CorpusWatchOptions): CorpusWatcher {
  const quietMs = options.quietMs ?? 300;
  const maxWaitMs = options.maxWaitMs ?? 3000;
  let watchers: FSWatcher[] = [];
  const changed = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let burstStartedAt = 0;
  let closed = false;
  /** Folders whose watch failed, reported once until one succeeds again. */
  const failing = new Set<string>();

  const flush = () => {
    timer = undefined;
    if (closed) return;
    rearm();
    const files = [...changed].sort();
    changed.clear();
    options.onChange(files);
  };

  const noticed = (folder: Folder, name: string | null) => {
    if (closed) return;
    if (name !== null && !readByLoader(folder, name)) return;
    changed.add(name === null ? folder || "." : folder ? `${folder}/${name}` : name);
    const now = Date.now();
    if (timer === undefined) burstStartedAt = now;
    else clearTimeout(timer);
    timer = setTimeout(flush, Math.max(0, Math.min(quietMs, burstStartedAt + maxWaitMs - now)));
    timer.unref();
  };

  const open = (folder: Folder): FSWatcher | null => {
    const path = join(dir, folder);
    // A folder the corpus does not have (yet): the watch on the corpus folder sees it appear.
    if (folder !== "" && !statSync(path, { throwIfNoEntry: false })?.isDirectory()) return null;
    try {
      // Not persistent: a watch never keeps the process alive on its own.
      const watcher = watch(path, { persistent: false }, (_event, name) =>
        noticed(folder, typeof name === "string" ? name : null),
      );
      watcher.on("error", (error) => {
        // The folder went away or cannot be read: the next burst (or a SIGHUP) opens the watches again.
        watcher.close();
        report(error, folder);
      });
      failing.delete(folder);
      return watcher;
    } catch (error) {
      report(error as Error, folder);
      return null;
    }
  };

  const report = (error: Error, folder: Folder) => {
    if (failing.has(folder)) return;
    failing.add(folder);
    options.onError(error, join(dir, folder));
  };

  const rearm = () => {
    if (closed) return;
    // The new watches open before the old ones close, so no change falls between them.
    const next = (["", ...FOLDERS] as const).flatMap((folder) => open(folder) ?? []);
    for (const watcher of watchers) watcher.close();
    watchers = next;
  };

  rearm();
  return {
    rearm,
    close() {
      closed = true;
      if (timer !== undefined) clearTimeout(timer);
      for (const watcher of watchers) watcher.close();
      watchers = [];
    },
  };
}
