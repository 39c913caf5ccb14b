/**
 * bam2ndjson against samtools' reading of the same BAM (golden files made by
 * tools/goldens/make-bam-goldens.sh): every field of every record, region queries through our
 * own BAI, idxstats from our BAI, SAM input, and the NDJSON → BAM round trip.
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BamReader, formatFloatG, parseBai } from '@shoal/hts';
import { demoData, hasTool, readGolden, runShell, runTool, tempDir, goldenDir } from './helpers.js';

interface JsonRecord {
  qname: string;
  flag: number;
  rname: string;
  pos: number;
  mapq: number;
  cigar: string;
  rnext: string;
  pnext: number;
  tlen: number;
  seq: string;
  qual: string;
  tags: Record<string, [string, unknown]>;
}

/** NDJSON record → the SAM line samtools prints (integer types → i, floats with %g). */
function toSam(r: JsonRecord): string {
  const tags = Object.entries(r.tags).map(([name, [type, value]]) => {
    if (type.startsWith('B:')) {
      const values = value as number[];
      const text = type === 'B:f' ? values.map(formatFloatG) : values.map(String);
      return `${name}:B:${type[2]}${text.length ? ',' + text.join(',') : ''}`;
    }
    if (type === 'f') return `${name}:f:${formatFloatG(value as number)}`;
    if ('cCsSiI'.includes(type)) return `${name}:i:${value as number}`;
    return `${name}:${type}:${value as string}`;
  });
  return [r.qname, r.flag, r.rname, r.pos, r.mapq, r.cigar, r.rnext, r.pnext, r.tlen, r.seq, r.qual, ...tags].join('\t');
}

function parseNdjson(text: string): { header: Record<string, unknown>; records: JsonRecord[] } {
  const lines = text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as unknown);
  return { header: lines[0] as Record<string, unknown>, records: lines.slice(1) as JsonRecord[] };
}

