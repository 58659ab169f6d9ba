/**
 * Fault cases from RELIABILITY.md §3 against the real bot and the fake Discord: slow work, handler bugs,
 * lost acknowledgements, expired tokens, gateway drops, a second process, and what reaches the logs.
 */

import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { CorpusError } from "../src/errors.js";
import { AlreadyRunningError } from "../src/lease/acquire.js";
import type { BotContext, Command } from "../src/runtime/command.js";
import { SqliteStorage } from "../src/storage/sqlite.js";
import { startTestBot, TEST_TOKEN, type TestBot, tempDir } from "./support/bot.js";
import { copyCorpus } from "./support/corpus.js";
import { type FakeDiscord, startFakeDiscord } from "./support/fake-discord.js";

let fake: FakeDiscord | undefined;
const bots: TestBot[] = [];
const dirs: { cleanup(): void }[] = [];

afterEach(async () => {
  for (const bot of bots.splice(0)) await bot.stop();
  await fake?.close();
  fake = undefined;
  for (const dir of dirs.splice(0)) dir.cleanup();
});

async function setup(override?: (ctx: BotContext) => BotContext, env: Record<string, string> = {}) {
  fake = await startFakeDiscord({ token: TEST_TOKEN, heartbeatIntervalMs: 500 });
  const dir = tempDir();
  dirs.push(dir);
  const bot = await startTestBot(fake, {
    databasePath: join(dir.path, "bot.db"),
    env,
    // A short acknowledgement deadline stands in for Discord's 3 s, so no test waits in real time.
    router: { ackDeadlineMs: 50 },
    ...(override ? { override } : {}),
  });
  bots.push(bot);
  return { fake, bot, dir };
}

/** A handler's dependency that stays busy until the test lets it go. */
function gate(): { wait: Promise<void>; open(): void } {
  let open = () => {};
  const wait = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { wait, open };
}

/** Replaces the /ask handler: the seam where a slow or failing dependency would sit. */
function withAsk(wrap: (original: Command["run"]) => Command["run"]) {
  return (ctx: BotContext): BotContext => ({
    ...ctx,
    commands: ctx.commands.map((c) => (c.data.name === "ask" ? { ...c, run: wrap(c.run.bind(c)) } : c)),
  });
}

function logText(bot: TestBot): string {
  return bot.logs.map((line) => JSON.stringify(line)).join("\n");
}

describe("slow and failing handlers", () => {
  it("acknowledges a slow answer with a deferral first, then edits in the answer", async () => {
    const slow = gate();
    const { fake } = await setup(
      withAsk((run) => async (invocation, ctx) => {
        await slow.wait;
        return run(invocation, ctx);
      }),
    );
    const handle = fake.interact(fake.build.command("ask", { question: "who is brokering the talks" }));
    const first = await handle.callback();
    expect(first.callbackType).toBe(5);
    slow.open();
    const reply = await handle.reply();
    expect(reply.kind).toBe("edit");
    expect(JSON.stringify(reply.data.embeds)).toContain("brokered by Qatar, Egypt and the United States");
    expect(reply.data.allowed_mentions).toEqual({ parse: [] });
  });

  it("answers a bug with a short private apology naming the interaction, logs it, and keeps running", async () => {
    const { fake, bot } = await setup(
      withAsk(() => () => {
        throw new Error("index exploded");
      }),
    );
    const handle = fake.interact(fake.build.command("ask", { question: "anything" }));
    const reply = await handle.reply();
    expect(reply.ephemeral).toBe(true);
    expect(JSON.stringify(reply.data.embeds)).toContain(`reference ${handle.id}`);
    expect(JSON.stringify(reply.data.embeds)).not.toContain("index exploded");
    const logged = bot.logs.find((l) => l.msg === "command failed");
    expect(logged?.interactionId).toBe(handle.id);
    expect(JSON.stringify(logged)).toContain("index exploded");
    const next = await fake.command("status");
    expect(next.callbackType).toBe(4);
  });

  it("a failure after a public deferral still answers privately", async () => {
    const slow = gate();
    const { fake } = await setup(
      withAsk(() => async () => {
        await slow.wait;
        throw new Error("late failure");
      }),
    );
    const handle = fake.interact(fake.build.command("ask", { question: "anything" }));
    expect((await handle.callback()).callbackType).toBe(5);
    slow.open();
    const followUp = await handle.response((r) => r.kind === "followup", 10_000);
    expect(followUp.ephemeral).toBe(true);
    expect(handle.responses().map((r) => r.kind)).toEqual(["callback", "delete", "followup"]);
  });

  it("a lost acknowledgement (10062) is logged, not retried into a crash, and the bot keeps answering", async () => {
    const { fake, bot } = await setup();
    fake.failNext("POST /interactions/:id/:token/callback", {
      status: 404,
      code: 10062,
      message: "Unknown interaction",
      times: 2,
    });
    const handle = fake.interact(fake.build.command("status"));
    await fake.until(
      () =>
        bot.logs.find((l) => l.msg === "could not deliver the error reply" && l.interactionId === handle.id),
      5000,
    );
    expect(handle.callbackAttempts()).toHaveLength(2);
    const next = await fake.command("help");
    expect(next.callbackType).toBe(4);
    expect(logText(bot)).not.toContain(handle.token);
  });

  it("an edit after the interaction token expired is logged and harms nothing", async () => {
    const slow = gate();
    const { fake, bot } = await setup(
      withAsk((run) => async (invocation, ctx) => {
        await slow.wait;
        return run(invocation, ctx);
      }),
    );
    const handle = fake.interact(fake.build.command("ask", { question: "who is mediating" }));
    expect((await handle.callback()).callbackType).toBe(5);
    handle.expireToken();
    slow.open();
    await fake.until(
      () =>
        bot.logs.find((l) => l.msg === "could not deliver the error reply" && l.interactionId === handle.id),
      8000,
    );
    expect(logText(bot)).not.toContain(handle.token);
    expect((await fake.command("help")).callbackType).toBe(4);
  });

  it("a per-user cooldown on /ask answers privately and kindly", async () => {
    const { fake } = await setup(undefined, { ASK_COOLDOWN_SECONDS: "30" });
    await fake.command("ask", { question: "who is mediating" });
    const again = await fake.command("ask", { question: "who is mediating" });
    expect(again.ephemeral).toBe(true);
    expect(JSON.stringify(again.data.embeds)).toMatch(/please wait \d+ s/);
  });
});

