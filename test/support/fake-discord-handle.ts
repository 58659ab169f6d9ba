/**
 * The handle a test holds on one interaction it dispatched through the fake Discord (`fake.interact(…)`):
 * it awaits the bot's answer as the user would see it, and on a timeout says which callbacks were tried and
 * which responses were accepted.
 */
import type { RecordedRequest } from "./fake-discord-http.js";
import type { InteractionPayload } from "./fake-discord-interactions.js";
import type { InteractionResponseRecord } from "./fake-discord-routes.js";

/** What a handle reads from the fake (the {@link FakeDiscord} it came from). */
export interface HandleHost {
  interactionResponses(interactionId: string): InteractionResponseRecord[];
  callbacksFor(interactionId: string): RecordedRequest[];
  until<T>(probe: () => T | undefined | null | false, timeoutMs?: number, what?: string): Promise<T>;
  expireInteraction(interactionId: string): void;
}

/** A handle on one dispatched interaction, to await the bot's answer. */
export class InteractionHandle {
  constructor(
    private readonly fake: HandleHost,
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
