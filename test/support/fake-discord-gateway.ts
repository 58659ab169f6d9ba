/**
 * The fake gateway: a WebSocket server speaking Discord's gateway protocol v10 with JSON encoding, enough
 * for the real discord.js to identify, stay connected, receive dispatches and resume.
 */
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { type RawData, WebSocket, WebSocketServer } from "ws";
import {
  type FakeGuild,
  type FakeUser,
  guildCreatePayload,
  randomToken,
  shardOf,
} from "./fake-discord-model.js";

/** Gateway opcodes (Discord's `GatewayOpcodes`). */
export const GatewayOp = {
  Dispatch: 0,
  Heartbeat: 1,
  Identify: 2,
  PresenceUpdate: 3,
  VoiceStateUpdate: 4,
  Resume: 6,
  Reconnect: 7,
  RequestGuildMembers: 8,
  InvalidSession: 9,
  Hello: 10,
  HeartbeatAck: 11,
  RequestSoundboardSounds: 31,
} as const;

/** Privileged intents: GuildMembers, GuildPresences, MessageContent. */
export const PRIVILEGED_INTENTS = (1 << 1) | (1 << 8) | (1 << 15);
const KNOWN_INTENTS = (1 << 26) - 1;
/** GuildMessages and DirectMessages: Discord sends message events only to bots that asked for them. */
const GUILD_MESSAGES = 1 << 9;
const DIRECT_MESSAGES = 1 << 12;
/** The message events, which need GuildMessages in a server and DirectMessages in a DM. */
const MESSAGE_EVENTS = new Set(["MESSAGE_CREATE", "MESSAGE_UPDATE", "MESSAGE_DELETE", "MESSAGE_DELETE_BULK"]);

/** The intent an event needs, or undefined when Guilds (or nothing) is enough. */
function intentFor(t: string, d: unknown): number | undefined {
  if (!MESSAGE_EVENTS.has(t)) return undefined;
  const guildId = (d as { guild_id?: unknown } | null)?.guild_id;
  return guildId === undefined || guildId === null ? DIRECT_MESSAGES : GUILD_MESSAGES;
}

/** One IDENTIFY the fake received (the token is never kept). */
export interface IdentifyRecord {
  at: number;
  connectionId: number;
  /** Whether the token matched; a mismatch was answered with close 4004. */
  accepted: boolean;
  intents: number;
  shard: [number, number];
  properties: Record<string, unknown>;
  compress: boolean;
  largeThreshold?: number;
  presence?: unknown;
  sessionId?: string;
}

/** One RESUME the fake received. */
export interface ResumeRecord {
  at: number;
  connectionId: number;
  sessionId: string;
  seq: number;
  /** False when the fake answered op 9 (unknown or invalidated session, wrong token). */
  accepted: boolean;
  /** Dispatches replayed before RESUMED. */
  replayed: number;
  /** The URL path the client connected to (`/resume` when it used `resume_gateway_url`). */
  path: string;
}

/** One WebSocket connection to the fake gateway. */
export interface GatewayConnectionRecord {
  id: number;
  at: number;
  path: string;
  /** Query parameters the client asked for (`v`, `encoding`, `compress`). */
  query: Record<string, string>;
  closedAt?: number;
  closeCode?: number;
  /** Who closed it: the client, or the fake (including `dropGateway`). */
  closedBy?: "client" | "server";
}

/** A non-heartbeat payload a client sent (IDENTIFY/RESUME have their token removed). */
export interface GatewayPayloadRecord {
  at: number;
  connectionId: number;
  op: number;
  d: unknown;
}

/** A dispatch as sent to a session. */
export interface DispatchRecord {
  s: number;
  t: string;
  d: unknown;
}

/** Which sessions a dispatch goes to. */
export interface DispatchTarget {
  /** Only sessions of this shard id. */
  shard?: number;
  /** Only the shard that owns this guild (`(id >> 22) % count`). */
  guildId?: string;
}

