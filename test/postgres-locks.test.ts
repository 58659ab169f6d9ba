/**
 * Bounded waits on PostgreSQL: another session holds the bot's tables locked (a migration by hand, a long
 * transaction left open). The bot's statements give up after `lock_timeout`, so every interaction is
 * acknowledged within Discord's deadline and answered "try again"; the failures are logged as timeouts, not as
 * an unreachable server; lease renewals wait one at a time instead of piling up on the pool; and once the lock
 * is released the bot saves again.
 */
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { startTestBot, TEST_TOKEN, type TestBot } from "./support/bot.js";
import { type FakeDiscord, startFakeDiscord } from "./support/fake-discord.js";
import { createTestSchema, type TestSchema } from "./support/postgres.js";

const MOD = { permissions: ["ManageGuild", "ViewChannel", "SendMessages"] as const };
const BUSY = "nothing was changed. Please try again in a moment.";

let fake: FakeDiscord | undefined;
let schema: TestSchema | undefined;
let bot: TestBot | undefined;
let holder: pg.Client | undefined;

afterEach(async () => {
  await holder?.end().catch(() => undefined);
  holder = undefined;
  await bot?.stop();
  bot = undefined;
  await fake?.close();
  fake = undefined;
  await schema?.drop();
  schema = undefined;
});

describe("a lock held on the bot's tables (PostgreSQL)", () => {
  it("answers every interaction in time with 'try again', logs timeouts as timeouts, and renews one at a time", async () => {
    schema = await createTestSchema("locks");
    fake = await startFakeDiscord({ token: TEST_TOKEN, heartbeatIntervalMs: 500 });
    bot = await startTestBot(fake, {
      env: {
        DATABASE_URL: schema.url,
        HOST_ID: "locks-host",
        // Renewals every second, each waiting up to 1.5 s for the lock: started on a timer, they would overlap.
        SHARD_LEASE_SECONDS: "3",
        DATABASE_LOCK_TIMEOUT_MS: "1500",
        DATABASE_STATEMENT_TIMEOUT_MS: "4000",
      },
    });
    const general = fake.findChannel("general");
    holder = new pg.Client({ connectionString: schema.url });
    await holder.connect();
    await holder.query("BEGIN");
    await holder.query("LOCK TABLE reminders, leases IN ACCESS EXCLUSIVE MODE");

    // How many of the bot's renewals wait on the lock at once, sampled while the lock is held.
    let renewalsAtOnce = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const rows = await schema?.query<{ n: string }>(
          `SELECT count(*) AS n FROM pg_stat_activity
           WHERE application_name LIKE 'talks-bot locks-host:%' AND query LIKE 'UPDATE leases SET expires_at%'
             AND state = 'active'`,
        );
        renewalsAtOnce = Math.max(renewalsAtOnce, Number(rows?.[0]?.n ?? 0));
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();

    // A command that reads, and one that writes (it defers first): both answered within the deadlines.
    const countdown = await fake.command("countdown", {});
    expect(JSON.stringify(countdown.data)).toContain(BUSY);
    const handle = fake.interact(
      fake.build.command("reminders set", { channel: general.id, time: "11:11", timezone: "UTC" }, MOD),
    );
    const set = await handle.reply();
    expect(handle.responses()[0]?.callbackType).toBe(5);
    expect(JSON.stringify(set.data)).toContain(BUSY);

    const timedOutRenewals = () =>
      bot?.logs.filter((l) => String(l.msg).startsWith("lease: renewing the single-instance lock timed out"))
        .length ?? 0;
    await expect.poll(timedOutRenewals, { timeout: 20_000 }).toBeGreaterThanOrEqual(3);
    sampling = false;
    await sampler;
    expect(renewalsAtOnce).toBe(1);
    const logged = JSON.stringify(bot.logs);
    expect(logged).toContain("timed out: it waited longer than lock_timeout (1500 ms)");
    expect(logged).not.toContain("cannot be reached");

    // The lock goes: the next save goes through, and the lease is the bot's again.
    await holder.query("COMMIT");
    const saved = await fake.command(
      "reminders set",
      { channel: general.id, time: "11:11", timezone: "UTC" },
      MOD,
    );
    expect(JSON.stringify(saved.data)).toContain("11:11");
    expect(JSON.stringify(saved.data)).not.toContain(BUSY);
  }, 60_000);
});
