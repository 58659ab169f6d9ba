import { Client, Events, GatewayIntentBits, type RESTOptions } from "discord.js";
import { createContext } from "../app.js";
import type { BotContext } from "../command.js";
import type { Config } from "../config.js";
import type { Logger } from "../logger.js";
import type { Storage } from "../storage/types.js";
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
}

export interface RunningBot {
  readonly client: Client;
  readonly ctx: BotContext;
  stop(): Promise<void>;
}

/** Builds everything, logs in with the `Guilds` intent only, and routes interactions. */
export async function startBot(options: StartBotOptions): Promise<RunningBot> {
  const { config, logger } = options;
  const base = await createContext({ config, logger, now: options.now, storage: options.storage ?? null });
  const ctx = options.override ? options.override(base) : base;
  const client = new Client({
    intents: [GatewayIntentBits.Guilds],
    allowedMentions: { parse: [] },
    rest: { ...(config.discord.apiUrl ? { api: config.discord.apiUrl } : {}), ...options.rest },
  });
  const route = createRouter(ctx, options.router);
  client.on(Events.InteractionCreate, (interaction) => {
    route(interaction).catch((error: unknown) => logger.error({ err: error, interactionId: interaction.id }, "interaction router failed"));
  });
  client.on(Events.Error, (error) => logger.error({ err: error }, "discord client error"));
  client.on(Events.ShardDisconnect, (event, shardId) => logger.warn({ shardId, code: event.code }, "gateway disconnected"));
  client.on(Events.ShardResume, (shardId, replayed) => logger.info({ shardId, replayed }, "gateway resumed"));
  const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
  try {
    await client.login(config.discord.token);
    await ready;
  } catch (error) {
    await client.destroy();
    throw error;
  }
  logger.info({ user: client.user?.tag, guilds: client.guilds.cache.size }, "connected to Discord");
  let stopped = false;
  return {
    client,
    ctx,
    async stop() {
      if (stopped) return;
      stopped = true;
      await client.destroy();
    },
  };
}

/** `npm start` with a token: runs until SIGINT/SIGTERM, then shuts down cleanly. */
export async function runBot(config: Config, logger: Logger): Promise<number> {
  process.on("unhandledRejection", (reason) => logger.error({ err: reason }, "unhandled promise rejection"));
  const bot = await startBot({ config, logger });
  return new Promise<number>((resolve) => {
    const shutdown = (signal: NodeJS.Signals) => {
      logger.info({ signal }, "shutting down");
      bot.stop().then(
        () => resolve(0),
        (error: unknown) => {
          logger.error({ err: error }, "shutdown failed");
          resolve(1);
        },
      );
    };
    process.once("SIGINT", shutdown);
    process.once("SIGTERM", shutdown);
  });
}
