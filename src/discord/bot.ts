import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { Client, Events, GatewayIntentBits, type RESTOptions } from "discord.js";
import { createContext } from "../app.js";
import type { BotContext } from "../command.js";
import type { Config } from "../config.js";
import type { Logger } from "../logger.js";
import { ReminderScheduler } from "../reminders/scheduler.js";
import { SqliteStorage } from "../storage/sqlite.js";
import type { ShardFilter, Storage } from "../storage/types.js";
import { discordMarkup } from "./markup.js";
import { postReply } from "./post.js";
import { createRouter, type RouterOptions } from "./router.js";

/** The single-instance lease: renewed well inside its lifetime; a crashed holder frees it within a minute. */
const LEASE_TTL_MS = 60_000;
const LEASE_RENEW_MS = 20_000;

export interface StartBotOptions {
  readonly config: Config;
  readonly logger: Logger;
  /** The clock; tests inject one. */
  readonly now?: () => Date;
  readonly storage?: Storage | null;
  readonly router?: RouterOptions;
  /** Lets tests shorten the REST client's timeouts. */
  readonly rest?: Partial<RESTOptions>;
  /** Replaces parts of the context (tests: a deliberately slow or failing dependency). */
  readonly override?: (ctx: BotContext) => BotContext;
  /** Shard this process runs, as `[id, count]` (default: one shard). */
  readonly shard?: readonly [number, number];
  /** Start the per-minute reminder tick (default true; tests drive `scheduler.tick()` themselves). */
  readonly schedule?: boolean;
  /** Called when another process has taken the single-instance lock; the caller must stop this bot. */
  readonly onLeaseLost?: () => void;
}

export interface RunningBot {
  readonly client: Client;
  readonly ctx: BotContext;
  readonly scheduler: ReminderScheduler;
  stop(): Promise<void>;
}

/** Thrown when another process already runs the bot on this database: two would answer every command twice. */
export class AlreadyRunningError extends Error {
  override readonly name = "AlreadyRunningError";
}

/** Builds everything, logs in with the `Guilds` intent only, and routes interactions. */
export async function startBot(options: StartBotOptions): Promise<RunningBot> {
  const { config, logger } = options;
  const now = options.now ?? (() => new Date());
  const ownsStorage = options.storage === undefined;
  const storage =
    options.storage ?? SqliteStorage.open(config.databasePath, { clock: () => now().getTime() });
  const [shardId, shardCount] = options.shard ?? [0, 1];
  const leaseOwner = `${hostname()}:${process.pid}:${randomBytes(4).toString("hex")}`;
  // One process per shard: a second process for the same shard would answer every interaction twice.
  const leaseName = shardCount > 1 ? `bot:shard:${shardId}/${shardCount}` : "bot";
  let lease = await storage.acquireLease(leaseOwner, LEASE_TTL_MS, Date.now(), leaseName);
  if (!lease.acquired && holderIsDeadHere(lease.holder)) {
    // The holder crashed on this machine (a kill -9, a restart by a supervisor): no need to wait out its lock.
    logger.warn(
      { holder: lease.holder },
      "taking over the lock of a talks-bot process that is no longer running",
    );
    await storage.releaseLease(lease.holder, leaseName);
    lease = await storage.acquireLease(leaseOwner, LEASE_TTL_MS, Date.now(), leaseName);
  }
  if (!lease.acquired) {
    if (ownsStorage) await storage.close();
    throw new AlreadyRunningError(
      `another talks-bot process (${lease.holder}) is running on ${config.databasePath}; stop it first (its lock expires ${new Date(lease.expiresAt).toISOString()} if it crashed)`,
    );
  }
  try {
    return await connect({
      ...options,
      now,
      storage,
      ownsStorage,
      leaseOwner,
      leaseName,
      shardId,
      shardCount,
    });
  } catch (error) {
    await storage.releaseLease(leaseOwner, leaseName).catch(() => false);
    if (ownsStorage) await storage.close();
    throw error;
  }
}

