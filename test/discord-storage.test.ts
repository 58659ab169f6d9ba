/**
 * Storage faults through the real bot and the fake Discord: a full disk never yields "saved", and a write
 * lock held by another process never stops the bot from answering.
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { afterEach, describe, expect, it } from "vitest";
import { SqliteStorage } from "../src/storage/sqlite.js";
import { startTestBot, TEST_TOKEN, type TestBot, tempDir } from "./support/bot.js";
import { type FakeDiscord, startFakeDiscord } from "./support/fake-discord.js";
import { mountSmallDisk, type SmallDisk } from "./support/full-disk.js";

const MOD = { permissions: ["ManageGuild", "ViewChannel", "SendMessages"] as const };
let fake: FakeDiscord | undefined;
let bot: TestBot | undefined;
const cleanups: (() => void)[] = [];

afterEach(async () => {
  await bot?.stop();
  bot = undefined;
  await fake?.close();
  fake = undefined;
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

const text = (reply: { data: unknown }) => JSON.stringify(reply.data);

describe("a full disk", () => {
  it("answers /reminders set with 'not saved', logs one error and stores nothing", async () => {
    const disk: SmallDisk | null = mountSmallDisk(1024);
    // The project's machines and CI run as root; elsewhere the storage tests cover SQLite's page limit.
    if (!disk) return;
    cleanups.push(() => disk.unmount());
    fake = await startFakeDiscord({ token: TEST_TOKEN });
    const databasePath = join(disk.dir, "bot.db");
    bot = await startTestBot(fake, { databasePath });
    const general = fake.findChannel("general");
    disk.fill();
    const before = bot.logs.length;
    for (let attempt = 0; attempt < 3; attempt++) {
      const set = await fake.command(
        "reminders set",
        { channel: general.id, time: "07:00", timezone: "UTC" },
        MOD,
      );
      expect(set.ephemeral).toBe(true);
      expect(text(set)).toContain("Not saved: the server's disk is full, so nothing was changed");
      expect(text(set)).not.toMatch(/countdown saved/i);
    }
    const errors = bot.logs.slice(before).filter((l) => l.level === 50);
    expect(errors).toHaveLength(3);
    expect(JSON.stringify(errors[0])).toContain("SQLITE_FULL");
    // Nothing reached the file, from another connection or after a restart.
    const other = SqliteStorage.open(databasePath, { readonly: true });
    expect(await other.getReminder(fake.guild().id)).toBeNull();
    await other.close();
    const show = await fake.command("reminders show", {}, MOD);
    expect(text(show)).toContain("No daily countdown");
    disk.free();
    const saved = await fake.command(
      "reminders set",
      { channel: general.id, time: "07:00", timezone: "UTC" },
      MOD,
    );
    expect(text(saved)).toContain("Daily countdown saved");
  });
});

/** Another process that takes the database's write lock and holds it until told to let go. */
function holdWriteLock(databasePath: string): Promise<{ release(): Promise<void> }> {
  const script = `
    const Database = require(${JSON.stringify(require.resolve("better-sqlite3"))});
    const db = new Database(process.argv[1]);
    db.exec("BEGIN IMMEDIATE");
    db.prepare("UPDATE leases SET expires_at = expires_at").run();
    process.stdout.write("locked\\n");
    process.stdin.once("data", () => { db.exec("ROLLBACK"); db.close(); process.exit(0); });`;
  const child = spawn(process.execPath, ["-e", script, databasePath], { stdio: ["pipe", "pipe", "inherit"] });
  cleanups.push(() => child.kill("SIGKILL"));
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    createInterface({ input: child.stdout }).once("line", () =>
      resolve({
        release: () =>
          new Promise<void>((done) => {
            child.once("exit", () => done());
            child.stdin.end("release\n");
          }),
      }),
    );
  });
}

describe("a write lock held by another process", () => {
  async function setup(busyTimeoutMs: number) {
    fake = await startFakeDiscord({ token: TEST_TOKEN });
    const dir = tempDir();
    cleanups.push(dir.cleanup);
    const databasePath = join(dir.path, "bot.db");
    const storage = SqliteStorage.open(databasePath, { busyTimeoutMs });
    bot = await startTestBot(fake, { databasePath, storage });
    cleanups.push(() => void storage.close());
    const general = fake.findChannel("general");
    const saved = await fake.command(
      "reminders set",
      { channel: general.id, time: "07:00", timezone: "UTC" },
      MOD,
    );
    expect(text(saved)).toContain("Daily countdown saved");
    return { fake, storage, general, databasePath };
  }

  it("never stops the bot: 200 /ask and 20 /reminders show are answered while a write waits for it", async () => {
    const { fake, storage, general, databasePath } = await setup(60_000);
    const lock = await holdWriteLock(databasePath);
    // This write waits for the lock, retrying on timers; meanwhile everything else is answered.
    const waiting = fake.interact(
      fake.build.command("reminders set", { channel: general.id, time: "09:00", timezone: "UTC" }, MOD),
    );
    const asks = Array.from({ length: 200 }, (_, i) =>
      fake.interact(
        fake.build.command("ask", {
          question: i % 2 ? "how many people fled to rafah" : "who is brokering the talks",
        }),
      ),
    );
    const shows = Array.from({ length: 20 }, () =>
      fake.interact(fake.build.command("reminders show", {}, MOD)),
    );
    const replies = await Promise.all([...asks, ...shows].map((handle) => handle.reply(20_000)));
    // Every one was acknowledged within Discord's 3 seconds (the fake answers 10062 otherwise) and answered;
    // the waiting write was acknowledged too, with a deferral.
    expect(fake.unansweredInteractions()).toEqual([]);
    expect(waiting.responses().map((r) => r.kind)).toEqual(["callback"]);
    for (const reply of replies.slice(0, 200)) expect(text(reply)).toMatch(/¶\d/);
    for (const reply of replies.slice(200)) expect(text(reply)).toContain("07:00");
    expect((await storage.getReminder(fake.guild().id))?.time).toBe("07:00");

    await lock.release();
    expect(text(await waiting.reply())).toContain("Daily countdown saved");
    expect((await storage.getReminder(fake.guild().id))?.time).toBe("09:00");
  });

  it("says try again, and saves nothing, when the lock outlasts the wait", async () => {
    const { fake, storage, general, databasePath } = await setup(300);
    const lock = await holdWriteLock(databasePath);
    const blocked = await fake.command(
      "reminders set",
      { channel: general.id, time: "09:00", timezone: "UTC" },
      MOD,
    );
    expect(text(blocked)).toContain("nothing was changed. Please try again in a moment.");
    await lock.release();
    expect((await storage.getReminder(fake.guild().id))?.time).toBe("07:00");
  });
});
