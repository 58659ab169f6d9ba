import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import type { Client as DiscordClient, RESTOptions } from "discord.js";
import type { Config } from "../config.js";
import { acquireShardLease, leaseNameOf } from "../lease/acquire.js";
import { LeaseKeeper } from "../lease/renew.js";
import type { Logger } from "../logger.js";
import { ReminderScheduler } from "../reminders/scheduler.js";
import type { BotContext } from "../runtime/command.js";
import { LiveContext, type ReloadOutcome, type ReloadSettings } from "../runtime/live-context.js";
import { openStorage } from "../storage/open.js";
import type { ShardFilter, Storage } from "../storage/types.js";
import { guardChannelPosts, postReply } from "./channels.js";
import { cacheOptions } from "./client-cache.js";
import { Client, DefaultRestOptions, Events, GatewayIntentBits } from "./lib.js";
import { discordMarkup } from "./markup.js";
import { createRouter, type RouterOptions } from "./router.js";

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
  /** How corpus reloads run (defaults: see ReloadSettings). */
  readonly reload?: ReloadSettings;
  /** Start the per-minute reminder tick (default true; tests drive `scheduler.tick()` themselves). */
  readonly schedule?: boolean;
  /**
   * Called when the bot cannot go on: another process has taken its lease, or its database file was replaced
   * under it. The caller must stop this bot.
   */
  readonly onMustStop?: (reason: string) => void;
}

export interface RunningBot {
  readonly client: DiscordClient;
  /** The context serving now (a reload swaps it). */
  readonly ctx: BotContext;
  /** The context and its corpus reloads. */
  readonly live: LiveContext;
  readonly scheduler: ReminderScheduler;
  /** Reads the corpus folder again and swaps the new corpus in (what a change to it, or SIGHUP, does). */
  reload(reason: string): Promise<ReloadOutcome>;
  stop(): Promise<void>;
}

/** Builds everything, logs in with the `Guilds` intent only, and routes interactions. */
export async function startBot(options: StartBotOptions): Promise<RunningBot> {
  const { config, logger } = options;
  const now = options.now ?? (() => new Date());
  const host = config.hostId ?? hostname();
  const ownsStorage = options.storage === undefined;
  const storage =
    options.storage ??
    (await openStorage(config, {
      clock: () => now().getTime(),
      applicationName: `talks-bot ${host}:${process.pid}`,
      timeouts: config.databaseTimeouts,
      onConnectionLost: (error) => logger.warn({ err: error }, "database connection lost; reconnecting"),
      onReplaced: (error) => {
        logger.error(
          { err: error, path: config.databasePath },
          "the database file was replaced while the bot had it open (a restore, or a move); stopping: start the bot again to use the file now at DATABASE_PATH",
        );
        options.onMustStop?.("the database file was replaced");
      },
    }));
  const [shardId, shardCount] = options.shard ?? [0, 1];
  const leaseOwner = `${host}:${process.pid}:${randomBytes(4).toString("hex")}`;
  // One process per shard: a second process for the same shard would answer every interaction twice.
  const leaseName = leaseNameOf(shardId, shardCount);
  let keeper: LeaseKeeper;
  try {
    const held = await acquireShardLease(storage, {
      logger,
      host,
      leaseOwner,
      leaseName,
      ttlMs: config.shardLeaseMs,
      shardId,
      shardCount,
    });
    // Renewed from now on, through the start-up that follows (the corpus, the login), not only once connected.
    keeper = new LeaseKeeper(storage, {
      logger,
      leaseOwner,
      leaseName,
      ttlMs: config.shardLeaseMs,
      epoch: held.epoch,
      acquiredAt: held.acquiredAt,
      onLost: () => options.onMustStop?.("lost the single-instance lock"),
    });
    keeper.start();
  } catch (error) {
    if (ownsStorage) await storage.close();
    throw error;
  }
  try {
    return await connect({
      ...options,
      now,
      storage,
      ownsStorage,
      leaseOwner,
      leaseName,
      keeper,
      shardId,
      shardCount,
    });
  } catch (error) {
    await keeper.stop();
    await storage.releaseLease(leaseOwner, leaseName).catch(() => false);
    if (ownsStorage) await storage.close();
    throw error;
  }
}