/** True when `holder` (`host:pid:nonce`) names a process on this machine that no longer exists. */
function holderIsDeadHere(holder: string): boolean {
  const [host, pid] = holder.split(":");
  if (host !== hostname() || !pid || !/^\d+$/.test(pid) || Number(pid) === process.pid) return false;
  try {
    process.kill(Number(pid), 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ESRCH";
  }
}

interface ConnectOptions extends StartBotOptions {
  readonly now: () => Date;
  readonly storage: Storage;
  readonly ownsStorage: boolean;
  readonly leaseOwner: string;
  readonly leaseName: string;
  readonly shardId: number;
  readonly shardCount: number;
}

async function connect(options: ConnectOptions): Promise<RunningBot> {
  const { config, logger, now, storage, ownsStorage, leaseOwner, leaseName, shardId, shardCount } = options;
  const base = await createContext({ config, logger, now, storage });
  const ctx = options.override ? options.override(base) : base;
  const client = new Client({
    intents: [GatewayIntentBits.Guilds],
    allowedMentions: { parse: [] },
    shards: shardId,
    shardCount,
    rest: { ...(config.discord.apiUrl ? { api: config.discord.apiUrl } : {}), ...options.rest },
  });
  const shard: ShardFilter = { id: shardId, count: shardCount };
  const scheduler = new ReminderScheduler({
    storage,
    corpus: ctx.corpus,
    config,
    logger,
    now,
    shard: () => shard,
    send: (channelId, post, nonce) => postReply(client.rest, channelId, post, { nonce, enforce_nonce: true }),
    markup: discordMarkup,
  });
  const route = createRouter(ctx, options.router);
  client.on(Events.InteractionCreate, (interaction) => {
    route(interaction).catch((error: unknown) =>
      logger.error({ err: error, interactionId: interaction.id }, "interaction router failed"),
    );
  });
  client.on(Events.GuildDelete, (guild) => {
    // An unavailable guild is an outage, not a removal: keep its reminder.
    if (!guild.available) return;
    storage.deleteGuild(guild.id).then(
      (removed) => removed && logger.info({ guildId: guild.id }, "left guild; its reminder was removed"),
      (error: unknown) =>
        logger.error(
          { err: error, guildId: guild.id },
          "could not remove the reminder of a guild the bot left",
        ),
    );
  });
  client.on(Events.Error, (error) => logger.error({ err: error }, "discord client error"));
  client.on(Events.ShardDisconnect, (event, id) =>
    logger.warn({ shardId: id, code: event.code }, "gateway disconnected"),
  );
  client.on(Events.ShardResume, (id, replayed) => logger.info({ shardId: id, replayed }, "gateway resumed"));
  const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
  const renew = setInterval(() => {
    storage.renewLease(leaseOwner, LEASE_TTL_MS, Date.now(), leaseName).then(
      (ok) => {
        if (ok) return;
        // Another process took over: two bots would answer every interaction twice, so this one stops.
        logger.error("lost the single-instance lock to another process; stopping");
        options.onLeaseLost?.();
      },
      (error: unknown) => logger.warn({ err: error }, "could not renew the single-instance lock"),
    );
  }, LEASE_RENEW_MS);
  renew.unref();
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    clearInterval(renew);
    await scheduler.stop();
    await client.destroy();
    await storage.releaseLease(leaseOwner, leaseName).catch(() => false);
    if (ownsStorage) await storage.close();
  };
  try {
    await client.login(config.discord.token);
    await ready;
  } catch (error) {
    await stop();
    throw error;
  }
  logger.info(
    { user: client.user?.tag, guilds: client.guilds.cache.size, shard: [shardId, shardCount] },
    "connected to Discord",
  );
  if (options.schedule ?? true) {
    scheduler.start();
    // Catch up at once after a restart instead of waiting for the next minute.
    void scheduler.tick();
  }
  return { client, ctx, scheduler, stop };
}

/** `npm start` with a token: runs until SIGINT/SIGTERM, then shuts down cleanly. */
export async function runBot(config: Config, logger: Logger): Promise<number> {
  // A promise nobody awaited must not take the bot down (Node's default): log it and go on.
  const unhandled = (reason: unknown) => logger.error({ err: reason }, "unhandled promise rejection");
  process.on("unhandledRejection", unhandled);
  try {
    return await serve(config, logger);
  } finally {
    process.off("unhandledRejection", unhandled);
  }
}

async function serve(config: Config, logger: Logger): Promise<number> {
  let leaseLost = false;
  // Listening before starting: a SIGTERM while the bot connects still gets a clean stop once it has.
  let requested: string | undefined;
  let shutdown = (reason: string) => {
    requested ??= reason;
  };
  const onSignal = (signal: NodeJS.Signals) => shutdown(signal);
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    const bot = await startBot({
      config,
      logger,
      shard: [config.shard.id, config.shard.count],
      onLeaseLost: () => {
        leaseLost = true;
        shutdown("lost the single-instance lock");
      },
    });
    return await new Promise<number>((resolve) => {
      let stopping = false;
      shutdown = (reason: string) => {
        if (stopping) return;
        stopping = true;
        logger.info({ reason }, "shutting down");
        bot.stop().then(
          () => resolve(leaseLost ? 1 : 0),
          (error: unknown) => {
            logger.error({ err: error }, "shutdown failed");
            resolve(1);
          },
        );
      };
      if (requested) shutdown(requested);
    });
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}