describe("connection and process faults", () => {
  it("resumes after the gateway drops and answers the next command", async () => {
    const { fake } = await setup();
    const resumes = fake.resumes.length;
    await fake.dropGateway(4000);
    await fake.until(() => fake.resumes.length > resumes, 10_000, "a RESUME");
    const reply = await fake.command("ask", { question: "where is burns going on friday" });
    expect(JSON.stringify(reply.data.embeds)).toContain("Paris");
  });

  it("a damaged corpus stops start-up before any login, and frees its lock", async () => {
    fake = await startFakeDiscord({ token: TEST_TOKEN });
    const corpus = copyCorpus();
    dirs.push({ cleanup: () => corpus.remove() });
    corpus.write("questions.yaml", "who: is mediating\n");
    const dir = tempDir();
    dirs.push(dir);
    const databasePath = join(dir.path, "bot.db");
    await expect(
      startTestBot(fake, { databasePath, env: { CORPUS_DIR: corpus.dir, CACHE_DIR: dir.path } }),
    ).rejects.toThrow(CorpusError);
    expect(fake.gateway.identifies).toEqual([]);
    // The lock was released: a start with a good corpus goes ahead at once.
    bots.push(await startTestBot(fake, { databasePath, deploy: false }));
    expect(fake.gateway.identifies).toHaveLength(1);
  });

  it("refuses to start a second process on the same database", async () => {
    const { fake, bot } = await setup();
    await expect(startTestBot(fake, { databasePath: bot.databasePath, deploy: false })).rejects.toThrow(
      AlreadyRunningError,
    );
    await expect(startTestBot(fake, { databasePath: bot.databasePath, deploy: false })).rejects.toThrow(
      /another talks-bot process .* is running/,
    );
  });

  it("waits for a lease another host stopped renewing, and refuses one that is still being renewed", async () => {
    const { fake, bot } = await setup();
    await bot.stop();
    const storage = SqliteStorage.open(bot.databasePath);
    try {
      // A process on another host held the bot's lease and died: nothing renews it.
      await storage.acquireLease("other-host:4242:dead", 3000, Date.now());
      const env = { SHARD_LEASE_SECONDS: "3" };
      const next = await startTestBot(fake, { databasePath: bot.databasePath, deploy: false, env });
      expect(
        next.logs.some((l) => l.msg === "the bot is held by another process; waiting for its lock to expire"),
      ).toBe(true);
      await next.stop();

      // One that keeps renewing is alive: after one lifetime of waiting, the second process refuses.
      await storage.acquireLease("other-host:4343:alive", 3000, Date.now());
      const renewing = setInterval(
        () => void storage.renewLease("other-host:4343:alive", 3000, Date.now()),
        500,
      );
      try {
        await expect(
          startTestBot(fake, { databasePath: bot.databasePath, deploy: false, env }),
        ).rejects.toThrow(/another talks-bot process \(other-host:4343:alive\) is running on .* for the bot/);
      } finally {
        clearInterval(renewing);
      }
    } finally {
      await storage.close();
    }
  });

  it("never writes the bot token or an interaction token to the logs", async () => {
    const { fake, bot } = await setup();
    fake.failNext("POST /interactions/:id/:token/callback", { status: 500, times: 8 });
    const handle = fake.interact(fake.build.command("help"));
    await fake.until(
      () => bot.logs.find((l) => l.interactionId === handle.id && l.msg === "interaction"),
      15_000,
    );
    const text = logText(bot);
    expect(text).not.toContain(TEST_TOKEN);
    expect(text).not.toContain(handle.token);
    expect(text).toContain("[redacted]");
  });
});
