/**
 * PostgreSQL beyond the storage contract: versioned migrations that several processes can run at once, the
 * indexed due query, and the network failing under it (a dropped connection, a server that is down or
 * restarting, a connection that breaks during a write). A real server throughout; the faults come from the
 * server itself (pg_terminate_backend) or from a proxy in front of it.
 */
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { openStorage } from "../src/storage/open.js";
import { DUE_REMINDERS_PG, PostgresStorage } from "../src/storage/postgres.js";
import { pgMigrations } from "../src/storage/postgres-migrations.js";
import { REMINDER_COLUMNS } from "../src/storage/rows.js";
import { StorageError, StorageUnavailableError } from "../src/storage/types.js";
import { describePostgresUrl } from "../src/storage/url.js";
import { createTestSchema, PG_PORT, PG_URL, pgUrlThroughPort, type TestSchema } from "./support/postgres.js";
import { startTcpProxy, type TcpProxy } from "./support/tcp-proxy.js";

const GUILD = "175928847299117063";
const CHANNEL = "41771983423143937";
const MOD = "290926798626357250";
const T0 = Date.UTC(2026, 1, 18, 4, 0);

const reminder = (guildId = GUILD) => ({
  guildId,
  channelId: CHANNEL,
  time: "07:00",
  timeZone: "Asia/Riyadh",
  roleId: null,
  dayOffset: 0,
  startOverride: null,
  language: "en",
  place: null,
  method: null,
  polarConvention: null,
  by: MOD,
  nextDueAt: T0,
});

let schema: TestSchema;
const opened: PostgresStorage[] = [];
const proxies: TcpProxy[] = [];

async function connect(options: Parameters<typeof PostgresStorage.connect>[1] = {}, url = PG_URL) {
  const storage = await PostgresStorage.connect(url, { schema: schema.name, ...options });
  opened.push(storage);
  return storage;
}

beforeAll(async () => {
  schema = await createTestSchema("pgtest");
});
afterEach(async () => {
  for (const storage of opened.splice(0)) await storage.close();
  for (const proxy of proxies.splice(0)) await proxy.close();
});
afterAll(async () => {
  await schema.drop();
});

describe("migrations", () => {
  it("brings a new schema to the latest version once, even when several processes start together", async () => {
    const fresh = await createTestSchema("mig");
    try {
      const all = await Promise.all(
        [1, 2, 3, 4].map(() => PostgresStorage.connect(PG_URL, { schema: fresh.name })),
      );
      expect(await all[0]?.schemaVersion()).toBe(pgMigrations.length);
      const versions = await fresh.query<{ version: number }>(
        "SELECT version FROM talks_bot_schema ORDER BY version",
      );
      expect(versions.map((v) => v.version)).toEqual(pgMigrations.map((m) => m.version));
      expect(await all[0]?.migrate()).toEqual([]);
      for (const storage of all) await storage.close();
    } finally {
      await fresh.drop();
    }
  });

  it("refuses a schema newer than the build by name, without claiming a step failed", async () => {
    const fresh = await createTestSchema("mig");
    try {
      await (await PostgresStorage.connect(PG_URL, { schema: fresh.name })).close();
      await fresh.query("INSERT INTO talks_bot_schema (version, name) VALUES (99, 'from a newer build')");
      const refused = PostgresStorage.connect(PG_URL, { schema: fresh.name });
      await expect(refused).rejects.toThrow(
        /^storage: migrate: PostgreSQL [^:]+:\d+\/test: the database's schema is version 99, newer than this build knows \(1 to \d+\): a newer talks-bot wrote it\. Nothing was changed; run that version, or restore a backup/,
      );
      await expect(refused).rejects.not.toThrow(/failed|rolled back/);
      expect(await fresh.query("SELECT max(version) AS version FROM talks_bot_schema")).toEqual([
        { version: 99 },
      ]);
    } finally {
      await fresh.drop();
    }
  });

  it("rolls a failing step back whole and leaves its version unrecorded", async () => {
    const fresh = await createTestSchema("mig");
    try {
      const broken = [
        ...pgMigrations,
        {
          version: pgMigrations.length + 1,
          name: "broken",
          sql: "CREATE TABLE half (x INT); SELECT * FROM missing",
        },
      ];
      await expect(
        PostgresStorage.connect(PG_URL, { schema: fresh.name, migrations: broken }),
      ).rejects.toThrow(`migration ${pgMigrations.length + 1} ("broken") failed and was rolled back`);
      const tables = await fresh.query(
        "SELECT 1 FROM pg_tables WHERE schemaname = $1 AND tablename = 'half'",
        [fresh.name],
      );
      expect(tables).toEqual([]);
      const storage = await PostgresStorage.connect(PG_URL, { schema: fresh.name });
      expect(await storage.schemaVersion()).toBe(pgMigrations.length);
      await storage.close();
    } finally {
      await fresh.drop();
    }
  });
});