/** How {@link FakeGateway.drop} cuts connections. */
export interface DropOptions {
  /** Close code (default 4000, which discord.js answers by resuming). */
  code?: number;
  /** Cut the TCP connection without a close frame (the client sees 1006). */
  terminate?: boolean;
  /** Only this shard's connection. */
  shard?: number;
}

/** What the gateway needs from the fake. */
export interface GatewayHost {
  readonly token: string;
  readonly botUser: FakeUser;
  readonly applicationId: string;
  readonly applicationFlags: number;
  readonly heartbeatIntervalMs: number;
  readonly allowedPrivilegedIntents: number;
  /** Guilds the bot is in that belong to this shard. */
  guildsForShard(shardId: number, shardCount: number): FakeGuild[];
  /** `ws://…/resume` on the fake. */
  resumeUrl(): string;
  now(): number;
  /** Something changed: re-check pending waiters. */
  changed(): void;
  onIdentify(record: IdentifyRecord): void;
  onResume(record: ResumeRecord): void;
}

interface Session {
  id: string;
  shard: [number, number];
  intents: number;
  seq: number;
  history: DispatchRecord[];
  connection: Connection | null;
  /** False once Discord would refuse to resume it. */
  resumable: boolean;
}

interface Connection {
  record: GatewayConnectionRecord;
  ws: WebSocket;
  session: Session | null;
  closed: Promise<void>;
}

/** A read-only view of one gateway session. */
export interface SessionInfo {
  id: string;
  shard: [number, number];
  intents: number;
  seq: number;
  connected: boolean;
  resumable: boolean;
}

/** Discord's gateway, as far as a bot with the Guilds intent sees it. */
/** GUILD_CREATE events sent in one turn of the event loop. */
const GUILD_CREATE_BATCH = 100;

export class FakeGateway {
  /** Every IDENTIFY, in order. */
  readonly identifies: IdentifyRecord[] = [];
  /** Every RESUME, in order. */
  readonly resumes: ResumeRecord[] = [];
  /** Every connection, in order. */
  readonly connections: GatewayConnectionRecord[] = [];
  /** Every payload from clients except heartbeats. */
  readonly payloads: GatewayPayloadRecord[] = [];
  /** Heartbeats received. */
  heartbeats = 0;
  /** Set to false to stop acknowledging heartbeats (the client then treats the connection as a zombie). */
  heartbeatAcks = true;

  readonly #wss = new WebSocketServer({ noServer: true });
  readonly #sessions: Session[] = [];
  readonly #open = new Set<Connection>();
  #nextConnectionId = 1;

  constructor(private readonly host: GatewayHost) {}

