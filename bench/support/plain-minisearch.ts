/**
 * Plain MiniSearch with its default options as a batch command for `npm run eval`: one question per stdin
 * line, one JSON line per question on stdout, the same shape as `talks-bot ask --json`. It answers with the
 * best paragraph whenever anything matches (no tiers), and `null` when nothing does.
 */
import { createInterface } from "node:readline";
import { loadCorpus } from "../../src/corpus/load.js";
import { plainMiniSearchBaseline } from "./plain-baseline.js";

const search = plainMiniSearchBaseline(loadCorpus(process.env.CORPUS_DIR || undefined));
for await (const line of createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY })) {
  if (line.trim() === "") continue;
  const passages = search.ask(line);
  process.stdout.write(
    `${JSON.stringify({
      question: line,
      answer: passages[0]?.text ?? null,
      passages: passages.map((p) => ({ article: p.articleId, paragraph: p.paragraph, text: p.text })),
    })}\n`,
  );
}
