import { describe, expect, it } from 'vitest';
import type { PositionGroup, SignalSegment } from '../eventalign/segments.js';
import { paddedPositions, resample, type DtwPosition } from './positions.js';

function segment(contig: string, position: number, read: string, samples: number[], condition: 'native' | 'ivt' = 'native'): SignalSegment {
  return { contig, position, kmer: 'GGACT', read, condition, samples: Float32Array.from(samples) };
}

function group(contig: string, position: number, segments: SignalSegment[]): PositionGroup {
  return { contig, position, kmer: 'GGACT', segments };
}

async function* from(groups: PositionGroup[]): AsyncGenerator<PositionGroup> {
  for (const g of groups) yield await Promise.resolve(g);
}

async function collect(
  groups: PositionGroup[],
  padding: number,
  maxLength = 2048,
  keep?: (c: string, p: number) => boolean,
): Promise<DtwPosition[]> {
  const out: DtwPosition[] = [];
  for await (const position of paddedPositions(from(groups), { padding, maxLength, keep })) out.push(position);
  return out;
}

/** Each read's series as arrays. */
function seriesOf(position: DtwPosition): number[][] {
  const out: number[][] = [];
  let at = 0;
  for (const length of position.lengths) {
    out.push([...position.samples.subarray(at, at + length)]);
    at += length;
  }
  return out;
}

// tx1: positions 10, 11, 12 and 14 (13 has no segments); read a everywhere, b missing at 11, c (IVT) only at 12.
const groups = [
  group('tx1', 10, [segment('tx1', 10, 'a', [1, 1]), segment('tx1', 10, 'b', [2])]),
  group('tx1', 11, [segment('tx1', 11, 'a', [3])]),
  group('tx1', 12, [segment('tx1', 12, 'a', [4, 4, 4]), segment('tx1', 12, 'b', [5]), segment('tx1', 12, 'c', [6], 'ivt')]),
  group('tx1', 14, [segment('tx1', 14, 'a', [7]), segment('tx1', 14, 'c', [8], 'ivt')]),
  group('tx2', 0, [segment('tx2', 0, 'a', [9]), segment('tx2', 0, 'c', [10], 'ivt')]),
  group('tx2', 1, [segment('tx2', 1, 'a', [11])]),
];

describe('paddedPositions', () => {
  it('with padding 0 gives each position its own segments, native first, in order', async () => {
    const positions = await collect(groups, 0);
    expect(positions.map((p) => `${p.contig}:${p.position}`)).toEqual(['tx1:10', 'tx1:11', 'tx1:12', 'tx1:14', 'tx2:0', 'tx2:1']);
    expect(seriesOf(positions[2]!)).toEqual([[4, 4, 4], [5], [6]]);
    expect(positions[2]!.reads).toEqual(['a', 'b', 'c']);
    expect([positions[2]!.nNative, positions[2]!.nIvt]).toEqual([2, 1]);
  });

  it('with padding 1 joins t-1 .. t+1 in position order, skipping missing neighbours, within one contig', async () => {
    const positions = await collect(groups, 1);
    const byName = new Map(positions.map((p) => [`${p.contig}:${p.position}`, seriesOf(p)]));
    expect(byName.get('tx1:10')).toEqual([
      [1, 1, 3],
      [2], // b has nothing at 11
    ]);
    expect(byName.get('tx1:11')).toEqual([[1, 1, 3, 4, 4, 4]]); // only a is at 11
    expect(byName.get('tx1:12')).toEqual([[3, 4, 4, 4], [5], [6]]); // 13 is empty, 11 has only a
    expect(byName.get('tx1:14')).toEqual([[7], [8]]); // 13 missing, 15 missing: 12 is two away
    expect(byName.get('tx2:0')).toEqual([[9, 11], [10]]); // tx1's 14 never joins tx2's 0
  });

  it('with padding 2 reaches two positions each way', async () => {
    const positions = await collect(groups, 2);
    expect(seriesOf(positions.find((p) => p.position === 12 && p.contig === 'tx1')!)).toEqual([
      [1, 1, 3, 4, 4, 4, 7],
      [2, 5],
      [6, 8],
    ]);
  });

  it('keeps only the positions the filter accepts, still padding them with their neighbours', async () => {
    const positions = await collect(groups, 1, 2048, (contig, position) => contig === 'tx1' && position === 11);
    expect(positions).toHaveLength(1);
    expect(seriesOf(positions[0]!)).toEqual([[1, 1, 3, 4, 4, 4]]);
  });

  it('resamples a series longer than maxLength, and counts it', async () => {
    const positions = await collect(groups, 1, 4);
    const at11 = positions.find((p) => p.position === 11)!;
    expect(at11.lengths[0]).toBe(4);
    expect(at11.resampled).toBe(1);
    expect(seriesOf(at11)[0]).toEqual([...resample(Float32Array.from([1, 1, 3, 4, 4, 4]), 4)]);
  });

  it('refuses a read with two segments at one position (a stream given twice)', async () => {
    const twice = [group('tx1', 5, [segment('tx1', 5, 'a', [1]), segment('tx1', 5, 'a', [1])])];
    await expect(collect(twice, 0)).rejects.toThrow(/two segments at tx1:5/);
  });
});

describe('resample', () => {
  it('keeps the ends and interpolates linearly between samples', () => {
    expect([...resample(Float32Array.from([0, 10, 20, 30, 40]), 3)]).toEqual([0, 20, 40]);
    expect([...resample(Float32Array.from([0, 10]), 5)]).toEqual([0, 2.5, 5, 7.5, 10]);
    expect([...resample(Float32Array.from([3, 9]), 1)]).toEqual([3]);
  });
});
