#!/usr/bin/env python3
"""A reference and an unsorted SAM with the cases CollectGcBiasMetrics must classify, for the collect-gcbias goldens.

    python3 tools/goldens/make-gcbias-edge-sam.py OUTDIR SEED MODE   -> OUTDIR/ref.fa, OUTDIR/in.sam (deterministic)

MODE mixed: five contigs (3000, 150, 100, 1200 and 800 bp, the last without reads), lower-case stretches, N runs of
1-10 bases and a 150 bp N block, IUPAC codes; paired and unpaired reads with M/=/X/I/D/N/S/H CIGARs, mismatches and N
bases, duplicate, QC-fail, secondary (some with SEQ '*') and supplementary records, reverse reads ending near the
contig start and at its end, forward reads in the last 101 bases, placed and unplaced unmapped records. Other modes:
nan (no read in a valid window), unmapped_only, short_contigs (every contig of 101 bases or less).
test/fixtures/gcbias/edge.{sam,fa} is `mixed 1`, sorted by samtools sort (tools/goldens/make-coverage-goldens.sh).
"""
import os
import random
import sys

out, seed, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3]
rnd = random.Random(seed)
os.makedirs(out, exist_ok=True)


def rand_seq(n, gc_bias):
    p = gc_bias / 2
    return ''.join(rnd.choices('ACGT', weights=[0.5 - p, p, p, 0.5 - p])[0] for _ in range(n))


def make_contig(n):
    parts, L = [], 0
    while L < n:
        k = min(n - L, rnd.randint(50, 400))
        s = rand_seq(k, rnd.choice([0.1, 0.3, 0.5, 0.7, 0.9]))
        r = rnd.random()
        if r < 0.15:
            s = s.lower()
        elif r < 0.25 and k > 20:  # N runs of various lengths (some <=4, some >4), incl. lowercase n
            j = rnd.randint(0, k - 12)
            run = rnd.choice([1, 3, 4, 5, 6, 10])
            s = s[:j] + rnd.choice('Nn') * run + s[j + run:]
        elif r < 0.32:
            j = rnd.randint(0, k - 1)
            s = s[:j] + rnd.choice('RYSWKMBDHVryswkm') + s[j + 1:]
        parts.append(s)
        L += k
    return ''.join(parts)[:n]


if mode == 'short_contigs':
    contigs = [('c1', make_contig(60)), ('c2', make_contig(100)), ('c3', make_contig(101))]
else:
    contigs = [('chr1', make_contig(3000)), ('chr2', make_contig(150)), ('chr3', make_contig(100)),
               ('chr4', make_contig(1200)), ('chrNoReads', make_contig(800))]
if mode == 'mixed' and seed % 2 == 0:
    # a long N stretch on chr4
    s = contigs[3][1]
    contigs[3] = ('chr4', s[:300] + 'N' * 150 + s[450:])

with open(f'{out}/ref.fa', 'w') as f:
    for name, s in contigs:
        f.write('>' + name + ' some description\n')
        for i in range(0, len(s), 70):
            f.write(s[i:i + 70] + '\n')

lines = ['@HD\tVN:1.6\tSO:unsorted']
for name, s in contigs:
    lines.append(f'@SQ\tSN:{name}\tLN:{len(s)}')
lines.append('@RG\tID:rg1\tSM:s1\tLB:lib1\tPU:pu1')
ref = dict(contigs)
nread = 0


def mk_cigar(rl):
    ops = []
    if rnd.random() < 0.2:
        ops.append((rnd.randint(1, 5), 'H'))
    if rnd.random() < 0.3:
        ops.append((rnd.randint(1, 10), 'S'))
    remaining = rl - sum(n for n, o in ops if o == 'S')
    body = []
    while remaining > 0:
        r = rnd.random()
        if r < 0.08 and body and body[-1][1] in 'M=X':
            n = min(remaining - 1, rnd.randint(1, 4))
            if n > 0:
                body.append((n, 'I'))
                remaining -= n
                continue
        if r < 0.14 and body and body[-1][1] in 'M=X':
            body.append((rnd.randint(1, 4), 'D'))
            continue
        if r < 0.16 and body and body[-1][1] in 'M=X':
            body.append((rnd.randint(5, 30), 'N'))
            continue
        n = min(remaining, rnd.randint(5, 60))
        body.append((n, rnd.choice('MMMM=X')))
        remaining -= n
    # trailing soft clip may have been absorbed; ensure body ends with M
    if body[-1][1] not in 'M=X':
        body.append((1, 'M'))
    ops += body
    if rnd.random() < 0.2:
        ops.append((rnd.randint(1, 5), 'H'))
    return ops


def reflen(ops):
    return sum(n for n, o in ops if o in 'MDN=X')


def qlen(ops):
    return sum(n for n, o in ops if o in 'MIS=X')


def build_seq(ops, rs, start0):
    out, fp = [], start0
    for n, o in ops:
        if o in 'M=X':
            for k in range(n):
                b = rs[fp + k].upper()
                if b not in 'ACGT':
                    b = 'A'
                if rnd.random() < 0.04:
                    b = rnd.choice('ACGTN')
                out.append(b)
            fp += n
        elif o in 'IS':
            out.append(''.join(rnd.choice('ACGT') for _ in range(n)))
        elif o in 'DN':
            fp += n
    return ''.join(out)


