/**
 * A running bot picks up a changed corpus folder without a restart: the real bot against the fake Discord,
 * on a copy of the corpus, with interactions arriving while it reloads; then the real `talks-bot` process and
 * its SIGHUP, and `talks-bot reload`. Every wait is for a log line, a reply or a process exit.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { copyFileSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { botEnv, startTestBot, TEST_TOKEN, type TestBot, tempDir } from "./support/bot.js";
import { startBotProcess } from "./support/bot-process.js";
import { copyCorpus } from "./support/corpus.js";
import { type FakeDiscord, startFakeDiscord } from "./support/fake-discord.js";
import type { InteractionResponseRecord } from "./support/fake-discord-routes.js";
import { BIN, cleanEnv } from "./support/run-cli.js";

const PORT_ELLERY = join(import.meta.dirname, "fixtures", "port-ellery", "articles");
/** The fictional report of 4 June 2025: the dockworkers accept a 5% rise. */
const DEAL = "2025-06-04-harbour-wire-dockworkers-accept-deal.md";
/** The fictional report of 13 May 2025: a retired judge takes over the talks. */
const JUDGE = "2025-05-13-harbour-wire-retired-judge-takes-over-talks.md";
const DEAL_QUESTION = "what pay rise did the dockworkers accept?";

let fake: FakeDiscord | undefined;
let bot: TestBot | undefined;
const cleanups: (() => void)[] = [];
const children: ChildProcess[] = [];

afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
  await bot?.stop();
  bot = undefined;
  await fake?.close();
  fake = undefined;
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** The bot on a writable copy of the corpus (and its own corpus cache). */
async function setup() {
  fake = await startFakeDiscord({ token: TEST_TOKEN, heartbeatIntervalMs: 500 });
  const corpus = copyCorpus();
  const cache = tempDir();
  cleanups.push(corpus.remove, cache.cleanup);
  bot = await startTestBot(fake, { env: { CORPUS_DIR: corpus.dir, CACHE_DIR: cache.path } });
  return { fake, bot, corpus };
}

type Embed = { description?: string; fields?: { name: string; value: string }[]; footer?: { text: string } };
const embedOf = (reply: InteractionResponseRecord) => (reply.data.embeds?.[0] ?? {}) as Embed;
const customIds = (reply: InteractionResponseRecord) =>
  ((reply.data.components ?? []) as { components: { custom_id: string }[] }[]).flatMap((row) =>
    row.components.map((c) => c.custom_id),
  );
const msgOf = (line: Record<string, unknown>) => String(line.msg ?? "");
const reloaded = (line: Record<string, unknown>) => msgOf(line).startsWith("corpus reloaded");

/** The answer to DEAL_QUESTION as one corpus or the other gives it: never a citation of one with the other's date. */
function dealAnswerCorpus(reply: InteractionResponseRecord): "before" | "after" {
  const embed = embedOf(reply);
  const source = embed.fields?.find((f) => f.name === "Source")?.value ?? "";
  const footer = embed.footer?.text ?? "";
  if (/^The coverage I have doesn't say\./.test(embed.description ?? "")) {
    expect(footer).toMatch(/^As of 22 February 2024/);
    return "before";
  }
  expect(embed.description).toContain("5% pay rise");
  expect(source).toMatch(/^Harbour Wire \(fictional\), .*4 June 2025/);
  expect(footer).toMatch(/^As of 4 June 2025/);
  return "after";
}

