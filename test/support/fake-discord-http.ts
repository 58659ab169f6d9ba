/**
 * HTTP plumbing of the fake Discord: request records, route matching, body parsing (JSON and the
 * multipart form discord.js sends with files), Discord-shaped errors and request matchers.
 */
import type { IncomingMessage } from "node:http";

/** The error body of a 400 "Invalid Form Body" (code 50035) answer. */
export interface FormErrors {
  [field: string]: FormErrors | { code: string; message: string }[];
}

/** A file uploaded in a multipart request. */
export interface RecordedFile {
  /** Form field name, e.g. `files[0]`. */
  field: string;
  filename: string;
  contentType: string;
  data: Buffer;
}

/** What became of a request. */
export type RequestOutcome =
  /** Still being handled (or delayed). */
  | "pending"
  /** Answered with `status`. */
  | "answered"
  /** The fake reset the TCP connection after handling it (client sees ECONNRESET). */
  | "reset"
  /** The fake closed the socket after handling it (client sees "other side closed"). */
  | "closed"
  /** The fake handled it and will never answer (client times out). */
  | "hung";

/** One HTTP request the fake received. */
export interface RecordedRequest {
  /** Sequence number, starting at 1. */
  seq: number;
  method: string;
  /** Path below `/api/v10`, without the query, e.g. `/channels/123/messages`. */
  path: string;
  /** Templated route, e.g. `POST /channels/:id/messages`; for unknown routes `METHOD path`. */
  route: string;
  /** Route parameters (`id`, `token`, `app` …). */
  params: Record<string, string>;
  query: Record<string, string>;
  /** Parsed JSON body (from `payload_json` for multipart), `undefined` when there was none. */
  body: unknown;
  files: RecordedFile[];
  /** Lower-case header names; `authorization` is redacted. */
  headers: Record<string, string>;
  /** Whether `Authorization` carried the fake's bot token. */
  authorized: boolean;
  /** Arrival time on the fake's clock (ms). */
  at: number;
  /** True when no route matched (answered 404). */
  unknown: boolean;
  outcome: RequestOutcome;
  /** HTTP status, once answered. */
  status?: number;
  /** Parsed response body, once answered. */
  response?: unknown;
  /** Response headers (lower-case), once answered: `retry-after`, `x-ratelimit-*`, `content-type`. */
  responseHeaders?: Record<string, string>;
  /** Set when a test-injected fault or the rate limiter produced the answer. */
  fault?: "injected" | "rate-limited";
  /** `POST /channels/:id/messages` returned an existing message because of `enforce_nonce`. */
  deduplicated?: boolean;
}

/**
 * Selects requests: a route template or concrete `METHOD /path` (`"POST /channels/:id/messages"`,
 * `"POST /channels/123/messages"`), a path with any method (`"/channels/:id/messages"`), a RegExp tested
 * against `METHOD /path`, a predicate, or an object of those parts.
 */
export type RequestMatcher =
  | string
  | RegExp
  | ((request: RecordedRequest) => boolean)
  | { method?: string; route?: string; path?: string | RegExp };

/** True when `request` is selected by `matcher`. */
export function matchesRequest(matcher: RequestMatcher, request: RecordedRequest): boolean {
  if (typeof matcher === "function") return matcher(request);
  const concrete = `${request.method} ${request.path}`;
  if (matcher instanceof RegExp) return matcher.test(concrete);
  if (typeof matcher === "string") {
    const templatePath = request.route.slice(request.route.indexOf(" ") + 1);
    return (
      matcher === request.route ||
      matcher === concrete ||
      matcher === templatePath ||
      matcher === request.path
    );
  }
  if (matcher.method !== undefined && matcher.method.toUpperCase() !== request.method) return false;
  if (matcher.route !== undefined && !matchesRequest(matcher.route, request)) return false;
  if (matcher.path !== undefined) {
    if (typeof matcher.path === "string" ? matcher.path !== request.path : !matcher.path.test(request.path)) {
      return false;
    }
  }
  return true;
}

/** An error answer in Discord's shape: `{ code, message }` (+ `errors` for form errors). */
export class DiscordHttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  /** The JSON body Discord sends for this error. */
  toBody(): Record<string, unknown> {
    return { message: this.message, code: this.code, ...this.extra };
  }
}

