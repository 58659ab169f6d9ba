/**
 * Shards on several hosts, as they fail: three bot processes, each in its own folder with its own host name,
 * share one PostgreSQL database and the fake Discord (three shards, Discord's global limit of 50 requests/s
 * enforced with 429s). While they post 150 reminders due in the same minute, one is killed with SIGKILL and
 * restarted, one has its database connections dropped by the server, and one loses the database altogether
 * for a moment (the connections cut and refused, as during a restart). On the wire: every reminder posted
 * exactly once, no 429, and the processes that were not killed still running.
 */
import type { ChildProcess } from "node:child_process";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import { localParts, zonedTimeToUtc } from "../src/calendar/time.js";
import { loadCorpus } from "../src/corpus/load.js";
import { createLogger } from "../src/logger.js";
import { ReminderScheduler, type SendPost } from "../src/reminders/scheduler.js";
import { PostgresStorage } from "../src/storage/postgres.js";
import { textMarkup } from "../src/views/markup.js";
import { botEnv, sampleReminder, TEST_TOKEN, tempDir } from "./support/bot.js";
import { startBotProcess } from "./support/bot-process.js";
import { type FakeDiscord, guildIdForShard, startFakeDiscord } from "./support/fake-discord.js";
import { holdLease } from "./support/lease.js";
import { createTestSchema, PG_PORT, PG_URL, type TestSchema } from "./support/postgres.js";
import { startTcpProxy, type TcpProxy } from "./support/tcp-proxy.js";

const SHARDS = 3;
const PER_SHARD = 50;

let fake: FakeDiscord | undefined;
let schema: TestSchema | undefined;
let proxy: TcpProxy | undefined;
const children: ChildProcess[] = [];
const dirs: { path: string; cleanup(): void }[] = [];

afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
  await fake?.close();
  await proxy?.close();
  await schema?.drop();
  for (const dir of dirs.splice(0)) dir.cleanup();
});

/** A zone whose local time is well away from midnight now, so "due a minute ago" is still today there. */
function zoneAwayFromMidnight(now: Date): string {
  for (const zone of ["UTC", "Asia/Tokyo", "America/New_York", "Asia/Kolkata"]) {
    const hour = localParts(now, zone).hour;
    if (hour >= 2 && hour <= 21) return zone;
  }
  return "Pacific/Honolulu";
}

describe("three processes on three hosts, one database", () => {
  it("post every due reminder exactly once, within Discord's global limit, through a kill, dropped connections and a database restart", async () => {
    schema = await createTestSchema("scale");
    proxy = await startTcpProxy(PG_PORT);
    const guilds = Array.from({ length: SHARDS * PER_SHARD }, (_, i) => ({
      id: guildIdForShard(i % SHARDS, SHARDS),
    }));
    fake = await startFakeDiscord({
      token: TEST_TOKEN,
      heartbeatIntervalMs: 500,
      shards: SHARDS,
      guilds,
      rateLimit: { globalPerSecond: 50 },
    });

    // 150 reminders, all due a minute ago in a zone where that is still today.
    const now = new Date();
    const zone = zoneAwayFromMidnight(now);
    const slot = localParts(new Date(now.getTime() - 60_000), zone);
    const dueAt = zonedTimeToUtc(slot.date, slot.time, zone).getTime();
    const seed = await PostgresStorage.connect(PG_URL, { schema: schema.name });
    const channels = new Map<string, string>();
    for (const { id } of guilds) {
      const channel = fake.guild(id).channels.find((c) => c.type === 0)?.id ?? "";
      channels.set(id, channel);
      await seed.upsertReminder(
        sampleReminder({
          guildId: id,
          channelId: channel,
          time: slot.time,
          timeZone: zone,
          nextDueAt: dueAt,
        }),
      );
    }

    const env = (shard: number, host: string, url = schema?.url ?? "") => {
      const dir = tempDir();
      dirs.push(dir);
      return {
        dir: dir.path,
        env: botEnv(fake as FakeDiscord, join(dir.path, "unused.db"), {
          DATABASE_URL: url,
          SHARD_COUNT: String(SHARDS),
          SHARD_ID: String(shard),
          HOST_ID: host,
          SHARD_LEASE_SECONDS: "3",
          LOG_LEVEL: "info",
        }),
      };
    };
    // The third host reaches the database through a proxy that can "restart" it.
    const viaProxy = new URL(schema.url);
    viaProxy.port = String(proxy.port);
    const hosts = [env(0, "host-a"), env(1, "host-b"), env(2, "host-c", viaProxy.toString())];
    const [a, b, c] = hosts.map((h) => startBotProcess(h.env, h.dir, children));
    if (!a || !b || !c) throw new Error("three processes");

    const postsIn = (shard: number) =>
      guilds
        .filter((_, i) => i % SHARDS === shard)
        .reduce((n, g) => n + (fake?.messagesIn(channels.get(g.id) ?? "").length ?? 0), 0);
    const total = () => [0, 1, 2].reduce((n, s) => n + postsIn(s), 0);

    /** On a failure, what each process logged says why. */
    const explained = async (step: Promise<unknown>) =>
      step.catch((error: unknown) => {
        const logs = [a, b, c].map((p, i) => `--- process ${i}:\n${p.stderr().slice(-2000)}`).join("\n");
        throw new Error(`${(error as Error).message}\n${logs}`);
      });

    // Mid-burst: kill host A's process; drop host B's connections; take the database away from host C.
    await explained(
      expect.poll(() => postsIn(0), { timeout: 30_000, interval: 20 }).toBeGreaterThanOrEqual(8),
    );
    a.child.kill("SIGKILL");
    expect(await a.exited).toBeNull();
    // Host A's shard comes back on another machine: the dead process's lease runs out (3 s here), then the
    // new process takes the shard over and catches up.
    const replacement = env(0, "host-a2");
    const a2 = startBotProcess(replacement.env, replacement.dir, children);
    await schema.query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name LIKE 'talks-bot host-b:%'",
    );
    proxy.down();
    // The database comes back once host C has been turned away a few times (retrying, not giving up).
    await explained(
      Promise.race([
        proxy.refused(3),
        sleep(20_000).then(() => {
          throw new Error("host C never tried to reconnect");
        }),
      ]),
    );
    proxy.up();

    await explained(expect.poll(total, { timeout: 45_000, interval: 100 }).toBe(SHARDS * PER_SHARD));
    // Nothing still pending: every claim was marked sent, so no later tick posts again.
    await expect
      .poll(
        async () =>
          (await schema?.query<{ n: string }>("SELECT count(*) AS n FROM posts WHERE state = 'pending'"))?.[0]
            ?.n,
        {
          timeout: 20_000,
        },
      )
      .toBe("0");
    for (const { id } of guilds) expect(fake.messagesIn(channels.get(id) ?? ""), id).toHaveLength(1);
    expect(fake.requests.filter((r) => r.fault === "rate-limited")).toEqual([]);

    // The processes that were not killed never stopped; host B said once that it reconnected.
    expect(b.child.exitCode).toBeNull();
    expect(c.child.exitCode).toBeNull();
    expect(b.count(/database connection lost; reconnecting/), b.stderr().slice(-4000)).toBe(1);
    for (const process_ of [a2, b, c]) {
      process_.child.kill("SIGTERM");
      expect(await process_.exited).toBe(0);
    }
    await seed.close();
  }, 90_000);
});

