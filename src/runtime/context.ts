import type { Config } from "../config.js";
import { CORPUS_CACHE_DIR, loadCorpusKeyed } from "../corpus/cache.js";
import type { Corpus } from "../corpus/types.js";
import type { Logger } from "../logger.js";
import { QuoteBook } from "../quotes.js";
import type { AnswerEngine } from "../search/engine.js";
import { engineFromCache } from "../search/snapshot.js";
import type { Storage } from "../storage/types.js";
import { type BotContext, loadCommands } from "./command.js";
import { Cooldowns } from "./cooldown.js";
import { type FeedbackSink, MemoryFeedback } from "./feedback.js";
import { RecentAnswers } from "./recent-answers.js";

export interface ContextOptions {
  readonly config: Config;
  readonly logger: Logger;
  readonly now?: () => Date;
  readonly storage?: Storage | null;
}

/**
 * The parts of the context read from the corpus folder. A running bot that reloads the folder replaces them
 * together, never one without the others: an answer is always rendered with the corpus its engine indexed.
 */
export interface CorpusParts {
  readonly corpus: Corpus;
  readonly engine: AnswerEngine;
  /** The quote book of the same corpus (built when first asked for at start-up, before the swap on a reload). */
  readonly quotes: () => QuoteBook;
}

/** The parts of the context that last as long as the process, whichever corpus it serves. */
export type LastingParts = Omit<BotContext, "corpus" | "engine" | "quotes">;

/** A context of the lasting parts and one corpus's parts. */
export function contextOf(lasting: LastingParts, parts: CorpusParts): BotContext {
  return {
    ...lasting,
    corpus: parts.corpus,
    engine: parts.engine,
    get quotes() {
      return parts.quotes();
    },
  };
}

/** Logs, once per corpus, that answers come from the coverage alone. */
export function noteQuestionIndex(logger: Logger, corpus: Corpus, engine: AnswerEngine): void {
  if (engine.questionCount > 0) return;
  logger.info(
    { corpus: corpus.dir },
    "question index: the corpus has no labelled questions (questions/*.jsonl), so answers come from the coverage alone",
  );
}

/** A context at start, with the key of the corpus files it was built from. */
export interface StartedContext {
  readonly ctx: BotContext;
  readonly lasting: LastingParts;
  /** See {@link loadCorpusKeyed}. */
  readonly corpusKey: string | null;
}

/**
 * {@link createContext}, with what a bot that reloads its corpus needs too: the key of the files read and the
 * lasting parts, to build the next context around.
 */
export async function startContext(options: ContextOptions): Promise<StartedContext> {
  const now = options.now ?? (() => new Date());
  const { corpusDir, cacheDir } = options.config;
  const { corpus, key } = await loadCorpusKeyed(corpusDir, cacheDir ? { cacheDir } : {});
  const storage = options.storage ?? null;
  const feedback: FeedbackSink = storage ?? new MemoryFeedback();
  // The quote book is built by the first command that reads it (/quote, or a suggestion naming speakers).
  let quotes: QuoteBook | undefined;
  const quoteBook = (): QuoteBook => {
    quotes ??= QuoteBook.fromCorpus(corpus);
    return quotes;
  };
  const engine = engineFromCache(corpus, cacheDir ?? CORPUS_CACHE_DIR, {
    speakers: () => quoteBook().namesQuotedInFull(),
  });
  noteQuestionIndex(options.logger, corpus, engine);
  const lasting: LastingParts = {
    config: options.config,
    logger: options.logger,
    now,
    answers: new RecentAnswers(() => now().getTime()),
    cooldowns: new Cooldowns(options.config.askCooldownMs, () => now().getTime()),
    feedback,
    storage,
    commands: await loadCommands(),
  };
  return { ctx: contextOf(lasting, { corpus, engine, quotes: quoteBook }), lasting, corpusKey: key };
}

/** Loads the corpus (from its cache when unchanged), builds the search index and loads every command; the quote book is built when first read. */
export async function createContext(options: ContextOptions): Promise<BotContext> {
  return (await startContext(options)).ctx;
}
