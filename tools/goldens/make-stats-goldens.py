#!/usr/bin/python3
"""Writes test/fixtures/stats/scipy-vectors.json: the numbers that baleen's site table takes from scipy
(shared/research/nanopore-anchors.md 1.5), for packages/nanopore/src/stats/site-stats.test.ts to compare
with our own implementation.

    apt-get install -y python3-scipy
    /usr/bin/python3 tools/goldens/make-stats-goldens.py   # from the repository root

Sections of the JSON:
  meta      the scipy and numpy versions that made the file
  fisher    [a, b, c, d, scipy, exact]: scipy.stats.fisher_exact([[a, b], [c, d]], alternative='greater')
            and the exact tail probability (Python integers and Fraction, correctly rounded to a double),
            which tells a disagreement of ours with scipy from an error of scipy's
  bh        {p, scipy, baleen}: Benjamini-Hochberg adjusted p-values. `scipy` is
            scipy.stats.false_discovery_control(p, method='bh') where that exists (scipy >= 1.11) and
            otherwise the same arithmetic written out with numpy (p * (m / i)); `baleen` is the arithmetic
            order of baleen's own step-up code ((p * m) / rank), which can differ from scipy's by an ulp
  beta      [k, n, low, high]: scipy.stats.beta.ppf(0.025 | 0.975, 1 + k, 1 + n - k)
  format    [value, '%.6e', '%.6f']: the strings Python prints (C's printf rules, round half even on exact
            ties); value is Python's repr, or NaN / Infinity / -Infinity
  sites     whole site-table rows: per-read p_mod of native and IVT reads (null = NaN), the contig and the
            position, and the row as baleen's formatting prints it (13 tab-separated columns, per-contig BH),
            ended by '\n' (baleen writes its rows with Python's csv.writer, whose default line end is '\r\n')

Every input is deterministic (a small LCG, no numpy random generator whose stream could change between
versions).
"""
import json
import math
import os
import sys
from fractions import Fraction

import numpy as np
import scipy
from scipy import stats

OUT = os.path.join('test', 'fixtures', 'stats')
THRESHOLD = 0.75


class Lcg:
    """Numerical Recipes' 32-bit LCG: the same stream on every Python."""

    def __init__(self, seed):
        self.state = seed & 0xFFFFFFFF

    def next(self):
        self.state = (self.state * 1664525 + 1013904223) & 0xFFFFFFFF
        return self.state

    def integer(self, low, high):
        """Uniform-ish in [low, high]."""
        return low + self.next() % (high - low + 1)

    def uniform(self):
        """A double in [0, 1) with 53 random bits."""
        high = self.next() >> 5
        low = self.next() >> 6
        return (high * 67108864.0 + low) / 9007199254740992.0


# ---------------------------------------------------------------------------------------------- Fisher

def fisher_scipy(a, b, c, d):
    return float(stats.fisher_exact([[a, b], [c, d]], alternative='greater')[1])


def fisher_exact_tail(a, b, c, d):
    """P(X >= a) for X hypergeometric with the table's margins, exactly; 1 when a margin is zero (scipy)."""
    row1, row2, col1 = a + b, c + d, a + c
    if row1 == 0 or row2 == 0 or col1 == 0 or b + d == 0:
        return 1.0
    total = row1 + row2
    high = min(row1, col1)
    numerator = sum(math.comb(row1, x) * math.comb(row2, col1 - x) for x in range(a, high + 1))
    return float(Fraction(numerator, math.comb(total, col1)))


