/**
 * Reading the corpus away from the event loop: a running bot reloads a changed corpus folder in a worker thread
 * (load-worker.ts), so parsing and validating hundreds of reports never holds up an interaction. The worker
 * runs the same loader, with the same cache, as start-up.
 */
import { extname } from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { CorpusError } from "../errors.js";
import type { KeyedCorpus } from "./cache.js";
import type { Article, Corpus, LabelledQuestion } from "./types.js";

/** What the worker is asked to read. */
export interface WorkerRequest {
  readonly folder: string;
  readonly cacheDir: string | undefined;
}

/**
 * What the worker sends: the corpus in parts (articles, then labelled questions, each part answered by a
 * request for the next), then the rest of it and its key; or why it could not be read.
 */
export type WorkerReply =
  | { readonly kind: "articles"; readonly articles: readonly Article[] }
  | { readonly kind: "questions"; readonly questions: readonly LabelledQuestion[] }
  | {
      readonly kind: "rest";
      readonly rest: Omit<Corpus, "articles" | "questions">;
      readonly key: string | null;
    }
  | { readonly kind: "problem"; readonly corpusProblem: boolean; readonly message: string };

const EXTENSION = extname(fileURLToPath(import.meta.url));
const WORKER = new URL(`./load-worker${EXTENSION}`, import.meta.url);

/**
 * Starts the worker. The compiled build runs load-worker.js as it is. The TypeScript sources (vitest, `npm run
 * dev`, the benchmarks) run it through tsx's loader, registered inside the worker: a worker thread shares
 * neither vitest's in-process transform nor, on Node.js 20, a `--import` loader of its parent.
 */
function startWorker(request: WorkerRequest): Worker {
  if (EXTENSION !== ".ts") return new Worker(WORKER, { workerData: request });
  const tsx = import.meta.resolve("tsx/esm/api");
  const bootstrap = `import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(WORKER.href)}); });`;
  return new Worker(bootstrap, { eval: true, workerData: request });
}

/**
 * Reads and validates the corpus in `folder` in a worker thread. Rejects with the loader's CorpusError (the
 * file and the field) for a bad file, and with an Error for anything else (an unreadable folder, a worker that
 * could not start or died).
 */
export function loadCorpusInWorker(folder: string, cacheDir?: string): Promise<KeyedCorpus> {
  return new Promise<KeyedCorpus>((resolve, reject) => {
    const request: WorkerRequest = { folder, cacheDir };
    const worker = startWorker(request);
    let settled = false;
    const articles: Article[] = [];
    const questions: LabelledQuestion[] = [];
    worker.on("message", (reply: WorkerReply) => {
      switch (reply.kind) {
        case "articles":
        case "questions":
          if (reply.kind === "articles") articles.push(...reply.articles);
          else questions.push(...reply.questions);
          // The next part in a later turn of the event loop: interactions waiting now go first.
          setImmediate(() => worker.postMessage("next"));
          return;
        case "rest":
          settled = true;
          resolve({ corpus: { ...reply.rest, articles, questions }, key: reply.key });
          return;
        case "problem":
          settled = true;
          reject(reply.corpusProblem ? new CorpusError(reply.message) : new Error(reply.message));
      }
    });
    worker.once("error", (error) => {
      if (settled) return;
      settled = true;
      reject(new Error(`corpus: the worker reading ${folder} failed: ${error.message}`));
    });
    worker.once("exit", (code) => {
      if (settled) return;
      settled = true;
      reject(new Error(`corpus: the worker reading ${folder} exited (code ${code}) without an answer`));
    });
  });
}
