import type { Config } from "../config.js";
import { CORPUS_CACHE_DIR, loadCorpusCached } from "../corpus/cache.js";
import type { Logger } from "../logger.js";
import { QuoteBook } from "../quotes.js";
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

/** Loads the corpus (from its cache when unchanged), builds the search index and loads every command; the quote book is built when first read. */
export async function createContext(options: ContextOptions): Promise<BotContext> {
  const now = options.now ?? (() => new Date());
  const { corpusDir, cacheDir } = options.config;
  const corpus = await loadCorpusCached(corpusDir, cacheDir ? { cacheDir } : {});
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
  if (engine.questionCount === 0) {
    options.logger.info(
      { corpus: corpus.dir },
      "question index: the corpus has no labelled questions (questions/*.jsonl), so answers come from the coverage alone",
    );
  }
  return {
    config: options.config,
    corpus,
    engine,
    get quotes() {
      return quoteBook();
    },
    logger: options.logger,
    now,
    answers: new RecentAnswers(() => now().getTime()),
    cooldowns: new Cooldowns(options.config.askCooldownMs, () => now().getTime()),
    feedback,
    storage,
    commands: await loadCommands(),
  };
}