def fisher_tables():
    tables = []
    # Every table with cells 0..3: empty groups, zero columns, all-modified groups.
    for a in range(4):
        for b in range(4):
            for c in range(4):
                for d in range(4):
                    tables.append((a, b, c, d))
    rng = Lcg(20240611)
    # Random tables with groups up to 300 reads, at random modification rates.
    for _ in range(120):
        native, ivt = rng.integer(1, 300), rng.integer(1, 300)
        rate_native, rate_ivt = rng.uniform(), rng.uniform() * 0.3
        a = sum(rng.uniform() < rate_native for _ in range(native))
        c = sum(rng.uniform() < rate_ivt for _ in range(ivt))
        tables.append((a, native - a, c, ivt - c))
    # 300 + 300 and 1500 + 1500 reads, sweeping the native count from the null to p far below 1e-300.
    for native, ivt, ivt_mod, step in ((300, 300, 15, 6), (1500, 1500, 40, 20), (1500, 1400, 600, 25)):
        for a in range(0, native + 1, step):
            tables.append((a, native - a, ivt_mod, ivt - ivt_mod))
    # Around p = 1e-300 (1000 + 1000 reads, 50 modified IVT reads), one read at a time, into the subnormals.
    for a in range(300, 420):
        tables.append((a, 1000 - a, 50, 950))
    # Unbalanced groups and the extremes.
    tables += [(1, 0, 0, 1), (1500, 0, 0, 1500), (1500, 0, 1499, 1), (0, 1500, 0, 1500), (2000, 0, 1, 999),
               (5, 2995, 0, 3000), (1, 2999, 0, 3000), (3000, 0, 2999, 1), (700, 2300, 650, 2350)]
    return tables


def fisher_section():
    rows = []
    for a, b, c, d in fisher_tables():
        rows.append([a, b, c, d, fisher_scipy(a, b, c, d), fisher_exact_tail(a, b, c, d)])
    return rows


# ------------------------------------------------------------------------------------ Benjamini-Hochberg

def bh_scipy(p):
    p = np.asarray(p, dtype=np.float64)
    if hasattr(stats, 'false_discovery_control'):
        return [float(v) for v in stats.false_discovery_control(p, method='bh')]
    # scipy 1.11's false_discovery_control, written out: sort, p * (m / i), running minimum from the top, clip.
    m = len(p)
    if m <= 1:
        return [float(v) for v in p]
    order = np.argsort(p)
    ps = p[order] * (m / np.arange(1, m + 1, dtype=np.float64))
    ps = np.minimum.accumulate(ps[::-1])[::-1]
    out = np.empty(m)
    out[order] = ps
    return [float(v) for v in np.clip(out, 0.0, 1.0)]


def bh_baleen(p):
    """The arithmetic order of baleen's step-up: (p * m) / rank, running minimum from the largest p, cap at 1."""
    p = np.asarray(p, dtype=np.float64)
    m = len(p)
    if m == 0:
        return []
    order = np.argsort(p, kind='stable')
    rank = np.empty(m)
    rank[order] = np.arange(1, m + 1)
    adjusted = p * m / rank
    running = math.inf
    for index in order[::-1]:
        running = min(running, adjusted[index])
        adjusted[index] = running
    return [float(v) for v in np.minimum(adjusted, 1.0)]


def bh_section():
    rng = Lcg(77)
    vectors = [
        [0.5],
        [1.0, 1.0, 1.0],
        [0.01, 0.04, 0.03, 0.005],
        [0.02, 0.02, 0.02, 0.02, 0.9],
        [0.3, 0.001, 0.3, 0.05, 1.0, 0.001, 0.049, 0.2],
        [1e-300, 5e-324, 0.0, 1.0, 0.5],
        [0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1],
        [0.04, 0.049, 0.05, 0.051],
    ]
    for size in (20, 137, 300):
        vector = []
        for _ in range(size):
            u = rng.uniform()
            # A mix of nulls, strong signals and exact ties.
            vector.append(u if u < 0.6 else u ** 12 if u < 0.9 else 0.25)
        vectors.append(vector)
    return [{'p': v, 'scipy': bh_scipy(v), 'baleen': bh_baleen(v)} for v in vectors]


# ------------------------------------------------------------------------------------------------ Beta

