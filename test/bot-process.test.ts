/**
 * `npm start` with a token, as a real process against the fake Discord: it connects, answers, refuses a
 * second copy on the same database, and shuts down cleanly on SIGTERM without printing the token. A restore
 * cannot replace the database under it, even while it is stopped; a file replaced by hand stops it.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { readFileSync, renameSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { backupDatabase } from "../src/storage/backup.js";
import { botEnv, TEST_TOKEN, tempDir } from "./support/bot.js";
import { startBotProcess } from "./support/bot-process.js";
import { type FakeDiscord, startFakeDiscord } from "./support/fake-discord.js";
import { BIN, cleanEnv } from "./support/run-cli.js";

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

const MOD = { permissions: ["ManageGuild", "ViewChannel", "SendMessages"] as const };
const text = (reply: { data: unknown }) => JSON.stringify(reply.data);

/** `talks-bot ARGS` as a child process on the bot's database. */
async function cli(args: string[], databasePath: string, cwd: string) {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd,
    env: cleanEnv({ DATABASE_PATH: databasePath }),
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

/** When the bot's lease runs out, read with a connection closed at once (it would hold the file open). */
function leaseExpiresAt(databasePath: string): number {
  const db = new Database(databasePath, { readonly: true });
  try {
    return Number(db.prepare("SELECT expires_at FROM leases WHERE name = 'bot'").pluck().get());
  } finally {
    db.close();
  }
}

/** The process's state letter in /proc (T: stopped). */
const stateOf = (pid: number) => readFileSync(`/proc/${pid}/stat`, "utf8").replace(/^.*\) /s, "")[0];

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

  it("cannot be outrun by a restore while it is stopped: restore refuses, naming it, and no later save is lost", async () => {
    fake = await startFakeDiscord({ token: TEST_TOKEN, heartbeatIntervalMs: 500 });
    const dir = tempDir();
    dirs.push(dir);
    const databasePath = join(dir.path, "bot.db");
    const env = botEnv(fake, databasePath, { LOG_LEVEL: "info", SHARD_LEASE_SECONDS: "3" });
    const general = fake.findChannel("general");
    const bot = startProcess(env, dir.path);
    await bot.logged(/"msg":"connected to Discord"/);
    await fake.command("reminders set", { channel: general.id, time: "07:30", timezone: "UTC" }, MOD);
    backupDatabase(databasePath, join(dir.path, "backup.db"), { force: false });

    // Stopped (Ctrl-Z) for longer than its lease: the lease says nothing, the open file still does.
    const pid = bot.child.pid ?? 0;
    bot.child.kill("SIGSTOP");
    await expect.poll(() => stateOf(pid)).toBe("T");
    // Past its lease's end by the database's clock: a check of the lease alone would let the restore through.
    await expect
      .poll(() => leaseExpiresAt(databasePath) < Date.now(), { timeout: 10_000, interval: 100 })
      .toBe(true);
    const restore = await cli(["restore", join(dir.path, "backup.db")], databasePath, dir.path);
    expect(restore.code).toBe(1);
    expect(restore.stderr).toMatch(
      new RegExp(
        `bot\\.db is open in process ${pid} \\(.*talks-bot.* start\\), which is stopped: resume it with \`kill -CONT ${pid}\``,
      ),
    );
    bot.child.kill("SIGCONT");

    const set = await fake.command(
      "reminders set",
      { channel: general.id, time: "11:11", timezone: "UTC" },
      MOD,
    );
    expect(text(set)).toContain("11:11");
    bot.child.kill("SIGTERM");
    expect(await bot.exited).toBe(0);

    const again = startProcess(env, dir.path);
    await again.logged(/"msg":"connected to Discord"/);
    expect(text(await fake.command("reminders show", {}, MOD))).toContain("11:11");
    again.child.kill("SIGTERM");
    expect(await again.exited).toBe(0);
  });

  it("stops with a clear line when its database file is replaced under it, and saves nowhere", async () => {
    fake = await startFakeDiscord({ token: TEST_TOKEN, heartbeatIntervalMs: 500 });
    const dir = tempDir();
    dirs.push(dir);
    const databasePath = join(dir.path, "bot.db");
    const env = botEnv(fake, databasePath, { LOG_LEVEL: "info" });
    const general = fake.findChannel("general");
    const bot = startProcess(env, dir.path);
    await bot.logged(/"msg":"connected to Discord"/);
    await fake.command("reminders set", { channel: general.id, time: "07:30", timezone: "UTC" }, MOD);
    backupDatabase(databasePath, join(dir.path, "backup.db"), { force: false });
    // Put in place by hand, past restore's checks.
    renameSync(join(dir.path, "backup.db"), databasePath);

    const set = await fake.command(
      "reminders set",
      { channel: general.id, time: "11:11", timezone: "UTC" },
      MOD,
    );
    expect(text(set)).not.toContain("11:11");
    expect(await bot.exited).toBe(1);
    expect(bot.stderr()).toContain(
      "the database file was replaced while the bot had it open (a restore, or a move); stopping",
    );
    // The file at the path is the one put there, untouched; the one the bot had open is gone with it.
    const db = new Database(databasePath, { readonly: true });
    expect(db.prepare("SELECT time FROM reminders").pluck().all()).toEqual(["07:30"]);
    db.close();
  });
});