describe('bam2ndjson agrees with samtools view', () => {
  let demo: Awaited<ReturnType<typeof demoData>>;
  let goldenSam: string[];
  beforeAll(async () => {
    demo = await demoData();
    goldenSam = readGolden('demo.sam.gz').split('\n').filter(Boolean);
  });

  it('on every field of every record, and the header text', () => {
    const result = runTool('bam2ndjson', [demo.bam]);
    expect(result.status).toBe(0);
    const { header, records } = parseNdjson(result.stdout);
    const goldenHeader = goldenSam.filter((l) => l.startsWith('@'));
    const goldenRecords = goldenSam.filter((l) => !l.startsWith('@'));
    // samtools appends its own @PG line to what it prints; the stored header is the rest.
    expect((header.text as string).trimEnd().split('\n')).toEqual(goldenHeader.filter((l) => !l.startsWith('@PG\tID:samtools')));
    expect(records.length).toBe(goldenRecords.length);
    const mismatches = records.map(toSam).filter((line, i) => line !== goldenRecords[i]);
    expect(mismatches.slice(0, 3)).toEqual([]);
  });

  it('covers the edge cases the golden file must hold', () => {
    const names = new Set(goldenSam.map((l) => l.split('\t')[0]));
    for (const name of ['long_cigar', 'every_quality', 'no_sequence', 'no_qualities', 'unplaced0']) expect(names.has(name)).toBe(true);
    const longCigar = goldenSam.find((l) => l.startsWith('long_cigar\t'))!.split('\t')[5]!;
    expect(longCigar.match(/[MIDNSHP=X]/g)!.length).toBeGreaterThan(65535);
    const flags = goldenSam.filter((l) => !l.startsWith('@')).map((l) => Number(l.split('\t')[1]));
    for (const bit of [0x4, 0x8, 0x100, 0x200, 0x400, 0x800]) expect(flags.some((f) => f & bit)).toBe(true);
    const placedUnmapped = goldenSam.filter((l) => !l.startsWith('@') && Number(l.split('\t')[1]) & 4 && l.split('\t')[2] !== '*');
    expect(placedUnmapped.length).toBeGreaterThan(0);
    const cigars = goldenSam.filter((l) => !l.startsWith('@')).map((l) => l.split('\t')[5]!);
    for (const op of ['S', 'H', 'I', 'D']) expect(cigars.some((c) => c.includes(op))).toBe(true);
    // A record spanning BGZF blocks: long_cigar is ~420 KB, over six 64 KiB blocks.
    expect(goldenSam.find((l) => l.startsWith('long_cigar\t'))!.length).toBeGreaterThan(4 * 65536);
  });

  it('reads SAM text (samtools view -h) to the same records', () => {
    const sam = readGolden('demo.sam.gz');
    const result = runTool('bam2ndjson', ['-'], { input: sam });
    expect(result.status).toBe(0);
    const { records } = parseNdjson(result.stdout);
    expect(records.map(toSam)).toEqual(goldenSam.filter((l) => !l.startsWith('@')));
  });

  it('answers every region through our BAI as samtools does through its own', () => {
    const golden = readGolden('demo.regions.tsv').split('\n').filter(Boolean);
    const regions = fs.readFileSync(path.join(goldenDir, 'regions.txt'), 'utf8').split('\n').filter(Boolean);
    for (const region of regions) {
      const expected = golden
        .filter((l) => l.startsWith(`${region}\t`) && !l.includes('\t#count\t'))
        .map((l) => l.split('\t').slice(1).join('\t'));
      const count = Number(golden.find((l) => l.startsWith(`${region}\t#count\t`))!.split('\t')[2]);
      const result = runTool('bam2ndjson', ['--no-header', '--fields', 'qname,flag,pos', '--region', region, demo.bam]);
      expect(result.status, result.stderr).toBe(0);
      const got = result.stdout
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Pick<JsonRecord, 'qname' | 'flag' | 'pos'>)
        .map((r) => `${r.qname}\t${r.flag}\t${r.pos}`);
      expect(got, region).toEqual(expected);
      expect(got.length).toBe(count);
    }
  });

  it('writes a BAI whose metadata matches samtools idxstats', () => {
    const index = parseBai(fs.readFileSync(`${demo.bam}.bai`), 'demo.bam.bai');
    const reader = BamReader.open(demo.bam);
    return reader.then((r) => {
      const lines = r.header.references.map((ref, i) => {
        const m = index.references[i]!.metadata;
        return `${ref.name}\t${ref.length}\t${m?.mapped ?? 0}\t${m?.unmapped ?? 0}`;
      });
      lines.push(`*\t0\t0\t${index.unplacedUnmapped}`);
      r.close();
      expect(lines.join('\n') + '\n').toBe(readGolden('demo.idxstats.txt'));
      expect(readGolden('demo.quickcheck.txt')).toBe('');
    });
  });

  it('round-trips through ndjson2bam to identical records', async () => {
    const dir = tempDir();
    const out = path.join(dir, 'round.bam');
    const result = runShell(
      `node packages/bam2ndjson/bin/bam2ndjson.js ${demo.bam} | node packages/bam2ndjson/bin/ndjson2bam.js --write-index -o ${out}`,
    );
    expect(result.status, result.stderr).toBe(0);
    const recordsOf = async (file: string): Promise<string[]> => {
      const reader = await BamReader.open(file);
      const all: string[] = [];
      for await (const batch of reader.batches())
        for (let i = 0; i < batch.count; i++) all.push(Buffer.from(batch.record(i).toBytes()).toString('hex'));
      reader.close();
      return all;
    };
    expect(await recordsOf(out)).toEqual(await recordsOf(demo.bam));
    expect(fs.readFileSync(`${out}.bai`)).toEqual(fs.readFileSync(`${demo.bam}.bai`));
  });

  it.skipIf(!hasTool('samtools'))('is accepted by samtools quickcheck, index and idxstats (live, where samtools is installed)', () => {
    const dir = tempDir();
    const out = path.join(dir, 'edited.bam');
    const edit = `node packages/bam2ndjson/bin/bam2ndjson.js ${demo.bam} | node packages/bam2ndjson/bin/ndjson2bam.js --write-index -o ${out}`;
    expect(runShell(edit).status).toBe(0);
    expect(runShell(`samtools quickcheck -v ${out}`).status).toBe(0);
    const ours = runShell(`samtools idxstats ${out}`).stdout;
    // The same BAM beside an index samtools makes itself.
    fs.mkdirSync(`${dir}/theirs`);
    fs.copyFileSync(out, `${dir}/theirs/edited.bam`);
    expect(runShell(`samtools index ${dir}/theirs/edited.bam`).status).toBe(0);
    expect(runShell(`samtools idxstats ${dir}/theirs/edited.bam`).stdout).toBe(ours);
    for (const region of fs.readFileSync(path.join(goldenDir, 'regions.txt'), 'utf8').split('\n').filter(Boolean)) {
      const withOurs = runShell(`samtools view ${out} '${region}' | cut -f1,2,4`).stdout;
      const withTheirs = runShell(`samtools view ${dir}/theirs/edited.bam '${region}' | cut -f1,2,4`).stdout;
      expect(withOurs, region).toBe(withTheirs);
    }
  });
});
