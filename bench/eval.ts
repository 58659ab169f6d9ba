/**
 * `npm run eval`: answer quality in one table, for three engines on three question sets.
 *
 * Engines, each run as a batch command (questions on stdin, one JSON line each on stdout):
 * - talks-bot: this checkout's `talks-bot ask --json`; on the held-back sets, the same engine with a question
 *   index of the `fit` part only (`bench/support/held-back-batch.ts`), so no question meets itself;
 * - previous: the engine as it was at BASELINE_COMMIT (fitted word-level features, no question index),
 *   checked out of git into a temporary folder and run from its sources;
 * - plain MiniSearch with its default options over the same paragraphs (`bench/support/plain-minisearch.ts`).
 *
 * Sets: the held-back part of the labelled questions (never fitted on, never in the index that answers them),
 * its off-topic messages apart, the shared development set (`../shared/eval/dev-questions.jsonl`, also scored
 * by its own `score-cli.mjs`), and the fictional fixture article's 40 questions (`test/fixtures/harbourton`),
 * a corpus with no labelled questions.
 *
 * Figures, as the shared scorer defines them: top1 / r3 (an answering paragraph first / in the first three
 * passages), refused (answerable questions answered null), high (answerable questions answered with
 * confidence "high"; an engine without tiers counts every answer as high), high right (top1 among those),
 * oos refused / oos high (out-of-scope questions refused / answered with high). Writes the tables to
 * `bench/eval-results.md` too.
 */
import { execFileSync, spawn } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { PROJECT_ROOT } from "../src/paths.js";
import {
  corpusQuestions,
  DEV_SET,
  devQuestions,
  type EvalQuestion,
  FIXTURE_DIR,
  fixtureQuestions,
  REPORTS_DIR,
  reportsQuestions,
  TUNING_REPORTS_DIRS,
} from "../src/tools/questions.js";

/** The last commit of the engine before it learned from the labelled questions: the engine this one replaces. */
const BASELINE_COMMIT = "919d203";
const SCORER = join(PROJECT_ROOT, "..", "shared", "eval", "score-cli.mjs");
/** The shipped article, which the development set is about. */
const SHIPPED_ARTICLE = "cnn-2024-02-22-ceasefire-talks";
/** Kinds of the labelled messages about something else entirely. */
const OFF_TOPIC_KINDS = ["offtopic", "greeting"];

interface Engine {
  readonly name: string;
  readonly command: readonly string[];
  /** The command for a set measured on questions the shipped question index holds (talks-bot's held-back). */
  readonly heldBackCommand?: readonly string[];
}

interface Reply {
  readonly answer: string | null;
  readonly confidence?: string;
  readonly passages: readonly {
    readonly paragraph: number;
    readonly article?: string;
    readonly text?: string;
  }[];
  readonly newestReport?: unknown;
}

