/**
 * `npm start` with a token, as a real process against the fake Discord: it connects, answers, refuses a
 * second copy on the same database, and shuts down cleanly on SIGTERM without printing the token.
 */
import type { ChildProcess } from "node:child_process";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { botEnv, TEST_TOKEN, tempDir } from "./support/bot.js";
import { startBotProcess } from "./support/bot-process.js";
import { type FakeDiscord, startFakeDiscord } from "./support/fake-discord.js";

let fake: FakeDiscord | undefined;
const children: ChildProcess[] = [];
const dirs: { cleanup(): void }[] = [];

afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
  await fake?.close();
  fake = undefined;
  for (const dir of dirs.splice(0)) dir.cleanup();
});

const startProcess = (env: Record<string, string>, cwd: string) => startBotProcess(env, cwd, children);

describe("the bot process", () => {
  it("connects, answers, refuses a second copy, and stops cleanly on SIGTERM", async () => {
    fake = await startFakeDiscord({ token: TEST_TOKEN, heartbeatIntervalMs: 500 });
    const dir = tempDir();
    dirs.push(dir);
    const env = botEnv(fake, join(dir.path, "bot.db"), { LOG_LEVEL: "info" });
    const bot = startProcess(env, dir.path);
    await bot.logged(/"msg":"connected to Discord"/);
    const reply = await fake.command("ask", { question: "who is brokering the talks" });
    expect(JSON.stringify(reply.data.embeds)).toContain("Qatar, Egypt and the United States");

    const second = startProcess(env, dir.path);
    expect(await second.exited).toBe(1);
    expect(second.stderr()).toMatch(/talks-bot: another talks-bot process .* is running on /);

    bot.child.kill("SIGTERM");
    expect(await bot.exited).toBe(0);
    const logs = bot.stderr();
    expect(logs).toContain('"msg":"connected to Discord"');
    expect(logs).toContain('"msg":"shutting down"');
    expect(logs).toMatch(
      /"command":"ask".*"outcome":"ok".*"msg":"interaction"|"msg":"interaction".*"command":"ask"/,
    );
    expect(logs + second.stderr()).not.toContain(TEST_TOKEN);
  });

  it("starts at once after the previous process was killed, instead of waiting out its lock", async () => {
    fake = await startFakeDiscord({ token: TEST_TOKEN, heartbeatIntervalMs: 500 });
    const dir = tempDir();
    dirs.push(dir);
    const env = botEnv(fake, join(dir.path, "bot.db"), { LOG_LEVEL: "info" });
    const first = startProcess(env, dir.path);
    await first.logged(/"msg":"connected to Discord"/);
    first.child.kill("SIGKILL");
    await first.exited;
    const second = startProcess(env, dir.path);
    await second.logged(/"msg":"connected to Discord"/);
    expect(second.stderr()).toContain(
      "taking over the lock of a talks-bot process that is no longer running",
    );
    second.child.kill("SIGTERM");
    expect(await second.exited).toBe(0);
  });
});
