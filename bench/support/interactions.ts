/**
 * Drives interactions through the fake Discord and times them from the fake's side: the clock starts when
 * INTERACTION_CREATE has been handed to the gateway socket and stops when the bot's callback POST has
 * arrived (body read), or, for the full reply, when the fake accepted the final answer.
 */
import { randomBytes } from "node:crypto";
import { corpusQuestions } from "../../src/tools/questions.js";
import type {
  FakeDiscord,
  InteractionPayload,
  InteractionResponseRecord,
  RecordedRequest,
} from "../../test/support/fake-discord.js";
import { percentile } from "./stats.js";

const CALLBACK_ROUTE = "POST /interactions/:id/:token/callback";

/** Questions as people type them in Discord, answerable and not, in a fixed order. */
export const QUESTIONS: readonly string[] = corpusQuestions()
  .filter((c) => c.set === "project")
  .map((c) => c.q);

/** A random token in the shape the bot's configuration accepts (three dot-separated base64url parts). */
export function benchToken(): string {
  const part = (bytes: number) => randomBytes(bytes).toString("base64url");
  return `${part(18)}.${part(4)}.${part(27)}`;
}

/** One interaction as the fake saw it. */
export interface InteractionSample {
  /** Dispatch to the arrival of the callback POST; NaN when none arrived. */
  readonly callbackMs: number;
  /** Dispatch to the accepted final answer (the callback, or the edit/follow-up after a deferral). */
  readonly replyMs: number;
  /** The bot acknowledged with a deferral (type 5/6) first. */
  readonly deferred: boolean;
  /** An accepted answer with the expected visibility (public by default; error notices are ephemeral). */
  readonly ok: boolean;
  readonly error?: string;
}

interface Pending {
  readonly token: string;
  readonly sentAt: number;
  callbackAt: number;
  deferred: boolean;
  readonly expectEphemeral: boolean;
  readonly timer: NodeJS.Timeout;
  readonly resolve: (sample: InteractionSample) => void;
}

/** Sends interactions and resolves each with its timing; see the module comment for what is timed. */
export class InteractionDriver {
  readonly #fake: FakeDiscord;
  readonly #timeoutMs: number;
  readonly #pending = new Map<string, Pending>();
  readonly #byToken = new Map<string, string>();

  constructor(fake: FakeDiscord, options: { timeoutMs?: number } = {}) {
    this.#fake = fake;
    this.#timeoutMs = options.timeoutMs ?? 15_000;
    fake.events.on("request", this.#onRequest);
    fake.events.on("settled", this.#onSettled);
    fake.events.on("interactionResponse", this.#onResponse);
  }

  /**
   * Dispatches `payload` and resolves once the bot has answered it (or failed to). `expectEphemeral` says
   * which visibility counts as a proper answer.
   */
  send(payload: InteractionPayload, expectEphemeral = false): Promise<InteractionSample> {
    return new Promise<InteractionSample>((resolve) => {
      this.#fake.interact(payload);
      const sentAt = performance.now();
      const timer = setTimeout(
        () => this.#finish(payload.id, false, `no answer within ${this.#timeoutMs} ms`),
        this.#timeoutMs,
      );
      this.#pending.set(payload.id, {
        token: payload.token,
        sentAt,
        callbackAt: Number.NaN,
        deferred: false,
        expectEphemeral,
        timer,
        resolve,
      });
      this.#byToken.set(payload.token, payload.id);
    });
  }

  /** Stops listening; interactions still pending resolve as failed. */
  close(): void {
    this.#fake.events.off("request", this.#onRequest);
    this.#fake.events.off("settled", this.#onSettled);
    this.#fake.events.off("interactionResponse", this.#onResponse);
    for (const id of [...this.#pending.keys()]) this.#finish(id, false, "driver closed");
  }

  readonly #onRequest = (request: RecordedRequest): void => {
    if (request.route !== CALLBACK_ROUTE) return;
    const pending = this.#pending.get(request.params.id ?? "");
    if (pending && Number.isNaN(pending.callbackAt)) pending.callbackAt = performance.now();
  };

  readonly #onSettled = (request: RecordedRequest): void => {
    if ((request.status ?? 0) < 400 && request.outcome === "answered") return;
    const id =
      request.route === CALLBACK_ROUTE ? request.params.id : this.#byToken.get(request.params.token ?? "");
    if (id === undefined || !this.#pending.has(id)) return;
    const code = (request.response as { code?: number } | undefined)?.code;
    this.#finish(
      id,
      false,
      `${request.route} → ${request.status ?? request.outcome}${code ? ` (${code})` : ""}`,
    );
  };

  readonly #onResponse = (record: InteractionResponseRecord): void => {
    const pending = this.#pending.get(record.interactionId);
    if (!pending) return;
    if (record.kind === "callback") {
      if (record.callbackType === 5 || record.callbackType === 6) {
        pending.deferred = true;
        return;
      }
      this.#answered(pending, record);
      return;
    }
    if (
      pending.deferred &&
      ((record.kind === "edit" && record.messageId === "@original") || record.kind === "followup")
    ) {
      this.#answered(pending, record);
    }
  };