/** The errors the fake answers with, named after Discord's JSON error codes. */
export const DiscordErrors = {
  notFound: () => new DiscordHttpError(404, 0, "404: Not Found"),
  unauthorized: () => new DiscordHttpError(401, 0, "401: Unauthorized"),
  unknownChannel: () => new DiscordHttpError(404, 10003, "Unknown Channel"),
  unknownGuild: () => new DiscordHttpError(404, 10004, "Unknown Guild"),
  unknownMember: () => new DiscordHttpError(404, 10007, "Unknown Member"),
  unknownMessage: () => new DiscordHttpError(404, 10008, "Unknown Message"),
  unknownApplication: () => new DiscordHttpError(404, 10002, "Unknown Application"),
  unknownWebhook: () => new DiscordHttpError(404, 10015, "Unknown Webhook"),
  unknownInteraction: () => new DiscordHttpError(404, 10062, "Unknown interaction"),
  alreadyAcknowledged: () => new DiscordHttpError(400, 40060, "Interaction has already been acknowledged."),
  missingAccess: () => new DiscordHttpError(403, 50001, "Missing Access"),
  missingPermissions: () => new DiscordHttpError(403, 50013, "Missing Permissions"),
  emptyMessage: () => new DiscordHttpError(400, 50006, "Cannot send an empty message"),
  nonTextChannel: () => new DiscordHttpError(400, 50008, "Cannot send messages in a non-text channel"),
  invalidWebhookToken: () => new DiscordHttpError(401, 50027, "Invalid Webhook Token"),
  archivedThread: () => new DiscordHttpError(400, 50083, "Thread is archived"),
  invalidJson: () => new DiscordHttpError(400, 50109, "The request body contains invalid JSON."),
  invalidForm: (errors: FormErrors) =>
    new DiscordHttpError(400, 50035, "Invalid Form Body", { errors: errors as Record<string, unknown> }),
};

/** A 50035 error with a single problem at `path`. */
export function formError(
  path: readonly (string | number)[],
  code: string,
  message: string,
): DiscordHttpError {
  const errors: FormErrors = {};
  let node: FormErrors = errors;
  for (const key of path) {
    const next: FormErrors = {};
    node[String(key)] = next;
    node = next;
  }
  node._errors = [{ code, message }];
  return DiscordErrors.invalidForm(errors);
}

/** Reads a request body completely. */
export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Parses a JSON or multipart body the way Discord reads it (`payload_json` carries the JSON part). */
export async function parseBody(
  raw: Buffer,
  contentType: string | undefined,
): Promise<{ body: unknown; files: RecordedFile[] }> {
  if (raw.length === 0) return { body: undefined, files: [] };
  const type = (contentType ?? "").toLowerCase();
  if (type.startsWith("multipart/form-data")) {
    const form = await new Response(raw, { headers: { "content-type": contentType ?? "" } }).formData();
    const files: RecordedFile[] = [];
    let body: unknown;
    for (const [field, value] of form.entries()) {
      if (typeof value === "string") {
        if (field === "payload_json") body = JSON.parse(value);
        continue;
      }
      files.push({
        field,
        filename: value.name,
        contentType: value.type,
        data: Buffer.from(await value.arrayBuffer()),
      });
    }
    return { body, files };
  }
  return { body: JSON.parse(raw.toString("utf8")), files: [] };
}

/** Request headers as a plain object; the bot token never leaves this function. */
export function recordHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    headers[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  if (headers.authorization !== undefined) headers.authorization = "[redacted]";
  return headers;
}

/** A route of the fake REST API. */
export interface RouteDef<H> {
  method: string;
  /** Template below `/api/v10`, e.g. `/channels/:id/messages`. */
  pattern: string;
  segments: string[];
  /** Needs `Authorization: Bot <token>`. */
  auth: boolean;
  /** Interaction endpoints are exempt from the global rate limit. */
  interaction: boolean;
  handler: H;
}

/** Defines a route. */
export function route<H>(
  method: string,
  pattern: string,
  handler: H,
  flags: { auth?: boolean; interaction?: boolean } = {},
): RouteDef<H> {
  return {
    method,
    pattern,
    segments: pattern.split("/").filter(Boolean),
    auth: flags.auth ?? !flags.interaction,
    interaction: flags.interaction ?? false,
    handler,
  };
}

/** The first route matching `method path`, with its parameters. */
export function findRoute<H>(
  routes: readonly RouteDef<H>[],
  method: string,
  path: string,
): { route: RouteDef<H>; params: Record<string, string> } | undefined {
  const parts = path.split("/").filter(Boolean);
  for (const candidate of routes) {
    if (candidate.method !== method || candidate.segments.length !== parts.length) continue;
    const params: Record<string, string> = {};
    let ok = true;
    for (const [i, segment] of candidate.segments.entries()) {
      const part = decodeURIComponent(parts[i] ?? "");
      if (segment.startsWith(":")) params[segment.slice(1)] = part;
      else if (segment !== part) {
        ok = false;
        break;
      }
    }
    if (ok) return { route: candidate, params };
  }
  return undefined;
}
