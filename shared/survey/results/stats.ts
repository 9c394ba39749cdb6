/**
 * The interval statistics of survey results: Wilson (proportions), Student t (means), Newcombe (a difference of two
 * proportions) and Welch (a difference of two means). Plain arithmetic with no dependency: the few special functions
 * needed (log-gamma, the regularized incomplete beta) are short and tested against published tables.
 * Every interval is two-sided at 95%.
 */
import type { Interval } from './types.ts';

/** The standard normal 97.5% quantile: a two-sided 95% interval. */
export const Z_95 = 1.959963984540054;

/**
 * The finite-population correction of a variance, (N - n) / (N - 1): sampling n of N people without replacement
 * leaves less uncertainty than sampling from an endless population, none when everyone answered. Undefined N (staff
 * unknown), or an N below n (a staff list that does not match the answers), gives 1: no correction.
 */
export function finitePopulationFactor(n: number, population: number | undefined): number {
  if (population === undefined || !Number.isFinite(population) || population < n || population <= 1) return 1;
  return (population - n) / (population - 1);
}

/**
 * Wilson score interval of a proportion p observed over n: the interval of true proportions whose score test does
 * not reject p. It stays inside [0, 1] and keeps its coverage for small n and for p near 0 or 1, where the Wald
 * interval p ± z·sqrt(p(1-p)/n) collapses to zero width or leaves [0, 1].
 * With a known population N, the variance term p(1-p)/n shrinks by the finite-population factor f: that is the
 * Wilson interval with z² replaced by z²·f, which for f = 0 (n = N: everyone answered) is [p, p].
 */
export function wilson(p: number, n: number, population?: number): Interval {
  if (!(n > 0)) throw new RangeError('wilson: n must be positive');
  const z2 = Z_95 * Z_95 * finitePopulationFactor(n, population);
  const denominator = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denominator;
  const half = Math.sqrt((p * (1 - p)) / n * z2 + (z2 * z2) / (4 * n * n)) / denominator;
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/** ln Γ(x) for x > 0 (Lanczos, g = 7, 9 terms: about 15 significant digits). */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x); // reflection
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
    -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  const y = x - 1;
  let a = c[0]!;
  const t = y + 7.5;
  for (let i = 1; i < 9; i++) a += c[i]! / (y + i);
  return 0.5 * Math.log(2 * Math.PI) + (y + 0.5) * Math.log(t) - t + Math.log(a);
}

/** The continued fraction of the incomplete beta function (modified Lentz), valid for x < (a + 1) / (a + b + 2). */
function betaContinuedFraction(x: number, a: number, b: number): number {
  const TINY = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 10_000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const step = d * c;
    h *= step;
    if (Math.abs(step - 1) < 1e-15) return h;
  }
  return h;
}

/** The regularized incomplete beta function I_x(a, b). */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  // The fraction converges fast only on one side of the mean; the symmetry I_x(a, b) = 1 - I_{1-x}(b, a) covers the other.
  return x < (a + 1) / (a + b + 2) ? (front * betaContinuedFraction(x, a, b)) / a : 1 - (front * betaContinuedFraction(1 - x, b, a)) / b;
}

/** P(T > t) for Student's t with df degrees of freedom (df may be fractional: Welch), t >= 0. */
function studentUpperTail(t: number, df: number): number {
  return 0.5 * incompleteBeta(df / (df + t * t), df / 2, 0.5);
}

const quantileCache = new Map<string, number>();

/**
 * The p quantile (p in [0.5, 1)) of Student's t with df > 0 degrees of freedom: the root of the upper tail
 * 1 - p, by bisection on the exact tail (the incomplete beta above) to double precision. Bisection is slow by
 * numeric standards (about 60 tail evaluations) but cannot diverge, and a wave needs a few hundred quantiles at most;
 * they are cached by (p, df).
 */
