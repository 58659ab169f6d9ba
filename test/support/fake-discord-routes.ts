/**
 * The fake Discord's REST routes, the 25 endpoints discord.js calls, and the state they keep: registered
 * commands, messages per channel, nonces, and each interaction with its callback, edits and follow-ups.
 * Discord's checks live in `fake-discord-rules.ts`; the server (`fake-discord.ts`) matches requests, injects
 * faults and rate limits, then calls a handler here.
 */
import type { EventEmitter } from "node:events";
import type { FakeDiscordEvents, FakeDiscordOptions } from "./fake-discord.js";
import type { FakeGateway } from "./fake-discord-gateway.js";
import {
  DiscordErrors,
  DiscordHttpError,
  formError,
  type RecordedFile,
  type RecordedRequest,
  type RouteDef,
  route,
} from "./fake-discord-http.js";
import { InteractionKind, type InteractionPayload, type StoredCommand } from "./fake-discord-interactions.js";
import {
  type AllowedMentions,
  computePermissions,
  type DefaultMentionParse,
  type EmbedData,
  type FakeChannel,
  type FakeGuild,
  type FakeMessage,
  type FakeUser,
  guildObject,
  isMessageableType,
  isThreadType,
  lookupChannel,
  makeMessage,
  makeUser,
  resolveMentions,
  snowflake,
} from "./fake-discord-model.js";
import {
  allowedCallbackTypes,
  toHttpError,
  validateChoices,
  validateCommands,
  validateMessageBody,
  validateModal,
} from "./fake-discord-rules.js";

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

/** One interaction the fake dispatched, and what the bot did with it. */
export interface InteractionState {
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

/** A request as a handler sees it. */
export interface Ctx {
  req: RecordedRequest;
  params: Record<string, string>;
  query: URLSearchParams;
  body: Record<string, unknown>;
  files: RecordedFile[];
}

/** A handler's answer: the status and the JSON body. */
export interface Result {
  status: number;
  body?: unknown;
}

/** One route's handler; it throws a {@link DiscordHttpError} for Discord's error answers. */
export type Handler = (ctx: Ctx) => Result | Promise<Result>;

/** What the routes read from the server around them (the {@link FakeDiscord} they belong to). */
export interface RoutesHost {
  readonly applicationId: string;
  readonly botUser: FakeUser;
  readonly guilds: readonly FakeGuild[];
  readonly gateway: FakeGateway;
  readonly gatewayUrl: string;
  readonly events: EventEmitter<FakeDiscordEvents>;
  now(): number;
}

/** The REST side of the fake Discord: its routes and the state they change. */
export class DiscordRoutes {
  readonly #host: RoutesHost;
  readonly #options: FakeDiscordOptions;
  readonly #messages = new Map<string, FakeMessage>();
  readonly #channelMessages = new Map<string, FakeMessage[]>();
  readonly #nonces = new Map<string, { messageId: string; at: number }>();
  readonly #globalCommands: StoredCommand[] = [];
  readonly #guildCommands = new Map<string, StoredCommand[]>();
  readonly #commandIds = new Map<string, string>();
  readonly #interactions = new Map<string, InteractionState>();
  readonly #interactionsByToken = new Map<string, InteractionState>();

  constructor(host: RoutesHost, options: FakeDiscordOptions) {
    this.#host = host;
    this.#options = options;
  }

  /** Commands the bot registered: global ones, or a guild's. */
  commands(guildId?: string): readonly StoredCommand[] {
    return guildId === undefined ? this.#globalCommands : (this.#guildCommands.get(guildId) ?? []);
  }