function runBatch(engine: Engine, questions: readonly EvalQuestion[], corpusDir?: string): Promise<Reply[]> {
  return new Promise((resolve, reject) => {
    const [command, ...args] = engine.command;
    const child = spawn(command as string, args, {
      cwd: PROJECT_ROOT,
      env: { ...process.env, LOG_LEVEL: "silent", ...(corpusDir ? { CORPUS_DIR: corpusDir } : {}) },
      stdio: ["pipe", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => {
      out += chunk;
    });
    child.once("error", reject);
    child.once("close", () => {
      const replies = out
        .split("\n")
        .filter((line) => line.startsWith("{"))
        .map((line) => JSON.parse(line) as Reply);
      if (replies.length !== questions.length) {
        reject(
          new Error(`eval: ${engine.name} gave ${replies.length} answers for ${questions.length} questions`),
        );
      } else resolve(replies);
    });
    child.stdin.end(`${questions.map((q) => q.q.replace(/[\r\n]+/g, " ")).join("\n")}\n`);
  });
}

interface Figures {
  readonly answerable: number;
  readonly outOfScope: number;
  readonly top1: number;
  readonly r3: number;
  readonly refused: number;
  readonly high: number;
  readonly highRight: number;
  readonly oosRefused: number;
  readonly oosHigh: number;
}

interface Row {
  readonly question: EvalQuestion;
  readonly top1: boolean;
  readonly r3: boolean;
  readonly tier: "high" | "low" | "none";
  /** The first passage is from the report the question names (the newest, for a fact that changed). */
  readonly rightReport: boolean;
  /** The reply says how recent the coverage is. */
  readonly toldNewest: boolean;
}

function rows(questions: readonly EvalQuestion[], replies: readonly Reply[]): Row[] {
  return questions.map((question, i) => {
    const reply = replies[i] as Reply;
    // In a corpus of several reports a passage answers when it is the named report's paragraph, or holds a
    // gold phrase (a fact restated word for word by another report), as the shared scorer counts it.
    const answers = (p: Reply["passages"][number]) =>
      (question.article === undefined || p.article === question.article
        ? question.paras.includes(p.paragraph)
        : false) || question.gold.some((g) => p.text?.includes(g));
    const first = reply.passages.findIndex(answers);
    const tier = reply.answer === null ? "none" : reply.confidence === "low" ? "low" : "high";
    return {
      question,
      top1: first === 0,
      r3: first >= 0 && first < 3,
      tier,
      rightReport: reply.passages[0]?.article === question.article,
      toldNewest: reply.newestReport !== undefined,
    };
  });
}

function figures(list: readonly Row[]): Figures {
  const answerable = list.filter((r) => r.question.paras.length > 0);
  const oos = list.filter((r) => r.question.paras.length === 0);
  const share = (part: number, whole: number) => (whole === 0 ? Number.NaN : part / whole);
  const high = answerable.filter((r) => r.tier === "high");
  return {
    answerable: answerable.length,
    outOfScope: oos.length,
    top1: share(answerable.filter((r) => r.top1).length, answerable.length),
    r3: share(answerable.filter((r) => r.r3).length, answerable.length),
    refused: share(answerable.filter((r) => r.tier === "none").length, answerable.length),
    high: share(high.length, answerable.length),
    highRight: share(high.filter((r) => r.top1).length, high.length),
    oosRefused: share(oos.filter((r) => r.tier === "none").length, oos.length),
    oosHigh: share(oos.filter((r) => r.tier === "high").length, oos.length),
  };
}

const f2 = (x: number) => (Number.isNaN(x) ? "–" : x.toFixed(2));

function table(head: readonly string[], body: readonly (readonly string[])[]): string {
  return [
    `| ${head.join(" | ")} |`,
    `| ${head.map(() => "---").join(" | ")} |`,
    ...body.map((r) => `| ${r.join(" | ")} |`),
  ].join("\n");
}

/** The engine at BASELINE_COMMIT in a temporary folder (sharing this checkout's node_modules), or null. */
function previousEngine(): { engine: Engine; cleanup(): void } | null {
  const dir = mkdtempSync(join(tmpdir(), "talks-bot-baseline-"));
  try {
    const archive = execFileSync(
      "git",
      ["archive", BASELINE_COMMIT, "src", "corpus", "commands", "package.json"],
      {
        cwd: PROJECT_ROOT,
        maxBuffer: 64 * 1024 * 1024,
      },
    );
    execFileSync("tar", ["-x", "-C", dir], { input: archive });
    symlinkSync(join(PROJECT_ROOT, "node_modules"), join(dir, "node_modules"));
    return {
      engine: {
        name: `previous (${BASELINE_COMMIT})`,
        command: [process.execPath, "--import", "tsx", join(dir, "src", "bin.ts"), "ask", "--json"],
      },
      cleanup: () => rmSync(dir, { recursive: true, force: true }),
    };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    process.stderr.write(
      `eval: the previous engine is unavailable (${(error as Error).message.split("\n")[0]})\n`,
    );
    return null;
  }
}

/** A temporary copy of the shipped corpus with six fictional reports added (see the report's text). */
function corpusWithSixMoreReports(): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), "talks-bot-eval-"));
  cpSync(join(PROJECT_ROOT, "corpus"), dir, { recursive: true });
  const add = (from: string, names?: readonly string[]) => {
    for (const name of names ?? readdirSync(from)) cpSync(join(from, name), join(dir, "articles", name));
  };
  add(join(REPORTS_DIR, "articles"));
  add(join(FIXTURE_DIR, "articles"));
  const veyl = join(TUNING_REPORTS_DIRS[0] as string, "articles");
  add(veyl, readdirSync(veyl).sort().slice(0, 1));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The development set scored by its own scorer, one line per engine; empty when it is not beside the repo. */
