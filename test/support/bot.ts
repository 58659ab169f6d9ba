import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import type { RunningBot } from "../../src/discord/bot.js";
import type { RouterOptions } from "../../src/discord/router.js";
import type { BotContext } from "../../src/runtime/command.js";
import type { ReminderUpsert, Storage } from "../../src/storage/types.js";
import type { FakeDiscord } from "./fake-discord.js";

/** A clock the test moves by hand; the bot, its scheduler and its storage all read it. */
export class TestClock {
  constructor(private at: number) {}
  now = (): Date => new Date(this.at);
  set(iso: string | number): void {
    this.at = typeof iso === "number" ? iso : Date.parse(iso);
  }
  advance(ms: number): void {
    this.at += ms;
  }
}

export interface TestBotOptions {
  readonly env?: Record<string, string>;
  readonly clock?: TestClock;
  readonly databasePath?: string;
  readonly router?: RouterOptions;
  readonly override?: (ctx: BotContext) => BotContext;
  readonly shard?: readonly [number, number];
  readonly deploy?: boolean;
  /** A storage the test opened (with its own busy timeout, say); by default the bot opens `databasePath`. */
  readonly storage?: Storage;
}

export interface TestBot extends RunningBot {
  /** Every JSON log line the bot wrote, parsed. */
  readonly logs: Record<string, unknown>[];
  readonly databasePath: string;
  /**
   * Resolves with the first log line from index `since` on (already written, or written later) that
   * `matches`; rejects after `timeoutMs` (default 10 s), naming `what`.
   */
  logged(
    matches: (line: Record<string, unknown>) => boolean,
    options?: { since?: number; timeoutMs?: number; what?: string },
  ): Promise<Record<string, unknown>>;
}

/** A temp folder for a test's database files, removed by `cleanup()`. */
export function tempDir(): { path: string; cleanup(): void } {
  const path = mkdtempSync(join(tmpdir(), "talks-bot-test-"));
  return { path, cleanup: () => rmSync(path, { recursive: true, force: true }) };
}

export function botEnv(
  fake: FakeDiscord,
  databasePath: string,
  env: Record<string, string> = {},
): Record<string, string> {
  return {
    DISCORD_TOKEN: fake.token,
    DISCORD_CLIENT_ID: fake.applicationId,
    DISCORD_API_URL: fake.apiUrl,
    DATABASE_PATH: databasePath,
    LOG_LEVEL: "debug",
    ASK_COOLDOWN_SECONDS: "0",
    ...env,
  };
}

/**
 * Registers the commands (as `npm run deploy:commands` does), then starts the real bot, in process, against
 * the fake Discord, with the clock and database the test chooses.
 */
export async function startTestBot(fake: FakeDiscord, options: TestBotOptions = {}): Promise<TestBot> {
  // Loaded here, not at the top: unit tests import this file for its fixtures (the clock, a reminder, a temp
  // folder), and discord.js alone takes about a second to load.
  const [{ loadConfig }, { startBot }, { deployCommands }, { createLogger }] = await Promise.all([
    import("../../src/config.js"),
    import("../../src/discord/bot.js"),
    import("../../src/discord/deploy.js"),
    import("../../src/logger.js"),
  ]);
  // A folder made here is removed when the bot stops (or fails to start); a caller's own folder is theirs.
  const own = options.databasePath === undefined ? tempDir() : undefined;
  const databasePath = options.databasePath ?? join(own?.path ?? "", "talks-bot.db");
  const config = loadConfig(botEnv(fake, databasePath, options.env), { requireDiscord: true });
  if (options.deploy ?? true) await deployCommands(config, new PassThrough());
  const logs: Record<string, unknown>[] = [];
  const listeners = new Set<() => void>();
  const logger = createLogger({
    level: "debug",
    secrets: [fake.token],
    write: (line) => {
      logs.push(JSON.parse(line) as Record<string, unknown>);
      for (const listener of [...listeners]) listener();
    },
  });
  const logged: TestBot["logged"] = (matches, options = {}) => {
    const { since = 0, timeoutMs = 10_000, what = "a log line" } = options;
    const find = () => logs.slice(since).find(matches);
    const found = find();
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        listeners.delete(check);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      const check = () => {
        const line = find();
        if (!line) return;
        listeners.delete(check);
        clearTimeout(timer);
        resolve(line);
      };
      listeners.add(check);
    });
  };
  let bot: RunningBot;
  try {
    bot = await startBot({
      config,
      logger,
      ...(options.clock ? { now: options.clock.now } : {}),
      ...(options.router ? { router: options.router } : {}),
      ...(options.override ? { override: options.override } : {}),
      ...(options.shard ? { shard: options.shard } : {}),
      ...(options.storage ? { storage: options.storage } : {}),
      schedule: false,
      rest: { timeout: 2000, retries: 2 },
    });
  } catch (error) {
    own?.cleanup();
    throw error;
  }
  const stop = bot.stop;
  return Object.assign(bot, {
    logs,
    logged,
    databasePath,
    stop: async () => {
      await stop();
      own?.cleanup();
    },
  });
}

/** A token of the shape Discord issues, so the bot's config check accepts it. */
export const TEST_TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GaBcDe.abcdefghijklmnopqrstuvwxyz0123456789AB";

/** Every message body the bot sent: interaction callbacks with a message, webhook edits and follow-ups, channel posts. */
export function sentMessages(fake: FakeDiscord): { route: string; body: Record<string, unknown> }[] {
  const out: { route: string; body: Record<string, unknown> }[] = [];
  for (const request of fake.requests) {
    const body = request.body as Record<string, unknown> | undefined;
    if (!body || typeof body !== "object") continue;
    if (request.route.endsWith("/callback")) {
      const type = body.type as number;
      const data = body.data as Record<string, unknown> | undefined;
      if ((type === 4 || type === 7) && data) out.push({ route: request.route, body: data });
    } else if (
      request.route.includes("/webhooks/") &&
      request.method !== "DELETE" &&
      request.method !== "GET"
    ) {
      out.push({ route: request.route, body });
    } else if (request.route === "POST /channels/:id/messages") {
      out.push({ route: request.route, body });
    }
  }
  return out;
}

/** A reminder as `/reminders set` stores it: 07:00 UTC in a test guild, for tests that write storage directly. */
export function sampleReminder(overrides: Partial<ReminderUpsert> = {}): ReminderUpsert {
  return {
    guildId: "175928847299117063",
    channelId: "175928847299117064",
    time: "07:00",
    timeZone: "UTC",
    roleId: null,
    dayOffset: 0,
    startOverride: null,
    language: "en",
    place: null,
    method: null,
    polarConvention: null,
    by: "1",
    nextDueAt: null,
    ...overrides,
  };
}
