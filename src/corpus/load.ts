import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, join, relative, resolve } from "node:path";
import matter from "gray-matter";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { CorpusError } from "../errors.js";
import { DEFAULT_CORPUS_DIR } from "../paths.js";
import { isValidLocalDate } from "../calendar/time.js";
import { LOCALES, SOURCE_LOCALE } from "../i18n/locales.js";
import type { AliasTable, Article, Corpus, LabelledQuestion, Paragraph, StatusCard } from "./types.js";

/** The corpus shipped with the bot. */

const isoDate = z
  .union([z.string(), z.date()])
  .transform((value) => (value instanceof Date ? value.toISOString().slice(0, 10) : value))
  .pipe(
    z.string().refine((value) => isValidLocalDate(value), {
      message: "must be an ISO date",
    }),
  );

const slug = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]*$/, { message: "must be lowercase letters, digits and dashes" });
const nonEmpty = z.string().trim().min(1, { message: "must not be empty" });

const articleMeta = z.strictObject({
  id: slug,
  title: nonEmpty,
  source: nonEmpty,
  published: isoDate,
  published_inferred: z.boolean().default(false),
  published_note: nonEmpty.optional(),
  url: z.url({ message: "must be an http(s) URL" }).optional(),
  byline: z.array(nonEmpty).default([]),
  contributors: z.array(nonEmpty).default([]),
  dateline: nonEmpty.optional(),
  added: isoDate.optional(),
});

const citation = z.strictObject({
  article: slug.optional(),
  paragraphs: z.array(z.number().int().positive()).min(1, { message: "must cite at least one paragraph" }),
});

/** Reviewed translations of curated text, by catalog code (`ar`, `he`); English is the text itself. */
const translations = z
  .record(z.string(), nonEmpty)
  .optional()
  .superRefine((value, ctx) => {
    for (const code of Object.keys(value ?? {})) {
      if (!LOCALES.some((l) => l.code === code && code !== SOURCE_LOCALE))
        ctx.addIssue({
          code: "custom",
          message: `'${code}' is not a language talks-bot speaks besides English (${LOCALES.filter((l) => l.code !== SOURCE_LOCALE)
            .map((l) => l.code)
            .join(", ")})`,
        });
    }
  });

const statusFile = z.strictObject({
  id: slug,
  as_of: isoDate,
  article: slug,
  sections: z
    .array(
      z.strictObject({
        heading: nonEmpty,
        translations,
        points: z
          .array(z.strictObject({ text: nonEmpty, translations, evidence: nonEmpty, cite: citation }))
          .min(1, { message: "must have at least one point" }),
      }),
    )
    .min(1, { message: "must have at least one section" }),
});

const questionsFile = z.array(nonEmpty, { message: "must be a list of questions (strings)" });

/** The questions file of messages about no article (off-topic chat, greetings). */
export const OFF_TOPIC_QUESTIONS = "off-topic";
/** Kinds of the messages that file holds. */
const OFF_TOPIC_KINDS = ["offtopic", "greeting"] as const;
/** The kind of an on-topic question the article does not answer. */
export const OUT_OF_SCOPE_KIND = "oos";

const labelledQuestion = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, { message: "must be lowercase letters, digits and dashes" }),
  q: nonEmpty.max(1000, { message: "must be at most 1000 characters" }),
  gold: z.array(nonEmpty).default([]),
  kind: nonEmpty,
  voice: nonEmpty,
  split: z.enum(["fit", "held-back"], { message: "must be 'fit' or 'held-back'" }),
});

const aliasFile = z.record(z.string(), z.union([nonEmpty, z.array(nonEmpty).min(1)]));

/** Editorial lines that close an article; they describe the story rather than tell it. */
const EDITORIAL_NOTE = [/^this story has been updated\b/i, /\bcontributed (to this )?report(ing)?\.?$/i];

function fieldName(path: readonly PropertyKey[]): string {
  return path.map(String).join(".") || "(file)";
}

function article(noun: string): string {
  return `${/^[aeiou]/.test(noun) ? "an" : "a"} ${noun}`;
}

