/**
 * The site-table statistics against scipy: test/fixtures/stats/scipy-vectors.json, written by
 * tools/goldens/make-stats-goldens.py with Debian's python3-scipy (1.10.1; the file's `meta` says which). The Fisher
 * vectors also carry the exact tail probability (Python integers, correctly rounded), so a disagreement can be
 * told apart from an error of scipy's.
 *
 * Bounds, and what was measured when they were set:
 * - Fisher: relative 1e-13 from the exact value (measured 3.5e-15; our error grows by about an ulp per step from the
 *   distribution's mode to the table's cell, up to ~1500 steps in these tables), 1e-12 from scipy (measured 4.8e-15;
 *   scipy's own error from the exact value is up to 3.0e-15). Subnormal p-values (below 2.2e-308) carry fewer bits;
 *   there the bound is absolute: 4 subnormal steps from the exact value, 1e-322 from scipy.
 * - Beta quantiles: relative 1e-12 from scipy (measured 7.5e-15). The difference is scipy's: against mpmath at 50
 *   digits scipy 1.10's beta.ppf errs by up to 7.5e-15 on these pairs, ours by up to 3.1e-16 (checked off-line;
 *   mpmath is not a Debian dependency of the script).
 * - Benjamini-Hochberg: identical to baleen's arithmetic order; relative 1e-15 from scipy's (p · (m / i) rounds
 *   differently from (p · m) / i by an ulp; measured 2.2e-16).
 * - Printed strings (`%.6e`, `%.6f`, whole rows): identical.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatFixed } from '../eventalign/printf.js';
import {
  applyBenjaminiHochberg,
  benjaminiHochberg,
  betaInterval,
  betaQuantile,
  fisherExactGreater,
  formatExponential,
  formatSiteRow,
  median,
  SITE_TSV_HEADER,
  siteRow,
  type SiteStats,
} from './index.js';

const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

interface Fixture {
  meta: { scipy: string; numpy: string; threshold: number };
  /** [a, b, c, d, scipy p, exact p] */
  fisher: [number, number, number, number, number, number][];
  bh: { p: number[]; scipy: number[]; baleen: number[] }[];
  /** [k, n, ppf(0.025, 1 + k, 1 + n - k), ppf(0.975, ...)] */
  beta: [number, number, number, number][];
  /** [value (Python repr, NaN, Infinity, -Infinity), '%.6e', '%.6f'] */
  format: [string, string, string][];
  sites: {
    contig: string;
    position: number;
    kmer: string;
    native: (number | null)[];
    ivt: (number | null)[];
    mod_ratio: string;
    ci_low: string;
    ci_high: string;
    pvalue: string;
    padj: string;
    effect_size: string;
    n_native: number;
    n_ivt: number;
    mean_p_mod: string;
    stoichiometry: string;
    line: string;
  }[];
}

const fixture = JSON.parse(
  fs.readFileSync(path.join(repositoryRoot, 'test', 'fixtures', 'stats', 'scipy-vectors.json'), 'utf8'),
) as Fixture;

const SMALLEST_NORMAL = 2.2250738585072014e-308;
const SMALLEST_SUBNORMAL = 5e-324;

function relativeError(actual: number, expected: number): number {
  if (actual === expected) return 0;
  return Math.abs(actual - expected) / Math.abs(expected);
}

/** The fixture writes non-finite values as NaN, Infinity, -Infinity; Number() reads those and Python's repr. */
function decode(text: string): number {
  return Number(text);
}