function officialScores(engines: readonly Engine[]): string {
  if (!existsSync(SCORER) || !existsSync(DEV_SET)) return "";
  const lines = engines.map((engine) => {
    const out = execFileSync(process.execPath, [SCORER, "--batch", "--", ...engine.command], {
      cwd: PROJECT_ROOT,
      encoding: "utf8",
      env: { ...process.env, LOG_LEVEL: "silent" },
      maxBuffer: 16 * 1024 * 1024,
    });
    return `- ${engine.name}: \`${out.trim().split("\n").pop() ?? ""}\``;
  });
  return `\nThe development set through its own scorer (\`score-cli.mjs\`):\n\n${lines.join("\n")}\n`;
}

async function main(): Promise<void> {
  const ours: Engine = {
    name: "talks-bot",
    command: [process.execPath, join(PROJECT_ROOT, "src", "talks-bot.js"), "ask", "--json"],
    heldBackCommand: [
      process.execPath,
      "--import",
      "tsx",
      join(PROJECT_ROOT, "bench", "support", "held-back-batch.ts"),
    ],
  };
  const plain: Engine = {
    name: "plain MiniSearch",
    command: [
      process.execPath,
      "--import",
      "tsx",
      join(PROJECT_ROOT, "bench", "support", "plain-minisearch.ts"),
    ],
  };
  const previous = previousEngine();
  const engines = [ours, ...(previous ? [previous.engine] : []), plain];
  const heldBack = corpusQuestions().filter((q) => q.split === "held-back");
  const offTopic = (q: EvalQuestion) => OFF_TOPIC_KINDS.includes(q.kind);
  const sets: { name: string; questions: EvalQuestion[]; corpusDir?: string; heldBack?: boolean }[] = [
    { name: "held-back", questions: heldBack.filter((q) => !offTopic(q)), heldBack: true },
    { name: "held-back off-topic", questions: heldBack.filter(offTopic), heldBack: true },
    { name: "development set", questions: devQuestions() },
    { name: "fixture article", questions: fixtureQuestions(), corpusDir: FIXTURE_DIR },
  ].filter((s) => s.questions.length > 0);
  // Several reports of one story, none with labelled questions; and the shipped article among six more.
  const reportSets = [
    { name: "reports: port-ellery (measured)", dir: REPORTS_DIR },
    ...TUNING_REPORTS_DIRS.map((dir) => ({ name: `reports: ${basename(dir)} (tuned on)`, dir })),
  ].map((set) => ({ name: set.name, questions: reportsQuestions(set.dir), corpusDir: set.dir }));
  const withSixMore = corpusWithSixMoreReports();

  const body: string[][] = [];
  const reportRows: string[][] = [];
  const oursRows: Row[] = [];
  let official = "";
  try {
    for (const set of sets) {
      for (const engine of engines) {
        process.stderr.write(`eval: ${engine.name} on ${set.name}…\n`);
        const command = set.heldBack && engine.heldBackCommand ? engine.heldBackCommand : engine.command;
        const list = rows(
          set.questions,
          await runBatch({ ...engine, command }, set.questions, set.corpusDir),
        );
        if (engine === ours && set.name !== "fixture article") oursRows.push(...list);
        const f = figures(list);
        body.push([
          set.name,
          engine.name,
          `${f.answerable} + ${f.outOfScope}`,
          f2(f.top1),
          f2(f.r3),
          f2(f.refused),
          f2(f.high),
          f2(f.highRight),
          f2(f.oosRefused),
          f2(f.oosHigh),
        ]);
      }
    }
    official = officialScores(engines);
    for (const set of [
      ...reportSets,
      {
        name: "development set, among six more reports",
        questions: devQuestions().map((q) => ({ ...q, article: SHIPPED_ARTICLE })),
        corpusDir: withSixMore.dir,
      },
    ]) {
      process.stderr.write(`eval: talks-bot on ${set.name}…\n`);
      const list = rows(set.questions, await runBatch(ours, set.questions, set.corpusDir));
      const f = figures(list);
      const changed = list.filter((r) => r.question.earlier !== undefined);
      const after = list.filter((r) => r.question.kind === "after-newest");
      const share = (part: number, whole: number) => (whole === 0 ? Number.NaN : part / whole);
      reportRows.push([
        set.name,
        `${f.answerable} + ${f.outOfScope}`,
        f2(f.top1),
        f2(f.r3),
        f2(share(changed.filter((r) => r.rightReport).length, changed.length)),
        f2(share(after.filter((r) => r.toldNewest).length, after.length)),
        f2(f.refused),
        f2(f.high),
        f2(f.highRight),
      ]);
    }
  } finally {
    previous?.cleanup();
    withSixMore.cleanup();
  }
  const head = [
    "set",
    "engine",
    "questions",
    "top1",
    "r3",
    "refused",
    "high",
    "high right",
    "oos refused",
    "oos high",
  ];
  const goals = [
    "goal",
    "",
    "",
    "≥ 0.85",
    "≥ 0.95",
    "≤ 0.05",
    "≥ 0.50",
    "≥ 0.95",
    "≥ 0.65 (off-topic ≥ 0.95)",
    "≤ 0.05",
  ];
  const main = table(head, [...body, goals]);

  const kinds = [...new Set(oursRows.map((r) => r.question.kind))].sort();
  const perKind = table(
    ["kind", "questions", "top1", "r3", "refused", "high"],
    kinds.map((kind) => {
      const f = figures(oursRows.filter((r) => r.question.kind === kind));
      return kind === "oos"
        ? [
            kind,
            String(f.outOfScope),
            "–",
            "–",
            `${f2(f.oosRefused)} (oos refused)`,
            `${f2(f.oosHigh)} (oos high)`,
          ]
        : [kind, String(f.answerable), f2(f.top1), f2(f.r3), f2(f.refused), f2(f.high)];
    }),
  );

  const acrossReports = table(
    [
      "set",
      "questions",
      "top1",
      "r3",
      "newest leads (facts that changed)",
      "told how recent (after the newest)",
      "refused",
      "high",
      "high right",
    ],
    [...reportRows, ["goal", "", "≥ 0.75", "", "≥ 0.90", "≥ 0.80", "", "", ""]],
  );
  const report = `## Answer quality\n\ntalks-bot answers the held-back sets with a question index of the \`fit\` part only (\`bench/support/held-back-batch.ts\`), and the development set as shipped (\`talks-bot ask --json\`, both parts indexed; the development set is never indexed). Off-topic questions have no answer: only \`oos refused\` and \`oos high\` apply to them.\n\n${main}\n\nPer kind, talks-bot on the held-back part and the development set together:\n\n${perKind}\n${official}\n### Across reports\n\nFictional stories of four reports each, no labelled questions (\`test/fixtures/\`): the newest report must lead on a fact that changed, and a question about a time after the newest report must be told how recent the coverage is. Two stories were used to choose how close a newer report must come to lead (\`src/search/reports.ts\`); port-ellery measures it. The last row is the development set with the shipped article among six fictional reports (port-ellery's four, harbourton and one veyl-river report).\n\n${acrossReports}\n`;
  process.stdout.write(`${report}\n`);
  writeFileSync(join(PROJECT_ROOT, "bench", "eval-results.md"), `${report}`);
}

await main();
