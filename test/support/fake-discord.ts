/**
 * A fake Discord for end-to-end tests: REST API v10 and gateway on 127.0.0.1, good enough for the real
 * discord.js client to log in, cache guilds, receive interactions and answer them.
 *
 * ```ts
 * const fake = await startFakeDiscord({ heartbeatIntervalMs: 200 });
 * const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: fake.apiUrl } });
 * await client.login(fake.token);
 * const reply = await fake.command("ask", { question: "hi" });
 * expect(reply.data.content).toContain("…");
 * ```
 *
 * This file is the server: HTTP and the gateway on one port, recording, injected faults and rate limits, and
 * the API tests drive. The REST endpoints and their state are in `fake-discord-routes.ts`, Discord's checks
 * in `fake-discord-rules.ts`, the handle on one interaction in `fake-discord-handle.ts`.
 *
 * Everything is recorded (`fake.requests`, `fake.identifies`, `fake.resumes`, `fake.interactionResponses()`),
 * faults can be injected per route (`failNext`, `resetConnectionNext`, `delay`), and the gateway can be cut
 * (`dropGateway`) to exercise resumes.
 *
 * Waits that live in discord.js, not here: about 0.5 s before reconnecting after a drop, about 5 s before a
 * shard identifies again after op 9, and `waitGuildTimeout` (15 s) when a guild stays unavailable at login.
 * discord.js retries 5xx answers, ECONNRESET and its own REST timeout (3 retries), never "socket closed".
 */
import { EventEmitter } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import {
  type DispatchTarget,
  type DropOptions,
  FakeGateway,
  type IdentifyRecord,
  type ResumeRecord,
} from "./fake-discord-gateway.js";
import { InteractionHandle } from "./fake-discord-handle.js";
import {
  DiscordErrors,
  DiscordHttpError,
  findRoute,
  matchesRequest,
  parseBody,
  type RecordedRequest,
  type RequestMatcher,
  type RouteDef,
  readBody,
  recordHeaders,
} from "./fake-discord-http.js";
import {
  type BuilderHost,
  type CommandOptions,
  InteractionBuilder,
  type InteractionContextOptions,
  type InteractionPayload,
  type StoredCommand,
} from "./fake-discord-interactions.js";
import {
  type FakeChannel,
  type FakeChannelInit,
  type FakeGuild,
  type FakeGuildInit,
  type FakeMessage,
  type FakeUser,
  isThreadType,
  lookupChannel,
  makeChannel,
  makeGuild,
  makeMember,
  makeUser,
  shardOf,
  snowflake,
} from "./fake-discord-model.js";
import {
  DiscordRoutes,
  type Handler,
  type InteractionResponseRecord,
  type Result,
} from "./fake-discord-routes.js";
import { e2eOnly } from "./test-project.js";

export * from "./fake-discord-gateway.js";
export * from "./fake-discord-handle.js";
export * from "./fake-discord-http.js";
export * from "./fake-discord-interactions.js";
export * from "./fake-discord-model.js";
export type { InteractionResponseRecord, ResponseData } from "./fake-discord-routes.js";
export * from "./fake-discord-rules.js";