def beta_pairs():
    pairs = [(k, n) for n in range(31) for k in range(n + 1)]
    for n in (40, 50, 64, 75, 100, 128, 150, 200, 256, 300, 500, 700, 1000, 1500, 2000, 2500, 3000):
        pairs += [(0, n), (1, n), (n // 2, n), (n - 1, n), (n, n)]
    rng = Lcg(31337)
    for _ in range(250):
        n = rng.integer(31, 3000)
        pairs.append((rng.integer(0, n), n))
    return pairs


def beta_section():
    rows = []
    for k, n in beta_pairs():
        low = float(stats.beta.ppf(0.025, 1 + k, 1 + n - k))
        high = float(stats.beta.ppf(0.975, 1 + k, 1 + n - k))
        rows.append([k, n, low, high])
    return rows


# ------------------------------------------------------------------------------------------ formatting

def encode(value):
    if math.isnan(value):
        return 'NaN'
    if math.isinf(value):
        return 'Infinity' if value > 0 else '-Infinity'
    return repr(value)


def format_values():
    values = [0.0, -0.0, 1.0, -1.0, 0.5, 1e-300, -1e-300, 5e-324, 2.2250738585072014e-308, 1.7976931348623157e308,
              1e21, 1e22, 123456789012345678901234567890.0, 0.1, 0.3, 2.675, 1.0000005, 0.9999995, 9.9999995,
              9.9999996, 0.99999949999, 0.99999950001, 3.456789e-12, 1.234567e-5, 6.02214076e23, 0.000123456789,
              999999.5, 9999995.0, 99999950.0, 12345685.0, 12345675.0, 1.5, 2.5, 0.0000005, 0.0000015,
              math.nan, math.inf, -math.inf]
    # Exact ties for %.6e: 33/256 = 0.12890625 has 8 significant digits, the last a 5.
    for numerator in range(1, 400, 2):
        value = numerator / 256.0
        if len(repr(value).replace('.', '').lstrip('0')) >= 8:
            values.append(value)
    # Exact ties for %.6f: odd multiples of 1/128 have 7 decimals, the last a 5.
    values += [j / 128.0 for j in range(1, 60, 2)] + [-j / 128.0 for j in (1, 3, 5)] + [1000 + j / 128.0 for j in (1, 3)]
    rng = Lcg(4242)
    for _ in range(150):
        # Random doubles over a wide range of magnitudes and both signs.
        exponent = rng.integer(-320, 300)
        mantissa = 1.0 + rng.uniform() * 9.0
        value = mantissa * 10.0 ** exponent if exponent > -300 else mantissa * 1e-300 * 10.0 ** (exponent + 300)
        values.append(-value if rng.next() & 1 else value)
    for _ in range(60):
        values.append(rng.uniform())  # p-value-like
    return [[encode(v), '%.6e' % v, '%.6f' % v] for v in values]


# ----------------------------------------------------------------------------------------------- sites

def median(values):
    return float(np.median(np.asarray(values, dtype=np.float64))) if len(values) else math.nan


def site_row(native, ivt):
    """One site from per-read p_mod (NaN = no value), as nanopore-anchors.md 1.5 describes baleen's columns."""
    nat = np.asarray([v for v in native if not math.isnan(v)], dtype=np.float64)
    iv = np.asarray([v for v in ivt if not math.isnan(v)], dtype=np.float64)
    n, m = len(nat), len(iv)
    n_mod = int(np.sum(nat > THRESHOLD))
    ivt_mod = int(np.sum(iv > THRESHOLD))
    mod_ratio = n_mod / n
    low = float(stats.beta.ppf(0.025, 1.0 + n_mod, 1.0 + n - n_mod))
    high = float(stats.beta.ppf(0.975, 1.0 + n_mod, 1.0 + n - n_mod))
    pvalue = 1.0 if n == 0 or m == 0 else fisher_scipy(n_mod, n - n_mod, ivt_mod, m - ivt_mod)
    effect = median(nat) - median(iv) if m > 0 else math.nan
    return {'mod_ratio': mod_ratio, 'ci_low': low, 'ci_high': high, 'pvalue': pvalue, 'effect_size': effect,
            'n_native': len(native), 'n_ivt': len(ivt), 'mean_p_mod': float(np.mean(nat)),
            'stoichiometry': float(np.mean(nat > 0.5))}


def read_probabilities(rng, count, modified_fraction):
    values = []
    for _ in range(count):
        u = rng.uniform()
        if u < 0.02:
            values.append(math.nan)
        elif u < 0.05:
            values.append(0.75 if u < 0.035 else 0.5)  # exactly on the thresholds: not counted (strict >)
        elif rng.uniform() < modified_fraction:
            values.append(round(0.6 + 0.4 * rng.uniform(), 6))  # six decimals keep the fixture small
        else:
            values.append(round(0.45 * rng.uniform(), 6))
    return values


def sites_section():
    rng = Lcg(8675309)
    sites = []
    for contig, positions in (('tx1', 25), ('ENST00000311936.8', 12), ('chrM', 1)):
        for index in range(positions):
            position = 100 + 7 * index
            kind = index % 5
            native_count = [rng.integer(1, 40), rng.integer(129, 260), 1, rng.integer(5, 60), rng.integer(20, 200)][kind]
            ivt_count = [rng.integer(1, 40), rng.integer(129, 260), rng.integer(3, 30), 0, rng.integer(20, 200)][kind]
            native = read_probabilities(rng, native_count, rng.uniform())
            if all(math.isnan(v) for v in native):
                native[0] = 0.9
            ivt = read_probabilities(rng, ivt_count, 0.05 * rng.uniform())
            sites.append({'contig': contig, 'position': position, 'kmer': 'GGACU', 'native': native, 'ivt': ivt,
                          **site_row(native, ivt)})
    # Per-contig BH, in baleen's arithmetic order, then the rows as baleen's writer formats them.
    for contig in sorted({s['contig'] for s in sites}):
        members = [s for s in sites if s['contig'] == contig]
        for site, adjusted in zip(members, bh_baleen([s['pvalue'] for s in members])):
            site['padj'] = adjusted
    for site in sites:
        site['line'] = '\t'.join([
            site['contig'], str(site['position']), site['kmer'], '%.6f' % site['mod_ratio'], '%.6f' % site['ci_low'],
            '%.6f' % site['ci_high'], '%.6e' % site['pvalue'], '%.6e' % site['padj'], '%.6f' % site['effect_size'],
            str(site['n_native']), str(site['n_ivt']), '%.6f' % site['mean_p_mod'], '%.6f' % site['stoichiometry'],
        ]) + '\n'
        site['native'] = [None if math.isnan(v) else v for v in site['native']]
        site['ivt'] = [None if math.isnan(v) else v for v in site['ivt']]
        for key in ('mod_ratio', 'ci_low', 'ci_high', 'pvalue', 'padj', 'effect_size', 'mean_p_mod', 'stoichiometry'):
            site[key] = encode(site[key])
    return sites


def main():
    os.makedirs(OUT, exist_ok=True)
    document = {
        'meta': {'scipy': scipy.__version__, 'numpy': np.__version__, 'python': sys.version.split()[0],
                 'threshold': THRESHOLD, 'script': 'tools/goldens/make-stats-goldens.py'},
        'fisher': fisher_section(),
        'bh': bh_section(),
        'beta': beta_section(),
        'format': format_values(),
        'sites': sites_section(),
    }
    path = os.path.join(OUT, 'scipy-vectors.json')
    with open(path, 'w') as out:
        # allow_nan=False: every non-finite value above is written as a string.
        json.dump(document, out, separators=(',', ':'), allow_nan=False)
        out.write('\n')
    print('wrote', path, os.path.getsize(path), 'bytes with scipy', scipy.__version__)


if __name__ == '__main__':
    main()