  #answered(pending: Pending, record: InteractionResponseRecord): void {
    if (record.ephemeral === pending.expectEphemeral) this.#finish(record.interactionId, true);
    else
      this.#finish(
        record.interactionId,
        false,
        record.ephemeral ? "ephemeral (error notice)" : "public reply",
      );
  }

  #finish(id: string, ok: boolean, error?: string): void {
    const pending = this.#pending.get(id);
    if (!pending) return;
    this.#pending.delete(id);
    this.#byToken.delete(pending.token);
    clearTimeout(pending.timer);
    pending.resolve({
      callbackMs: pending.callbackAt - pending.sentAt,
      replyMs: performance.now() - pending.sentAt,
      deferred: pending.deferred,
      ok,
      ...(error === undefined ? {} : { error }),
    });
  }
}

/**
 * Sends the payloads one at a time, each after the previous one was answered (and `gapMs` passed). An
 * endless generator with `until` runs until that condition holds.
 */
export async function runSequential(
  driver: InteractionDriver,
  payloads: Iterable<InteractionPayload>,
  options: { gapMs?: number; until?: () => boolean; expectEphemeral?: boolean } = {},
): Promise<InteractionSample[]> {
  const samples: InteractionSample[] = [];
  for (const payload of payloads) {
    if (options.until?.()) break;
    samples.push(await driver.send(payload, options.expectEphemeral));
    if (options.gapMs) await new Promise((resolve) => setTimeout(resolve, options.gapMs));
  }
  return samples;
}

/** Keeps `window` interactions outstanding until every payload is answered; returns the wall time too. */
export async function runWindowed(
  driver: InteractionDriver,
  payloads: readonly InteractionPayload[],
  window: number,
): Promise<{ samples: InteractionSample[]; wallMs: number }> {
  const samples: InteractionSample[] = [];
  let next = 0;
  const start = performance.now();
  const worker = async () => {
    while (next < payloads.length) {
      const payload = payloads[next++];
      if (payload) samples.push(await driver.send(payload));
    }
  };
  await Promise.all(Array.from({ length: Math.min(window, payloads.length) }, worker));
  return { samples, wallMs: performance.now() - start };
}

/** Endless `/ask` payloads cycling through {@link QUESTIONS}, each built when it is needed. */
export function* askStream(fake: FakeDiscord, offset = 0): Generator<InteractionPayload> {
  for (let i = offset; ; i += 1) {
    yield fake.build.command("ask", { question: QUESTIONS[i % QUESTIONS.length] ?? "rafah" });
  }
}

/** `/ask` payloads cycling through {@link QUESTIONS}, starting at `offset`, built in advance. */
export function askPayloads(fake: FakeDiscord, count: number, offset = 0): InteractionPayload[] {
  return Array.from({ length: count }, (_, i) =>
    fake.build.command("ask", { question: QUESTIONS[(offset + i) % QUESTIONS.length] ?? "rafah" }),
  );
}

/** Summary of samples: latency percentiles over answered interactions, and what went wrong. */
export interface LatencySummary {
  readonly count: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  /** The full reply (after a deferral: the edit), over answered interactions. */
  readonly replyP50: number;
  readonly replyP99: number;
  readonly replyMax: number;
  readonly deferred: number;
  readonly failed: number;
  /** Up to three distinct failure reasons. */
  readonly errors: readonly string[];
}

/** Percentiles of the dispatch-to-callback times (and of the full reply) of `samples`. */
export function summarize(samples: readonly InteractionSample[]): LatencySummary {
  const callback = samples.map((s) => s.callbackMs).filter((ms) => Number.isFinite(ms));
  const reply = samples.filter((s) => s.ok).map((s) => s.replyMs);
  const failed = samples.filter((s) => !s.ok);
  return {
    count: samples.length,
    p50: percentile(callback, 50),
    p99: percentile(callback, 99),
    max: callback.length > 0 ? Math.max(...callback) : Number.NaN,
    replyP50: percentile(reply, 50),
    replyP99: percentile(reply, 99),
    replyMax: reply.length > 0 ? Math.max(...reply) : Number.NaN,
    deferred: samples.filter((s) => s.deferred).length,
    failed: failed.length,
    errors: [...new Set(failed.map((s) => s.error ?? "unknown"))].slice(0, 3),
  };
}