/** Options of {@link startFakeDiscord}. All optional. */
export interface FakeDiscordOptions {
  /** The bot token the fake accepts (REST `Authorization: Bot …` and gateway IDENTIFY); others get 401 / close 4004. */
  token?: string;
  /** Application id; also the bot user's id unless `botUser.id` says otherwise. */
  applicationId?: string;
  /** The bot user (username etc.). */
  botUser?: Partial<FakeUser>;
  /** `application.flags` in READY. */
  applicationFlags?: number;
  /** The user who invokes interactions unless a test names another. */
  testUser?: Partial<FakeUser>;
  /** Guilds the bot is in; default one guild with a text, announcement, voice, category and forum channel. */
  guilds?: readonly FakeGuildInit[];
  /** Shard count `GET /gateway/bot` recommends (default 1). */
  shards?: number;
  /**
   * `session_start_limit.max_concurrency` (default 16, so several shards identify at once; with 1,
   * discord.js waits about 5 s between shards, as it would on Discord).
   */
  maxConcurrency?: number;
  /** `session_start_limit.remaining` (default 1000); discord.js refuses to start when below its shard count. */
  sessionStartRemaining?: number;
  /** HELLO `heartbeat_interval` in ms (Discord: 41250). Make it short to see heartbeats in a test. */
  heartbeatIntervalMs?: number;
  /** Privileged intents the app is allowed (bits); others close the gateway with 4014. Default none. */
  allowedPrivilegedIntents?: number;
  /** Check `Authorization` on REST routes that need the bot token (default true; false answers anyway). */
  requireRestAuth?: boolean;
  /** Rate limits on non-interaction routes; none by default. */
  rateLimit?: {
    /** Global requests per second (Discord: 50). Excess requests get a global 429. */
    globalPerSecond?: number;
    /** A bucket per route and major parameter (channel, guild, webhook), with `X-RateLimit-*` headers. */
    perRoute?: { limit: number; windowMs: number };
  };
  /** How long an interaction may go without a callback (Discord: 3000 ms); then 404 10062. */
  interactionDeadlineMs?: number;
  /** How long an interaction token works for edits and follow-ups (Discord: 15 min); then 404 10015. */
  interactionTokenTtlMs?: number;
  /** How long `enforce_nonce` remembers a nonce per channel (Discord: "a few minutes"); default 5 min. */
  nonceWindowMs?: number;
}

/** A fault added by `failNext`, `resetConnectionNext` or `delay`. */
export interface FaultHandle {
  /** How often it fired. */
  readonly hits: number;
  /** How often it will still fire (Infinity for a permanent delay). */
  readonly remaining: number;
  /** Removes it. */
  cancel(): void;
}

/** The error `failNext` answers with. */
export interface FailSpec {
  status: number;
  /** Discord JSON error code (default 0). */
  code?: number;
  /** Default: a generic message for the status. */
  message?: string;
  /** For 429: seconds to wait (float), sent as `Retry-After` and `retry_after`. Default 1. */
  retryAfter?: number;
  /** For 429: a global rate limit (`X-RateLimit-Global`). */
  global?: boolean;
  /** For 429: `X-RateLimit-Scope` (default "user"). */
  scope?: "user" | "global" | "shared";
  /** How many matching requests fail (default 1). */
  times?: number;
  /** Extra body fields, e.g. `errors` of a 50035. */
  extra?: Record<string, unknown>;
}

/** Events of the fake. */
export interface FakeDiscordEvents {
  /** A request arrived (already recorded, not yet answered). */
  request: [RecordedRequest];
  /** A request was answered, reset, closed or left hanging. */
  settled: [RecordedRequest];
  /** The bot answered an interaction (accepted responses only). */
  interactionResponse: [InteractionResponseRecord];
  /** A message was created in a channel by `POST /channels/:id/messages`. */
  message: [FakeMessage];
  identify: [IdentifyRecord];
  resume: [ResumeRecord];
}

interface Fault {
  matcher: RequestMatcher;
  remaining: number;
  hits: number;
  kind: "fail" | "connection" | "delay";
  fail?: FailSpec;
  connection?: "reset" | "close" | "hang";
  delayMs?: number;
}

interface Waiter {
  probe: () => boolean;
  reject: (error: Error) => void;
}

/** Starts a fake Discord on 127.0.0.1 (random port). Close it with {@link FakeDiscord.close}. */
export async function startFakeDiscord(options: FakeDiscordOptions = {}): Promise<FakeDiscord> {
  e2eOnly("The fake Discord");
  const fake = new FakeDiscord(options);
  await fake.listen();
  return fake;
}

/** The fake Discord. Create it with {@link startFakeDiscord}. */
export class FakeDiscord {
  /** The token the fake accepts; log the client in with it. */
  readonly token: string;
  readonly applicationId: string;
  readonly botUser: FakeUser;
  /** The user who invokes interactions by default (a member of every guild, without roles). */
  readonly defaultUser: FakeUser;
  /** Interaction payload builders (`fake.build.command(…)`), to pass to {@link FakeDiscord.interact}. */
  readonly build: InteractionBuilder;
  /** The gateway (sessions, connections, heartbeat control). */
  readonly gateway: FakeGateway;
  /** Events; see {@link FakeDiscordEvents}. */
  readonly events = new EventEmitter<FakeDiscordEvents>();

