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
import {
  DiscordErrors,
  DiscordHttpError,
  findRoute,
  formError,
  matchesRequest,
  parseBody,
  type RecordedFile,
  type RecordedRequest,
  type RequestMatcher,
  type RouteDef,
  readBody,
  recordHeaders,
  route,
} from "./fake-discord-http.js";
import {
  type BuilderHost,
  type CommandOptions,
  InteractionBuilder,
  type InteractionContextOptions,
  InteractionKind,
  type InteractionPayload,
  type StoredCommand,
  type StoredOption,
} from "./fake-discord-interactions.js";
import {
  type AllowedMentions,
  computePermissions,
  type DefaultMentionParse,
  type EmbedData,
  type FakeChannel,
  type FakeChannelInit,
  type FakeGuild,
  type FakeGuildInit,
  type FakeMessage,
  type FakeUser,
  guildObject,
  isMessageableType,
  isThreadType,
  makeChannel,
  makeGuild,
  makeMember,
  makeMessage,
  makeUser,
  resolveMentions,
  shardOf,
  snowflake,
  validateMessageBody,
} from "./fake-discord-model.js";
import { e2eOnly } from "./test-project.js";

export * from "./fake-discord-gateway.js";
export * from "./fake-discord-http.js";
export * from "./fake-discord-interactions.js";
export * from "./fake-discord-model.js";

const SUPPRESS_EMBEDS = 1 << 2;
const EPHEMERAL = 1 << 6;
const LOADING = 1 << 7;
const SUPPRESS_NOTIFICATIONS = 1 << 12;
const IS_COMPONENTS_V2 = 1 << 15;
/** Message flags a bot may set when it creates a message. */
const CREATE_FLAGS = SUPPRESS_EMBEDS | SUPPRESS_NOTIFICATIONS | IS_COMPONENTS_V2;
const VIEW_CHANNEL = 1n << 10n;
const SEND_MESSAGES = 1n << 11n;
const EMBED_LINKS = 1n << 14n;
const MENTION_EVERYONE = 1n << 17n;
const SEND_MESSAGES_IN_THREADS = 1n << 38n;

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

/** One accepted answer of the bot to an interaction. */
export interface InteractionResponseRecord {
  interactionId: string;
  /** `callback` (POST …/callback), `edit`/`delete` (of @original or a follow-up), `followup` (POST webhook). */
  kind: "callback" | "edit" | "delete" | "followup";
  /** The callback type for `callback` records (4 message, 5 defer, 6 defer update, 7 update, 8 choices, 9 modal). */
  callbackType?: number;
  /** `@original` or the follow-up id for edits/deletes; the created message id for follow-ups. */
  messageId?: string;
  /** What the bot sent: the callback's `data`, or the webhook body. */
  data: ResponseData;
  /** The message as it stands after this response, when there is one. */
  message?: FakeMessage;
  /** Whether the message the user sees is ephemeral. */
  ephemeral: boolean;
  files: RecordedFile[];
  at: number;
  request: RecordedRequest;
}

/** The message or choices the bot answered with. */
export interface ResponseData {
  content?: string;
  embeds?: EmbedData[];
  flags?: number;
  components?: unknown[];
  allowed_mentions?: AllowedMentions;
  choices?: { name: string; value: string | number; name_localizations?: unknown }[];
  custom_id?: string;
  title?: string;
  [extra: string]: unknown;
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

interface InteractionState {
  payload: InteractionPayload;
  createdAt: number;
  callbackType: number | null;
  tokenExpired: boolean;
  ephemeral: boolean;
  original: FakeMessage | null;
  /** A type-5 defer whose "thinking…" message has not been replaced yet. */
  loading: boolean;
  followups: Map<string, FakeMessage>;
  responses: InteractionResponseRecord[];
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

interface Ctx {
  req: RecordedRequest;
  params: Record<string, string>;
  query: URLSearchParams;
  body: Record<string, unknown>;
  files: RecordedFile[];
}

interface Result {
  status: number;
  body?: unknown;
}

type Handler = (ctx: Ctx) => Result | Promise<Result>;

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
  readonly #messages = new Map<string, FakeMessage>();
  readonly #channelMessages = new Map<string, FakeMessage[]>();
  readonly #nonces = new Map<string, { messageId: string; at: number }>();
  readonly #globalCommands: StoredCommand[] = [];
  readonly #guildCommands = new Map<string, StoredCommand[]>();
  readonly #commandIds = new Map<string, string>();
  readonly #interactions = new Map<string, InteractionState>();
  readonly #interactionsByToken = new Map<string, InteractionState>();
  readonly #faults: Fault[] = [];
  readonly #waiters = new Set<Waiter>();
  readonly #timers = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
  readonly #hanging = new Set<ServerResponse>();
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
    this.#routes = this.#defineRoutes();
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
    return this.#lookupChannel(id)?.channel;
  }

  /** A channel by name in a guild (default the first), or throws. */
  findChannel(name: string, guildId?: string): FakeChannel {
    const channel = this.guild(guildId).channels.find((c) => c.name === name);
    if (!channel) throw new Error(`fake Discord: no channel named ${name}`);
    return channel;
  }