export function studentTQuantile(p: number, df: number): number {
  if (!(p >= 0.5 && p < 1)) throw new RangeError('studentTQuantile: p must be in [0.5, 1)');
  if (!(df > 0)) throw new RangeError('studentTQuantile: df must be positive');
  if (p === 0.5) return 0;
  const key = `${p}:${df}`;
  const cached = quantileCache.get(key);
  if (cached !== undefined) return cached;
  const tail = 1 - p;
  let low = 0;
  let high = 1;
  while (studentUpperTail(high, df) > tail) high *= 2;
  for (let i = 0; i < 200 && high - low > 1e-13 * Math.max(1, high); i++) {
    const mid = (low + high) / 2;
    if (studentUpperTail(mid, df) > tail) low = mid;
    else high = mid;
  }
  const q = (low + high) / 2;
  quantileCache.set(key, q);
  return q;
}

/**
 * t interval of a mean: mean ± t(0.975, n - 1) · s / sqrt(n), the standard error shrunk by sqrt of the
 * finite-population factor when the population is known. Needs n >= 2 (a standard deviation needs two values).
 */
export function tInterval(mean: number, sd: number, n: number, population?: number): Interval {
  if (!(n >= 2)) throw new RangeError('tInterval: n must be at least 2');
  const half = studentTQuantile(0.975, n - 1) * (sd / Math.sqrt(n)) * Math.sqrt(finitePopulationFactor(n, population));
  return { low: mean - half, high: mean + half };
}

/** Sample standard deviation (n - 1 in the denominator) from a count, a sum and a sum of squares. */
export function sdFromSums(n: number, sum: number, sumSquares: number): number {
  if (n < 2) return 0;
  // Rounding can leave a tiny negative sum of squared deviations when every value is equal.
  return Math.sqrt(Math.max(0, (sumSquares - (sum * sum) / n) / (n - 1)));
}

/**
 * Newcombe's hybrid score interval for p1 - p2 of two independent proportions (Newcombe 1998, method 10): it
 * combines each proportion's Wilson interval (l, u) as
 *   low  = d - sqrt((p1 - l1)² + (u2 - p2)²),   high = d + sqrt((u1 - p1)² + (p2 - l2)²).
 * It inherits Wilson's good coverage for small samples and extreme proportions, where the Wald difference fails.
 */
export function newcombeDifference(p1: number, n1: number, p2: number, n2: number): { difference: number; ci: Interval } {
  const a = wilson(p1, n1);
  const b = wilson(p2, n2);
  const difference = p1 - p2;
  return {
    difference,
    ci: {
      low: difference - Math.sqrt((p1 - a.low) ** 2 + (b.high - p2) ** 2),
      high: difference + Math.sqrt((a.high - p1) ** 2 + (p2 - b.low) ** 2),
    },
  };
}

/**
 * Welch's t interval for m1 - m2 of two independent means with unequal variances: standard error
 * sqrt(s1²/n1 + s2²/n2) and the Welch–Satterthwaite degrees of freedom
 *   df = (s1²/n1 + s2²/n2)² / ((s1²/n1)² / (n1 - 1) + (s2²/n2)² / (n2 - 1)).
 * Two waves' groups differ in size and spread, so the pooled-variance t interval would be wrong.
 */
export function welchDifference(m1: number, s1: number, n1: number, m2: number, s2: number, n2: number): { difference: number; df: number; ci: Interval } {
  if (!(n1 >= 2 && n2 >= 2)) throw new RangeError('welchDifference: each sample needs at least 2 values');
  const v1 = (s1 * s1) / n1;
  const v2 = (s2 * s2) / n2;
  const difference = m1 - m2;
  const se = Math.sqrt(v1 + v2);
  // No spread in either wave: the difference is exact.
  if (se === 0) return { difference, df: n1 + n2 - 2, ci: { low: difference, high: difference } };
  const df = (v1 + v2) ** 2 / (v1 ** 2 / (n1 - 1) + v2 ** 2 / (n2 - 1));
  const half = studentTQuantile(0.975, df) * se;
  return { difference, df, ci: { low: difference - half, high: difference + half } };
}
