/**
 * A running bot picks up a changed corpus folder without a restart: the real bot against the fake Discord,
 * on a copy of the corpus, with interactions arriving while it reloads. Every wait is for a log line or a reply.
 */
import { copyFileSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startTestBot, TEST_TOKEN, type TestBot, tempDir } from "./support/bot.js";
import { copyCorpus } from "./support/corpus.js";
import { type FakeDiscord, startFakeDiscord } from "./support/fake-discord.js";
import type { InteractionResponseRecord } from "./support/fake-discord-routes.js";

const PORT_ELLERY = join(import.meta.dirname, "fixtures", "port-ellery", "articles");
/** The fictional report of 4 June 2025: the dockworkers accept a 5% rise. */
const DEAL = "2025-06-04-harbour-wire-dockworkers-accept-deal.md";
/** The fictional report of 13 May 2025: a retired judge takes over the talks. */
const JUDGE = "2025-05-13-harbour-wire-retired-judge-takes-over-talks.md";
const DEAL_QUESTION = "what pay rise did the dockworkers accept?";

let fake: FakeDiscord | undefined;
let bot: TestBot | undefined;
const cleanups: (() => void)[] = [];

afterEach(async () => {
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
