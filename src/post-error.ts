/**
 * Why a post to a channel failed, in the terms the bot acts on (the Discord layer translates Discord's errors
 * into these; the scheduler and the commands never see Discord's own):
 * - `pause`: Discord refused for a reason a moderator must fix (the channel is gone, a permission is missing);
 *   nothing was posted.
 * - `rejected`: Discord answered with an error, or the request never left: nothing was posted; try again later.
 * - `uncertain`: the connection failed after the request was sent; the post may exist.
 */
export class PostError extends Error {
  override readonly name = "PostError";
  constructor(
    message: string,
    readonly kind: "pause" | "rejected" | "uncertain",
    options?: ErrorOptions & { readonly reason?: PauseReason },
  ) {
    super(message, options);
    this.reason = options?.reason;
  }

  /** For `pause`: what a moderator must fix, as a code that replies put in the reader's language. */
  readonly reason: PauseReason | undefined;
}

/** Why posting stopped until a moderator acts; stored as the reminder's paused reason. */
export const PAUSE_REASONS = [
  "unknown-channel",
  "unknown-guild",
  "missing-access",
  "missing-permissions",
  "forbidden",
] as const;

export type PauseReason = (typeof PAUSE_REASONS)[number];

export function isPauseReason(value: string): value is PauseReason {
  return (PAUSE_REASONS as readonly string[]).includes(value);
}