function zodProblem(file: string, error: z.ZodError): CorpusError {
  const issue = error.issues[0];
  const field = issue ? fieldName(issue.path) : "";
  let message = issue?.message ?? "is invalid";
  if (issue?.code === "invalid_type" && message.startsWith("Invalid input:")) {
    // zod's own wording; a missing field reads "received undefined".
    message = message.endsWith("received undefined") ? "is required" : `must be ${article(issue.expected)}`;
  }
  if (issue?.code === "unrecognized_keys")
    return new CorpusError(`corpus: ${file}: unknown field(s) ${issue.keys.map((k) => `'${k}'`).join(", ")}`);
  // A problem with the whole file (e.g. not a list) has no field to name.
  if (!issue || issue.path.length === 0) return new CorpusError(`corpus: ${file}: ${message}`);
  return new CorpusError(`corpus: ${file}: '${field}' ${message}`);
}

function parseBody(file: string, articleId: string, body: string, dateline: string | undefined) {
  const lines = body
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
  if (dateline !== undefined) {
    if (lines[0] !== dateline)
      throw new CorpusError(`corpus: ${file}: body must start with the dateline '${dateline}'`);
    lines.shift();
  }
  const notes: string[] = [];
  while (lines.length > 0 && EDITORIAL_NOTE.some((pattern) => pattern.test(lines[lines.length - 1] ?? ""))) {
    notes.unshift(lines.pop() ?? "");
  }
  if (lines.length === 0) throw new CorpusError(`corpus: ${file}: body must have at least one paragraph`);
  const paragraphs: Paragraph[] = lines.map((text, index) => ({ articleId, number: index + 1, text }));
  return { paragraphs, notes };
}

/** Parses one article file (Markdown body, YAML front matter). `file` is only used in messages. */
export function parseArticle(file: string, source: string): Article {
  let parsed: matter.GrayMatterFile<string>;
  try {
    parsed = matter(source);
  } catch (error) {
    throw new CorpusError(
      `corpus: ${file}: front matter is not valid YAML (${(error as Error).message.split("\n")[0]})`,
    );
  }
  if (Object.keys(parsed.data).length === 0) throw new CorpusError(`corpus: ${file}: missing front matter`);
  const meta = articleMeta.safeParse(parsed.data);
  if (!meta.success) throw zodProblem(file, meta.error);
  const { id, title, source: outlet, published, byline, contributors, dateline } = meta.data;
  const { paragraphs, notes } = parseBody(file, id, parsed.content, dateline);
  return {
    id,
    title,
    source: outlet,
    published,
    publishedInferred: meta.data.published_inferred,
    publishedNote: meta.data.published_note,
    url: meta.data.url,
    added: meta.data.added,
    byline,
    contributors,
    file,
    paragraphs,
    notes,
  };
}

function listFiles(dir: string, extensions: readonly string[]): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => extensions.some((ext) => name.endsWith(ext)))
    .sort()
    .map((name) => join(dir, name));
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * A corpus file's text. A file that is not UTF-8 (saved in another encoding, a PDF or an image renamed) is
 * refused, naming it, rather than read with its bytes replaced.
 */
function readText(file: string, path: string): string {
  try {
    return utf8.decode(readFileSync(path));
  } catch (error) {
    if (error instanceof TypeError)
      throw new CorpusError(
        `corpus: ${file}: is not UTF-8 text: save it as UTF-8 (e.g. iconv -f windows-1252 -t utf-8), or add it with talks-bot add`,
      );
    throw error;
  }
}

function readYaml(file: string, path: string): unknown {
  const text = readText(file, path);
  try {
    return parseYaml(text);
  } catch (error) {
    throw new CorpusError(`corpus: ${file}: not valid YAML (${(error as Error).message.split("\n")[0]})`);
  }
}

function parseAliases(file: string, data: unknown): AliasTable {
  const parsed = aliasFile.safeParse(data ?? {});
  if (!parsed.success) throw zodProblem(file, parsed.error);
  const entries = new Map<string, readonly string[]>();
  for (const [alias, target] of Object.entries(parsed.data)) {
    const key = alias.trim().toLowerCase();
    if (key.length === 0) throw new CorpusError(`corpus: ${file}: an alias must not be empty`);
    entries.set(key, typeof target === "string" ? [target] : target);
  }
  return { entries };
}

