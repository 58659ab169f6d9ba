/**
 * The vector arithmetic the search uses, in one place: dot products, cosines, sums and the first principal
 * component of a set of vectors. Vectors are Float32Arrays of one dimension; nothing here allocates more than
 * its result.
 */

/** Σ aᵢ·bᵢ over the shorter of the two. */
export function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) sum += (a[i] as number) * (b[i] as number);
  return sum;
}

/** Cosine of two vectors; 0 when either is missing or zero. */
export function cosine(a: Float32Array | null | undefined, b: Float32Array | null | undefined): number {
  if (!a || !b) return 0;
  let product = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    product += x * y;
    na += x * x;
    nb += y * y;
  }
  return na > 0 && nb > 0 ? product / Math.sqrt(na * nb) : 0;
}

/** Adds `weight · vector` to `sum` in place (creating it on first use) and returns it. */
export function addScaled(sum: Float32Array | null, vector: Float32Array, weight: number): Float32Array {
  const out = sum ?? new Float32Array(vector.length);
  for (let i = 0; i < vector.length; i++) out[i] = (out[i] as number) + weight * (vector[i] as number);
  return out;
}

/** Removes from `vector`, in place, its projection on the unit vector `direction`; returns it. */
export function removeProjection(vector: Float32Array, direction: Float32Array | null): Float32Array {
  if (!direction) return vector;
  const along = dot(vector, direction);
  for (let i = 0; i < vector.length; i++)
    vector[i] = (vector[i] as number) - along * (direction[i] as number);
  return vector;
}

/**
 * The first principal component (uncentred) of `vectors`, by power iteration: the direction they most share.
 * Null for fewer than three vectors, where a common direction means nothing.
 */
export function firstPrincipalComponent(vectors: readonly Float32Array[], rounds = 20): Float32Array | null {
  const steps = firstPrincipalComponentSteps(vectors, rounds);
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
}

/** The same, yielding after each round of the iteration (for a build in slices, see steps.ts). */
export function* firstPrincipalComponentSteps(
  vectors: readonly Float32Array[],
  rounds = 20,
): Generator<void, Float32Array | null, void> {
  const first = vectors[0];
  if (!first || vectors.length < 3) return null;
  let direction = Float32Array.from(first);
  for (let round = 0; round < rounds; round++) {
    let next: Float32Array | null = null;
    for (const v of vectors) next = addScaled(next, v, dot(v, direction));
    const norm = Math.hypot(...(next as Float32Array)) || 1;
    direction = (next as Float32Array).map((x) => x / norm);
    yield;
  }
  return direction;
}