  /** Takes over an HTTP upgrade on `/gateway` or `/resume`; anything else is refused. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? "/", "http://fake");
    if (url.pathname !== "/gateway" && url.pathname !== "/resume") {
      socket.destroy();
      return;
    }
    this.#wss.handleUpgrade(req, socket, head, (ws) => this.#accept(ws, url));
  }

  /** Current sessions (live or waiting to be resumed). */
  get sessions(): SessionInfo[] {
    return this.#sessions.map((s) => ({
      id: s.id,
      shard: [...s.shard],
      intents: s.intents,
      seq: s.seq,
      connected: s.connection !== null,
      resumable: s.resumable,
    }));
  }

  /** Number of sessions with an open, identified or resumed connection. */
  get connectedSessions(): number {
    return this.#sessions.filter((s) => s.connection !== null).length;
  }

  /**
   * Sends a dispatch to every resumable session matching `target` (all by default). Sessions that are
   * momentarily disconnected keep it for replay on RESUME, as Discord does. Events that need an intent (the
   * message events: GuildMessages, or DirectMessages in a DM) go only to sessions that asked for it. Returns
   * how many sessions got it.
   */
  dispatch(t: string, d: unknown, target: DispatchTarget = {}): number {
    let count = 0;
    for (const session of this.#sessions) {
      if (!session.resumable) continue;
      const [shardId, shardCount] = session.shard;
      if (target.shard !== undefined && shardId !== target.shard) continue;
      if (target.guildId !== undefined && shardOf(target.guildId, shardCount) !== shardId) continue;
      const needs = intentFor(t, d);
      if (needs !== undefined && (session.intents & needs) === 0) continue;
      this.#sendDispatch(session, t, d);
      count += 1;
    }
    return count;
  }

  /** Cuts the connections of matching sessions; they stay resumable. Resolves once they are closed. */
  async drop(options: DropOptions = {}): Promise<number> {
    const victims = [...this.#open].filter(
      (c) => c.session !== null && (options.shard === undefined || c.session.shard[0] === options.shard),
    );
    for (const connection of victims) {
      connection.record.closedBy = "server";
      if (options.terminate) connection.ws.terminate();
      else this.#closeSoon(connection, options.code ?? 4000, "Fake gateway dropped the connection");
    }
    await Promise.all(victims.map((c) => c.closed));
    return victims.length;
  }

  /** Closes every connection at once and stops accepting new ones. */
  close(): void {
    for (const connection of this.#open) connection.ws.terminate();
    this.#open.clear();
    this.#wss.close();
  }

  #accept(ws: WebSocket, url: URL): void {
    const record: GatewayConnectionRecord = {
      id: this.#nextConnectionId++,
      at: this.host.now(),
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
    };
    this.connections.push(record);
    let markClosed: () => void = () => {};
    const connection: Connection = {
      record,
      ws,
      session: null,
      closed: new Promise<void>((resolve) => {
        markClosed = resolve;
      }),
    };
    this.#open.add(connection);
    ws.on("close", (code) => {
      this.#open.delete(connection);
      record.closedAt = this.host.now();
      record.closeCode = code;
      record.closedBy ??= "client";
      const session = connection.session;
      if (session && session.connection === connection) {
        session.connection = null;
        // Discord ends the session when the client closes normally (1000/1001).
        if (record.closedBy === "client" && (code === 1000 || code === 1001)) session.resumable = false;
      }
      markClosed();
      this.host.changed();
    });
    ws.on("error", () => {
      // A reset socket shows up here and then as "close"; nothing else to do.
    });
    ws.on("message", (data, isBinary) => this.#onMessage(connection, data, isBinary));

    if (record.query.v !== undefined && record.query.v !== "10") {
      this.#closeSoon(connection, 4012, "Invalid API version");
      return;
    }
    if (record.query.encoding !== undefined && record.query.encoding !== "json") {
      // Only JSON is implemented; ETF clients would not understand us anyway.
      this.#closeSoon(connection, 4002, "Error while decoding payload.");
      return;
    }
    send(ws, {
      op: GatewayOp.Hello,
      d: { heartbeat_interval: this.host.heartbeatIntervalMs },
      s: null,
      t: null,
    });
    this.host.changed();
  }

  #onMessage(connection: Connection, data: RawData, isBinary: boolean): void {
    let payload: { op?: unknown; d?: unknown };
    try {
      if (isBinary) throw new Error("binary frames are not JSON");
      payload = JSON.parse(rawToString(data)) as { op?: unknown; d?: unknown };
    } catch {
      this.#closeSoon(connection, 4002, "Error while decoding payload.");
      return;
    }
    const at = this.host.now();
    switch (payload.op) {
      case GatewayOp.Heartbeat:
        this.heartbeats += 1;
        if (this.heartbeatAcks) send(connection.ws, { op: GatewayOp.HeartbeatAck });
        this.host.changed();
        return;
      case GatewayOp.Identify:
        this.payloads.push({ at, connectionId: connection.record.id, op: 2, d: withoutToken(payload.d) });
        this.#identify(connection, (payload.d ?? {}) as IdentifyData);
        return;
      case GatewayOp.Resume:
        this.payloads.push({ at, connectionId: connection.record.id, op: 6, d: withoutToken(payload.d) });
        this.#resume(connection, (payload.d ?? {}) as ResumeData);
        return;
      case GatewayOp.PresenceUpdate:
      case GatewayOp.VoiceStateUpdate:
      case GatewayOp.RequestGuildMembers:
      case GatewayOp.RequestSoundboardSounds:
        if (!connection.session) {
          this.#closeSoon(connection, 4003, "Not authenticated.");
          return;
        }
        this.payloads.push({ at, connectionId: connection.record.id, op: payload.op, d: payload.d });
        this.host.changed();
        return;
      default:
        this.#closeSoon(connection, 4001, "Unknown opcode.");
    }
  }

  #identify(connection: Connection, d: IdentifyData): void {
    const shard: [number, number] =
      Array.isArray(d.shard) && d.shard.length === 2 ? [Number(d.shard[0]), Number(d.shard[1])] : [0, 1];
    const record: IdentifyRecord = {
      at: this.host.now(),
      connectionId: connection.record.id,
      accepted: false,
      intents: Number(d.intents ?? 0),
      shard,
      properties: (d.properties ?? {}) as Record<string, unknown>,
      compress: Boolean(d.compress),
      ...(d.large_threshold !== undefined ? { largeThreshold: Number(d.large_threshold) } : {}),
      ...(d.presence !== undefined ? { presence: d.presence } : {}),
    };
    this.identifies.push(record);
    const problem = this.#identifyProblem(connection, d, record);
    if (problem) {
      this.host.onIdentify(record);
      this.#closeSoon(connection, problem[0], problem[1]);
      return;
    }
    record.accepted = true;
    // A fresh IDENTIFY replaces any disconnected session of the same shard; nobody will resume it now.
    for (const old of this.#sessions) {
      if (!old.connection && old.shard[0] === shard[0] && old.shard[1] === shard[1]) old.resumable = false;
    }
    this.#prune();
    const session: Session = {
      id: randomToken().slice(-32),
      shard,
      intents: record.intents,
      seq: 0,
      history: [],
      connection,
      resumable: true,
    };
    record.sessionId = session.id;
    this.#sessions.push(session);
    connection.session = session;
    const guilds = this.host.guildsForShard(shard[0], shard[1]);
    this.#sendDispatch(session, "READY", {
      v: 10,
      user: this.host.botUser,
      user_settings: {},
      guilds: guilds.map((g) => ({ id: g.id, unavailable: true })),
      relationships: [],
      private_channels: [],
      presences: [],
      guild_join_requests: [],
      geo_ordered_rtc_regions: [],
      auth: {},
      session_type: "normal",
      session_id: session.id,
      resume_gateway_url: this.host.resumeUrl(),
      shard,
      application: { id: this.host.applicationId, flags: this.host.applicationFlags },
      _trace: ['["fake-discord",{"micros":0}]'],
    });
    // As on Discord, a guild in an outage stays unavailable: no GUILD_CREATE until it recovers (the client
    // then waits `waitGuildTimeout` before it turns ready). Thousands of guilds are streamed in batches, as
    // Discord streams them, so the fake keeps answering other sessions' requests meanwhile.
    const available = guilds.filter((guild) => guild.available);
    const sendBatch = (from: number) => {
      for (const guild of available.slice(from, from + GUILD_CREATE_BATCH))
        this.#sendDispatch(session, "GUILD_CREATE", guildCreatePayload(guild));
      if (from + GUILD_CREATE_BATCH < available.length)
        setImmediate(() => sendBatch(from + GUILD_CREATE_BATCH));
      else this.host.onIdentify(record);
    };
    sendBatch(0);
  }

  /** The close code and reason Discord would answer an IDENTIFY with, if any. */
  #identifyProblem(
    connection: Connection,
    d: IdentifyData,
    record: IdentifyRecord,
  ): readonly [number, string] | undefined {
    const [shardId, shardCount] = record.shard;
    if (connection.session) return [4005, "Already authenticated."];
    if (d.token !== this.host.token) return [4004, "Authentication failed."];
    if (!(shardCount >= 1 && shardId >= 0 && shardId < shardCount)) return [4010, "Invalid shard."];
    if ((record.intents & ~KNOWN_INTENTS) !== 0) return [4013, "Invalid intent(s)."];
    if ((record.intents & PRIVILEGED_INTENTS & ~this.host.allowedPrivilegedIntents) !== 0) {
      return [4014, "Disallowed intent(s)."];
    }
    return undefined;
  }

  #resume(connection: Connection, d: ResumeData): void {
    const session = this.#sessions.find((s) => s.id === d.session_id);
    const record: ResumeRecord = {
      at: this.host.now(),
      connectionId: connection.record.id,
      sessionId: String(d.session_id ?? ""),
      seq: Number(d.seq ?? 0),
      accepted: false,
      replayed: 0,
      path: connection.record.path,
    };
    this.resumes.push(record);
    if (connection.session) {
      this.host.onResume(record);
      this.#closeSoon(connection, 4005, "Already authenticated.");
      return;
    }
    if (d.token !== this.host.token) {
      this.host.onResume(record);
      this.#closeSoon(connection, 4004, "Authentication failed.");
      return;
    }
    if (!session?.resumable || record.seq > session.seq) {
      this.host.onResume(record);
      send(connection.ws, { op: GatewayOp.InvalidSession, d: false, s: null, t: null });
      return;
    }
    if (session.connection) {
      // The old connection is a zombie from Discord's point of view; it gets cut.
      session.connection.record.closedBy = "server";
      session.connection.ws.terminate();
    }
    session.connection = connection;
    connection.session = session;
    record.accepted = true;
    for (const event of session.history) {
      if (event.s <= record.seq) continue;
      send(connection.ws, { op: GatewayOp.Dispatch, ...event });
      record.replayed += 1;
    }
    session.seq += 1;
    send(connection.ws, {
      op: GatewayOp.Dispatch,
      s: session.seq,
      t: "RESUMED",
      d: { _trace: ["fake-discord"] },
    });
    this.host.onResume(record);
  }

  #sendDispatch(session: Session, t: string, d: unknown): void {
    session.seq += 1;
    // A snapshot, so a replay shows the state at the time of the event.
    const event: DispatchRecord = { s: session.seq, t, d: structuredClone(d) };
    session.history.push(event);
    if (session.history.length > 5000) session.history.splice(0, session.history.length - 5000);
    if (session.connection) send(session.connection.ws, { op: GatewayOp.Dispatch, ...event });
  }

  #closeSoon(connection: Connection, code: number, reason: string): void {
    connection.record.closedBy ??= "server";
    const { ws } = connection;
    if (ws.readyState === WebSocket.OPEN) ws.close(code, reason);
    // A client that never answers the close frame is cut off, so tests never hang on it.
    setTimeout(() => ws.terminate(), 1000).unref();
  }

  /** Forgets sessions that can never be resumed again. */
  #prune(): void {
    for (let i = this.#sessions.length - 1; i >= 0; i--) {
      const s = this.#sessions[i];
      if (s && !s.resumable && !s.connection) this.#sessions.splice(i, 1);
    }
  }
}

interface IdentifyData {
  token?: unknown;
  intents?: unknown;
  shard?: unknown[];
  properties?: unknown;
  compress?: unknown;
  large_threshold?: unknown;
  presence?: unknown;
}

interface ResumeData {
  token?: unknown;
  session_id?: unknown;
  seq?: unknown;
}

function send(ws: WebSocket, payload: Record<string, unknown>): void {
  if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(payload));
}

function rawToString(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString("utf8");
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString("utf8");
  return data.toString("utf8");
}

function withoutToken(d: unknown): unknown {
  if (d === null || typeof d !== "object") return d;
  const { token: _omit, ...rest } = d as Record<string, unknown>;
  return rest;
}