  readonly #options: FakeDiscordOptions;
  readonly #server: Server;
  readonly #guilds: FakeGuild[] = [];
  readonly #requests: RecordedRequest[] = [];
  readonly #faults: Fault[] = [];
  readonly #waiters = new Set<Waiter>();
  readonly #timers = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
  readonly #hanging = new Set<ServerResponse>();
  readonly #rest: DiscordRoutes;
  readonly #routes: RouteDef<Handler>[];
  readonly #buckets = new Map<string, { start: number; count: number }>();
  #global = { start: 0, count: 0 };
  #clockOffset = 0;
  #port = 0;
  #closed = false;

  constructor(options: FakeDiscordOptions = {}) {
    this.#options = options;
    this.token = options.token ?? "fake-bot-token.for-tests-only";
    const botId = options.botUser?.id ?? options.applicationId ?? snowflake();
    this.applicationId = options.applicationId ?? botId;
    this.botUser = makeUser({
      username: "talks-bot",
      global_name: null,
      ...options.botUser,
      id: botId,
      bot: true,
    });
    this.defaultUser = makeUser({
      username: "tester",
      global_name: "Tester",
      ...options.testUser,
      id: options.testUser?.id ?? snowflake(),
    });
    for (const init of options.guilds ?? [{}]) this.#guilds.push(this.#makeGuild(init));
    this.build = new InteractionBuilder(this.#builderHost());
    this.gateway = new FakeGateway({
      token: this.token,
      botUser: this.botUser,
      applicationId: this.applicationId,
      applicationFlags: options.applicationFlags ?? 0,
      heartbeatIntervalMs: options.heartbeatIntervalMs ?? 41_250,
      allowedPrivilegedIntents: options.allowedPrivilegedIntents ?? 0,
      guildsForShard: (id, count) => this.#guilds.filter((g) => g.joined && shardOf(g.id, count) === id),
      resumeUrl: () => `ws://127.0.0.1:${this.#port}/resume`,
      now: () => this.now(),
      changed: () => this.#changed(),
      onIdentify: (r) => {
        this.events.emit("identify", r);
        this.#changed();
      },
      onResume: (r) => {
        this.events.emit("resume", r);
        this.#changed();
      },
    });
    this.#rest = new DiscordRoutes(this, options);
    this.#routes = this.#rest.definitions();
    this.#server = createServer((req, res) => {
      void this.#handle(req, res);
    });
    this.#server.on("upgrade", (req, socket, head) => this.gateway.handleUpgrade(req, socket, head));
  }

  /** Starts listening (done by {@link startFakeDiscord}). */
  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once("error", reject);
      this.#server.listen(0, "127.0.0.1", () => resolve());
    });
    this.#port = (this.#server.address() as AddressInfo).port;
  }

  /** `http://127.0.0.1:PORT/api`; pass as `rest: { api }` (discord.js appends `/v10/…`). */
  get apiUrl(): string {
    return `http://127.0.0.1:${this.#port}/api`;
  }

  /** The gateway URL `GET /gateway/bot` hands out. */
  get gatewayUrl(): string {
    return `ws://127.0.0.1:${this.#port}/gateway`;
  }

  /** The fake's clock: real time plus whatever {@link FakeDiscord.advanceTime} added. */
  now(): number {
    return Date.now() + this.#clockOffset;
  }

  /**
   * Moves the fake's clock forward: interaction deadlines, token lifetimes and nonce windows see the time
   * pass; the client does not. E.g. `advanceTime(15 * 60_000)` expires every interaction token.
   */
  advanceTime(ms: number): void {
    this.#clockOffset += ms;
    this.#changed();
  }

  /** Closes every socket and both servers; pending waits reject. Safe to call twice. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const waiter of this.#waiters) waiter.reject(new Error("fake Discord closed"));
    this.#waiters.clear();
    for (const t of this.#timers) {
      clearTimeout(t.timer);
      t.resolve();
    }
    this.#timers.clear();
    for (const res of this.#hanging) res.destroy();
    this.#hanging.clear();
    this.gateway.close();
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    this.#server.closeAllConnections();
    await closed;
  }

  // ---------------------------------------------------------------- state

  /** A guild's live state (default: the first guild). Throws for unknown ids. */
  guild(id?: string): FakeGuild {
    const guild = id === undefined ? this.#guilds[0] : this.#guilds.find((g) => g.id === id);
    if (!guild) throw new Error(`fake Discord: no guild ${id ?? "(none configured)"}`);
    return guild;
  }

  /** All guilds (including ones the bot was removed from). */
  get guilds(): readonly FakeGuild[] {
    return this.#guilds;
  }

  /** A channel by id, or `undefined`. */
  channel(id: string): FakeChannel | undefined {
    return lookupChannel(this.#guilds, id)?.channel;
  }

  /** A channel by name in a guild (default the first), or throws. */
  findChannel(name: string, guildId?: string): FakeChannel {
    const channel = this.guild(guildId).channels.find((c) => c.name === name);
    if (!channel) throw new Error(`fake Discord: no channel named ${name}`);
    return channel;
  }

  /** Commands the bot registered: global ones, or a guild's. */
  commands(guildId?: string): readonly StoredCommand[] {
    return this.#rest.commands(guildId);
  }

  /**
   * Sends GUILD_DELETE. By default the bot was removed: REST on the guild and its channels then answers
   * 403 50001. With `unavailable: true` it is an outage instead (see {@link FakeDiscord.guildAvailable}).
   */
  guildDelete(guildId: string, options: { unavailable?: boolean } = {}): void {
    const guild = this.guild(guildId);
    if (options.unavailable) {
      guild.available = false;
      this.gateway.dispatch("GUILD_DELETE", { id: guild.id, unavailable: true }, { guildId });
    } else {
      guild.joined = false;
      this.gateway.dispatch("GUILD_DELETE", { id: guild.id }, { guildId });
    }
  }

  /** Adds a channel to a guild (CHANNEL_CREATE). */
  createChannel(guildId: string, init: FakeChannelInit): FakeChannel {
    const guild = this.guild(guildId);
    const channel = makeChannel(guild.id, init, guild.channels.length);
    guild.channels.push(channel);
    this.gateway.dispatch(isThreadType(channel.type) ? "THREAD_CREATE" : "CHANNEL_CREATE", channel, {
      guildId,
    });
    return channel;
  }

  /** Deletes a channel (CHANNEL_DELETE); REST then answers 404 10003 for it. */
  deleteChannel(channelId: string): void {
    const found = lookupChannel(this.#guilds, channelId);
    if (!found) throw new Error(`fake Discord: no channel ${channelId}`);
    found.guild.channels = found.guild.channels.filter((c) => c.id !== channelId);
    const t = isThreadType(found.channel.type) ? "THREAD_DELETE" : "CHANNEL_DELETE";
    this.gateway.dispatch(t, found.channel, { guildId: found.guild.id });
  }

  // ---------------------------------------------------------------- recording

  /** Every request so far, in arrival order (live records: `status` appears once answered). */
  get requests(): readonly RecordedRequest[] {
    return this.#requests;
  }

  /** Requests no route matched (each answered 404); a healthy bot makes none. */
  unknownRequests(): RecordedRequest[] {
    return this.#requests.filter((r) => r.unknown);
  }

  /** Requests selected by `matcher`. */
  requestsTo(matcher: RequestMatcher): RecordedRequest[] {
    return this.#requests.filter((r) => matchesRequest(matcher, r));
  }

  /**
   * The first request (past or future) selected by `matcher` once it is settled (answered, reset or hung).
   * `since` skips requests with a lower `seq` (use `fake.requests.length + 1` for "the next one").
   */
  waitFor(
    matcher: RequestMatcher,
    options: number | { timeoutMs?: number; since?: number } = {},
  ): Promise<RecordedRequest> {
    const { timeoutMs = 5000, since = 0 } = typeof options === "number" ? { timeoutMs: options } : options;
    return this.until(
      () =>
        this.#requests.find((r) => r.seq >= since && r.outcome !== "pending" && matchesRequest(matcher, r)),
      timeoutMs,
      `a request matching ${describeMatcher(matcher)}`,
    );
  }

  /**
   * Resolves with the first truthy value of `probe`, re-checked whenever the fake's state changes (requests,
   * gateway events, responses). Rejects after `timeoutMs`.
   */
  until<T>(probe: () => T | undefined | null | false, timeoutMs = 5000, what = "a condition"): Promise<T> {
    const first = probe();
    if (first) return Promise.resolve(first);
    if (this.#closed) return Promise.reject(new Error("fake Discord closed"));
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(waiter);
        reject(new Error(`fake Discord: timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      const waiter: Waiter = {
        probe: () => {
          const value = probe();
          if (!value) return false;
          clearTimeout(timer);
          resolve(value);
          return true;
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      this.#waiters.add(waiter);
    });
  }

  /** Messages created in a channel through `POST /channels/:id/messages` (current state, oldest first). */
  messagesIn(channelId: string): FakeMessage[] {
    return this.#rest.messagesIn(channelId);
  }

  /** Every callback request for an interaction, including rejected ones (e.g. a second one: 40060). */
  callbacksFor(interactionId: string): RecordedRequest[] {
    return this.#requests.filter(
      (r) => r.route === "POST /interactions/:id/:token/callback" && r.params.id === interactionId,
    );
  }

  /** The accepted answers to an interaction in order: callback, @original edits, follow-ups, deletes. */
  interactionResponses(interactionId: string): InteractionResponseRecord[] {
    return this.#rest.interactionResponses(interactionId);
  }

  /** Interactions that never got an accepted callback. */
  unansweredInteractions(): InteractionPayload[] {
    return this.#rest.unansweredInteractions();
  }

  /** The most requests on non-interaction routes within any one second (for global rate limit checks). */
  maxRequestsPerSecond(matcher?: RequestMatcher): number {
    const times = this.#requests
      .filter((r) => !isInteractionRoute(r) && (!matcher || matchesRequest(matcher, r)))
      .map((r) => r.at)
      .sort((a, b) => a - b);
    let best = 0;
    let start = 0;
    for (let end = 0; end < times.length; end++) {
      while ((times[end] ?? 0) - (times[start] ?? 0) >= 1000) start++;
      best = Math.max(best, end - start + 1);
    }
    return best;
  }

  // ---------------------------------------------------------------- faults

  /**
   * Makes the next matching request(s) fail with a Discord error, before any effect: e.g.
   * `failNext("POST /channels/:id/messages", { status: 403, code: 50013 })`, or a 429 with `retryAfter`.
   * Note discord.js retries 5xx up to 3 times by itself, so use `times: 4` to make a 500 stick.
   */
  failNext(matcher: RequestMatcher, spec: FailSpec): FaultHandle {
    return this.#addFault({ matcher, remaining: spec.times ?? 1, hits: 0, kind: "fail", fail: spec });
  }

  /**
   * Lets the next matching request(s) take effect (e.g. the message is created) and then loses the answer:
   * `reset` (default) sends a TCP reset, which discord.js retries (ECONNRESET); `close` just closes the
   * socket (undici reports "other side closed", which discord.js does not retry); `hang` never answers
   * (discord.js retries after its REST `timeout`).
   */
  resetConnectionNext(
    matcher: RequestMatcher,
    options: { mode?: "reset" | "close" | "hang"; times?: number } = {},
  ): FaultHandle {
    return this.#addFault({
      matcher,
      remaining: options.times ?? 1,
      hits: 0,
      kind: "connection",
      connection: options.mode ?? "reset",
    });
  }

  /** Delays matching requests by `ms` before handling them (all of them unless `times` is given). */
  delay(matcher: RequestMatcher, ms: number, options: { times?: number } = {}): FaultHandle {
    return this.#addFault({
      matcher,
      remaining: options.times ?? Number.POSITIVE_INFINITY,
      hits: 0,
      kind: "delay",
      delayMs: ms,
    });
  }

  /** Removes every injected fault and delay. */
  clearFaults(): void {
    this.#faults.length = 0;
  }

  // ---------------------------------------------------------------- interactions

  /**
   * Dispatches INTERACTION_CREATE (to the shard owning its guild; DMs go to shard 0) and returns a handle
   * to await the bot's answer. Throws when no gateway session would receive it.
   */
  interact(payload: InteractionPayload): InteractionHandle {
    this.#rest.openInteraction(payload);
    const target: DispatchTarget = payload.guild_id ? { guildId: payload.guild_id } : { shard: 0 };
    const delivered = this.gateway.dispatch("INTERACTION_CREATE", payload, target);
    if (delivered === 0) {
      throw new Error(
        "fake Discord: no gateway session to deliver the interaction to (is the client logged in?)",
      );
    }
    return new InteractionHandle(this, payload);
  }

  /**
   * Runs a slash command and resolves with the bot's answer: the callback for types 4/7/8/9, or the first
   * @original edit (or follow-up) after a defer. `ctx.timeoutMs` bounds the wait (default 10 s).
   */
  command(
    path: string,
    options: CommandOptions = {},
    ctx: InteractionContextOptions & { timeoutMs?: number } = {},
  ): Promise<InteractionResponseRecord> {
    return this.interact(this.build.command(path, options, ctx)).reply(ctx.timeoutMs);
  }

  /** Sends an autocomplete request and resolves with the type-8 callback (`data.choices`). */
  autocomplete(
    path: string,
    options: CommandOptions,
    focused?: string,
    ctx: InteractionContextOptions & { timeoutMs?: number } = {},
  ): Promise<InteractionResponseRecord> {
    return this.interact(this.build.autocomplete(path, options, focused, ctx)).reply(ctx.timeoutMs);
  }

  /** Clicks a button and resolves with the bot's answer (see {@link FakeDiscord.command}). */
  click(
    customId: string,
    ctx: InteractionContextOptions & { message?: Partial<FakeMessage>; timeoutMs?: number } = {},
  ): Promise<InteractionResponseRecord> {
    return this.interact(this.build.button(customId, ctx)).reply(ctx.timeoutMs);
  }

  /** Expires one interaction's token. */
  expireInteraction(interactionId: string): void {
    this.#rest.expireInteraction(interactionId);
  }

  // ---------------------------------------------------------------- gateway shortcuts

  /** Every IDENTIFY so far (intents, shard, properties; never the token). */
  get identifies(): readonly IdentifyRecord[] {
    return this.gateway.identifies;
  }

  /** Every RESUME so far. */
  get resumes(): readonly ResumeRecord[] {
    return this.gateway.resumes;
  }

  /**
   * Cuts gateway connections (default: close 4000 on every shard), which discord.js answers by resuming
   * after about 0.5 s. Pass a close code, or `{ terminate: true }` to cut TCP without a close frame.
   */
  dropGateway(codeOrOptions?: number | DropOptions): Promise<number> {
    return this.gateway.drop(typeof codeOrOptions === "number" ? { code: codeOrOptions } : codeOrOptions);
  }

  /** Sends a dispatch to every session, or one shard's, or the shard owning a guild. */
  dispatch(t: string, d: unknown, target: DispatchTarget = {}): number {
    return this.gateway.dispatch(t, d, target);
  }

  /** Resolves once `count` sessions are connected (after login, or after a drop and resume). */
  waitForSessions(count = 1, timeoutMs = 5000): Promise<true> {
    return this.until(
      () => this.gateway.connectedSessions >= count || undefined,
      timeoutMs,
      `${count} connected gateway session(s)`,
    );
  }

  // ---------------------------------------------------------------- internals

  #makeGuild(init: FakeGuildInit): FakeGuild {
    const guild = makeGuild(init, this.botUser);
    if (!guild.members.some((m) => m.user.id === this.defaultUser.id)) {
      guild.members.push(makeMember(this.defaultUser, []));
    }
    return guild;
  }

  #builderHost(): BuilderHost {
    return {
      applicationId: this.applicationId,
      botUser: this.botUser,
      defaultUser: this.defaultUser,
      guild: (id) => this.guild(id),
      findCommand: (name, type, guildId) => this.#rest.findCommand(name, type, guildId),
      findMessage: (id) => this.#rest.message(id),
      findMessageWithComponent: (customId, channelId) => this.#rest.messageWithComponent(customId, channelId),
      lookupChannel: (id) => lookupChannel(this.#guilds, id),
    };
  }

  #changed(): void {
    for (const waiter of [...this.#waiters]) {
      if (waiter.probe()) this.#waiters.delete(waiter);
    }
  }

  #addFault(fault: Fault): FaultHandle {
    this.#faults.push(fault);
    const faults = this.#faults;
    return {
      get hits() {
        return fault.hits;
      },
      get remaining() {
        return fault.remaining;
      },
      cancel() {
        const i = faults.indexOf(fault);
        if (i >= 0) faults.splice(i, 1);
      },
    };
  }

  #takeFault(kind: Fault["kind"], req: RecordedRequest): Fault | undefined {
    const fault = this.#faults.find(
      (f) => f.kind === kind && f.remaining > 0 && matchesRequest(f.matcher, req),
    );
    if (!fault) return undefined;
    fault.remaining -= 1;
    fault.hits += 1;
    if (fault.remaining <= 0) this.#faults.splice(this.#faults.indexOf(fault), 1);
    return fault;
  }

  #sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const entry = {
        timer: setTimeout(() => {
          this.#timers.delete(entry);
          resolve();
        }, ms),
        resolve,
      };
      this.#timers.add(entry);
    });
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://fake");
    const method = (req.method ?? "GET").toUpperCase();
    const prefix = "/api/v10";
    const path = url.pathname.startsWith(`${prefix}/`) ? url.pathname.slice(prefix.length) : url.pathname;
    const match = url.pathname.startsWith(`${prefix}/`) ? findRoute(this.#routes, method, path) : undefined;
    const record: RecordedRequest = {
      seq: 0,
      method,
      path,
      route: match ? `${method} ${match.route.pattern}` : `${method} ${path}`,
      params: match?.params ?? {},
      query: Object.fromEntries(url.searchParams),
      body: undefined,
      files: [],
      headers: recordHeaders(req),
      authorized: req.headers.authorization === `Bot ${this.token}`,
      at: this.now(),
      unknown: !match,
      outcome: "pending",
    };
    let parseError: DiscordHttpError | undefined;
    try {
      const parsed = await parseBody(await readBody(req), req.headers["content-type"]);
      record.body = parsed.body;
      record.files = parsed.files;
    } catch {
      parseError = DiscordErrors.invalidJson();
    }
    // Numbered on arrival of the whole body, so concurrent requests never share a number.
    record.seq = this.#requests.push(record);
    this.events.emit("request", record);
    this.#changed();

    const headers: Record<string, string> = {};
    let result: Result;
    try {
      if (!match) throw DiscordErrors.notFound();
      if (parseError) throw parseError;
      if (match.route.auth && !record.authorized && (this.#options.requireRestAuth ?? true)) {
        throw DiscordErrors.unauthorized();
      }
      const delay = this.#takeFault("delay", record);
      if (delay) await this.#sleep(delay.delayMs ?? 0);
      const fail = this.#takeFault("fail", record);
      if (fail?.fail) {
        record.fault = "injected";
        throw injectedError(fail.fail);
      }
      if (!match.route.interaction) this.#rateLimit(record, headers);
      const body = (record.body ?? {}) as Record<string, unknown>;
      result = await match.route.handler({
        req: record,
        params: match.params,
        query: url.searchParams,
        body: typeof body === "object" && body !== null ? body : {},
        files: record.files,
      });
    } catch (error) {
      const err =
        error instanceof DiscordHttpError
          ? error
          : new DiscordHttpError(500, 0, `500: Internal Server Error (fake: ${String(error)})`);
      Object.assign(headers, err.headers);
      result = { status: err.status, body: err.toBody() };
    }

    if (this.#closed) return;
    const connectionFault = result.status < 400 ? this.#takeFault("connection", record) : undefined;
    if (connectionFault) {
      if (connectionFault.connection === "hang") {
        record.outcome = "hung";
        this.#hanging.add(res);
      } else if (connectionFault.connection === "close") {
        record.outcome = "closed";
        req.socket.destroy();
      } else {
        record.outcome = "reset";
        req.socket.resetAndDestroy();
      }
    } else {
      if (result.body !== undefined) headers["content-type"] = "application/json";
      record.status = result.status;
      record.response = result.body;
      record.responseHeaders = headers;
      record.outcome = "answered";
      res.writeHead(result.status, headers);
      res.end(result.body === undefined ? undefined : JSON.stringify(result.body));
    }
    this.events.emit("settled", record);
    this.#changed();
  }

  /** Applies the optional global and per-route limits; throws a 429 or adds `X-RateLimit-*` headers. */
  #rateLimit(record: RecordedRequest, headers: Record<string, string>): void {
    const limits = this.#options.rateLimit;
    if (!limits) return;
    const now = Date.now();
    if (limits.globalPerSecond !== undefined) {
      if (now - this.#global.start >= 1000) this.#global = { start: now, count: 0 };
      if (this.#global.count >= limits.globalPerSecond) {
        const retryAfter = (this.#global.start + 1000 - now) / 1000;
        record.fault = "rate-limited";
        throw rateLimitError(retryAfter, true, "global");
      }
      this.#global.count += 1;
    }
    if (limits.perRoute) {
      const { limit, windowMs } = limits.perRoute;
      const major =
        record.params.id ?? (record.params.token ? `${record.params.app}/${record.params.token}` : "");
      const key = `${record.route}:${major}`;
      let bucket = this.#buckets.get(key);
      if (!bucket || now - bucket.start >= windowMs) {
        bucket = { start: now, count: 0 };
        this.#buckets.set(key, bucket);
      }
      const resetAfter = (bucket.start + windowMs - now) / 1000;
      const hash = Buffer.from(record.route).toString("base64url").slice(0, 16);
      const bucketHeaders = {
        "x-ratelimit-limit": String(limit),
        "x-ratelimit-remaining": String(Math.max(0, limit - bucket.count - 1)),
        "x-ratelimit-reset": String((bucket.start + windowMs) / 1000),
        "x-ratelimit-reset-after": resetAfter.toFixed(3),
        "x-ratelimit-bucket": hash,
      };
      if (bucket.count >= limit) {
        record.fault = "rate-limited";
        const error = rateLimitError(resetAfter, false, "user");
        Object.assign(error.headers, bucketHeaders, { "x-ratelimit-remaining": "0" });
        throw error;
      }
      bucket.count += 1;
      Object.assign(headers, bucketHeaders);
    }
  }
}

function isInteractionRoute(r: RecordedRequest): boolean {
  return r.route.startsWith("POST /interactions/") || r.route.includes(" /webhooks/");
}

function describeMatcher(matcher: RequestMatcher): string {
  if (typeof matcher === "function") return "a predicate";
  if (typeof matcher === "string" || matcher instanceof RegExp) return String(matcher);
  return JSON.stringify(matcher);
}

function statusText(status: number): string {
  const texts: Record<number, string> = {
    400: "400: Bad Request",
    401: "401: Unauthorized",
    403: "Missing Permissions",
    404: "404: Not Found",
    429: "You are being rate limited.",
    500: "500: Internal Server Error",
    502: "502: Bad Gateway",
    503: "503: Service Unavailable",
  };
  return texts[status] ?? `${status}: Error`;
}

function rateLimitError(retryAfter: number, global: boolean, scope: string): DiscordHttpError {
  const seconds = Math.max(0.001, retryAfter);
  const headers: Record<string, string> = {
    "retry-after": String(seconds),
    "x-ratelimit-scope": scope,
  };
  if (global) headers["x-ratelimit-global"] = "true";
  return new DiscordHttpError(
    429,
    0,
    "You are being rate limited.",
    { retry_after: seconds, global },
    headers,
  );
}

function injectedError(spec: FailSpec): DiscordHttpError {
  if (spec.status === 429) {
    const error = rateLimitError(
      spec.retryAfter ?? 1,
      spec.global ?? false,
      spec.scope ?? (spec.global ? "global" : "user"),
    );
    if (spec.code !== undefined || spec.message !== undefined || spec.extra) {
      return new DiscordHttpError(
        429,
        spec.code ?? 0,
        spec.message ?? error.message,
        { ...error.extra, ...spec.extra },
        error.headers,
      );
    }
    return error;
  }
  return new DiscordHttpError(
    spec.status,
    spec.code ?? 0,
    spec.message ?? statusText(spec.status),
    spec.extra ?? {},
  );
}
