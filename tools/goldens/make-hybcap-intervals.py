#!/usr/bin/env python3
"""Targets and baits for the collect-hybcap goldens, deterministic, as interval_list (for Picard) and BED (the same
intervals, for shoal's BED reading).

    python3 tools/goldens/make-hybcap-intervals.py HEADER.sam OUT_DIR NAME

HEADER.sam holds the input's @HD/@SQ lines (samtools view -H); the interval_list files carry them, as Picard requires.
Writes OUT_DIR/NAME.targets.interval_list, NAME.baits.interval_list and NAME.targets.bed, NAME.baits.bed.

What the targets hold on purpose: overlapping targets, abutting targets, two targets on the same span with different
names and strands (merged names), a target across an N gap, targets on a contig without reads, a target without a
bait, a target of one base, targets at a contig's first and last base; baits extend past their targets by 20-120 bases,
and one bait lies far from any target. Positions are drawn from a seeded generator within each contig.
"""
import random
import sys


def main():
    header_path, out_dir, name = sys.argv[1:4]
    header = [line.rstrip('\n') for line in open(header_path) if line.startswith('@HD') or line.startswith('@SQ')]
    contigs = []
    for line in header:
        if line.startswith('@SQ'):
            fields = dict(f.split(':', 1) for f in line.split('\t')[1:])
            contigs.append((fields['SN'], int(fields['LN'])))
    rng = random.Random(2027)
    targets = []  # (contig, start1, end1, strand, name), 1-based closed
    baits = []
    n = 0
    for contig, length in contigs:
        # Evenly spread targets of 60-400 bases, each with a bait that extends past it.
        step = max(length // 12, 50)
        for at in range(1, length - 1, step):
            n += 1
            size = rng.randint(60, 400)
            start = min(at + rng.randint(0, step // 3), length)
            end = min(start + size - 1, length)
            targets.append((contig, start, end, '+' if n % 3 else '-', f't{n}'))
            if n % 7 == 3:
                continue  # a target without a bait
            left, right = rng.randint(20, 120), rng.randint(20, 120)
            baits.append((contig, max(1, start - left), min(length, end + right), '+', f'b{n}'))
        # Overlapping, abutting and same-span targets near the middle.
        mid = length // 2
        targets.append((contig, mid, mid + 150, '+', f'ov{n}a'))
        targets.append((contig, mid + 100, mid + 260, '+', f'ov{n}b'))
        targets.append((contig, mid + 261, mid + 300, '-', f'abut{n}'))
        targets.append((contig, mid + 400, mid + 480, '-', f'same{n}'))
        targets.append((contig, mid + 400, mid + 480, '+', f'same{n}dup'))
        targets.append((contig, mid + 600, mid + 600, '+', f'one{n}'))
        baits.append((contig, mid - 30, mid + 330, '+', f'bov{n}'))
        baits.append((contig, mid + 380, mid + 620, '+', f'bsame{n}'))
        # The contig's first and last base, and a bait far from targets (off-target capture).
        targets.append((contig, 1, 40, '+', f'first{n}'))
        targets.append((contig, length - 39, length, '+', f'last{n}'))
        baits.append((contig, 1, 80, '+', f'bfirst{n}'))
        baits.append((contig, length - 79, length, '+', f'blast{n}'))
        far = min(length - 200, mid + 2000)
        if far > mid + 800:
            baits.append((contig, far, far + 120, '+', f'bfar{n}'))
    for kind, rows in (('targets', targets), ('baits', baits)):
        with open(f'{out_dir}/{name}.{kind}.interval_list', 'w') as out:
            out.write('\n'.join(header) + '\n')
            for contig, start, end, strand, label in rows:
                out.write(f'{contig}\t{start}\t{end}\t{strand}\t{label}\n')
        with open(f'{out_dir}/{name}.{kind}.bed', 'w') as out:
            for contig, start, end, strand, label in rows:
                out.write(f'{contig}\t{start - 1}\t{end}\t{label}\t0\t{strand}\n')


if __name__ == '__main__':
    main()