interface ConnectOptions extends StartBotOptions {
  readonly now: () => Date;
  readonly storage: Storage;
  readonly ownsStorage: boolean;
  readonly leaseOwner: string;
  readonly leaseName: string;
  readonly keeper: LeaseKeeper;
  readonly shardId: number;
  readonly shardCount: number;
}

async function connect(options: ConnectOptions): Promise<RunningBot> {
  const { config, logger, now, storage, ownsStorage, leaseOwner, leaseName, keeper, shardId, shardCount } =
    options;
  // Everything that can fail on a bad deployment (the corpus, the word vectors, the commands) fails here,
  // before any login: a broken deployment must not spend Discord's daily session starts in a restart loop.
  const live = await LiveContext.start({
    config,
    logger,
    now,
    storage,
    ...options.reload,
    ...(options.override ? { override: options.override } : {}),
  });
  const client = new Client({
    intents: [GatewayIntentBits.Guilds],
    allowedMentions: { parse: [] },
    ...cacheOptions(),
    shards: shardId,
    shardCount,
    rest: {
      ...(config.discord.apiUrl ? { api: config.discord.apiUrl } : {}),
      ...options.rest,
      // The last check before a channel post leaves, after discord.js's queue: no pause since the lease was
      // confirmed. A wait in the queue (a rate limit) counts like any other.
      makeRequest: guardChannelPosts(options.rest?.makeRequest ?? DefaultRestOptions.makeRequest, () =>
        keeper.mayWrite(),
      ),
    },
  });
  const shard: ShardFilter = { id: shardId, count: shardCount };
  const scheduler = new ReminderScheduler({
    storage,
    // Read at each post, so posts after a reload cite the corpus then serving.
    get corpus() {
      return live.current.corpus;
    },
    config,
    logger,
    now,
    shard: () => shard,
    send: (channelId, post, nonce) => postReply(client.rest, channelId, post, { nonce, enforce_nonce: true }),
    lease: keeper,
    markup: discordMarkup,
  });
  const route = createRouter(() => live.current, options.router);
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
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    live.close();
    await keeper.stop();
    await scheduler.stop();
    await client.destroy();
    await storage.releaseLease(leaseOwner, leaseName).catch(() => false);
    if (ownsStorage) await storage.close();
  };
  try {
    await client.login(config.discord.token);
    await ready;
    logger.info(
      { user: client.user?.tag, guilds: client.guilds.cache.size, shard: [shardId, shardCount] },
      "connected to Discord",
    );
    // Catch up at once after a restart instead of waiting for the next minute.
    if (options.schedule ?? true) scheduler.run();
    live.watch();
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    client,
    get ctx() {
      return live.current;
    },
    live,
    scheduler,
    reload: (reason) => live.reload(reason),
    stop,
  };
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
  let mustStop = false;
  // Listening before starting: a SIGTERM while the bot connects still gets a clean stop once it has.
  let requested: string | undefined;
  let shutdown = (reason: string) => {
    requested ??= reason;
  };
  const onSignal = (signal: NodeJS.Signals) => shutdown(signal);
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  // SIGHUP (`kill -HUP`, `talks-bot reload`) reloads the corpus. One during start-up is kept for after it: the
  // corpus may have been read before the change it announces.
  let reload = (_reason: string) => {
    hangupDuringStart = true;
  };
  let hangupDuringStart = false;
  const onHangup = () => reload("SIGHUP");
  process.on("SIGHUP", onHangup);
  try {
    const bot = await startBot({
      config,
      logger,
      shard: [config.shard.id, config.shard.count],
      onMustStop: (reason) => {
        mustStop = true;
        shutdown(reason);
      },
    });
    reload = (reason) => {
      bot.reload(reason).catch((error: unknown) => logger.error({ err: error }, "corpus reload failed"));
    };
    if (hangupDuringStart) reload("SIGHUP during start-up");
    return await new Promise<number>((resolve) => {
      let stopping = false;
      shutdown = (reason: string) => {
        if (stopping) return;
        stopping = true;
        logger.info({ reason }, "shutting down");
        bot.stop().then(
          () => resolve(mustStop ? 1 : 0),
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
    process.off("SIGHUP", onHangup);
  }
}