describe('fisherExactGreater', () => {
  it('matches scipy and the exact tail on every fixture table', () => {
    expect(fixture.fisher.length).toBeGreaterThan(600);
    let worstScipy = 0;
    let worstExact = 0;
    for (const [a, b, c, d, scipy, exact] of fixture.fisher) {
      const p = fisherExactGreater(a, b, c, d);
      const table = `[[${a}, ${b}], [${c}, ${d}]]`;
      if (exact >= SMALLEST_NORMAL) {
        const fromExact = relativeError(p, exact);
        const fromScipy = relativeError(p, scipy);
        worstExact = Math.max(worstExact, fromExact);
        worstScipy = Math.max(worstScipy, fromScipy);
        expect(fromExact, table).toBeLessThanOrEqual(1e-13);
        expect(fromScipy, table).toBeLessThanOrEqual(1e-12);
      } else {
        expect(Math.abs(p - exact), table).toBeLessThanOrEqual(4 * SMALLEST_SUBNORMAL);
        expect(Math.abs(p - scipy), table).toBeLessThanOrEqual(1e-322);
      }
    }
    // The tables reach far into the tail and the sums do not lose their digits there.
    expect(Math.min(...fixture.fisher.map((row) => row[5]).filter((p) => p > 0))).toBeLessThan(1e-300);
    expect(worstExact).toBeLessThan(1e-13);
    expect(worstScipy).toBeLessThan(1e-12);
  });

  it('is 1 where scipy returns 1: an empty group, no modified read, or every read modified', () => {
    expect(fisherExactGreater(0, 0, 3, 4)).toBe(1);
    expect(fisherExactGreater(3, 4, 0, 0)).toBe(1);
    expect(fisherExactGreater(0, 5, 0, 7)).toBe(1);
    expect(fisherExactGreater(5, 0, 7, 0)).toBe(1);
    expect(fisherExactGreater(0, 0, 0, 0)).toBe(1);
    expect(fisherExactGreater(0, 9, 4, 2)).toBe(1); // no native read modified
  });

  it('gives the textbook values', () => {
    // scipy: fisher_exact([[8, 2], [1, 5]], alternative='greater') = 0.024475524475524483 (= 35/1430).
    expect(relativeError(fisherExactGreater(8, 2, 1, 5), 35 / 1430)).toBeLessThan(1e-15);
    // Every native read modified, no IVT read: 1 / C(40, 20).
    expect(relativeError(fisherExactGreater(20, 0, 0, 20), 1 / 137846528820)).toBeLessThan(1e-15);
  });

  it('rejects counts that are not whole numbers', () => {
    expect(() => fisherExactGreater(-1, 2, 3, 4)).toThrow(RangeError);
    expect(() => fisherExactGreater(1.5, 2, 3, 4)).toThrow(RangeError);
    expect(() => fisherExactGreater(Number.NaN, 2, 3, 4)).toThrow(RangeError);
  });
});

describe('benjaminiHochberg', () => {
  it("equals baleen's arithmetic exactly and scipy's to an ulp, in the input order", () => {
    for (const { p, scipy, baleen } of fixture.bh) {
      const adjusted = benjaminiHochberg(p);
      expect(adjusted).toEqual(baleen);
      adjusted.forEach((value, index) => {
        expect(relativeError(value, scipy[index])).toBeLessThanOrEqual(1e-15);
      });
    }
  });

  it('steps up, ties share a value, and the cap is 1', () => {
    expect(benjaminiHochberg([])).toEqual([]);
    expect(benjaminiHochberg([0.01, 0.04, 0.03, 0.005])).toEqual([0.02, 0.04, 0.04, 0.02]);
    expect(benjaminiHochberg([0.5, 0.5, 0.5])).toEqual([0.5, 0.5, 0.5]);
    expect(benjaminiHochberg([1, 0.9])).toEqual([1, 1]);
  });

  it('rejects values that are not p-values', () => {
    expect(() => benjaminiHochberg([0.1, Number.NaN])).toThrow(RangeError);
    expect(() => benjaminiHochberg([1.5])).toThrow(RangeError);
  });

  it('adjusts each contig on its own, whatever the order of the rows', () => {
    const row = (contig: string, pvalue: number): SiteStats => ({
      contig,
      position: 0,
      kmer: 'AAAAA',
      modRatio: 0,
      ciLow: 0,
      ciHigh: 1,
      pvalue,
      padj: Number.NaN,
      effectSize: 0,
      nNative: 1,
      nIvt: 1,
      meanPMod: 0,
      stoichiometry: 0,
    });
    const rows = [row('a', 0.01), row('b', 0.01), row('a', 0.04), row('b', 0.5), row('a', 0.03)];
    applyBenjaminiHochberg(rows);
    expect(rows.map((r) => r.padj)).toEqual([0.03, 0.02, 0.04, 0.5, 0.04]);
  });
});