describe("two processes that claim the same shard", () => {
  it("cannot both post: the ledger lets one send each reminder, the other leaves it to the first", async () => {
    schema = await createTestSchema("twins");
    const at = Date.parse("2026-12-01T07:00:00Z");
    const corpus = loadCorpus();
    const storages = await Promise.all(
      // The scheduler's clock and the ledger's agree, as they do in a bot (both read the system clock).
      [1, 2].map(() => PostgresStorage.connect(PG_URL, { schema: schema?.name, clock: () => at + 30_000 })),
    );
    const guilds = Array.from({ length: 40 }, (_, i) => String(175928847299117063n + BigInt(i) * 4194304n));
    for (const [i, guildId] of guilds.entries()) {
      await storages[0]?.upsertReminder(
        sampleReminder({ guildId, channelId: String(41771983423143937n + BigInt(i)), nextDueAt: at }),
      );
    }
    const sent: { channelId: string; nonce: string }[] = [];
    const send: SendPost = async (channelId, _post, nonce) => {
      sent.push({ channelId, nonce });
      await new Promise((resolve) => setImmediate(resolve));
      return { id: String(1226184411359772735n + BigInt(sent.length)) };
    };
    // Each under its own lease, as two processes with different shard settings would be.
    const leases = await Promise.all(
      storages.map((storage, i) => holdLease(storage, { name: `bot:shard:0/${i + 1}` })),
    );
    const [first, second] = storages.map(
      (storage, i) =>
        new ReminderScheduler({
          storage,
          corpus,
          config: { ramadanStart: undefined, reminderGraceMs: 6 * 3600_000 },
          logger: createLogger({ level: "silent" }),
          now: () => new Date(at + 30_000),
          // Both think they own the whole bot: a misconfiguration the lease would refuse; here, only the ledger.
          shard: () => ({ id: 0, count: 1 }),
          send,
          lease: leases[i] as (typeof leases)[number],
          markup: textMarkup,
          postsPerSecond: 1000,
        }),
    );
    if (!first || !second) throw new Error("two schedulers");
    const [a, b] = await Promise.all([first.tick(), second.tick()]);
    expect([...a.posted, ...b.posted].sort()).toEqual([...guilds].sort());
    expect(sent).toHaveLength(guilds.length);
    expect(new Set(sent.map((s) => s.channelId)).size).toBe(guilds.length);
    expect((await first.tick()).posted).toEqual([]);
    expect((await second.tick()).posted).toEqual([]);
    for (const lease of leases) await lease.stop();
    for (const storage of storages) await storage.close();
  });
});