  /** A registered command by name and type: the guild's first, then the global one. */
  findCommand(name: string, type: number, guildId: string | undefined): StoredCommand | undefined {
    const byName = (c: StoredCommand) => c.name === name && c.type === type;
    return (
      (guildId ? this.#guildCommands.get(guildId)?.find(byName) : undefined) ??
      this.#globalCommands.find(byName)
    );
  }

  /** A message by id, wherever it was posted. */
  message(id: string): FakeMessage | undefined {
    return this.#messages.get(id);
  }

  /** The newest message in a channel with a component of this custom id. */
  messageWithComponent(customId: string, channelId: string): FakeMessage | undefined {
    const all = [...this.#messages.values()].reverse();
    return all.find(
      (m) =>
        m.channel_id === channelId &&
        JSON.stringify(m.components).includes(`"custom_id":${JSON.stringify(customId)}`),
    );
  }

  /** Messages created in a channel through `POST /channels/:id/messages` (current state, oldest first). */
  messagesIn(channelId: string): FakeMessage[] {
    return [...(this.#channelMessages.get(channelId) ?? [])];
  }

  /** Starts tracking an interaction about to be dispatched: its callback deadline and token run from now. */
  openInteraction(payload: InteractionPayload): void {
    const state: InteractionState = {
      payload,
      createdAt: this.#host.now(),
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
  }

  /** The accepted answers to an interaction in order: callback, @original edits, follow-ups, deletes. */
  interactionResponses(interactionId: string): InteractionResponseRecord[] {
    return [...(this.#interactions.get(interactionId)?.responses ?? [])];
  }

  /** Interactions that never got an accepted callback. */
  unansweredInteractions(): InteractionPayload[] {
    return [...this.#interactions.values()].filter((s) => s.callbackType === null).map((s) => s.payload);
  }

  /** Expires one interaction's token. */
  expireInteraction(interactionId: string): void {
    const state = this.#interactions.get(interactionId);
    if (state) state.tokenExpired = true;
  }

  /** The routes, for the server to match requests against. */
  definitions(): RouteDef<Handler>[] {
    const interaction = { interaction: true };
    return [
      route<Handler>("GET", "/gateway/bot", () => this.#gatewayBot()),
      route<Handler>("GET", "/gateway", () => ({ status: 200, body: { url: this.#host.gatewayUrl } }), {
        auth: false,
      }),
      route<Handler>("GET", "/users/@me", () => ({ status: 200, body: this.#host.botUser })),
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
    const identified = this.#host.gateway.identifies.filter((i) => i.accepted).length;
    return {
      status: 200,
      body: {
        url: this.#host.gatewayUrl,
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
      id: this.#host.applicationId,
      name: this.#host.botUser.username,
      icon: null,
      description: "",
      summary: "",
      type: null,
      bot: this.#host.botUser,
      bot_public: true,
      bot_require_code_grant: false,
      verify_key: "0".repeat(64),
      flags: this.#options.applicationFlags ?? 0,
      owner: makeUser({ id: this.#host.guilds[0]?.owner_id ?? snowflake(), username: "owner" }),
      team: null,
      approximate_guild_count: this.#host.guilds.filter((g) => g.joined).length,
      install_params: { scopes: ["bot", "applications.commands"], permissions: "0" },
      integration_types_config: { "0": {} },
    };
  }

  #reachableGuild(id: string | undefined): FakeGuild {
    const guild = this.#host.guilds.find((g) => g.id === id);
    if (!guild) throw DiscordErrors.unknownGuild();
    if (!guild.joined) throw DiscordErrors.missingAccess();
    return guild;
  }

  #checkApp(app: string | undefined): void {
    if (app !== this.#host.applicationId) throw DiscordErrors.unknownApplication();
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
        application_id: this.#host.applicationId,
        type,
        name: String(raw.name),
        description: String(raw.description ?? ""),
        version: snowflake(this.#host.now()),
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
    if (this.#host.now() - state.createdAt > deadline) throw DiscordErrors.unknownInteraction();
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
    if (c.params.app !== this.#host.applicationId) throw DiscordErrors.unknownWebhook();
    const state = this.#interactionsByToken.get(c.params.token ?? "");
    if (!state) throw DiscordErrors.invalidWebhookToken();
    const ttl = this.#options.interactionTokenTtlMs ?? 15 * 60_000;
    if (state.tokenExpired || this.#host.now() - state.createdAt > ttl) throw DiscordErrors.unknownWebhook();
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
      at: this.#host.now(),
      request: c.req,
      ...fields,
      ...(fields.message ? { message: structuredClone(fields.message) } : {}),
    };
    state.responses.push(record);
    this.#host.events.emit("interactionResponse", record);
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
      webhook_id: this.#host.applicationId,
      application_id: this.#host.applicationId,
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
    return makeMessage(channelId, this.#host.botUser, this.#host.now(), extra);
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
      const found = lookupChannel(this.#host.guilds, message.channel_id);
      const defaults: DefaultMentionParse = state ? ["users"] : ["users", "roles", "everyone"];
      const perms = found ? computePermissions(found.guild, this.#host.botUser.id, found.channel) : 0n;
      const mentions = resolveMentions(message.content, data.allowed_mentions, defaults, {
        ...(found ? { guild: found.guild } : {}),
        mayMentionEveryone: (perms & MENTION_EVERYONE) !== 0n,
        lookupUser: (id) => this.#findUser(id),
      });
      Object.assign(message, mentions);
    }
    if (markEdited) message.edited_timestamp = new Date(this.#host.now()).toISOString();
  }

  #findUser(id: string): FakeUser | undefined {
    if (id === this.#host.botUser.id) return this.#host.botUser;
    for (const guild of this.#host.guilds) {
      const member = guild.members.find((m) => m.user.id === id);
      if (member) return member.user;
    }
    return undefined;
  }

  /** The channel, if the bot can see it; otherwise the error Discord answers. */
  #visibleChannel(id: string | undefined): { guild: FakeGuild; channel: FakeChannel; perms: bigint } {
    const found = lookupChannel(this.#host.guilds, id ?? "");
    if (!found) throw DiscordErrors.unknownChannel();
    if (!found.guild.joined) throw DiscordErrors.missingAccess();
    const perms = computePermissions(found.guild, this.#host.botUser.id, found.channel);
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
      if (seen && existing && this.#host.now() - seen.at <= window) {
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
    if (nonceKey) this.#nonces.set(nonceKey, { messageId: message.id, at: this.#host.now() });
    this.#host.events.emit("message", message);
    this.#host.gateway.dispatch("MESSAGE_CREATE", { ...message, guild_id: guild.id }, { guildId: guild.id });
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
    if (message.author.id !== this.#host.botUser.id)
      throw new DiscordHttpError(403, 50005, "Cannot edit a message authored by another user");
    const problem = validateMessageBody(c.body, { partial: true, hasFiles: c.files.length > 0 });
    if (problem) throw toHttpError(problem);
    this.#applyEdit(message, c.body as ResponseData, c.files, undefined);
    this.#host.gateway.dispatch("MESSAGE_UPDATE", { ...message, guild_id: guild.id }, { guildId: guild.id });
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
    this.#host.gateway.dispatch(
      "MESSAGE_DELETE",
      { id: message.id, channel_id: message.channel_id, guild_id: guild.id },
      { guildId: guild.id },
    );
    return { status: 204 };
  }
}