describe('betaQuantile and betaInterval', () => {
  it("match scipy's beta.ppf at 2.5% and 97.5% for every fixture pair", () => {
    expect(fixture.beta.length).toBeGreaterThan(800);
    let worst = 0;
    for (const [k, n, low, high] of fixture.beta) {
      const [ciLow, ciHigh] = betaInterval(k, n);
      const error = Math.max(relativeError(ciLow, low), relativeError(ciHigh, high));
      worst = Math.max(worst, error);
      expect(error, `k = ${k}, n = ${n}`).toBeLessThanOrEqual(1e-12);
    }
    expect(worst).toBeLessThan(1e-12);
  });

  it('has the closed forms and the edges', () => {
    expect(betaInterval(0, 0)).toEqual([0.025, 0.975]); // Beta(1, 1) is uniform
    expect(relativeError(betaQuantile(0.025, 21, 1), 0.025 ** (1 / 21))).toBeLessThan(1e-15);
    expect(relativeError(betaQuantile(0.3, 1, 10), 1 - 0.7 ** (1 / 10))).toBeLessThan(1e-15);
    expect(betaQuantile(0, 3, 4)).toBe(0);
    expect(betaQuantile(1, 3, 4)).toBe(1);
    // Symmetry: Beta(a, b) at q is 1 - Beta(b, a) at 1 - q.
    expect(Math.abs(betaQuantile(0.025, 7, 3) - (1 - betaQuantile(0.975, 3, 7)))).toBeLessThan(1e-15);
    expect(Math.abs(betaQuantile(0.5, 50, 50) - 0.5)).toBeLessThan(1e-15);
  });

  it('rejects shapes it does not handle', () => {
    expect(() => betaQuantile(0.5, 0.5, 2)).toThrow(RangeError);
    expect(() => betaQuantile(0.5, 0, 2)).toThrow(RangeError);
    expect(() => betaQuantile(1.5, 1, 2)).toThrow(RangeError);
    expect(() => betaInterval(3, 2)).toThrow(RangeError);
  });
});

describe('median', () => {
  it('is numpy.median', () => {
    expect(median([])).toBeNaN();
    expect(median([3])).toBe(3);
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([0.1, 0.2])).toBe((0.1 + 0.2) / 2);
    expect(median([1, Number.NaN, 2])).toBeNaN();
  });
});

describe('formatExponential and formatFixed', () => {
  it("print every fixture value as Python's '%.6e' and '%.6f' do", () => {
    expect(fixture.format.length).toBeGreaterThan(400);
    for (const [text, exponential, fixed] of fixture.format) {
      const value = decode(text);
      expect(formatExponential(value, 6), text).toBe(exponential);
      expect(formatFixed(value, 6), text).toBe(fixed);
    }
  });

  it('prints as glibc', () => {
    expect(formatExponential(1, 6)).toBe('1.000000e+00');
    expect(formatExponential(3.456789e-12, 6)).toBe('3.456789e-12');
    expect(formatExponential(0, 6)).toBe('0.000000e+00');
    expect(formatExponential(-0, 6)).toBe('-0.000000e+00');
    expect(formatExponential(Number.NaN, 6)).toBe('nan');
    expect(formatExponential(Infinity, 6)).toBe('inf');
    expect(formatExponential(-Infinity, 6)).toBe('-inf');
    expect(formatExponential(1e-300, 6)).toBe('1.000000e-300');
    expect(formatExponential(5e-324, 6)).toBe('4.940656e-324');
    expect(formatExponential(0.12890625, 6)).toBe('1.289062e-01'); // an exact tie: to even, not up
    expect(formatExponential(0.13671875, 6)).toBe('1.367188e-01'); // a tie whose even neighbour is above
    expect(formatExponential(2.5, 0)).toBe('2e+00');
    expect(formatExponential(9.9999996, 6)).toBe('1.000000e+01');
    expect(() => formatExponential(1, -1)).toThrow(RangeError);
  });
});