function paragraphText(article: Article, number: number): string | undefined {
  return article.paragraphs.find((p) => p.number === number)?.text;
}

function parseStatusCard(file: string, data: unknown, articles: ReadonlyMap<string, Article>): StatusCard {
  const parsed = statusFile.safeParse(data);
  if (!parsed.success) throw zodProblem(file, parsed.error);
  const card = parsed.data;
  if (!articles.has(card.article))
    throw new CorpusError(`corpus: ${file}: 'article' names unknown article '${card.article}'`);
  const sections = card.sections.map((section, s) => ({
    heading: section.heading,
    translations: section.translations ?? {},
    points: section.points.map((point, p) => {
      const where = `sections.${s}.points.${p}`;
      const articleId = point.cite.article ?? card.article;
      const article = articles.get(articleId);
      if (!article)
        throw new CorpusError(
          `corpus: ${file}: '${where}.cite.article' names unknown article '${articleId}'`,
        );
      for (const number of point.cite.paragraphs) {
        if (paragraphText(article, number) === undefined) {
          throw new CorpusError(
            `corpus: ${file}: '${where}.cite.paragraphs' has ${number}, but ${article.id} has ${article.paragraphs.length} paragraphs`,
          );
        }
      }
      const cited = point.cite.paragraphs.map((n) => paragraphText(article, n) ?? "");
      if (!cited.some((text) => text.includes(point.evidence))) {
        throw new CorpusError(
          `corpus: ${file}: '${where}.evidence' does not occur verbatim in ${article.id} paragraph(s) ${point.cite.paragraphs.join(", ")}`,
        );
      }
      return {
        text: point.text,
        translations: point.translations ?? {},
        evidence: point.evidence,
        cite: { articleId, paragraphs: point.cite.paragraphs },
      };
    }),
  }));
  return { id: card.id, asOf: card.as_of, file, sections };
}

/**
 * Parses one questions file: `questions/<article-id>.jsonl` (questions about that article) or
 * `questions/off-topic.jsonl` (messages about nothing in the coverage). One JSON object a line; each gold
 * phrase must occur verbatim in exactly one paragraph of the article, and those paragraphs are the answer.
 */
function parseQuestions(file: string, text: string, article: Article | null): LabelledQuestion[] {
  const out: LabelledQuestion[] = [];
  text.split(/\r?\n/).forEach((line, index) => {
    if (line.trim() === "") return;
    const where = `${file}:${index + 1}`;
    let data: unknown;
    try {
      data = JSON.parse(line);
    } catch (error) {
      throw new CorpusError(`corpus: ${where}: not valid JSON (${(error as Error).message})`);
    }
    const parsed = labelledQuestion.safeParse(data);
    if (!parsed.success) throw zodProblem(where, parsed.error);
    const { id, q, gold, kind, voice, split } = parsed.data;
    if (!article) {
      if (gold.length > 0 || !(OFF_TOPIC_KINDS as readonly string[]).includes(kind))
        throw new CorpusError(
          `corpus: ${where}: a message about no article has no 'gold' and 'kind' ${OFF_TOPIC_KINDS.map((k) => `'${k}'`).join(" or ")}`,
        );
    } else if (gold.length === 0 && kind !== OUT_OF_SCOPE_KIND) {
      throw new CorpusError(
        `corpus: ${where}: 'gold' must name the phrase(s) that answer it, or 'kind' must be '${OUT_OF_SCOPE_KIND}' (the article does not answer it)`,
      );
    } else if (gold.length > 0 && kind === OUT_OF_SCOPE_KIND) {
      throw new CorpusError(`corpus: ${where}: a question of kind '${OUT_OF_SCOPE_KIND}' has no 'gold' phrases`);
    }
    const paragraphs = new Set<number>();
    for (const phrase of gold) {
      const found = (article?.paragraphs ?? []).filter((p) => p.text.includes(phrase));
      if (found.length !== 1)
        throw new CorpusError(
          found.length === 0
            ? `corpus: ${where}: gold phrase "${phrase}" does not occur verbatim in ${article?.id} (check spelling, quotes and apostrophes)`
            : `corpus: ${where}: gold phrase "${phrase}" occurs in paragraphs ${found.map((p) => p.number).join(", ")} of ${article?.id}; make it longer, so it names one`,
        );
      paragraphs.add((found[0] as Paragraph).number);
    }
    out.push({
      id,
      text: q,
      articleId: article?.id ?? null,
      paragraphs: [...paragraphs].sort((a, b) => a - b),
      gold,
      kind,
      voice,
      split,
      source: where,
    });
  });
  return out;
}