def flags_random(mapped=True):
    f = 0
    if rnd.random() < 0.6:
        f |= 1 | rnd.choice([0x40, 0x80])
        if rnd.random() < 0.5:
            f |= 0x20
        if rnd.random() < 0.15:
            f |= 0x8
    if rnd.random() < 0.15:
        f |= 0x400
    if rnd.random() < 0.1:
        f |= 0x200
    if mapped:
        if rnd.random() < 0.5:
            f |= 0x10
        r = rnd.random()
        if r < 0.08:
            f |= 0x100
        elif r < 0.16:
            f |= 0x800
    return f


def add_mapped(name, start1=None, reverse=None, end1=None, fixed_ops=None):
    global nread
    rs = ref[name]
    L = len(rs)
    for _ in range(0 if fixed_ops else 100):
        rl = rnd.randint(30, 150)
        ops = mk_cigar(rl)
        if reflen(ops) < L:
            break
    else:
        ops = fixed_ops or [(min(L, 30), 'M')]
    rfl = reflen(ops)
    f = flags_random(True)
    if reverse is not None:
        f = (f | 0x10) if reverse else (f & ~0x10)
    if end1 is not None:
        start1 = end1 - rfl + 1
    if start1 is None:
        start1 = rnd.randint(1, L - rfl + 1)
    start1 = max(1, min(start1, L - rfl + 1))
    seq = build_seq(ops, rs, start1 - 1)
    qual = ''.join(chr(33 + rnd.randint(2, 40)) for _ in seq)
    if f & 0x100 and rnd.random() < 0.5:
        seq = qual = '*'
    cig = ''.join(f'{n}{o}' for n, o in ops)
    rnext, pnext = ('=', start1) if f & 1 else ('*', 0)
    nread += 1
    lines.append(f'r{nread}\t{f}\t{name}\t{start1}\t{rnd.randint(0, 60)}\t{cig}\t{rnext}\t{pnext}\t0\t{seq}\t{qual}')


def add_unmapped(placed_on=None):
    global nread
    f = flags_random(False) | 0x4
    rl = rnd.randint(30, 100)
    seq = ''.join(rnd.choice('ACGT') for _ in range(rl))
    qual = 'I' * rl
    nread += 1
    if placed_on:
        p = rnd.randint(1, len(ref[placed_on]))
        f &= ~0x8  # mate is the placed one
        if not f & 1:
            f |= 1 | rnd.choice([0x40, 0x80])
        lines.append(f'u{nread}\t{f}\t{placed_on}\t{p}\t0\t*\t=\t{p}\t0\t{seq}\t{qual}')
    else:
        f &= ~0x20
        if f & 1:
            f |= 0x8
        lines.append(f'u{nread}\t{f}\t*\t0\t0\t*\t*\t0\t0\t{seq}\t{qual}')


if mode == 'mixed':
    for name, n in [('chr1', 400 + seed * 37 % 200), ('chr2', 30), ('chr3', 15), ('chr4', 200)]:
        L = len(ref[name])
        for _ in range(n):
            add_mapped(name)
        for _ in range(8):  # reverse reads near contig start (pos<=0 and pos==1 / small)
            add_mapped(name, reverse=True, end1=rnd.randint(20, 110))
        for _ in range(8):  # forward reads starting in the last W bases (gc[] default 0 region)
            add_mapped(name, reverse=False, start1=rnd.randint(max(1, L - 110), L))
        for _ in range(6):  # reverse reads ending at contig end
            add_mapped(name, reverse=True, end1=L - rnd.randint(0, 3))
        for _ in range(10):
            add_unmapped(placed_on=name)
    for _ in range(25):
        add_unmapped()
elif mode == 'nan':
    s = ref['chr1']
    ref['chr1'] = s[:1000] + 'N' * 200 + s[1200:]
    contigs[0] = ('chr1', ref['chr1'])
    with open(f'{out}/ref.fa', 'w') as f:
        for name, s in contigs:
            f.write('>' + name + '\n' + s + '\n')
    for _ in range(10):
        add_mapped('chr1', reverse=False, start1=rnd.randint(1000, 1100), fixed_ops=[(40, 'M')])
    # only reverse reads with alignmentEnd - 100 <= 0, and reads in an all-N window region -> READ_STARTS all 0
    for _ in range(20):
        add_mapped('chr1', reverse=True, end1=rnd.randint(30, 100), fixed_ops=[(30, 'M')])
    add_unmapped('chr1')
    add_unmapped()
elif mode == 'unmapped_only':
    for _ in range(10):
        add_unmapped('chr1')
    for _ in range(10):
        add_unmapped()
elif mode == 'short_contigs':
    for name in ['c1', 'c2', 'c3']:
        for _ in range(10):
            add_mapped(name)
    add_unmapped()

with open(f'{out}/in.sam', 'w') as f:
    f.write('\n'.join(lines) + '\n')
