import { describe, expect, it } from 'vitest';
import { finitePopulationFactor, incompleteBeta, newcombeDifference, studentTQuantile, tInterval, welchDifference, wilson } from '#shared/survey/results/stats.ts';

describe('Student t quantile', () => {
  it('matches published two-sided 95% critical values', () => {
    // Standard t tables (e.g. NIST/SEMATECH e-Handbook 1.3.6.7.2), three decimals.
    const table: [number, number][] = [[1, 12.706], [2, 4.303], [3, 3.182], [4, 2.776], [5, 2.571], [10, 2.228], [29, 2.045], [30, 2.042], [60, 2.0], [100, 1.984], [1000, 1.962]];
    for (const [df, t] of table) expect(studentTQuantile(0.975, df), `df ${df}`).toBeCloseTo(t, 3);
  });

  it('matches closed forms to full precision: df 1 is Cauchy, df 2 has t = (2p - 1) / sqrt(2p(1 - p))', () => {
    for (const p of [0.6, 0.9, 0.975, 0.995]) {
      expect(studentTQuantile(p, 1)).toBeCloseTo(Math.tan(Math.PI * (p - 0.5)), 9);
      expect(studentTQuantile(p, 2)).toBeCloseTo((2 * p - 1) / Math.sqrt(2 * p * (1 - p)), 9);
    }
  });

  it('takes fractional degrees of freedom (Welch) and tends to the normal quantile', () => {
    // R: qt(0.975, 2.5) = 3.574655; qt(0.975, 22.9927) = 2.068697.
    expect(studentTQuantile(0.975, 2.5)).toBeCloseTo(3.574655, 5);
    expect(studentTQuantile(0.975, 1e7)).toBeCloseTo(1.959964, 5);
    expect(studentTQuantile(0.5, 7)).toBe(0);
  });

  it('refuses p outside [0.5, 1) and df <= 0', () => {
    expect(() => studentTQuantile(0.4, 3)).toThrow(RangeError);
    expect(() => studentTQuantile(1, 3)).toThrow(RangeError);
    expect(() => studentTQuantile(0.975, 0)).toThrow(RangeError);
  });

  it('has a regularized incomplete beta that matches its closed forms', () => {
    // I_x(1, b) = 1 - (1 - x)^b and I_x(a, 1) = x^a.
    expect(incompleteBeta(0.3, 1, 4)).toBeCloseTo(1 - 0.7 ** 4, 12);
    expect(incompleteBeta(0.8, 3, 1)).toBeCloseTo(0.8 ** 3, 12);
    expect(incompleteBeta(0, 2, 2)).toBe(0);
    expect(incompleteBeta(1, 2, 2)).toBe(1);
  });
});

describe('Wilson interval', () => {
  it('matches published values', () => {
    // Newcombe 1998 (single proportion), 81/263: 0.2553 to 0.3662; Wilson 1927 style small-sample 2/10: 0.0567 to 0.5098.
    const a = wilson(81 / 263, 263);
    expect(a.low).toBeCloseTo(0.2553, 4);
    expect(a.high).toBeCloseTo(0.3662, 4);
    const b = wilson(0.2, 10);
    expect(b.low).toBeCloseTo(0.0567, 4);
    expect(b.high).toBeCloseTo(0.5098, 4);
    // 0/10 and 10/10 stay inside [0, 1] with a width (where Wald collapses to a point).
    expect(wilson(0, 10)).toEqual({ low: 0, high: expect.closeTo(0.2775, 4) });
    expect(wilson(1, 10).high).toBeCloseTo(1, 12);
    expect(wilson(1, 10).low).toBeCloseTo(0.7225, 4);
  });

  it('shrinks with the finite-population correction and has zero width when everyone answered', () => {
    expect(finitePopulationFactor(10, 20)).toBeCloseTo(10 / 19, 12);
    expect(finitePopulationFactor(10, undefined)).toBe(1);
    expect(finitePopulationFactor(10, 8)).toBe(1);
    const free = wilson(0.5, 10);
    const corrected = wilson(0.5, 10, 20);
    expect(corrected.high - corrected.low).toBeLessThan(free.high - free.low);
    // The correction is z² -> z²·f: the same as the uncorrected interval at z·sqrt(f).
    expect(corrected.low).toBeCloseTo(0.5 - (1.959963984540054 * Math.sqrt(10 / 19) / (1 + (1.959963984540054 ** 2 * 10) / 19 / 10)) * Math.sqrt(0.025 + (1.959963984540054 ** 2 * 10) / 19 / 400), 12);
    expect(wilson(0.3, 10, 10)).toEqual({ low: 0.3, high: 0.3 });
  });
});

describe('t interval of a mean', () => {
  it('is mean ± t(0.975, n - 1) s / sqrt(n), narrowed by sqrt(f) when the population is known', () => {
    const ci = tInterval(3.5, 1, 5);
    expect(ci.low).toBeCloseTo(3.5 - (2.776445 * 1) / Math.sqrt(5), 5);
    expect(ci.high).toBeCloseTo(3.5 + (2.776445 * 1) / Math.sqrt(5), 5);
    const fpc = tInterval(3.5, 1, 5, 9);
    expect(fpc.high - 3.5).toBeCloseTo(((2.776445 * 1) / Math.sqrt(5)) * Math.sqrt(4 / 8), 5);
    expect(tInterval(3.5, 1, 5, 5)).toEqual({ low: 3.5, high: 3.5 });
    expect(() => tInterval(3, 1, 1)).toThrow(RangeError);
  });
});

describe('Newcombe interval of a difference of proportions (method 10)', () => {
  it("matches Newcombe 1998's worked examples (Table II)", () => {
    const cases: [number, number, number, number, number, number][] = [
      [56, 70, 48, 80, 0.0524, 0.3339],
      [9, 10, 3, 10, 0.1705, 0.809],
      [6, 7, 2, 7, 0.0582, 0.8062],
      [5, 56, 0, 29, -0.0381, 0.1926],
    ];
    for (const [x1, n1, x2, n2, low, high] of cases) {
      const d = newcombeDifference(x1 / n1, n1, x2 / n2, n2);
      expect(d.difference).toBeCloseTo(x1 / n1 - x2 / n2, 12);
      expect(d.ci.low, `${x1}/${n1} - ${x2}/${n2}`).toBeCloseTo(low, 4);
      expect(d.ci.high, `${x1}/${n1} - ${x2}/${n2}`).toBeCloseTo(high, 4);
    }
  });
});

describe('Welch interval of a difference of means', () => {
  it('uses the Welch–Satterthwaite degrees of freedom', () => {
    // m 10, s 2, n 10 against m 8, s 3, n 15: df = (0.4 + 0.6)² / (0.4²/9 + 0.6²/14) = 22.9927;
    // SciPy: 2 ± t.ppf(0.975, 22.9927) · 1 = -0.068694 to 4.068694.
    const d = welchDifference(10, 2, 10, 8, 3, 15);
    expect(d.df).toBeCloseTo(22.9927, 4);
    expect(d.ci.low).toBeCloseTo(-0.068694, 5);
    expect(d.ci.high).toBeCloseTo(4.068694, 5);
  });

  it('gives an exact difference when neither wave has spread, and refuses single values', () => {
    expect(welchDifference(4, 0, 5, 3, 0, 6).ci).toEqual({ low: 1, high: 1 });
    expect(() => welchDifference(4, 1, 1, 3, 1, 6)).toThrow(RangeError);
  });
});
