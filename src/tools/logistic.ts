import { Matrix, solve } from "ml-matrix";
import type { LogisticModel } from "../search/decision.js";

/**
 * L2-regularised logistic regression, fitted by Newton's method (iteratively reweighted least squares) on
 * standardised features. ml-matrix does the linear algebra; the objective is the textbook one:
 * minimise Σ wᵢ·logloss(yᵢ, σ(xᵢ·β + b)) + λ/2·|β|², the intercept unpenalised.
 */

export interface Sample {
  readonly x: Readonly<Record<string, number>>;
  readonly y: 0 | 1;
  /** Sample weight (default 1). */
  readonly w?: number;
}

export function fitLogistic(
  samples: readonly Sample[],
  features: readonly string[],
  lambda: number,
): LogisticModel {
  const n = samples.length;
  const d = features.length;
  if (n === 0) throw new Error("fit: no samples");
  const mean = features.map((f) => samples.reduce((s, r) => s + (r.x[f] ?? 0), 0) / n);
  const scale = features.map((f, j) => {
    const variance = samples.reduce((s, r) => s + ((r.x[f] ?? 0) - (mean[j] ?? 0)) ** 2, 0) / n;
    return Math.sqrt(variance) || 1;
  });
  // Column 0 is the intercept.
  const X = new Matrix(n, d + 1);
  samples.forEach((r, i) => {
    X.set(i, 0, 1);
    features.forEach((f, j) => {
      X.set(i, j + 1, ((r.x[f] ?? 0) - (mean[j] ?? 0)) / (scale[j] ?? 1));
    });
  });
  let beta = Matrix.zeros(d + 1, 1);
  for (let iteration = 0; iteration < 50; iteration++) {
    const z = X.mmul(beta);
    const gradient = Matrix.zeros(d + 1, 1);
    const hessian = Matrix.zeros(d + 1, d + 1);
    for (let i = 0; i < n; i++) {
      const sample = samples[i] as Sample;
      const p = 1 / (1 + Math.exp(-z.get(i, 0)));
      const weight = sample.w ?? 1;
      const residual = weight * (p - sample.y);
      const curvature = weight * Math.max(p * (1 - p), 1e-9);
      for (let a = 0; a <= d; a++) {
        const xa = X.get(i, a);
        gradient.set(a, 0, gradient.get(a, 0) + residual * xa);
        for (let b = a; b <= d; b++) hessian.set(a, b, hessian.get(a, b) + curvature * xa * X.get(i, b));
      }
    }
    for (let a = 0; a <= d; a++) {
      for (let b = 0; b < a; b++) hessian.set(a, b, hessian.get(b, a));
      if (a > 0) {
        gradient.set(a, 0, gradient.get(a, 0) + lambda * beta.get(a, 0));
        hessian.set(a, a, hessian.get(a, a) + lambda);
      } else {
        hessian.set(0, 0, hessian.get(0, 0) + 1e-6);
      }
    }
    const step = solve(hessian, gradient);
    beta = beta.sub(step);
    if (step.norm() < 1e-8) break;
  }
  const round = (x: number) => Number(x.toPrecision(6));
  return {
    features: [...features],
    mean: mean.map(round),
    scale: scale.map(round),
    weights: features.map((_, j) => round(beta.get(j + 1, 0))),
    bias: round(beta.get(0, 0)),
  };
}

/** One question's candidates for the conditional logit: their features and which of them answer it. */
export interface Group {
  readonly x: readonly Readonly<Record<string, number>>[];
  readonly gold: readonly boolean[];
}

/**
 * Conditional logit (a softmax over each question's candidates), L2-regularised, fitted by Newton's method:
 * maximises Σ_q log Σ_{gold d} p(d | q) with p(d | q) = exp(β·x_d) / Σ_{d'} exp(β·x_d'). It learns to put the
 * right paragraph first among the others of the same question, which is what ranking needs; the bias is 0.
 */