describe("a running bot reloads its corpus folder", () => {
  it("answers from a report added while interactions keep arriving, and fails none of them", async () => {
    const { fake, bot, corpus } = await setup();
    expect(dealAnswerCorpus(await fake.command("ask", { question: DEAL_QUESTION }))).toBe("before");
    const since = bot.logs.length;
    let done = false;
    const swapped = bot.logged(reloaded, { since, what: "the reload" }).then((line) => {
      done = true;
      return line;
    });
    // As `cp` or `talks-bot add` would put it there.
    copyFileSync(join(PORT_ELLERY, DEAL), join(corpus.dir, "articles", DEAL));
    const replies: { kind: string; reply: InteractionResponseRecord }[] = [];
    do {
      const round = await Promise.all([
        fake.command("ask", { question: DEAL_QUESTION }),
        fake.command("ask", { question: "who is brokering the talks" }),
        fake.autocomplete("ask", { question: "hostages" }),
        fake.command("quote", { speaker: "kirby" }),
        fake.command("status"),
        fake.command("help"),
      ]);
      replies.push(
        ...round.map((reply, i) => ({
          kind: ["deal", "ask", "auto", "quote", "status", "help"][i] ?? "",
          reply,
        })),
      );
    } while (!done);
    const line = await swapped;
    expect(line).toMatchObject({ generation: 2, articles: 2, reason: `changed: articles/${DEAL}` });

    // Each reply whole, from one corpus or the other.
    for (const { kind, reply } of replies) {
      // A message at once, or a deferral and its edit: never an error.
      if (kind === "auto") expect(reply.callbackType).toBe(8);
      else expect(reply.callbackType === 4 || reply.kind === "edit").toBe(true);
      if (kind === "deal") dealAnswerCorpus(reply);
      if (kind === "ask")
        expect(JSON.stringify(reply.data.embeds)).toContain("Qatar, Egypt and the United States");
    }
    // No interaction failed, none went unanswered. (The bot logs each once Discord has its reply.)
    const interactionLines = () => bot.logs.slice(since).filter((l) => l.msg === "interaction");
    await bot.logged(() => interactionLines().length >= replies.length, {
      since,
      what: "every interaction's line",
    });
    const interactions = interactionLines();
    expect(interactions.length).toBe(replies.length);
    expect(interactions.filter((l) => l.outcome !== "ok")).toEqual([]);
    expect(fake.unansweredInteractions()).toEqual([]);

    // After the swap: the new report answers (the same words as before, so no answer remembered from the old
    // engine), its speakers are quoted, and /help lists it.
    expect(dealAnswerCorpus(await fake.command("ask", { question: DEAL_QUESTION }))).toBe("after");
    expect(JSON.stringify((await fake.command("quote", { speaker: "brackwater" })).data)).toContain(
      "best pay rise on this waterfront",
    );
    expect(JSON.stringify((await fake.command("help")).data)).toContain("Harbour Wire (fictional)");
  });

  it("rejects a report that fails validation, naming the file and why, keeps serving, and takes the fixed file", async () => {
    const { fake, bot, corpus } = await setup();
    const since = bot.logs.length;
    const broken = readFileSync(join(PORT_ELLERY, DEAL), "utf8").replace(
      "published: 2025-06-04",
      "published: early June",
    );
    writeFileSync(join(corpus.dir, "articles", DEAL), broken);
    const rejected = await bot.logged((l) => l.level === 50 && msgOf(l).startsWith("corpus: "), {
      since,
      what: "the rejection",
    });
    expect(msgOf(rejected)).toBe(
      `corpus: articles/${DEAL}: 'published' must be an ISO date; the corpus was not reloaded, the previous one keeps serving`,
    );
    expect(rejected).toMatchObject({ file: `articles/${DEAL}` });
    expect(bot.live.generation).toBe(1);
    expect(dealAnswerCorpus(await fake.command("ask", { question: DEAL_QUESTION }))).toBe("before");
    expect(
      JSON.stringify((await fake.command("ask", { question: "who is brokering the talks" })).data),
    ).toContain("Qatar, Egypt and the United States");

    copyFileSync(join(PORT_ELLERY, DEAL), join(corpus.dir, "articles", DEAL));
    await bot.logged(reloaded, { since, what: "the reload of the fixed file" });
    expect(bot.live.generation).toBe(2);
    expect(dealAnswerCorpus(await fake.command("ask", { question: DEAL_QUESTION }))).toBe("after");
  });

  it("renders an answer's buttons with the corpus it was made from, after a reload replaced that corpus", async () => {
    const { fake, bot, corpus } = await setup();
    copyFileSync(join(PORT_ELLERY, DEAL), join(corpus.dir, "articles", DEAL));
    await bot.logged(reloaded, { what: "the first reload" });
    const answer = await fake.command("ask", { question: DEAL_QUESTION, hide: true });
    expect(dealAnswerCorpus(answer)).toBe("after");
    const more = customIds(answer).find((id) => id.startsWith("ask:more:")) ?? "";
    const publish = customIds(answer).find((id) => id.startsWith("ask:public:")) ?? "";

    // The report it cites goes, another comes: the corpus now ends on 13 May 2025.
    const since = bot.logs.length;
    rmSync(join(corpus.dir, "articles", DEAL));
    copyFileSync(join(PORT_ELLERY, JUDGE), join(corpus.dir, "articles", JUDGE));
    await bot.logged(reloaded, { since, what: "the second reload" });
    expect(bot.live.generation).toBe(3);
    expect(embedOf(await fake.command("ask", { question: DEAL_QUESTION })).footer?.text).toMatch(
      /^As of 13 May 2025/,
    );

    const sources = await fake.click(more, { message: answer.message });
    expect(embedOf(sources).footer?.text).toMatch(/^As of 4 June 2025/);
    const click = fake.interact(fake.build.button(publish, { message: answer.message }));
    const posted = await click.response((r) => r.kind === "followup");
    expect(dealAnswerCorpus(posted)).toBe("after");
    expect(bot.logs.slice(since).filter((l) => l.msg === "interaction" && l.outcome !== "ok")).toEqual([]);
  });

  it("rebuilds nothing when asked to reload files that did not change", async () => {
    const { bot } = await setup();
    expect(await bot.reload("test")).toEqual({ kind: "unchanged" });
    expect(bot.live.generation).toBe(1);
  });
});

