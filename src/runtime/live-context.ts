/**
 * A context whose corpus a running process reloads without a restart: when the corpus folder changes (watched,
 * see corpus/watch.ts), on SIGHUP, or on `talks-bot reload`. The new corpus is built away from the event loop
 * and swapped in whole:
 *
 * 1. a worker thread reads and validates the files (corpus/background.ts), with the loader start-up uses;
 * 2. this thread builds the quote book and the answer engine in slices of about 10 ms (a slice ends with the
 *    step that crosses it: an article, or the engine's own steps), with the event loop free between them, and asks the engine the questions autocomplete offers, so the first keystroke after
 *    the swap finds them answered;
 * 3. one assignment swaps the context: an interaction takes the context once, when it starts, and finishes
 *    with it, so it sees the old corpus or the new one, never a mix.
 *
 * What is kept by corpus stays consistent: each engine remembers only its own answers, and an answer kept for
 * its buttons keeps the corpus it was made from. A corpus that fails validation is rejected with one log line
 * naming the file and the problem; the previous one keeps serving, and the next change is read again.
 */
import { resolve } from "node:path";
import { loadCorpusInWorker } from "../corpus/background.js";
import type { Corpus } from "../corpus/types.js";
import { type CorpusWatcher, watchCorpus } from "../corpus/watch.js";
import { CorpusError } from "../errors.js";
import { DEFAULT_CORPUS_DIR } from "../paths.js";
import { QuoteBook } from "../quotes.js";
import { AnswerEngine } from "../search/engine.js";
import { speakerQuestion } from "../search/suggest.js";
import type { BotContext } from "./command.js";
import {
  type ContextOptions,
  contextOf,
  type LastingParts,
  noteQuestionIndex,
  startContext,
} from "./context.js";

/** What a reload did. */
export type ReloadOutcome =
  | {
      readonly kind: "reloaded";
      /** Counts the corpora served: 1 at start, one more for each reload that swapped. */
      readonly generation: number;
      readonly articles: number;
      readonly paragraphs: number;
      /** From the reload's start to the swap. */
      readonly ms: number;
    }
  /** The files are those of the corpus being served: nothing was rebuilt. */
  | { readonly kind: "unchanged" }
  /** A file failed validation (`problem` names it): the previous corpus keeps serving. */
  | { readonly kind: "rejected"; readonly problem: string }
  /** The folder could not be read at all, or the build failed: the previous corpus keeps serving. */
  | { readonly kind: "failed"; readonly problem: string };

/** The steps of a reload, in order: see the module comment. */
export type ReloadPhase = "read" | "quotes" | "engine" | "suggestions";

/** How a reload runs, where the defaults do not suit (tests, benchmarks). */
export interface ReloadSettings {
  /**
   * About how long to build between two turns of the event loop (a slice ends with the step that crosses
   * it). Default 10 ms.
   */
  readonly sliceMs?: number;
  /** The watcher's quiet time after the last change of a burst. Default 300 ms. */
  readonly quietMs?: number;
  /** Told as each step of a reload begins (the benchmark times each). */
  readonly onPhase?: (phase: ReloadPhase) => void;
}

export interface LiveContextOptions extends ContextOptions, ReloadSettings {
  /** Replaces parts of every context built (tests: a deliberately slow or failing command). */
  readonly override?: (ctx: BotContext) => BotContext;
}

/** Gives the event loop a turn. */
const turn = () => new Promise<void>((resolveTurn) => setImmediate(resolveTurn));

/**
 * Asks the engine, in slices, every question its suggestions are made of (the curated questions, and "What
 * did X say?" for each person quoted), so they are remembered: building the suggestions then costs lookups,
 * not a search each, on the first autocomplete after the swap.
 */
async function warmSuggestions(
  engine: AnswerEngine,
  corpus: Corpus,
  speakers: readonly string[],
  sliceMs: number,
): Promise<void> {
  let sliceStart = performance.now();
  for (const question of [...corpus.suggestedQuestions, ...speakers.map(speakerQuestion)]) {
    try {
      engine.ask(question);
    } catch {
      // A question the engine refuses is left out of the suggestions: nothing to remember.
    }
    if (performance.now() - sliceStart >= sliceMs) {
      await turn();
      sliceStart = performance.now();
    }
  }
  await turn();
  engine.suggest("");
}

function paragraphCount(corpus: Corpus): number {
  return corpus.articles.reduce((n, article) => n + article.paragraphs.length, 0);
}

/** The file a loader message names (`corpus: articles/x.md: …`), for the log line's fields. */
function fileOf(problem: string): string | undefined {
  return /^corpus: ([^:]+?)(?::\d+)?: /.exec(problem)?.[1];
}

/** The context of a running process, reloaded as its corpus folder changes: see the module comment. */
export class LiveContext {
  #ctx: BotContext;
  #corpusKey: string | null;
  #generation = 1;
  readonly #lasting: LastingParts;
  readonly #options: LiveContextOptions;
  readonly #folder: string;
  #running: Promise<ReloadOutcome> | null = null;
  #queued: Promise<ReloadOutcome> | null = null;
  #watcher: CorpusWatcher | null = null;
  #closed = false;

  private constructor(options: LiveContextOptions, started: Awaited<ReturnType<typeof startContext>>) {
    this.#options = options;
    this.#lasting = started.lasting;
    this.#corpusKey = started.corpusKey;
    this.#ctx = options.override ? options.override(started.ctx) : started.ctx;
    this.#folder = resolve(options.config.corpusDir ?? DEFAULT_CORPUS_DIR);
  }