describe('siteRow and formatSiteRow', () => {
  const toValues = (values: (number | null)[]): number[] => values.map((value) => value ?? Number.NaN);

  it("reproduce baleen's rows for the fixture sites, BH per contig included", () => {
    const rows = fixture.sites.map((site) =>
      siteRow({
        contig: site.contig,
        position: site.position,
        kmer: site.kmer,
        nativeP: toValues(site.native),
        ivtP: toValues(site.ivt),
        threshold: fixture.meta.threshold,
      }),
    );
    applyBenjaminiHochberg(rows);
    rows.forEach((row, index) => {
      const site = fixture.sites[index];
      const where = `${site.contig}:${site.position}`;
      expect(row.nNative, where).toBe(site.n_native);
      expect(row.nIvt, where).toBe(site.n_ivt);
      expect(row.modRatio, where).toBe(decode(site.mod_ratio));
      expect(row.stoichiometry, where).toBe(decode(site.stoichiometry));
      expect(row.meanPMod, where).toBe(decode(site.mean_p_mod)); // numpy's pairwise sum, to the bit
      if (Number.isNaN(decode(site.effect_size))) expect(row.effectSize, where).toBeNaN();
      else expect(row.effectSize, where).toBe(decode(site.effect_size));
      expect(relativeError(row.ciLow, decode(site.ci_low)), where).toBeLessThanOrEqual(1e-12);
      expect(relativeError(row.ciHigh, decode(site.ci_high)), where).toBeLessThanOrEqual(1e-12);
      expect(relativeError(row.pvalue, decode(site.pvalue)), where).toBeLessThanOrEqual(1e-12);
      expect(relativeError(row.padj, decode(site.padj)), where).toBeLessThanOrEqual(1e-12);
      expect(formatSiteRow(row), where).toBe(site.line);
    });
    // The fixture has sites without IVT reads, reads without a value, and more than one contig.
    expect(fixture.sites.some((site) => site.ivt.length === 0)).toBe(true);
    expect(fixture.sites.some((site) => site.native.includes(null))).toBe(true);
    expect(new Set(fixture.sites.map((site) => site.contig)).size).toBeGreaterThan(1);
  });

  it('calls an obviously modified site', () => {
    const row = siteRow({
      contig: 'tx',
      position: 42,
      kmer: 'GGACU',
      nativeP: new Array<number>(20).fill(0.9),
      ivtP: new Array<number>(20).fill(0.1),
      threshold: 0.75,
    });
    applyBenjaminiHochberg([row]);
    expect(row.modRatio).toBe(1);
    expect(row.stoichiometry).toBe(1);
    expect(relativeError(row.pvalue, 1 / 137846528820)).toBeLessThan(1e-15);
    expect(row.padj).toBe(row.pvalue);
    expect(row.effectSize).toBeCloseTo(0.8, 15);
    // scipy: beta.ppf([0.025, 0.975], 21, 1) = 0.83890238478092038, 0.99879511655163644.
    expect(relativeError(row.ciLow, 0.8389023847809204)).toBeLessThan(1e-15);
    expect(relativeError(row.ciHigh, 0.9987951165516364)).toBeLessThan(1e-15);
    expect(formatSiteRow(row)).toBe(
      'tx\t42\tGGACU\t1.000000\t0.838902\t0.998795\t7.254445e-12\t7.254445e-12\t0.800000\t20\t20\t0.900000\t1.000000\n',
    );
  });

  it('gives p = 1 and an effect size of nan without IVT reads', () => {
    const row = siteRow({ contig: 'tx', position: 7, kmer: 'AAAAA', nativeP: [0.9, 0.8, 0.2], ivtP: [], threshold: 0.75 });
    expect(row.pvalue).toBe(1);
    expect(row.effectSize).toBeNaN();
    expect(row.padj).toBeNaN(); // until the contig's BH
    applyBenjaminiHochberg([row]);
    const columns = formatSiteRow(row).slice(0, -1).split('\t');
    expect(columns).toHaveLength(13);
    expect(columns[6]).toBe('1.000000e+00');
    expect(columns[7]).toBe('1.000000e+00');
    expect(columns[8]).toBe('nan');
    expect(columns[10]).toBe('0');
  });

  it('counts reads without a value but leaves them out of the statistics, and needs one native value', () => {
    const row = siteRow({ contig: 'tx', position: 1, kmer: 'AAAAA', nativeP: [Number.NaN, 0.9], ivtP: [0.1, Number.NaN], threshold: 0.75 });
    expect(row.nNative).toBe(2);
    expect(row.nIvt).toBe(2);
    expect(row.modRatio).toBe(1);
    expect(row.meanPMod).toBe(0.9);
    expect(() => siteRow({ contig: 'tx', position: 1, kmer: 'AAAAA', nativeP: [Number.NaN], ivtP: [0.1], threshold: 0.75 })).toThrow(
      RangeError,
    );
  });

  it('counts a read as modified only strictly above the threshold', () => {
    const row = siteRow({ contig: 'tx', position: 1, kmer: 'AAAAA', nativeP: [0.75, 0.5, 0.76], ivtP: [0.75], threshold: 0.75 });
    expect(row.modRatio).toBe(1 / 3);
    expect(row.stoichiometry).toBe(2 / 3);
  });

  it('has the 13-column header', () => {
    expect(SITE_TSV_HEADER).toBe(
      'contig\tposition\tkmer\tmod_ratio\tci_low\tci_high\tpvalue\tpadj\teffect_size\tn_native\tn_ivt\tmean_p_mod\tstoichiometry\n',
    );
  });
});
