/**
 * The worker thread of {@link loadCorpusInWorker} (background.ts): reads and validates the corpus folder it is
 * given, through the same cached loader as start-up, and posts the corpus back (plain data: structured cloning
 * keeps its one Map, the aliases) or the problem. It reads once and exits.
 */
import { parentPort, workerData } from "node:worker_threads";
import { CorpusError } from "../errors.js";
import type { WorkerReply, WorkerRequest } from "./background.js";
import { loadCorpusKeyed } from "./cache.js";

const request = workerData as WorkerRequest;
let reply: WorkerReply;
try {
  const { corpus, key } = await loadCorpusKeyed(request.folder, request.cacheDir ? { cacheDir: request.cacheDir } : {});
  reply = { ok: true, corpus, key };
} catch (error) {
  reply = {
    ok: false,
    corpusProblem: error instanceof CorpusError,
    message: error instanceof Error ? error.message : String(error),
  };
}
parentPort?.postMessage(reply);
