/**
 * talks-bot's answers as a batch command for `npm run eval`, with a question index that holds only the `fit`
 * part of the labelled questions: the held-back part is measured with an index that never saw it (the shipped
 * bot's index holds both parts). One question per stdin line, one `ask --json` object per line on stdout.
 */
import { createInterface } from "node:readline";
import { answerJson } from "../../commands/ask.js";
import { loadCorpus } from "../../src/corpus/load.js";
import { AnswerEngine } from "../../src/search/engine.js";

const corpus = loadCorpus(process.env.CORPUS_DIR || undefined);
const engine = AnswerEngine.fromCorpus(corpus).withQuestions((question) => question.split === "fit");
for await (const line of createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY })) {
  if (line.trim() === "") continue;
  process.stdout.write(`${JSON.stringify(answerJson(engine.ask(line), corpus))}\n`);
}
