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
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