  /** Commands the bot registered: global ones, or a guild's. */
  commands(guildId?: string): readonly StoredCommand[] {
    return guildId === undefined ? this.#globalCommands : (this.#guildCommands.get(guildId) ?? []);
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
    const found = this.#lookupChannel(channelId);
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
    return [...(this.#channelMessages.get(channelId) ?? [])];
  }

  /** Every callback request for an interaction, including rejected ones (e.g. a second one: 40060). */
  callbacksFor(interactionId: string): RecordedRequest[] {
    return this.#requests.filter(
      (r) => r.route === "POST /interactions/:id/:token/callback" && r.params.id === interactionId,
    );
  }

  /** The accepted answers to an interaction in order: callback, @original edits, follow-ups, deletes. */
  interactionResponses(interactionId: string): InteractionResponseRecord[] {
    return [...(this.#interactions.get(interactionId)?.responses ?? [])];
  }

  /** Interactions that never got an accepted callback. */
  unansweredInteractions(): InteractionPayload[] {
    return [...this.#interactions.values()].filter((s) => s.callbackType === null).map((s) => s.payload);
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
    const state: InteractionState = {
      payload,
      createdAt: this.now(),
      callbackType: null,
      tokenExpired: false,
      ephemeral: false,
      original: null,
      loading: false,
      followups: new Map(),
      responses: [],
    };
    this.#interactions.set(payload.id, state);
    this.#interactionsByToken.set(payload.token, state);
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
    const state = this.#interactions.get(interactionId);
    if (state) state.tokenExpired = true;
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
      findCommand: (name, type, guildId) => {
        const byName = (c: StoredCommand) => c.name === name && c.type === type;
        return (
          (guildId ? this.#guildCommands.get(guildId)?.find(byName) : undefined) ??
          this.#globalCommands.find(byName)
        );
      },
      findMessage: (id) => this.#messages.get(id),
      findMessageWithComponent: (customId, channelId) => {
        const all = [...this.#messages.values()].reverse();
        return all.find(
          (m) =>
            m.channel_id === channelId &&
            JSON.stringify(m.components).includes(`"custom_id":${JSON.stringify(customId)}`),
        );
      },
      lookupChannel: (id) => this.#lookupChannel(id),
    };
  }

  #lookupChannel(id: string): { guild: FakeGuild; channel: FakeChannel } | undefined {
    for (const guild of this.#guilds) {
      const channel = guild.channels.find((c) => c.id === id);
      if (channel) return { guild, channel };
    }
    return undefined;
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

  // ---------------------------------------------------------------- routes

  #defineRoutes(): RouteDef<Handler>[] {
    const interaction = { interaction: true };
    return [
      route<Handler>("GET", "/gateway/bot", () => this.#gatewayBot()),
      route<Handler>("GET", "/gateway", () => ({ status: 200, body: { url: this.gatewayUrl } }), {
        auth: false,
      }),
      route<Handler>("GET", "/users/@me", () => ({ status: 200, body: this.botUser })),
      route<Handler>("GET", "/applications/@me", () => ({ status: 200, body: this.#application() })),
      route<Handler>("GET", "/applications/:app/commands", (c) => this.#getCommands(c)),
      route<Handler>("PUT", "/applications/:app/commands", (c) => this.#putCommands(c)),
      route<Handler>("GET", "/applications/:app/guilds/:guild/commands", (c) => this.#getCommands(c)),
      route<Handler>("PUT", "/applications/:app/guilds/:guild/commands", (c) => this.#putCommands(c)),
      route<Handler>("POST", "/interactions/:id/:token/callback", (c) => this.#callback(c), interaction),
      route<Handler>(
        "GET",
        "/webhooks/:app/:token/messages/@original",
        (c) => this.#getWebhookMessage(c),
        interaction,
      ),
      route<Handler>(
        "PATCH",
        "/webhooks/:app/:token/messages/@original",
        (c) => this.#editWebhookMessage(c),
        interaction,
      ),
      route<Handler>(
        "DELETE",
        "/webhooks/:app/:token/messages/@original",
        (c) => this.#deleteWebhookMessage(c),
        interaction,
      ),
      route<Handler>(
        "GET",
        "/webhooks/:app/:token/messages/:id",
        (c) => this.#getWebhookMessage(c),
        interaction,
      ),
      route<Handler>(
        "PATCH",
        "/webhooks/:app/:token/messages/:id",
        (c) => this.#editWebhookMessage(c),
        interaction,
      ),
      route<Handler>(
        "DELETE",
        "/webhooks/:app/:token/messages/:id",
        (c) => this.#deleteWebhookMessage(c),
        interaction,
      ),
      route<Handler>("POST", "/webhooks/:app/:token", (c) => this.#followup(c), interaction),
      route<Handler>("GET", "/channels/:id", (c) => this.#getChannel(c)),
      route<Handler>("POST", "/channels/:id/messages", (c) => this.#createMessage(c)),
      route<Handler>("GET", "/channels/:id/messages/:messageId", (c) => this.#getChannelMessage(c)),
      route<Handler>("PATCH", "/channels/:id/messages/:messageId", (c) => this.#editChannelMessage(c)),
      route<Handler>("DELETE", "/channels/:id/messages/:messageId", (c) => this.#deleteChannelMessage(c)),
      route<Handler>("GET", "/guilds/:id", (c) => ({
        status: 200,
        body: guildObject(this.#reachableGuild(c.params.id)),
      })),
      route<Handler>("GET", "/guilds/:id/channels", (c) => ({
        status: 200,
        body: this.#reachableGuild(c.params.id).channels.filter((ch) => !isThreadType(ch.type)),
      })),
      route<Handler>("GET", "/guilds/:id/roles", (c) => ({
        status: 200,
        body: this.#reachableGuild(c.params.id).roles,
      })),
      route<Handler>("GET", "/guilds/:id/members/:userId", (c) => {
        const member = this.#reachableGuild(c.params.id).members.find((m) => m.user.id === c.params.userId);
        if (!member) throw DiscordErrors.unknownMember();
        return { status: 200, body: member };
      }),
    ];
  }

  #gatewayBot(): Result {
    const identified = this.gateway.identifies.filter((i) => i.accepted).length;
    return {
      status: 200,
      body: {
        url: this.gatewayUrl,
        shards: this.#options.shards ?? 1,
        session_start_limit: {
          total: 1000,
          remaining: Math.max(0, (this.#options.sessionStartRemaining ?? 1000) - identified),
          reset_after: 86_400_000,
          max_concurrency: this.#options.maxConcurrency ?? 16,
        },
      },
    };
  }

  #application(): Record<string, unknown> {
    return {
      id: this.applicationId,
      name: this.botUser.username,
      icon: null,
      description: "",
      summary: "",
      type: null,
      bot: this.botUser,
      bot_public: true,
      bot_require_code_grant: false,
      verify_key: "0".repeat(64),
      flags: this.#options.applicationFlags ?? 0,
      owner: makeUser({ id: this.#guilds[0]?.owner_id ?? snowflake(), username: "owner" }),
      team: null,
      approximate_guild_count: this.#guilds.filter((g) => g.joined).length,
      install_params: { scopes: ["bot", "applications.commands"], permissions: "0" },
      integration_types_config: { "0": {} },
    };
  }

  #reachableGuild(id: string | undefined): FakeGuild {
    const guild = this.#guilds.find((g) => g.id === id);
    if (!guild) throw DiscordErrors.unknownGuild();
    if (!guild.joined) throw DiscordErrors.missingAccess();
    return guild;
  }

  #checkApp(app: string | undefined): void {
    if (app !== this.applicationId) throw DiscordErrors.unknownApplication();
  }

  #getCommands(c: Ctx): Result {
    this.#checkApp(c.params.app);
    if (c.params.guild !== undefined) this.#reachableGuild(c.params.guild);
    return { status: 200, body: this.commands(c.params.guild) };
  }

  #putCommands(c: Ctx): Result {
    this.#checkApp(c.params.app);
    const guildId = c.params.guild;
    if (guildId !== undefined) this.#reachableGuild(guildId);
    const list = c.req.body;
    if (!Array.isArray(list)) {
      throw formError([], "LIST_TYPE_CONVERT", "Only iterables may be used in a ListType.");
    }
    validateCommands(list as Record<string, unknown>[]);
    const stored = (list as Record<string, unknown>[]).map((raw) => {
      const type = Number(raw.type ?? 1);
      const key = `${guildId ?? "global"}:${type}:${String(raw.name)}`;
      let id = this.#commandIds.get(key);
      if (!id) {
        id = snowflake();
        this.#commandIds.set(key, id);
      }
      const command: StoredCommand = {
        default_member_permissions: null,
        nsfw: false,
        contexts: null,
        integration_types: [0],
        name_localizations: null,
        description_localizations: null,
        ...structuredClone(raw),
        id,
        application_id: this.applicationId,
        type,
        name: String(raw.name),
        description: String(raw.description ?? ""),
        version: snowflake(this.now()),
        ...(guildId !== undefined ? { guild_id: guildId } : {}),
      };
      return command;
    });
    if (guildId === undefined) this.#globalCommands.splice(0, this.#globalCommands.length, ...stored);
    else this.#guildCommands.set(guildId, stored);
    return { status: 200, body: stored };
  }

  #callback(c: Ctx): Result {
    const state = this.#interactions.get(c.params.id ?? "");
    if (!state || state.payload.token !== c.params.token) throw DiscordErrors.unknownInteraction();
    if (state.callbackType !== null) throw DiscordErrors.alreadyAcknowledged();
    const deadline = this.#options.interactionDeadlineMs ?? 3000;
    if (this.now() - state.createdAt > deadline) throw DiscordErrors.unknownInteraction();
    const type = Number(c.body.type);
    const data = (c.body.data ?? {}) as ResponseData;
    const allowed = allowedCallbackTypes(state.payload);
    if (!allowed.includes(type)) {
      throw formError(
        ["type"],
        "INTERACTION_RESPONSE_TYPE_INVALID",
        `Callback type ${type} is not valid here.`,
      );
    }
    if (type === 4 || type === 7) {
      const problem = validateMessageBody(data, { partial: type === 7, hasFiles: c.files.length > 0 });
      if (problem) throw toHttpError(problem);
    } else if (type === 8) {
      validateChoices(data);
    } else if (type === 9) {
      validateModal(data);
    }

    state.callbackType = type;
    const flags = Number(data.flags ?? 0);
    if (type === 4) {
      state.ephemeral = (flags & EPHEMERAL) !== 0;
      state.original = this.#interactionMessage(state, data, c.files, flags & (EPHEMERAL | CREATE_FLAGS));
    } else if (type === 5) {
      state.ephemeral = (flags & EPHEMERAL) !== 0;
      state.loading = true;
      state.original = this.#interactionMessage(state, { content: "" }, [], LOADING | (flags & EPHEMERAL));
    } else if (type === 6 || type === 7) {
      const source = state.payload.message as FakeMessage | undefined;
      if (source) {
        const known = this.#messages.get(source.id) ?? structuredClone(source);
        state.ephemeral = (Number(known.flags ?? 0) & EPHEMERAL) !== 0;
        if (type === 7) this.#applyEdit(known, data, c.files, state);
        this.#messages.set(known.id, known);
        state.original = known;
      }
    }
    this.#recordResponse(state, c, {
      kind: "callback",
      callbackType: type,
      data,
      ...(state.original ? { message: state.original } : {}),
    });
    if (c.query.get("with_response") !== "true") return { status: 204 };
    const interaction: Record<string, unknown> = { id: state.payload.id, type: state.payload.type };
    const resource: Record<string, unknown> = { type };
    if (state.original && [4, 5, 6, 7].includes(type)) {
      Object.assign(interaction, {
        response_message_id: state.original.id,
        response_message_loading: type === 5,
        response_message_ephemeral: state.ephemeral,
      });
      resource.message = state.original;
    }
    return { status: 200, body: { interaction, resource } };
  }

  #webhookState(c: Ctx): InteractionState {
    if (c.params.app !== this.applicationId) throw DiscordErrors.unknownWebhook();
    const state = this.#interactionsByToken.get(c.params.token ?? "");
    if (!state) throw DiscordErrors.invalidWebhookToken();
    const ttl = this.#options.interactionTokenTtlMs ?? 15 * 60_000;
    if (state.tokenExpired || this.now() - state.createdAt > ttl) throw DiscordErrors.unknownWebhook();
    // The interaction's webhook only exists once the interaction was acknowledged.
    if (state.callbackType === null || state.callbackType === 8) throw DiscordErrors.unknownWebhook();
    return state;
  }

  #webhookMessage(state: InteractionState, id: string | undefined): FakeMessage {
    const message =
      id === undefined || id === "@original" || id === state.original?.id
        ? state.original
        : state.followups.get(id);
    if (!message) throw DiscordErrors.unknownMessage();
    return message;
  }

  #getWebhookMessage(c: Ctx): Result {
    const state = this.#webhookState(c);
    return { status: 200, body: this.#webhookMessage(state, c.params.id) };
  }

  #editWebhookMessage(c: Ctx): Result {
    const state = this.#webhookState(c);
    const message = this.#webhookMessage(state, c.params.id);
    const data = c.body as ResponseData;
    const problem = validateMessageBody(data, { partial: true, hasFiles: c.files.length > 0 });
    if (problem) throw toHttpError(problem);
    const isOriginal = message === state.original;
    if (isOriginal && state.loading) {
      state.loading = false;
      message.flags &= ~LOADING;
      // Replacing the "thinking…" message is not an edit in Discord's eyes.
      this.#applyEdit(message, data, c.files, state, false);
    } else {
      this.#applyEdit(message, data, c.files, state);
    }
    this.#recordResponse(state, c, {
      kind: "edit",
      messageId: isOriginal ? "@original" : message.id,
      data,
      message,
    });
    return { status: 200, body: message };
  }

  #deleteWebhookMessage(c: Ctx): Result {
    const state = this.#webhookState(c);
    const message = this.#webhookMessage(state, c.params.id);
    const isOriginal = message === state.original;
    if (isOriginal) {
      state.original = null;
      state.loading = false;
    } else {
      state.followups.delete(message.id);
    }
    this.#messages.delete(message.id);
    this.#recordResponse(state, c, {
      kind: "delete",
      messageId: isOriginal ? "@original" : message.id,
      data: {},
    });
    return { status: 204 };
  }

  #followup(c: Ctx): Result {
    const state = this.#webhookState(c);
    const data = c.body as ResponseData;
    const problem = validateMessageBody(data, { hasFiles: c.files.length > 0 });
    if (problem) throw toHttpError(problem);
    let message: FakeMessage;
    let ephemeral: boolean;
    if (state.loading && state.original) {
      // The first follow-up after a deferred reply replaces the "thinking…" message.
      message = state.original;
      state.loading = false;
      message.flags &= ~LOADING;
      this.#applyEdit(message, data, c.files, state, false);
      ephemeral = state.ephemeral;
    } else {
      const flags = Number(data.flags ?? 0);
      message = this.#interactionMessage(state, data, c.files, flags & (EPHEMERAL | CREATE_FLAGS));
      state.followups.set(message.id, message);
      ephemeral = (flags & EPHEMERAL) !== 0;
    }
    this.#recordResponse(state, c, { kind: "followup", messageId: message.id, data, message, ephemeral });
    return c.query.get("wait") === "true" ? { status: 200, body: message } : { status: 204 };
  }

  #recordResponse(
    state: InteractionState,
    c: Ctx,
    fields: Pick<InteractionResponseRecord, "kind" | "data"> &
      Partial<Pick<InteractionResponseRecord, "callbackType" | "messageId" | "message" | "ephemeral">>,
  ): InteractionResponseRecord {
    const record: InteractionResponseRecord = {
      interactionId: state.payload.id,
      ephemeral: state.ephemeral,
      files: c.files,
      at: this.now(),
      request: c.req,
      ...fields,
      ...(fields.message ? { message: structuredClone(fields.message) } : {}),
    };
    state.responses.push(record);
    this.events.emit("interactionResponse", record);
    return record;
  }

  /** A message created by an interaction response (reply or follow-up). */
  #interactionMessage(
    state: InteractionState,
    data: ResponseData,
    files: RecordedFile[],
    flags: number,
  ): FakeMessage {
    const payload = state.payload;
    const invoker = ((payload.member as { user?: FakeUser } | undefined)?.user ?? payload.user) as FakeUser;
    const message = this.#newMessage(String(payload.channel_id ?? ""), {
      webhook_id: this.applicationId,
      application_id: this.applicationId,
      type: payload.type === InteractionKind.ApplicationCommand ? 20 : 19,
      flags,
      interaction_metadata: {
        id: payload.id,
        type: payload.type,
        user: invoker,
        authorizing_integration_owners: payload.authorizing_integration_owners,
        ...(payload.data?.name ? { name: payload.data.name } : {}),
        ...(payload.data?.type ? { command_type: payload.data.type } : {}),
      },
    });
    this.#applyEdit(message, data, files, state, false);
    this.#messages.set(message.id, message);
    return message;
  }

  #newMessage(channelId: string, extra: Partial<FakeMessage>): FakeMessage {
    return makeMessage(channelId, this.botUser, this.now(), extra);
  }

  /** Applies message fields from a body (create or edit), resolving mentions and attachments. */
  #applyEdit(
    message: FakeMessage,
    data: ResponseData,
    files: RecordedFile[],
    state: InteractionState | undefined,
    markEdited = true,
  ): void {
    if (data.content !== undefined) message.content = data.content ?? "";
    if (data.embeds !== undefined) message.embeds = structuredClone(data.embeds ?? []);
    if (data.components !== undefined) message.components = structuredClone(data.components ?? []);
    if (data.attachments !== undefined || files.length > 0) {
      message.attachments = files.map((f, i) => ({
        id: snowflake(),
        filename: f.filename,
        size: f.data.length,
        content_type: f.contentType,
        url: `https://cdn.example.invalid/attachments/${message.channel_id}/${i}/${f.filename}`,
        proxy_url: `https://media.example.invalid/attachments/${message.channel_id}/${i}/${f.filename}`,
      }));
    }
    if (data.flags !== undefined && markEdited) {
      // Only embed suppression can be toggled on an existing message.
      message.flags = (message.flags & ~SUPPRESS_EMBEDS) | (Number(data.flags) & SUPPRESS_EMBEDS);
    }
    if (data.content !== undefined || data.allowed_mentions !== undefined) {
      const found = this.#lookupChannel(message.channel_id);
      const defaults: DefaultMentionParse = state ? ["users"] : ["users", "roles", "everyone"];
      const perms = found ? computePermissions(found.guild, this.botUser.id, found.channel) : 0n;
      const mentions = resolveMentions(message.content, data.allowed_mentions, defaults, {
        ...(found ? { guild: found.guild } : {}),
        mayMentionEveryone: (perms & MENTION_EVERYONE) !== 0n,
        lookupUser: (id) => this.#findUser(id),
      });
      Object.assign(message, mentions);
    }
    if (markEdited) message.edited_timestamp = new Date(this.now()).toISOString();
  }