export function fitConditionalLogit(
  groups: readonly Group[],
  features: readonly string[],
  lambda: number,
): LogisticModel {
  const rows = groups.flatMap((g) => g.x);
  const n = rows.length;
  const d = features.length;
  const mean = features.map((f) => rows.reduce((s, r) => s + (r[f] ?? 0), 0) / Math.max(1, n));
  const scale = features.map((f, j) => {
    const variance = rows.reduce((s, r) => s + ((r[f] ?? 0) - (mean[j] ?? 0)) ** 2, 0) / Math.max(1, n);
    return Math.sqrt(variance) || 1;
  });
  const standard = groups
    .filter((g) => g.gold.some(Boolean))
    .map((g) => ({
      x: g.x.map((r) => features.map((f, j) => ((r[f] ?? 0) - (mean[j] ?? 0)) / (scale[j] ?? 1))),
      gold: g.gold,
    }));
  const probabilities = (beta: readonly number[], x: readonly number[][]) => {
    const z = x.map((row) => row.reduce((s, v, j) => s + v * (beta[j] as number), 0));
    const max = Math.max(...z);
    const e = z.map((v) => Math.exp(v - max));
    const total = e.reduce((a, b) => a + b, 0);
    return e.map((v) => v / total);
  };
  // Negative log-likelihood plus the penalty: what the steps below decrease.
  const loss = (beta: readonly number[]) => {
    let sum = 0;
    for (const g of standard) {
      const p = probabilities(beta, g.x);
      sum -= Math.log(
        Math.max(
          1e-300,
          p.reduce((s, v, i) => s + (g.gold[i] ? v : 0), 0),
        ),
      );
    }
    return sum + (lambda / 2) * beta.reduce((s, b) => s + b * b, 0);
  };
  let beta = new Array<number>(d).fill(0);
  let current = loss(beta);
  for (let iteration = 0; iteration < 100; iteration++) {
    const gradient = Matrix.zeros(d, 1);
    // The covariance under p bounds the curvature (with several right paragraphs the loss is not convex, and
    // the exact Hessian may not be positive): a safe Newton-like direction, checked by a line search.
    const hessian = Matrix.zeros(d, d);
    for (const g of standard) {
      const p = probabilities(beta, g.x);
      const goldMass = p.reduce((s, v, i) => s + (g.gold[i] ? v : 0), 0);
      const q = p.map((v, i) => (g.gold[i] ? v / goldMass : 0));
      const ep = new Array<number>(d).fill(0);
      const eq = new Array<number>(d).fill(0);
      g.x.forEach((x, i) => {
        for (let j = 0; j < d; j++) {
          ep[j] = (ep[j] as number) + (p[i] as number) * (x[j] as number);
          eq[j] = (eq[j] as number) + (q[i] as number) * (x[j] as number);
        }
      });
      for (let j = 0; j < d; j++)
        gradient.set(j, 0, gradient.get(j, 0) - ((eq[j] as number) - (ep[j] as number)));
      g.x.forEach((x, i) => {
        const pi = p[i] as number;
        for (let a = 0; a < d; a++) {
          const da = (x[a] as number) - (ep[a] as number);
          for (let b = a; b < d; b++)
            hessian.set(a, b, hessian.get(a, b) + pi * da * ((x[b] as number) - (ep[b] as number)));
        }
      });
    }
    for (let a = 0; a < d; a++) {
      for (let b = 0; b < a; b++) hessian.set(a, b, hessian.get(b, a));
      gradient.set(a, 0, gradient.get(a, 0) + lambda * (beta[a] as number));
      hessian.set(a, a, hessian.get(a, a) + lambda + 1e-9);
    }
    const step = solve(hessian, gradient);
    let size = 1;
    let next = beta;
    let nextLoss = current;
    for (let tries = 0; tries < 30; tries++) {
      next = beta.map((b, j) => b - size * step.get(j, 0));
      nextLoss = loss(next);
      if (nextLoss <= current) break;
      size /= 2;
    }
    if (nextLoss > current) break;
    const improvement = current - nextLoss;
    beta = next;
    current = nextLoss;
    if (improvement < 1e-9) break;
  }
  const round = (x: number) => Number(x.toPrecision(6));
  return {
    features: [...features],
    mean: mean.map(round),
    scale: scale.map(round),
    weights: beta.map(round),
    bias: 0,
  };
}
