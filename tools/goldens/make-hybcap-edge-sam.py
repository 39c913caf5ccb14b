#!/usr/bin/env python3
"""An edge-case SAM, reference, targets and baits for collect-hybcap against CollectHsMetrics, deterministic.

    python3 tools/goldens/make-hybcap-edge-sam.py OUT_DIR [SEED]

Writes OUT_DIR/ref.fa, OUT_DIR/in.sam (unsorted: sort it with samtools), OUT_DIR/targets.interval_list,
OUT_DIR/baits.interval_list. What it holds on purpose, drawn from a seeded generator:
- pairs whose mates overlap (the left one is clipped where its mate starts), mates that start together (read 2 is
  dropped), a mate on another contig whose PNEXT lies inside the read (htsjdk clips it anyway);
- CIGARs with I, D, N, S, H, = and X, an insertion across the clip point, =/X past the mate's start (htsjdk counts
  them whole), a trailing soft clip;
- duplicate, QC-fail, secondary and supplementary records; unmapped reads and pairs with one mate unmapped;
- MAPQ 0, 10, 19, 20, 25, 60 and 255; base qualities 0-41; adapter reads at MAPQ 0;
- a reference with an N run and soft-masked (lower-case) stretches; overlapping, abutting and same-span targets, a
  target without a bait, baits past their targets, a target no read reaches.
"""
import random
import sys

ADAPTER = 'AGATCGGAAGAGCACACGTCTGAACTCCAGTCAC'


