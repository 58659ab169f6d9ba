import { isUtf8 } from "node:buffer";
import { readFileSync, statSync } from "node:fs";
import { extname, resolve } from "node:path";
import { TextDecoder } from "node:util";
import { RefusedError } from "../errors.js";
import { type FetchOptions, fetchPage } from "./fetch.js";
import { type Bytes, refuseBinary } from "./sniff.js";

/** The kinds of input `add` reads. */
export type InputKind = "html" | "markdown" | "text";

/** One input, read and decoded. */
export interface Input {
  readonly kind: InputKind;
  readonly text: string;
  /** What messages call it: the path as given, or the address. */
  readonly name: string;
  /** Where a fetched page ended up after redirects (resolves relative links); undefined for a file. */
  readonly pageUrl?: string | undefined;
}

const EXTENSIONS: Readonly<Record<string, InputKind>> = {
  ".html": "html",
  ".htm": "html",
  ".xhtml": "html",
  ".md": "markdown",
  ".markdown": "markdown",
  ".txt": "text",
  ".text": "text",
};

const MEDIA_TYPES: Readonly<Record<string, InputKind>> = {
  "text/html": "html",
  "application/xhtml+xml": "html",
  "text/markdown": "markdown",
  "text/x-markdown": "markdown",
  "text/plain": "text",
};

/** True for what `add` treats as an address rather than a file name. */
export function isAddress(target: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(target);
}

function looksLikeHtml(text: string): boolean {
  return /^\s*(<!--[\s\S]*?-->\s*)*<(!doctype html|html[\s>])/i.test(text);
}

function withoutBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function readFile(target: string, cwd: string, maxBytes: number): Input {
  const path = resolve(cwd, target);
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat) throw new RefusedError(`add: ${target}: no such file`);
  if (stat.isDirectory())
    throw new RefusedError(`add: ${target}: is a folder; give one .html, .md or .txt file`);
  if (stat.size > maxBytes)
    throw new RefusedError(
      `add: ${target}: the file is ${(stat.size / (1024 * 1024)).toFixed(1)} MB, over the ${(maxBytes / (1024 * 1024)).toFixed(1)} MB limit for one report: save only the article's text as a .txt or .md file and add that`,
    );
  let bytes: Bytes;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new RefusedError(
      `add: ${target}: cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    );
  }
  refuseBinary(target, bytes);
  if (!isUtf8(bytes))
    throw new RefusedError(
      `add: ${target}: is not UTF-8 text: convert it first, e.g. iconv -f windows-1252 -t utf-8 ${target} > converted${extname(target) || ".txt"}`,
    );
  const text = withoutBom(bytes.toString("utf8"));
  const kind = EXTENSIONS[extname(path).toLowerCase()] ?? (looksLikeHtml(text) ? "html" : undefined);
  if (!kind)
    throw new RefusedError(
      `add: ${target}: unknown kind of file: name it .html (a saved web page), .md (Markdown) or .txt (plain text)`,
    );
  return { kind, text, name: target };
}

/** The `<meta charset>` (or http-equiv) of an HTML page, from its first bytes. */
function declaredCharset(bytes: Bytes): string | undefined {
  const head = bytes.subarray(0, 4096).toString("latin1");
  return /<meta[^>]+charset\s*=\s*["']?([\w.:-]+)/i.exec(head)?.[1];
}

function decode(where: string, bytes: Bytes, charset: string): string {
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(charset, { fatal: true });
  } catch {
    throw new RefusedError(
      `add: ${where}: it is written in the character set '${charset}', which cannot be read here`,
    );
  }
  try {
    return withoutBom(decoder.decode(bytes));
  } catch {
    throw new RefusedError(`add: ${where}: it says it is ${charset} text, but it is not valid ${charset}`);
  }
}

async function readAddress(target: string, fetchOptions: FetchOptions): Promise<Input> {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    throw new RefusedError(`add: ${target}: not a valid address`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new RefusedError(
      `add: ${target}: only http:// and https:// addresses can be fetched; for a file, give its path`,
    );
  const page = await fetchPage(url.href, fetchOptions);
  const kind =
    MEDIA_TYPES[page.mediaType] ??
    (looksLikeHtml(page.bytes.subarray(0, 4096).toString("latin1")) ? "html" : "text");
  const charset = page.charset ?? (kind === "html" ? declaredCharset(page.bytes) : undefined) ?? "utf-8";
  return { kind, text: decode(target, page.bytes, charset), name: target, pageUrl: page.finalUrl };
}

/** Reads a file (relative to `cwd`) or fetches an address, refusing what is not a readable text. */
export function readInput(target: string, options: { cwd: string; fetch: FetchOptions }): Promise<Input> {
  if (isAddress(target)) return readAddress(target, options.fetch);
  return Promise.resolve().then(() => readFile(target, options.cwd, options.fetch.maxBytes));
}
