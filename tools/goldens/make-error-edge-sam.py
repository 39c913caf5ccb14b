#!/usr/bin/env python3
"""A small SAM with the cases CollectSamErrorMetrics' stratifiers and calculators must classify, for the collect-error
goldens.

    python3 tools/goldens/make-error-edge-sam.py SEED OUT   -> OUT.sam, OUT.fa, OUT.vcf (deterministic for a seed)

Three contigs (upper-case, with N runs); pairs whose mates overlap (agreeing and disagreeing with the reference and
with each other), reads with mismatches and N bases, qualities 2-40, insertions (at the read start after a clip, with
a low-quality first base, two in one read), deletions (two in one read, next to an insertion), soft and hard clips,
supplementary alignments with SA tags, secondary alignments, duplicates, QC failures, MAPQ 0-60, unpaired reads, mates
unmapped or on another contig, Illumina read names (7 and 5 fields) and names without a location, NM tags (right,
absent), consensus tags (aD/bD/cD), three read groups in two libraries; a VCF of known sites: SNVs, a deletion, an
insertion, filtered sites (ignored by Picard) and PASS / '.' ones. test/fixtures/error/edge.{sam,fa,vcf} is seed 3.
"""
import random, sys
seed = int(sys.argv[1]); out = sys.argv[2]; R = random.Random(seed)
names = ['chr1', 'chr2', 'chr3']
lens = [R.randint(2500, 3500), R.randint(1500, 2200), 600]
ref = {}
for n, L in zip(names, lens):
    s = [R.choice('ACGT') for _ in range(L)]
    # homopolymers, so the homopolymer stratifiers see lengths past LONG_HOMOPOLYMER
    for _ in range(L // 150):
        a = R.randint(0, L - 12); b = R.choice('ACGT')
        for i in range(a, a + R.randint(3, 10)): s[i] = b
    for _ in range(2):
        a = R.randint(0, L - 30)
        for i in range(a, a + R.randint(1, 15)): s[i] = 'N'
    ref[n] = ''.join(s)
with open(out + '.fa', 'w') as f:
    for n in names:
        f.write('>' + n + '\n'); s = ref[n]
        for i in range(0, len(s), 60): f.write(s[i:i + 60] + '\n')

def rc(s): return s[::-1].translate(str.maketrans('ACGTN', 'TGCAN'))
def reflen(cig): return sum(n for n, op in cig if op in 'MDN=X')
def cigstr(c): return ''.join(f'{n}{op}' for n, op in c) if c else '*'

def rand_cigar(L):
    k = R.random()
    if k < 0.45: return [(L, 'M')]
    if k < 0.52: a = R.randint(3, 20); return [(a, 'S'), (L - a, 'M')]
    if k < 0.57: a = R.randint(3, 20); return [(L - a, 'M'), (a, 'S')]
    if k < 0.65: a = R.randint(10, L - 20); d = R.randint(1, 6); return [(a, 'M'), (d, 'D'), (L - a, 'M')]
    if k < 0.73: a = R.randint(10, L - 20); d = R.randint(1, 4); return [(a, 'M'), (d, 'I'), (L - a - d, 'M')]
    if k < 0.77:  # insertion right after a soft clip: the read "starts" with an insertion
        a = R.randint(0, 5); d = R.randint(1, 3)
        return ([(a, 'S')] if a else []) + [(d, 'I'), (L - a - d, 'M')]
    if k < 0.81:  # two insertions, two deletions
        a = R.randint(10, 30); b = R.randint(10, 30)
        return [(a, 'M'), (1, 'I'), (b, 'M'), (2, 'I'), (L - a - b - 3, 'M')]
    if k < 0.85:
        a = R.randint(10, 30); b = R.randint(5, 20)
        return [(a, 'M'), (2, 'D'), (b, 'M'), (1, 'D'), (L - a - b, 'M')]
    if k < 0.88:  # deletion next to an insertion
        a = R.randint(10, 40); return [(a, 'M'), (1, 'I'), (2, 'D'), (L - a - 1, 'M')]
    if k < 0.91: a = R.randint(3, 10); return [(a, 'H'), (L - 10, 'M'), (10, 'S')]
    if k < 0.94: a = R.randint(10, L - 20); d = R.randint(20, 60); return [(a, 'M'), (d, 'N'), (L - a, 'M')]
    return [(L - 12, 'M'), (2, 'X'), (10, '=')]

def mkseq(c, pos, cig):
    """Bases along the reference with errors, N bases, and the NM the alignment has."""
    s = []; p = pos - 1; nm = 0
    for n, op in cig:
        if op in 'M=X':
            for i in range(n):
                b = ref[c][p + i]
                if b == 'N': b = R.choice('ACGT')
                r = R.random()
                if r < 0.02: b = R.choice([x for x in 'ACGT' if x != b])
                elif r < 0.025: b = 'N'
                if b != ref[c][p + i]: nm += 1
                s.append(b)
            p += n
        elif op == 'I': s += [R.choice('ACGT') for _ in range(n)]; nm += n
        elif op == 'S': s += [R.choice('ACGT') for _ in range(n)]
        elif op == 'D': p += n; nm += n
        elif op == 'N': p += n
    return ''.join(s), nm

def mkqual(n, cig):
    q = []
    for i in range(n):
        r = R.random()
        q.append(R.randint(2, 19) if r < 0.12 else R.choice([20, 25, 30, 30, 30, 35, 37, 40]))
    # sometimes a low-quality first inserted base (htsjdk then skips the insertion and mis-places later ones)
    at = 0
    for length, op in cig:
        if op == 'I' and R.random() < 0.3: q[at] = R.randint(2, 15)
        if op in 'MIS=X': at += length
    return ''.join(chr(x + 33) for x in q)

def readname(i):
    k = R.random()
    if k < 0.6: return f'M0{R.randint(1, 3)}:17:FC{R.randint(1, 2)}:{R.randint(1, 2)}:{R.choice([1101, 1102, 2101, 2204])}:{R.randint(1, 30000)}:{R.randint(1, 30000)}'
    if k < 0.75: return f'FC:{R.randint(1, 8)}:{R.randint(11, 19)}:{R.randint(100, 9000)}:{R.randint(100, 9000)}'
    if k < 0.8: return f'x:y:z{i}'
    return f'r{i}'

groups = ['rgA', 'rgB', 'rgC']
recs = []
rid = 0
for ci, (c, L) in enumerate(zip(names, lens)):
    for _ in range({0: 500, 1: 300, 2: 40}[ci]):
        rid += 1; qn = readname(rid)
        RL = R.choice([60, 76, 101])
        p1 = R.randint(1, L - RL - 80)
        ins = R.randint(-30, 180); p2 = max(1, min(L - RL - 20, p1 + ins))
        c1 = rand_cigar(RL); c2 = rand_cigar(RL)
        if p1 + reflen(c1) - 1 > L or p2 + reflen(c2) - 1 > L: continue
        s1, nm1 = mkseq(c, p1, c1); s2, nm2 = mkseq(c, p2, c2)
        q1 = mkqual(len(s1), c1); q2 = mkqual(len(s2), c2)
        if R.random() < 0.3 and p2 >= p1:  # overlapping mate copies (some of) read 1's errors: the pre-sequencing kind
            pass
        mq1 = R.choice([60, 60, 60, 60, 40, 20, 19, 5, 0]); mq2 = R.choice([60, 60, 60, 60, 30, 20, 15])
        rg = R.choice(groups)
        dup = 0x400 if R.random() < 0.06 else 0
        qc = 0x200 if R.random() < 0.04 else 0
        tags1 = [f'RG:Z:{rg}']; tags2 = [f'RG:Z:{rg}']
        if R.random() < 0.9: tags1.append(f'NM:i:{nm1}')
        if R.random() < 0.9: tags2.append(f'NM:i:{nm2}')
        if R.random() < 0.2:
            t = R.choice([('cD', 1), ('cD', 3), ('aD', 2, 'bD', 2), ('aD', 1, 'bD', 4), ('aD', 3, 'bD', 0)])
            for j in range(0, len(t), 2): tags1.append(f'{t[j]}:i:{t[j + 1]}'); tags2.append(f'{t[j]}:i:{t[j + 1]}')
        if any(op == 'S' for _, op in c1) and R.random() < 0.5: tags1.append(f'SA:Z:{c},{p1 + 200},+,30M,60,0;')
        kind = R.random()
        tl = (max(p1 + reflen(c1), p2 + reflen(c2)) - min(p1, p2))
        if kind < 0.05:  # unpaired
            recs.append([qn, 0x10 * (R.random() < 0.5) | dup | qc, c, p1, mq1, cigstr(c1), '*', 0, 0, s1, q1] + tags1); continue
        if kind < 0.09:  # mate unmapped, placed at the read
            recs.append([qn, 1 | 8 | 0x40 | dup | qc, c, p1, mq1, cigstr(c1), '=', p1, 0, s1, q1] + tags1)
            recs.append([qn, 1 | 4 | 0x80 | qc, c, p1, 0, '*', '=', p1, 0, s2, q2] + [f'RG:Z:{rg}']); continue
        if kind < 0.14 and ci < 2:  # mates on different contigs
            oc = names[1 - ci]; op2 = R.randint(1, lens[1 - ci] - RL - 5)
            s2, nm2 = mkseq(oc, op2, [(RL, 'M')])
            recs.append([qn, 1 | 0x40 | dup | qc, c, p1, mq1, cigstr(c1), oc, op2, 0, s1, q1] + tags1)
            recs.append([qn, 1 | 0x80 | 0x10 | dup | qc, oc, op2, mq2, f'{RL}M', c, p1, 0, s2, mkqual(RL, [])] + [f'RG:Z:{rg}', f'NM:i:{nm2}']); continue
        strands = R.random()
        f1 = 1 | 2 | 0x40 | dup | qc; f2 = 1 | 2 | 0x80 | dup | qc
        if strands < 0.8: f1 |= 0x20; f2 |= 0x10          # FR
        elif strands < 0.9: f1 |= 0x10; f2 |= 0x20       # RF
        elif strands < 0.95: pass                        # FF
        else: f1 |= 0x10 | 0x20; f2 |= 0x10 | 0x20       # RR
        if R.random() < 0.1: f1 &= ~2; f2 &= ~2          # not proper
        t1 = tl if p1 <= p2 else -tl
        if R.random() < 0.05: t1 = R.choice([5000, -250000000])
        recs.append([qn, f1, c, p1, mq1, cigstr(c1), '=', p2, t1, s1, q1] + tags1)
        recs.append([qn, f2, c, p2, mq2, cigstr(c2), '=', p1, -t1, s2, q2] + tags2)
        if R.random() < 0.03:  # secondary
            recs.append([qn, f1 | 0x100, c, R.randint(1, L - RL - 5), 60, f'{RL}M', '=', p2, 0, '*', '*'] + tags1[:1])
        if R.random() < 0.03:  # supplementary of read 1
            ps = max(1, min(L - 40, p1 + R.randint(-10, 10)))
            recs.append([qn, f1 | 0x800, c, ps, 60, '30M', '=', p2, 0, s1[:30], q1[:30]] + tags1[:1])
for i in range(4):
    rid += 1
    recs.append([f'u{rid}', 77, '*', 0, 0, '*', '*', 0, 0, 'ACGTACGTACGTACGTAC', 'IIIIIIIIIIIIIIIIII', 'RG:Z:rgA'])
    recs.append([f'u{rid}', 141, '*', 0, 0, '*', '*', 0, 0, 'AGATCGGAAGAGCGGTTCAG', 'IIIIIIIIIIIIIIIIIIII', 'RG:Z:rgA'])
ci = {n: i for i, n in enumerate(names)}
recs.sort(key=lambda r: (ci.get(r[2], 99), r[3]))
with open(out + '.sam', 'w') as f:
    f.write('@HD\tVN:1.6\tSO:coordinate\n')
    for n, L in zip(names, lens): f.write(f'@SQ\tSN:{n}\tLN:{L}\n')
    f.write('@RG\tID:rgA\tSM:s1\tLB:lib1\tPL:ILLUMINA\n@RG\tID:rgB\tSM:s1\tLB:lib1\tPL:ILLUMINA\n@RG\tID:rgC\tSM:s1\tLB:lib2\tPL:ILLUMINA\n')
    for r in recs: f.write('\t'.join(map(str, r)) + '\n')
# Known sites: SNVs, a deletion and an insertion, some filtered (Picard ignores those), on every contig, sorted.
with open(out + '.vcf', 'w') as f:
    f.write('##fileformat=VCFv4.2\n##FILTER=<ID=LowQual,Description="low">\n')
    for n, L in zip(names, lens): f.write(f'##contig=<ID={n},length={L}>\n')
    f.write('#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n')
    for n, L in zip(names, lens):
        for pos in sorted(R.sample(range(2, L - 10), L // 40)):
            k = R.random(); r = ref[n][pos - 1]
            if r == 'N': continue
            filt = R.choice(['PASS', '.', '.', 'LowQual'])
            if k < 0.8: f.write(f'{n}\t{pos}\t.\t{r}\t{R.choice([b for b in "ACGT" if b != r])}\t50\t{filt}\t.\n')
            elif k < 0.9: f.write(f'{n}\t{pos}\t.\t{ref[n][pos - 1:pos + 3]}\t{r}\t50\t{filt}\t.\n')
            else: f.write(f'{n}\t{pos}\t.\t{r}\t{r}TT\t50\t{filt}\t.\n')
print(len(recs))
