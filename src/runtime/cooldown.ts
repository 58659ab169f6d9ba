/** Per-user cooldown: one use per window. Old entries are swept so the map cannot grow without bound. */
export class Cooldowns {
  readonly #until = new Map<string, number>();

  constructor(
    private readonly windowMs: number,
    private readonly now: () => number,
  ) {}

  /** Records a use and returns 0, or returns the milliseconds left when the user is still cooling down. */
  take(userId: string): number {
    if (this.windowMs <= 0) return 0;
    const now = this.now();
    const until = this.#until.get(userId) ?? 0;
    if (until > now) return until - now;
    if (this.#until.size > 10_000) {
      for (const [id, end] of this.#until) if (end <= now) this.#until.delete(id);
    }
    this.#until.set(userId, now + this.windowMs);
    return 0;
  }
}