  #findUser(id: string): FakeUser | undefined {
    if (id === this.botUser.id) return this.botUser;
    for (const guild of this.#guilds) {
      const member = guild.members.find((m) => m.user.id === id);
      if (member) return member.user;
    }
    return undefined;
  }

  /** The channel, if the bot can see it; otherwise the error Discord answers. */
  #visibleChannel(id: string | undefined): { guild: FakeGuild; channel: FakeChannel; perms: bigint } {
    const found = this.#lookupChannel(id ?? "");
    if (!found) throw DiscordErrors.unknownChannel();
    if (!found.guild.joined) throw DiscordErrors.missingAccess();
    const perms = computePermissions(found.guild, this.botUser.id, found.channel);
    if ((perms & VIEW_CHANNEL) === 0n) throw DiscordErrors.missingAccess();
    return { ...found, perms };
  }

  #getChannel(c: Ctx): Result {
    return { status: 200, body: this.#visibleChannel(c.params.id).channel };
  }

  #createMessage(c: Ctx): Result {
    const { guild, channel, perms } = this.#visibleChannel(c.params.id);
    if (!isMessageableType(channel.type)) throw DiscordErrors.nonTextChannel();
    const sendBit = isThreadType(channel.type) ? SEND_MESSAGES_IN_THREADS : SEND_MESSAGES;
    if ((perms & sendBit) === 0n) throw DiscordErrors.missingPermissions();
    const metadata = channel.thread_metadata as { archived?: boolean } | undefined;
    if (metadata?.archived) throw DiscordErrors.archivedThread();
    const data = c.body as ResponseData & { nonce?: string | number; enforce_nonce?: boolean };
    const problem = validateMessageBody(data, { hasFiles: c.files.length > 0 });
    if (problem) throw toHttpError(problem);

    const nonceKey = data.nonce !== undefined ? `${channel.id}\u0000${String(data.nonce)}` : undefined;
    if (nonceKey && data.enforce_nonce) {
      const seen = this.#nonces.get(nonceKey);
      const window = this.#options.nonceWindowMs ?? 5 * 60_000;
      const existing = seen ? this.#messages.get(seen.messageId) : undefined;
      if (seen && existing && this.now() - seen.at <= window) {
        c.req.deduplicated = true;
        return { status: 200, body: existing };
      }
    }
    const message = this.#newMessage(channel.id, {
      guild_id: guild.id,
      flags: Number(data.flags ?? 0) & CREATE_FLAGS,
      ...(data.nonce !== undefined ? { nonce: data.nonce } : {}),
    });
    // Without Embed Links Discord still posts the message, but no embed shows.
    const body = (perms & EMBED_LINKS) === 0n ? { ...data, embeds: [] } : data;
    this.#applyEdit(message, body, c.files, undefined, false);
    this.#messages.set(message.id, message);
    const list = this.#channelMessages.get(channel.id) ?? [];
    list.push(message);
    this.#channelMessages.set(channel.id, list);
    channel.last_message_id = message.id;
    if (nonceKey) this.#nonces.set(nonceKey, { messageId: message.id, at: this.now() });
    this.events.emit("message", message);
    this.gateway.dispatch("MESSAGE_CREATE", { ...message, guild_id: guild.id }, { guildId: guild.id });
    return { status: 200, body: message };
  }

  #channelMessage(c: Ctx): { message: FakeMessage; guild: FakeGuild } {
    const { guild, channel } = this.#visibleChannel(c.params.id);
    const message = this.#messages.get(c.params.messageId ?? "");
    if (!message || message.channel_id !== channel.id || (message.flags & EPHEMERAL) !== 0) {
      throw DiscordErrors.unknownMessage();
    }
    return { message, guild };
  }

  #getChannelMessage(c: Ctx): Result {
    return { status: 200, body: this.#channelMessage(c).message };
  }

  #editChannelMessage(c: Ctx): Result {
    const { message, guild } = this.#channelMessage(c);
    if (message.author.id !== this.botUser.id)
      throw new DiscordHttpError(403, 50005, "Cannot edit a message authored by another user");
    const problem = validateMessageBody(c.body, { partial: true, hasFiles: c.files.length > 0 });
    if (problem) throw toHttpError(problem);
    this.#applyEdit(message, c.body as ResponseData, c.files, undefined);
    this.gateway.dispatch("MESSAGE_UPDATE", { ...message, guild_id: guild.id }, { guildId: guild.id });
    return { status: 200, body: message };
  }

  #deleteChannelMessage(c: Ctx): Result {
    const { message, guild } = this.#channelMessage(c);
    this.#messages.delete(message.id);
    const list = this.#channelMessages.get(message.channel_id);
    if (list)
      this.#channelMessages.set(
        message.channel_id,
        list.filter((m) => m.id !== message.id),
      );
    this.gateway.dispatch(
      "MESSAGE_DELETE",
      { id: message.id, channel_id: message.channel_id, guild_id: guild.id },
      { guildId: guild.id },
    );
    return { status: 204 };
  }
}