  /** Loads the corpus and builds the first context, as `createContext` does. */
  static async start(options: LiveContextOptions): Promise<LiveContext> {
    return new LiveContext(options, await startContext(options));
  }

  /** The context to run an interaction with: take it once, at its start. */
  get current(): BotContext {
    return this.#ctx;
  }

  /** 1 at start, one more for each reload that swapped a new corpus in. */
  get generation(): number {
    return this.#generation;
  }

  /** The corpus folder read and watched. */
  get folder(): string {
    return this.#folder;
  }

  /**
   * Watches the corpus folder and reloads after each burst of changes. A folder that cannot be watched is
   * logged once; SIGHUP and `talks-bot reload` still reload it.
   */
  watch(): void {
    if (this.#watcher || this.#closed) return;
    const { logger } = this.#lasting;
    this.#watcher = watchCorpus(this.#folder, {
      ...(this.#options.quietMs !== undefined ? { quietMs: this.#options.quietMs } : {}),
      onChange: (changed) => {
        this.reload(
          `changed: ${changed.slice(0, 5).join(", ")}${changed.length > 5 ? ` and ${changed.length - 5} more` : ""}`,
        ).catch((error: unknown) => logger.error({ err: error }, "corpus reload failed"));
      },
      onError: (error, folder) =>
        logger.warn(
          { err: error, folder },
          "cannot watch the corpus folder: changes there are picked up on SIGHUP or `talks-bot reload`",
        ),
    });
  }

  /**
   * Reads the corpus folder again and swaps the new corpus in, unless its files are those being served.
   * Requests while one runs are merged into one more run after it, which reads the files as they are then.
   * Never rejects: the outcome says what happened, and the log says it too.
   */
  reload(reason: string): Promise<ReloadOutcome> {
    if (this.#queued) return this.#queued;
    if (this.#running) {
      const after = this.#running.then(() => {
        this.#queued = null;
        return this.#run(reason);
      });
      this.#queued = after;
      return after;
    }
    return this.#run(reason);
  }

  /** Stops watching; a reload under way finishes, but nothing starts after it. */
  close(): void {
    this.#closed = true;
    this.#watcher?.close();
    this.#watcher = null;
  }

  #run(reason: string): Promise<ReloadOutcome> {
    const running = this.#reload(reason).finally(() => {
      if (this.#running === running) this.#running = null;
    });
    this.#running = running;
    return running;
  }

  async #reload(reason: string): Promise<ReloadOutcome> {
    const { logger, config } = this.#lasting;
    if (this.#closed) return { kind: "unchanged" };
    const started = performance.now();
    // A replaced folder, or one that could not be watched before, is watched again.
    this.#watcher?.rearm();
    logger.info({ reason, corpus: this.#folder }, "corpus reload: reading the corpus folder");
    const sliceMs = this.#options.sliceMs ?? 10;
    const phase = (name: ReloadPhase) => this.#options.onPhase?.(name);
    try {
      phase("read");
      const { corpus, key } = await loadCorpusInWorker(this.#folder, config.cacheDir);
      if (key !== null && key === this.#corpusKey) {
        logger.info(
          { reason, corpus: this.#folder },
          "corpus reload: the files are those of the corpus being served; nothing to rebuild",
        );
        return { kind: "unchanged" };
      }
      phase("quotes");
      const quotes = await QuoteBook.build(corpus, sliceMs);
      const speakers = quotes.namesQuotedInFull();
      phase("engine");
      const engine = await AnswerEngine.build(corpus, { speakers }, sliceMs);
      phase("suggestions");
      await warmSuggestions(engine, corpus, speakers, sliceMs);
      if (this.#closed) return { kind: "unchanged" };
      const next = contextOf(this.#lasting, { corpus, engine, quotes: () => quotes });
      this.#ctx = this.#options.override ? this.#options.override(next) : next;
      this.#corpusKey = key;
      this.#generation += 1;
      const outcome: ReloadOutcome = {
        kind: "reloaded",
        generation: this.#generation,
        articles: corpus.articles.length,
        paragraphs: paragraphCount(corpus),
        ms: Math.round(performance.now() - started),
      };
      logger.info(
        {
          reason,
          corpus: this.#folder,
          generation: outcome.generation,
          articles: outcome.articles,
          paragraphs: outcome.paragraphs,
          questions: corpus.questions.length,
          statusCards: corpus.statusCards.length,
          newest: corpus.articles[0]?.published,
          ms: outcome.ms,
        },
        `corpus reloaded: ${outcome.articles} report(s), ${outcome.paragraphs} paragraphs, newest ${corpus.articles[0]?.published ?? "none"}`,
      );
      noteQuestionIndex(logger, corpus, engine);
      return outcome;
    } catch (error) {
      const problem = error instanceof Error ? error.message : String(error);
      if (error instanceof CorpusError) {
        logger.error(
          { reason, corpus: this.#folder, file: fileOf(problem), problem },
          `${problem}; the corpus was not reloaded, the previous one keeps serving`,
        );
        return { kind: "rejected", problem };
      }
      logger.error(
        { err: error, reason, corpus: this.#folder },
        `corpus reload failed: ${problem}; the previous corpus keeps serving`,
      );
      return { kind: "failed", problem };
    }
  }
}