function loadQuestions(dir: string, articles: ReadonlyMap<string, Article>): LabelledQuestion[] {
  const all: LabelledQuestion[] = [];
  const seen = new Map<string, string>();
  for (const path of listFiles(join(dir, "questions"), [".jsonl"])) {
    const file = relative(dir, path);
    const name = basename(path, ".jsonl");
    const article = articles.get(name);
    if (!article && name !== OFF_TOPIC_QUESTIONS)
      throw new CorpusError(
        `corpus: ${file}: names no article; a questions file is named after its article's id (or ${OFF_TOPIC_QUESTIONS}.jsonl)`,
      );
    for (const question of parseQuestions(file, readText(file, path), article ?? null)) {
      const first = seen.get(question.id);
      if (first) throw new CorpusError(`corpus: ${question.source}: 'id' ${question.id} is already used at ${first}`);
      seen.set(question.id, question.source);
      all.push(question);
    }
  }
  return all;
}

function newestFirst<T>(items: T[], date: (item: T) => string, id: (item: T) => string): T[] {
  return items.sort((a, b) => date(b).localeCompare(date(a)) || id(a).localeCompare(id(b)));
}

/**
 * Loads and validates the whole corpus: `articles/*.md`, `aliases.yaml`, `status/*.yaml`, `questions.yaml` and
 * `questions/*.jsonl`.
 * Throws a CorpusError naming the file and the field at the first problem.
 */
export function loadCorpus(folder: string = DEFAULT_CORPUS_DIR): Corpus {
  const dir = resolve(folder);
  if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) {
    throw new CorpusError(`corpus: folder does not exist: ${dir} (check CORPUS_DIR, or leave it empty for the shipped corpus)`);
  }
  const articleFiles = listFiles(join(dir, "articles"), [".md"]);
  const byId = new Map<string, Article>();
  for (const path of articleFiles) {
    const file = relative(dir, path);
    const article = parseArticle(file, readText(file, path));
    const existing = byId.get(article.id);
    if (existing)
      throw new CorpusError(`corpus: ${file}: 'id' ${article.id} is already used by ${existing.file}`);
    byId.set(article.id, article);
  }
  if (byId.size === 0)
    throw new CorpusError(
      `corpus: ${dir}: no articles found in articles/*.md (each article is a Markdown file in ${join(dir, "articles")})`,
    );

  const aliasPath = join(dir, "aliases.yaml");
  const aliases = existsSync(aliasPath)
    ? parseAliases("aliases.yaml", readYaml("aliases.yaml", aliasPath))
    : { entries: new Map() };

  const questionsPath = join(dir, "questions.yaml");
  let suggestedQuestions: string[] = [];
  if (existsSync(questionsPath)) {
    const parsed = questionsFile.safeParse(readYaml("questions.yaml", questionsPath) ?? []);
    if (!parsed.success) throw zodProblem("questions.yaml", parsed.error);
    suggestedQuestions = parsed.data;
  }

  const cards = listFiles(join(dir, "status"), [".yaml", ".yml"]).map((path) => {
    const file = relative(dir, path);
    return parseStatusCard(file, readYaml(file, path), byId);
  });
  const seenCards = new Set<string>();
  for (const card of cards) {
    if (seenCards.has(card.id)) throw new CorpusError(`corpus: ${card.file}: 'id' ${card.id} is used twice`);
    seenCards.add(card.id);
  }

  const questions = loadQuestions(dir, byId);

  return {
    dir,
    articles: newestFirst(
      [...byId.values()],
      (a) => a.published,
      (a) => a.id,
    ),
    aliases,
    statusCards: newestFirst(
      cards,
      (c) => c.asOf,
      (c) => c.id,
    ),
    suggestedQuestions,
    questions,
  };
}