def main():
    out_dir = sys.argv[1]
    rng = random.Random(int(sys.argv[2]) if len(sys.argv) > 2 else 1)
    contigs = {'chrA': 1500, 'chrB': 900, 'chrC': 300}
    ref = {}
    for name, length in contigs.items():
        bases = [rng.choice('ACGT') for _ in range(length)]
        if name == 'chrA':
            bases[700:760] = ['N'] * 60
            for i in range(200, 320):
                bases[i] = bases[i].lower()
        ref[name] = ''.join(bases)
    with open(f'{out_dir}/ref.fa', 'w') as out:
        for name, seq in ref.items():
            out.write(f'>{name}\n')
            for i in range(0, len(seq), 60):
                out.write(seq[i:i + 60] + '\n')
    header = ['@HD\tVN:1.6\tSO:coordinate'] + [f'@SQ\tSN:{n}\tLN:{l}' for n, l in contigs.items()]
    targets = [
        ('chrA', 101, 260, '+', 'tA1'), ('chrA', 240, 400, '+', 'tA2'), ('chrA', 401, 450, '-', 'tA3'),
        ('chrA', 600, 800, '+', 'tA4'), ('chrA', 1000, 1100, '-', 'tA5'), ('chrA', 1000, 1100, '+', 'tA5dup'),
        ('chrA', 1300, 1450, '+', 'tA6'), ('chrB', 50, 300, '+', 'tB1'), ('chrB', 500, 560, '+', 'tB2'),
        ('chrB', 700, 899, '+', 'tB3'), ('chrC', 100, 200, '+', 'tC1'),
    ]
    baits = [
        ('chrA', 80, 470, '+', 'bA1'), ('chrA', 580, 830, '+', 'bA2'), ('chrA', 960, 1150, '+', 'bA3'),
        ('chrB', 20, 340, '+', 'bB1'), ('chrB', 680, 900, '+', 'bB3'), ('chrC', 90, 230, '+', 'bC1'),
    ]
    for kind, rows in (('targets', targets), ('baits', baits)):
        with open(f'{out_dir}/{kind}.interval_list', 'w') as out:
            out.write('\n'.join(header) + '\n')
            for row in rows:
                out.write('\t'.join(map(str, row)) + '\n')

    records = []
    names = list(contigs)

    def quality(length):
        return ''.join(chr(33 + rng.choice([0, 1, 2, 2, 3, 10, 19, 20, 21, 30, 35, 37, 40, 41])) for _ in range(length))

    def cigar_and_seq(contig, pos, read_length):
        """A CIGAR from a random mix of operations, and a read that follows the reference."""
        ops = []
        left = read_length
        if rng.random() < 0.2:
            s = rng.randint(1, 8)
            ops.append((s, 'S'))
            left -= s
        if rng.random() < 0.1:
            ops.insert(0, (rng.randint(1, 5), 'H'))
        while left > 0:
            r = rng.random()
            if r < 0.55 or left < 6:
                n = min(left, rng.randint(5, 40))
                ops.append((n, rng.choice('MMMMM=X')))
                left -= n
            elif r < 0.7:
                n = min(left - 1, rng.randint(1, 4))
                ops.append((n, 'I'))
                left -= n
            elif r < 0.85:
                ops.append((rng.randint(1, 6), 'D'))
            elif r < 0.9:
                ops.append((rng.randint(20, 120), 'N'))
            else:
                n = min(left, rng.randint(1, 10))
                ops.append((n, 'S' if left == n else 'M'))
                left -= n
        # D or N last, or right after a clip, is not a valid alignment; end on a match.
        while ops and ops[-1][1] in 'DNH':
            ops.pop()
        if not ops or ops[-1][1] not in 'MS=X':
            ops.append((3, 'M'))
        if ops[0][1] in 'DN':
            ops[0] = (ops[0][0], 'M')
        seq = []
        ref_pos = pos - 1
        seq_ops = []
        for n, op in ops:
            if op in 'M=X':
                for _ in range(n):
                    base = ref[contig][ref_pos].upper() if ref_pos < len(ref[contig]) else 'A'
                    if base == 'N':
                        base = 'A'
                    if op == 'X' or (op == 'M' and rng.random() < 0.02):
                        base = rng.choice([b for b in 'ACGT' if b != base])
                    seq.append(base)
                    ref_pos += 1
            elif op in 'IS':
                seq.extend(rng.choice('ACGT') for _ in range(n))
            elif op in 'DN':
                ref_pos += n
            seq_ops.append(f'{n}{op}')
        span = ref_pos - (pos - 1)
        return ''.join(seq_ops), ''.join(seq), span

    serial = 0
    for _ in range(900):
        serial += 1
        name = f'p{serial}'
        contig = rng.choices(names, weights=[6, 3, 1])[0]
        length = contigs[contig]
        read_length = rng.choice([30, 50, 75, 100])
        pos1 = rng.randint(1, length - 160)
        kind = rng.random()
        gap = rng.randint(-20, 150)
        pos2 = max(1, min(length - 120, pos1 + gap))
        if kind < 0.08:
            pos2 = pos1  # mates start together
        mapq = rng.choice([0, 10, 19, 20, 25, 60, 60, 60, 60, 255])
        base_flag = 0
        r = rng.random()
        if r < 0.1:
            base_flag |= 0x400
        elif r < 0.14:
            base_flag |= 0x200
        c1, s1, span1 = cigar_and_seq(contig, pos1, read_length)
        c2, s2, span2 = cigar_and_seq(contig, pos2, read_length)
        if pos1 + span1 - 1 > length or pos2 + span2 - 1 > length:
            continue
        mate_contig = contig
        others = [n for n in names if n != contig and contigs[n] > pos2 + span2]
        if kind > 0.96 and others:
            mate_contig = rng.choice(others)
        if kind > 0.93 and kind <= 0.96:
            # Read 2 unmapped, placed at its mate.
            f1 = 0x1 | 0x40 | 0x8 | base_flag
            f2 = 0x1 | 0x80 | 0x4 | 0x20 | base_flag
            records.append((contig, pos1, f'{name}\t{f1}\t{contig}\t{pos1}\t{mapq}\t{c1}\t=\t{pos1}\t0\t{s1}\t{quality(len(s1))}'))
            s2u = ''.join(rng.choice('ACGT') for _ in range(read_length))
            records.append((contig, pos1, f'{name}\t{f2}\t{contig}\t{pos1}\t0\t*\t=\t{pos1}\t0\t{s2u}\t{quality(read_length)}'))
            continue
        tlen = (max(pos1 + span1, pos2 + span2) - min(pos1, pos2)) if mate_contig == contig else 0
        sign1 = 1 if pos1 <= pos2 else -1
        f1 = 0x1 | 0x2 | 0x40 | 0x20 | base_flag
        f2 = 0x1 | 0x2 | 0x80 | 0x10 | base_flag
        rnext1 = '=' if mate_contig == contig else mate_contig
        rnext2 = '=' if mate_contig == contig else contig
        records.append((contig, pos1, f'{name}\t{f1}\t{contig}\t{pos1}\t{mapq}\t{c1}\t{rnext1}\t{pos2}\t{sign1 * tlen}\t{s1}\t{quality(len(s1))}'))
        records.append((mate_contig, pos2, f'{name}\t{f2}\t{mate_contig}\t{pos2}\t{rng.choice([mapq, 60])}\t{c2}\t{rnext2}\t{pos1}\t{-sign1 * tlen}\t{s2}\t{quality(len(s2))}'))
        if rng.random() < 0.05:
            # A secondary and a supplementary alignment of read 1 elsewhere.
            p = rng.randint(1, length - 120)
            c3, s3, span3 = cigar_and_seq(contig, p, 40)
            if p + span3 - 1 <= length:
                records.append((contig, p, f'{name}\t{0x1 | 0x40 | 0x100}\t{contig}\t{p}\t{mapq}\t{c3}\t{rnext1}\t{pos2}\t0\t{s3}\t{quality(len(s3))}'))
                records.append((contig, p, f'{name}\t{0x1 | 0x40 | 0x800}\t{contig}\t{p}\t{mapq}\t{c3}\t{rnext1}\t{pos2}\t0\t{s3}\t{quality(len(s3))}'))
    # Adapter reads at MAPQ 0 (fragment only), and unmapped, unplaced pairs.
    for i in range(6):
        contig = 'chrA'
        p = 100 + 150 * i
        seq = ADAPTER[:30] if i % 2 == 0 else ADAPTER[2:32]
        flag = 0x10 if i % 3 == 2 else 0
        if flag:
            seq = seq[::-1].translate(str.maketrans('ACGT', 'TGCA'))
        records.append((contig, p, f'ad{i}\t{flag}\t{contig}\t{p}\t0\t30M\t*\t0\t0\t{seq}\t{quality(30)}'))
    for i in range(4):
        s = ''.join(rng.choice('ACGT') for _ in range(50))
        records.append(('*', 0, f'u{i}\t{0x1 | 0x40 | 0x4 | 0x8}\t*\t0\t0\t*\t*\t0\t0\t{s}\t{quality(50)}'))
        records.append(('*', 0, f'u{i}\t{0x1 | 0x80 | 0x4 | 0x8}\t*\t0\t0\t*\t*\t0\t0\t{s}\t{quality(50)}'))
    with open(f'{out_dir}/in.sam', 'w') as out:
        out.write('\n'.join(header) + '\n')
        out.write('@RG\tID:rg1\tSM:edge\n')
        for _, _, line in records:
            out.write(line + '\tRG:Z:rg1\n')


if __name__ == '__main__':
    main()