describe("reminder rows", () => {
  it("are read as every column of the table, each once", async () => {
    await connect();
    const columns = await schema.query<{ column_name: string }>(
      `SELECT column_name FROM information_schema.columns
       WHERE table_schema = $1 AND table_name = 'reminders' AND column_name <> 'shard_key'`,
      [schema.name],
    );
    expect([...REMINDER_COLUMNS].sort()).toEqual(columns.map((c) => c.column_name).sort());
  });
});

describe("the due query", () => {
  it("is answered by the partial index, never by a scan of the table", async () => {
    const storage = await connect();
    await schema.query(
      `INSERT INTO reminders (guild_id, channel_id, time, time_zone, enabled, next_due_at, created_by, created_at, updated_by, updated_at)
       SELECT (1000000000000000000 + i * 7919)::text, '${CHANNEL}', '07:00', 'UTC', TRUE, ${T0} + i * 60000, '${MOD}', 0, '${MOD}', 0
       FROM generate_series(0, 19999) AS i`,
    );
    await schema.query("ANALYZE reminders");
    const plan = (
      await schema.query<{ "QUERY PLAN": string }>(`EXPLAIN ${DUE_REMINDERS_PG}`, [
        T0 + 60_000 * 20,
        4,
        1,
        2000,
      ])
    )
      .map((row) => row["QUERY PLAN"])
      .join("\n");
    // An index scan in due order, or a bitmap scan of the index and a sort of the due rows alone.
    expect(plan).toMatch(/Index Scan (using|on) reminders_due/);
    expect(plan).not.toMatch(/Seq Scan/);
    expect((await storage.dueReminders(T0 + 60_000 * 20, { id: 0, count: 1 })).length).toBe(21);
    await schema.truncate();
  });
});