/** `talks-bot reload` as a child process with the bot's settings. */
async function reloadCli(env: Record<string, string>, cwd: string) {
  const child = spawn(process.execPath, [BIN, "reload"], {
    cwd,
    env: cleanEnv(env),
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (chunk) => {
    stdout += String(chunk);
  });
  child.stderr?.on("data", (chunk) => {
    stderr += String(chunk);
  });
  const [code] = (await once(child, "close")) as [number | null];
  return { code, stdout, stderr };
}

describe("the bot process reloads on SIGHUP and on talks-bot reload", () => {
  it("reloads on SIGHUP, and talks-bot reload signals it, or says that none runs", async () => {
    fake = await startFakeDiscord({ token: TEST_TOKEN, heartbeatIntervalMs: 500 });
    const dir = tempDir();
    const corpus = copyCorpus();
    cleanups.push(dir.cleanup, corpus.remove);
    const env = botEnv(fake, join(dir.path, "bot.db"), {
      LOG_LEVEL: "info",
      CORPUS_DIR: corpus.dir,
      CACHE_DIR: join(dir.path, "cache"),
      HOST_ID: "reload-test-host",
    });
    const process_ = startBotProcess(env, dir.path, children);
    await process_.logged(/"msg":"connected to Discord"/);
    const pid = process_.child.pid ?? 0;

    process.kill(pid, "SIGHUP");
    await process_.logged(
      /"reason":"SIGHUP".*"msg":"corpus reload: the files are those of the corpus being served/,
    );

    // A report added, then the CLI: whichever of the watch and the signal comes first reloads it.
    copyFileSync(join(PORT_ELLERY, DEAL), join(corpus.dir, "articles", DEAL));
    const cli = await reloadCli(env, dir.path);
    expect(cli).toMatchObject({ code: 0, stderr: "" });
    expect(cli.stdout).toMatch(
      new RegExp(
        `^Signalled talks-bot process ${pid} \\(bot, running since \\d{4}-\\d\\d-\\d\\dT[^)]+\\): it reloads its corpus folder and logs the result\\.\\n$`,
      ),
    );
    // The signal's reload ran (the watch's may have run first, or merged the change into it).
    await process_.logged(/"reason":"SIGHUP".*"msg":"corpus reload: reading the corpus folder"/, 2);
    await process_.logged(/"msg":"corpus reloaded: 2 report\(s\)/);
    expect(dealAnswerCorpus(await fake.command("ask", { question: DEAL_QUESTION }))).toBe("after");

    // Another host's settings find no process here; a stopped bot leaves none.
    const elsewhere = await reloadCli({ ...env, HOST_ID: "another-host" }, dir.path);
    expect(elsewhere.code).toBe(1);
    expect(elsewhere.stderr).toContain(
      "talks-bot: note: 1 bot process(es) on other hosts (reload-test-host) were not signalled",
    );
    process_.child.kill("SIGTERM");
    expect(await process_.exited).toBe(0);
    const none = await reloadCli(env, dir.path);
    expect(none).toMatchObject({ code: 1, stdout: "" });
    expect(none.stderr).toMatch(
      /^talks-bot: reload: no talks-bot process is running on this host \(reload-test-host\) on .*bot\.db \(DATABASE_PATH\): nothing to reload\./,
    );
  });

  it("says so when the process holding the lock died without releasing it", async () => {
    fake = await startFakeDiscord({ token: TEST_TOKEN, heartbeatIntervalMs: 500 });
    const dir = tempDir();
    cleanups.push(dir.cleanup);
    const env = botEnv(fake, join(dir.path, "bot.db"), { LOG_LEVEL: "info", HOST_ID: "reload-test-host" });
    const process_ = startBotProcess(env, dir.path, children);
    await process_.logged(/"msg":"connected to Discord"/);
    process_.child.kill("SIGKILL");
    await process_.exited;
    const cli = await reloadCli(env, dir.path);
    expect(cli.code).toBe(1);
    expect(cli.stderr).toContain(
      `talks-bot: note: process ${process_.child.pid} (bot) stopped without releasing its lock, which runs out at `,
    );
    expect(cli.stderr).toContain("talks-bot: reload: no talks-bot process is running on this host");
  });

  it("refuses clearly when no bot ever ran with these settings", async () => {
    const dir = tempDir();
    cleanups.push(dir.cleanup);
    const cli = await reloadCli({ DATABASE_PATH: join(dir.path, "none.db") }, dir.path);
    expect(cli.code).toBe(1);
    expect(cli.stderr).toMatch(
      /^talks-bot: reload: no talks-bot process runs with these settings: there is no database at /,
    );
  });
});
