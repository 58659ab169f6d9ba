/**
 * The worker thread of {@link loadCorpusInWorker} (background.ts): reads and validates the corpus folder it is
 * given, through the same cached loader as start-up, and posts the corpus back (plain data: structured cloning
 * keeps its one Map, the aliases) or the problem. It reads once and exits.
 *
 * The corpus goes back in parts of about {@link PART_PARAGRAPHS} paragraphs (or as many labelled questions),
 * each sent when the thread that receives them asks for the next: that thread takes each part in its own turn
 * of the event loop, so copying 20,000 paragraphs never holds up an interaction for long.
 */
import { once } from "node:events";
import { parentPort, workerData } from "node:worker_threads";
import { CorpusError } from "../errors.js";
import type { WorkerReply, WorkerRequest } from "./background.js";
import { loadCorpusKeyed } from "./cache.js";
import type { Article, LabelledQuestion } from "./types.js";

/** Paragraphs (or labelled questions) per part. */
const PART_PARAGRAPHS = 2000;

if (!parentPort) throw new Error("corpus: load-worker.ts runs as a worker thread (see background.ts)");
const port = parentPort;

/** Posts `reply`; a part then waits for the receiver's request for the next. */
async function send(reply: WorkerReply): Promise<void> {
  port.postMessage(reply);
  if (reply.kind === "articles" || reply.kind === "questions") await once(port, "message");
}

const request = workerData as WorkerRequest;
try {
  const { corpus, key } = await loadCorpusKeyed(request.folder, request.cacheDir ? { cacheDir: request.cacheDir } : {});
  const { articles, questions, ...rest } = corpus;
  let part: Article[] = [];
  let paragraphs = 0;
  for (const article of articles) {
    part.push(article);
    paragraphs += article.paragraphs.length;
    if (paragraphs >= PART_PARAGRAPHS) {
      await send({ kind: "articles", articles: part });
      part = [];
      paragraphs = 0;
    }
  }
  if (part.length > 0) await send({ kind: "articles", articles: part });
  for (let from = 0; from < questions.length; from += PART_PARAGRAPHS) {
    const slice: LabelledQuestion[] = questions.slice(from, from + PART_PARAGRAPHS);
    await send({ kind: "questions", questions: slice });
  }
  await send({ kind: "rest", rest, key });
} catch (error) {
  await send({
    kind: "problem",
    corpusProblem: error instanceof CorpusError,
    message: error instanceof Error ? error.message : String(error),
  });
}