describe("the network failing", () => {
  it("reconnects after the server drops its connections, and says so once", async () => {
    const lost: Error[] = [];
    const name = `talks-bot-test-${process.pid}`;
    const storage = await connect({ applicationName: name, onConnectionLost: (e) => lost.push(e) });
    await storage.upsertReminder(reminder());
    // What a server restart or an administrator does to every connection.
    const killed = await schema.query<{ ok: boolean }>(
      "SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE application_name = $1",
      [name],
    );
    expect(killed.length).toBeGreaterThan(0);
    await expect.poll(() => lost.length).toBe(1);
    expect(await storage.getReminder(GUILD)).toMatchObject({ guildId: GUILD });
    expect(await storage.disableReminder(GUILD, MOD)).toBe(true);
    expect(lost).toHaveLength(1);
  });

  it("waits out a server that is down for a moment, then works", async () => {
    const proxy = await startTcpProxy(PG_PORT);
    proxies.push(proxy);
    const url = pgUrlThroughPort(proxy.port);
    const storage = await connect({ busyTimeoutMs: 10_000, onConnectionLost: () => undefined }, url);
    await storage.upsertReminder(reminder());
    proxy.down();
    const call = storage.getReminder(GUILD);
    await proxy.refused(2);
    proxy.up();
    expect(await call).toMatchObject({ guildId: GUILD });
  });

  it("survives a connection that the server ends in the same read as the one that opened it", async () => {
    // A busy client can read "ready for queries" and "terminating connection" in one chunk: the connection is
    // handed over before the error is read, and an error nobody listens to would end the process.
    const proxy = await startTcpProxy(PG_PORT);
    proxies.push(proxy);
    const name = `talks-bot-fresh-${process.pid}`;
    const lost: Error[] = [];
    proxy.holdReplies();
    const connecting = connect(
      { applicationName: name, onConnectionLost: (error) => lost.push(error) },
      pgUrlThroughPort(proxy.port),
    );
    await expect
      .poll(async () => {
        const rows = await schema.query<{ killed: boolean }>(
          "SELECT pg_terminate_backend(pid) AS killed FROM pg_stat_activity WHERE application_name = $1",
          [name],
        );
        return rows.length;
      })
      .toBe(1);
    await proxy.heldClosed();
    proxy.flushReplies();
    // The migration's connection broke: it was retried on a new one, and the process carried on.
    const storage = await connecting;
    expect(await storage.schemaVersion()).toBe(pgMigrations.length);
  });

  it("gives up on a server it cannot reach, naming it without the password", async () => {
    const proxy = await startTcpProxy(PG_PORT);
    proxies.push(proxy);
    proxy.down();
    const url = `postgres://postgres:s3cret-password@127.0.0.1:${proxy.port}/test`;
    const failure = await PostgresStorage.connect(url, { schema: schema.name, busyTimeoutMs: 300 }).catch(
      (e) => e,
    );
    expect(failure).toBeInstanceOf(StorageUnavailableError);
    expect(String(failure.message)).toContain(
      `PostgreSQL postgres@127.0.0.1:${proxy.port}/test cannot be reached`,
    );
    expect(String(failure.message)).not.toContain("s3cret");
    expect(describePostgresUrl(url)).toBe(`PostgreSQL postgres@127.0.0.1:${proxy.port}/test`);
  });

  it("reports a write whose connection broke during the call as unconfirmed, not as failed", async () => {
    const name = `talks-bot-write-${process.pid}`;
    const storage = await connect({ applicationName: name, onConnectionLost: () => undefined });
    await storage.upsertReminder(reminder());
    // Another session holds the row, so the write waits; then the server ends the writer's connection.
    const blocker = new pg.Client({ connectionString: PG_URL, options: `-c search_path=${schema.name}` });
    await blocker.connect();
    try {
      await blocker.query("BEGIN");
      await blocker.query("SELECT * FROM reminders WHERE guild_id = $1 FOR UPDATE", [GUILD]);
      const write = storage.disableReminder(GUILD, MOD).catch((error: unknown) => error);
      await expect
        .poll(
          async () =>
            (
              await blocker.query(
                "SELECT 1 FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'",
                [name],
              )
            ).rowCount,
        )
        .toBe(1);
      await blocker.query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1",
        [name],
      );
      const failure = await write;
      expect(failure).toBeInstanceOf(StorageUnavailableError);
      expect(failure).toBeInstanceOf(StorageError);
      expect(String((failure as Error).message)).toMatch(/dropped the connection during the call/);
    } finally {
      await blocker.query("ROLLBACK").catch(() => undefined);
      await blocker.end();
    }
    // Nothing was applied, and the storage works again.
    expect(await storage.getReminder(GUILD)).toMatchObject({ enabled: true });
  });
});

