/**
 * Work done in steps: a generator that yields between pieces of a long job (indexing thousands of paragraphs),
 * so the same code runs at once (a one-shot command, a test) or in slices that leave the event loop free
 * between them (a running bot rebuilding its indexes while it keeps answering).
 */
export type Steps<T> = Generator<void, T, void>;

/** Runs every step at once. */
export function runNow<T>(steps: Steps<T>): T {
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
}

/** Runs the steps, giving the event loop a turn whenever a slice has taken `sliceMs` or more. */
export async function runSliced<T>(steps: Steps<T>, sliceMs: number): Promise<T> {
  let sliceStart = performance.now();
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
    if (performance.now() - sliceStart >= sliceMs) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      sliceStart = performance.now();
    }
  }
}
