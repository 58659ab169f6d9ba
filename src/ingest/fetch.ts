import { RefusedError } from "../errors.js";
import { type Bytes, refuseBinary } from "./sniff.js";

/** What a fetch brought back: the page's bytes, where they came from in the end, and what the server said they are. */
export interface Fetched {
  readonly finalUrl: string;
  /** The media type, lowercase, without parameters ("text/html"), or "" when the server sent none. */
  readonly mediaType: string;
  /** The `charset` parameter, when the server sent one. */
  readonly charset: string | undefined;
  readonly bytes: Bytes;
}

export interface FetchOptions {
  readonly timeoutMs: number;
  readonly maxBytes: number;
  readonly maxRedirects: number;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
/** Media types read as a page (HTML), plain text or Markdown; anything else is refused before its body is read. */
const READABLE = new Set([
  "text/html",
  "application/xhtml+xml",
  "text/plain",
  "text/markdown",
  "text/x-markdown",
]);

function megabytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** `declared`: the size the server announced, when it did. */
function tooLarge(where: string, maxBytes: number, declared?: number): RefusedError {
  const size = declared === undefined ? "larger than" : `${megabytes(declared)}, over`;
  return new RefusedError(
    `add: ${where}: the page is ${size} the ${megabytes(maxBytes)} limit for one report: save the article's text as a .txt or .md file and add that`,
  );
}

/** The reason a connection failed, from the error code Node gives. */
function networkReason(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const code = cause?.code ?? (error as { code?: string }).code;
  switch (code) {
    case "ECONNREFUSED":
      return "the connection was refused (is the address right, and the site up?)";
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return "the host name could not be found";
    case "ECONNRESET":
    case "UND_ERR_SOCKET":
      return "the server closed the connection";
    case "EHOSTUNREACH":
    case "ENETUNREACH":
      return "the host cannot be reached from here";
    default:
      if (code && /CERT|SSL|TLS|SELF_SIGNED|VERIFY/.test(code))
        return `its TLS certificate could not be verified (${code})`;
      return `it could not be fetched (${code ?? cause?.message ?? (error as Error).message})`;
  }
}

function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
}

/** Reads the body up to `maxBytes`, and refuses (cancelling the download) past it. */
async function readLimited(response: Response, where: string, maxBytes: number): Promise<Bytes> {
  const declared = Number(response.headers.get("content-length") ?? Number.NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel();
    throw tooLarge(where, maxBytes, declared);
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  if (response.body) {
    const reader = response.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        await reader.cancel();
        throw tooLarge(where, maxBytes);
      }
      chunks.push(value);
    }
  }
  return Buffer.concat(chunks, total);
}

/**
 * Fetches a page with a time-out for the whole exchange (redirects and body included), a size limit, a
 * redirect limit that also stops at the first loop, and a content-type check before the body is read. Every
 * failure is a RefusedError naming the address and the reason.
 */
export async function fetchPage(address: string, options: FetchOptions): Promise<Fetched> {
  const signal = AbortSignal.timeout(options.timeoutMs);
  const seen: string[] = [address];
  let current = address;
  try {
    for (;;) {
      const response = await fetch(current, {
        redirect: "manual",
        signal,
        headers: {
          accept: "text/html,application/xhtml+xml,text/markdown;q=0.9,text/plain;q=0.8",
          "user-agent": "talks-bot (adds a news report to its corpus)",
        },
      });
      if (REDIRECTS.has(response.status)) {
        await response.body?.cancel();
        const location = response.headers.get("location");
        if (!location)
          throw new RefusedError(
            `add: ${address}: the server answered ${response.status} but gave no address to go to`,
          );
        const next = new URL(location, current).href;
        if (!/^https?:$/.test(new URL(next).protocol))
          throw new RefusedError(`add: ${address}: it redirects to ${next}, which is not an http(s) address`);
        if (seen.includes(next))
          throw new RefusedError(`add: ${address}: redirect loop (${[...seen, next].join(" → ")})`);
        if (seen.length > options.maxRedirects)
          throw new RefusedError(
            `add: ${address}: more than ${options.maxRedirects} redirects (last to ${next}): open it in a browser and add the address it ends at`,
          );
        seen.push(next);
        current = next;
        continue;
      }
      if (!response.ok) {
        await response.body?.cancel();
        throw new RefusedError(
          `add: ${address}: the server answered ${response.status}${response.statusText ? ` ${response.statusText}` : ""}${current === address ? "" : ` (at ${current})`}`,
        );
      }
      const contentType = response.headers.get("content-type") ?? "";
      const mediaType = (contentType.split(";")[0] ?? "").trim().toLowerCase();
      const charset = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType)?.[1];
      if (mediaType === "application/pdf") {
        await response.body?.cancel();
        throw new RefusedError(
          `add: ${address}: it is a PDF, not a web page: copy the article's text into a .txt file and add that`,
        );
      }
      if (mediaType.startsWith("image/")) {
        await response.body?.cancel();
        throw new RefusedError(`add: ${address}: it is an image (${mediaType}), not a web page`);
      }
      if (mediaType !== "" && !READABLE.has(mediaType)) {
        await response.body?.cancel();
        throw new RefusedError(
          `add: ${address}: it is ${mediaType}, not a web page (talks-bot reads text/html, text/plain and text/markdown)`,
        );
      }
      const bytes = await readLimited(response, address, options.maxBytes);
      refuseBinary(address, bytes);
      return { finalUrl: current, mediaType, charset, bytes };
    }
  } catch (error) {
    if (error instanceof RefusedError) throw error;
    if (isTimeout(error))
      throw new RefusedError(
        `add: ${address}: no complete answer within ${options.timeoutMs / 1000} s (--timeout SECONDS waits longer)`,
      );
    throw new RefusedError(`add: ${address}: ${networkReason(error)}`);
  }
}