describe("hosts whose clocks disagree", () => {
  const SKEW = 5000;
  // Three hosts: one on time, one whose clock runs 5 s behind, one 5 s ahead. Each passes its own time.
  const host = (skew: number) => {
    const clock = () => Date.now() + skew;
    return connect({ clock, wallClock: clock, serverClock: true });
  };
  const hosts = async () => ({ onTime: await host(0), behind: await host(-SKEW), ahead: await host(SKEW) });

  it("are what the bot's storage expects: openStorage keeps shared times on the server's clock", async () => {
    const storage = await openStorage(
      { databasePath: "unused.db", databaseUrl: schema.url },
      { clock: () => Date.now() },
    );
    opened.push(storage as PostgresStorage);
    expect(storage).toBeInstanceOf(PostgresStorage);
    expect((storage as PostgresStorage).onServerClock).toBe(true);
  });

  it("share one send budget: their slots, each read on its own clock, fall one interval apart", async () => {
    const { onTime, behind, ahead } = await hosts();
    const interval = 1000;
    const real: number[] = [];
    for (let i = 0; i < 9; i++) {
      const [storage, skew] = (
        [
          [onTime, 0],
          [behind, -SKEW],
          [ahead, SKEW],
        ] as const
      )[i % 3] ?? [onTime, 0];
      real.push((await storage.reserveSlot("skewed", interval, Date.now() + skew)) - skew);
    }
    const gaps = real
      .sort((a, b) => a - b)
      .slice(1)
      .map((at, i) => at - (real[i] as number));
    // On their own clocks, slots would crowd or spread by seconds in real time; on the server's, they are one
    // interval apart (less at most half a round trip to the server, more if a call was slow to arrive).
    for (const gap of gaps) {
      expect(gap).toBeGreaterThan(interval - 100);
      expect(gap).toBeLessThan(interval + SKEW / 2);
    }
  });

  it("date a claim on one clock: another host reads its age on its own clock, not the claimer's", async () => {
    const { onTime, ahead } = await hosts();
    const guildId = "175928847299117999";
    await onTime.upsertReminder(reminder(guildId));
    // One lease, presented by each host on its own clock.
    const lease = await onTime.acquireLease("host-a:1", 60_000, Date.now(), "claim-lease");
    if (!lease.acquired) throw new Error("the lease is free");
    const fence = (skew: number) => ({ name: "claim-lease", epoch: lease.epoch, now: Date.now() + skew });
    const claimed = await ahead.claimPost(guildId, "2026-02-18", "skewed-claim-nonce", fence(SKEW));
    expect(claimed.status).toBe("claimed");
    const seen = await onTime.claimPost(guildId, "2026-02-18", "skewed-claim-nonce", fence(0));
    if (seen.status !== "pending") throw new Error(`expected the claim pending, got ${seen.status}`);
    // Claimed a moment ago: on the reading host's clock that is now, not 5 s in the future.
    expect(Math.abs(seen.claimedAt - Date.now())).toBeLessThan(SKEW / 2);
  });

  it("cannot take a lease that is still live because their clock runs ahead", async () => {
    const { onTime, ahead } = await hosts();
    expect(await onTime.acquireLease("host-a:1", 2000, Date.now(), "skewed-lease")).toMatchObject({
      acquired: true,
    });
    const attempt = await ahead.acquireLease("host-b:2", 2000, Date.now() + SKEW, "skewed-lease");
    expect(attempt).toMatchObject({ acquired: false, holder: "host-a:1" });
    // The holder's expiry comes back on the asking host's clock.
    if (attempt.acquired) throw new Error("unreachable");
    expect(Math.abs(attempt.expiresAt - (Date.now() + SKEW + 2000))).toBeLessThan(SKEW / 2);
  });
});

describe("the ledger across processes", () => {
  it("lets exactly one of many concurrent claimers claim a post; the others see it pending", async () => {
    const storages = await Promise.all([1, 2, 3, 4, 5].map(() => connect()));
    await storages[0]?.upsertReminder(reminder());
    const lease = await storages[0]?.acquireLease("host-a:1", 60_000, Date.now(), "ledger-lease");
    if (!lease?.acquired) throw new Error("the lease is free");
    const fence = { name: "ledger-lease", epoch: lease.epoch, now: Date.now() };
    const results = await Promise.all(
      storages.map((s, i) => s.claimPost(GUILD, "2026-02-18", `nonce-${i}`, fence)),
    );
    const claimed = results.filter((r) => r.status === "claimed");
    expect(claimed).toHaveLength(1);
    const nonce = claimed[0]?.status === "claimed" ? claimed[0].nonce : "";
    for (const result of results.filter((r) => r.status !== "claimed"))
      expect(result).toMatchObject({ status: "pending", nonce });
    await schema.truncate();
  });
});