/** A handle on one dispatched interaction, to await the bot's answer. */
export class InteractionHandle {
  constructor(
    private readonly fake: FakeDiscord,
    /** The INTERACTION_CREATE payload as sent. */
    readonly payload: InteractionPayload,
  ) {}

  get id(): string {
    return this.payload.id;
  }

  get token(): string {
    return this.payload.token;
  }

  /** Accepted responses so far, in order. */
  responses(): InteractionResponseRecord[] {
    return this.fake.interactionResponses(this.id);
  }

  /** Every callback request, including rejected ones. */
  callbackAttempts(): RecordedRequest[] {
    return this.fake.callbacksFor(this.id);
  }

  /** The accepted callback (whatever its type). */
  callback(timeoutMs = 5000): Promise<InteractionResponseRecord> {
    return this.fake
      .until(
        () => this.responses().find((r) => r.kind === "callback"),
        timeoutMs,
        `a callback to interaction ${this.#label()}`,
      )
      .catch((error: unknown) => Promise.reject(this.#explain(error)));
  }

  /**
   * The bot's answer as the user sees it: the callback for types 4/7/8/9; after a type-5/6 defer, the first
   * @original edit or follow-up.
   */
  reply(timeoutMs = 10_000): Promise<InteractionResponseRecord> {
    return this.fake
      .until(() => finalReply(this.responses()), timeoutMs, `the reply to interaction ${this.#label()}`)
      .catch((error: unknown) => Promise.reject(this.#explain(error)));
  }

  /** The first accepted response (past or future) matching `predicate`. */
  response(
    predicate: (r: InteractionResponseRecord) => boolean,
    timeoutMs = 10_000,
  ): Promise<InteractionResponseRecord> {
    return this.fake.until(
      () => this.responses().find(predicate),
      timeoutMs,
      `a response to ${this.#label()}`,
    );
  }

  /** Expires this interaction's token (webhook routes answer 404 10015). */
  expireToken(): void {
    this.fake.expireInteraction(this.id);
  }

  #label(): string {
    const name = this.payload.data?.name ?? this.payload.data?.custom_id ?? `type ${this.payload.type}`;
    return `${String(name)} (${this.id})`;
  }

  #explain(error: unknown): Error {
    const attempts = this.callbackAttempts().map((r) => {
      const body = r.response as { code?: number } | undefined;
      return `${r.status ?? r.outcome}${body?.code ? ` code ${body.code}` : ""}`;
    });
    const seen = this.responses().map((r) =>
      r.kind === "callback" ? `callback type ${r.callbackType}` : r.kind,
    );
    const message = error instanceof Error ? error.message : String(error);
    return new Error(
      `${message}; callback attempts: [${attempts.join(", ")}]; accepted responses: [${seen.join(", ")}]`,
    );
  }
}

function finalReply(responses: readonly InteractionResponseRecord[]): InteractionResponseRecord | undefined {
  const index = responses.findIndex((r) => r.kind === "callback");
  const callback = responses[index];
  if (!callback) return undefined;
  if (callback.callbackType !== 5 && callback.callbackType !== 6) return callback;
  return responses
    .slice(index + 1)
    .find((r) => (r.kind === "edit" && r.messageId === "@original") || r.kind === "followup");
}

function isInteractionRoute(r: RecordedRequest): boolean {
  return r.route.startsWith("POST /interactions/") || r.route.includes(" /webhooks/");
}

function describeMatcher(matcher: RequestMatcher): string {
  if (typeof matcher === "function") return "a predicate";
  if (typeof matcher === "string" || matcher instanceof RegExp) return String(matcher);
  return JSON.stringify(matcher);
}

function allowedCallbackTypes(payload: InteractionPayload): number[] {
  switch (payload.type) {
    case InteractionKind.ApplicationCommandAutocomplete:
      return [8];
    case InteractionKind.MessageComponent:
      return [4, 5, 6, 7, 9, 12];
    case InteractionKind.ModalSubmit:
      return payload.message ? [4, 5, 6, 7] : [4, 5];
    default:
      return [4, 5, 9, 12];
  }
}

function toHttpError(problem: NonNullable<ReturnType<typeof validateMessageBody>>): DiscordHttpError {
  if (problem.code === 50006) return DiscordErrors.emptyMessage();
  return DiscordErrors.invalidForm(problem.errors);
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

const NAME_PATTERN = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;

/** The locales Discord's API accepts in `*_localizations` (its OpenAPI spec), `ar` and `he` included. */
const DISCORD_LOCALES = new Set([
  "ar",
  "bg",
  "cs",
  "da",
  "de",
  "el",
  "en-GB",
  "en-US",
  "es-419",
  "es-ES",
  "fi",
  "fr",
  "he",
  "hi",
  "hr",
  "hu",
  "id",
  "it",
  "ja",
  "ko",
  "lt",
  "nl",
  "no",
  "pl",
  "pt-BR",
  "ro",
  "ru",
  "sv-SE",
  "th",
  "tr",
  "uk",
  "vi",
  "zh-CN",
  "zh-TW",
]);

/** Checks a localization map: known locales, each value passing the same check as the default. */
function checkLocalizations(
  path: (string | number)[],
  field: string,
  map: unknown,
  check: (path: (string | number)[], value: string) => void,
): void {
  if (map === undefined || map === null) return;
  if (typeof map !== "object" || Array.isArray(map))
    throw formError([...path, field], "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType");
  for (const [locale, value] of Object.entries(map as Record<string, unknown>)) {
    if (!DISCORD_LOCALES.has(locale))
      throw formError([...path, field, locale], "LOCALE_INVALID", `Invalid locale: ${locale}`);
    check([...path, field, locale], typeof value === "string" ? value : "");
  }
}

/** A localized name or description follows the same rule as the default one. */
const checkLocalizedName = (path: (string | number)[], value: string) => {
  if (!NAME_PATTERN.test(value) || value !== value.toLowerCase())
    throw formError(path, "APPLICATION_COMMAND_INVALID_NAME", `Command name is invalid: ${value}`);
};
const checkLocalizedDescription = (path: (string | number)[], value: string) => {
  if (value.length < 1 || value.length > 100)
    throw formError(path, "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length.");
};
const checkLength32 = (path: (string | number)[], value: string) => {
  if (value.length < 1 || value.length > 32)
    throw formError(path, "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 32 in length.");
};

/** Checks a bulk overwrite the way Discord does (names, descriptions, option and choice limits). */
function validateCommands(list: readonly Record<string, unknown>[]): void {
  const seen = new Set<string>();
  let chatInput = 0;
  for (const [i, command] of list.entries()) {
    const type = Number(command.type ?? 1);
    const name = String(command.name ?? "");
    if (seen.has(`${type}:${name}`)) {
      throw formError(
        [i, "name"],
        "APPLICATION_COMMANDS_DUPLICATE_NAME",
        `Application command names must be unique`,
      );
    }
    seen.add(`${type}:${name}`);
    if (type === 1) {
      chatInput += 1;
      checkName([i], name);
      checkDescription([i], command.description);
      checkLocalizations([i], "name_localizations", command.name_localizations, checkLocalizedName);
      checkLocalizations(
        [i],
        "description_localizations",
        command.description_localizations,
        checkLocalizedDescription,
      );
      checkOptions([i], command.options as StoredOption[] | undefined, 0);
      if (commandSize(command) > 8000) {
        throw formError([i], "APPLICATION_COMMAND_TOO_LARGE", "Command exceeds maximum size (8000)");
      }
    } else {
      checkLength32([i, "name"], name);
      checkLocalizations([i], "name_localizations", command.name_localizations, checkLength32);
    }
  }
  if (chatInput > 100) {
    throw formError(
      [],
      "APPLICATION_COMMANDS_MAX_EXCEEDED",
      "Maximum number of application commands reached (100)",
    );
  }
}

function checkName(path: (string | number)[], name: string): void {
  if (!NAME_PATTERN.test(name) || name !== name.toLowerCase()) {
    throw formError(
      [...path, "name"],
      "APPLICATION_COMMAND_INVALID_NAME",
      `Command name is invalid: ${name}`,
    );
  }
}

function checkDescription(path: (string | number)[], description: unknown): void {
  const text = typeof description === "string" ? description : "";
  if (text.length < 1 || text.length > 100) {
    throw formError([...path, "description"], "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length.");
  }
}

function checkOptions(
  path: (string | number)[],
  options: readonly StoredOption[] | undefined,
  depth: number,
): void {
  if (!options) return;
  if (options.length > 25)
    throw formError([...path, "options"], "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.");
  let optionalSeen = false;
  for (const [j, option] of options.entries()) {
    const here = [...path, "options", j];
    checkName(here, String(option.name ?? ""));
    checkDescription(here, option.description);
    checkLocalizations(here, "name_localizations", option.name_localizations, checkLocalizedName);
    checkLocalizations(
      here,
      "description_localizations",
      option.description_localizations,
      checkLocalizedDescription,
    );
    if (option.type === 1 || option.type === 2) {
      if (depth >= (option.type === 2 ? 1 : 2)) {
        throw formError(here, "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID", "Subcommands nested too deeply");
      }
      checkOptions(here, option.options, depth + 1);
      continue;
    }
    if (option.required) {
      if (optionalSeen) {
        throw formError(
          here,
          "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
          "Required options must be placed before non-required options",
        );
      }
    } else {
      optionalSeen = true;
    }
    const choices = option.choices as { name?: unknown; value?: unknown }[] | undefined;
    if (choices && option.autocomplete) {
      throw formError(
        here,
        "APPLICATION_COMMAND_OPTION_CHOICES_AUTOCOMPLETE",
        "Autocomplete cannot be set with choices",
      );
    }
    if (choices && choices.length > 25) {
      throw formError([...here, "choices"], "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.");
    }
    for (const [k, choice] of (choices ?? []).entries()) {
      const choiceName = String(choice.name ?? "");
      checkLocalizations(
        [...here, "choices", k],
        "name_localizations",
        (choice as { name_localizations?: unknown }).name_localizations,
        (p, v) => {
          if (v.length < 1 || v.length > 100)
            throw formError(p, "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length.");
        },
      );
      if (choiceName.length < 1 || choiceName.length > 100) {
        throw formError(
          [...here, "choices", k, "name"],
          "BASE_TYPE_BAD_LENGTH",
          "Must be between 1 and 100 in length.",
        );
      }
      if (typeof choice.value === "string" && choice.value.length > 100) {
        throw formError(
          [...here, "choices", k, "value"],
          "BASE_TYPE_MAX_LENGTH",
          "Must be 100 or fewer in length.",
        );
      }
    }
    const minLength = option.min_length as number | undefined;
    const maxLength = option.max_length as number | undefined;
    if (minLength !== undefined && (minLength < 0 || minLength > 6000)) {
      throw formError([...here, "min_length"], "NUMBER_TYPE_MAX", "int value should be between 0 and 6000.");
    }
    if (maxLength !== undefined && (maxLength < 1 || maxLength > 6000)) {
      throw formError([...here, "max_length"], "NUMBER_TYPE_MAX", "int value should be between 1 and 6000.");
    }
  }
}

/** Discord counts the longest of a field's default and localized texts toward the 8,000 characters. */
function longest(value: unknown, localizations: unknown): number {
  const texts = [
    String(value ?? ""),
    ...Object.values((localizations as Record<string, unknown> | null) ?? {}),
  ];
  return Math.max(...texts.map((t) => String(t).length));
}

function commandSize(command: Record<string, unknown>): number {
  let size =
    longest(command.name, command.name_localizations) +
    longest(command.description, command.description_localizations);
  const walk = (options: readonly StoredOption[] | undefined): void => {
    for (const option of options ?? []) {
      size +=
        longest(option.name, option.name_localizations) +
        longest(option.description, option.description_localizations);
      for (const choice of (option.choices as Record<string, unknown>[] | undefined) ?? []) {
        size += longest(choice.name, choice.name_localizations) + String(choice.value ?? "").length;
      }
      walk(option.options);
    }
  };
  walk(command.options as StoredOption[] | undefined);
  return size;
}

function validateChoices(data: ResponseData): void {
  const choices = data.choices;
  if (!Array.isArray(choices))
    throw formError(["data", "choices"], "BASE_TYPE_REQUIRED", "This field is required");
  if (choices.length > 25)
    throw formError(["data", "choices"], "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.");
  for (const [i, choice] of choices.entries()) {
    const name = typeof choice.name === "string" ? choice.name : "";
    if (name.length < 1 || name.length > 100) {
      throw formError(
        ["data", "choices", i, "name"],
        "BASE_TYPE_BAD_LENGTH",
        "Must be between 1 and 100 in length.",
      );
    }
    if (typeof choice.value === "string" && choice.value.length > 100) {
      throw formError(
        ["data", "choices", i, "value"],
        "BASE_TYPE_MAX_LENGTH",
        "Must be 100 or fewer in length.",
      );
    }
  }
}

function validateModal(data: ResponseData): void {
  if (typeof data.custom_id !== "string" || data.custom_id.length === 0) {
    throw formError(["data", "custom_id"], "BASE_TYPE_REQUIRED", "This field is required");
  }
  if (typeof data.title !== "string" || data.title.length < 1 || data.title.length > 45) {
    throw formError(["data", "title"], "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 45 in length.");
  }
  const components = data.components;
  if (!Array.isArray(components) || components.length < 1 || components.length > 5) {
    throw formError(["data", "components"], "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 5 in length.");
  }
}
