/** SAM text: integer tags in the smallest type, errors that name the line, and samtools' checks and normalisations. */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openByteSource } from '../io/byte-source.js';
import { fixture, testDirectory } from '../test-support/index.js';
import { rejection } from '../test-support/bam.js';
import { makeHeader } from '../bam/header.js';
import { smallestIntegerType } from '../bam/record/tags.js';
import { parseSamRecord, parseSamTag, SamReader } from './reader.js';

const header = makeHeader('@SQ\tSN:chr1\tLN:1000\n@SQ\tSN:HLA-A*01:01\tLN:500\n', [
  { name: 'chr1', length: 1000 },
  { name: 'HLA-A*01:01', length: 500 },
]);
const where = (): string => 'line 7';

describe('SAM text', () => {
  it('stores integer tags in the smallest type, as samtools does', () => {
    expect(parseSamTag('NM:i:3', where)).toEqual({ name: 'NM', type: 'C', value: 3 });
    expect(parseSamTag('XS:i:-3', where)).toEqual({ name: 'XS', type: 'c', value: -3 });
    expect(parseSamTag('XL:i:70000', where)).toEqual({ name: 'XL', type: 'I', value: 70000 });
    expect(parseSamTag('XN:i:-40000', where)).toEqual({ name: 'XN', type: 'i', value: -40000 });
    expect(parseSamTag('ZB:B:s,1,-2', where)).toEqual({ name: 'ZB', type: 'B:s', value: [1, -2] });
    expect(parseSamTag('ZE:B:c', where)).toEqual({ name: 'ZE', type: 'B:c', value: [] });
    expect(smallestIntegerType(4294967296)).toBeUndefined();
  });

  it('names the line of a malformed record', () => {
    expect(() => parseSamRecord('r1\t0\tchr1\t10', header, where)).toThrow(/SAM record has 4 fields, needs at least 11 \(line 7\)/);
    expect(() => parseSamRecord('r1\t0\tchr9\t10\t60\t4M\t*\t0\t0\tACGT\t*', header, where)).toThrow(
      /reference 'chr9' is not in the header/,
    );
    expect(() => parseSamRecord('r1\t0\tchr1\t10\t60\t4M\t*\t0\t0\tACGT\tII', header, where)).toThrow(/QUAL has 2 characters for 4 bases/);
    expect(() => parseSamRecord('r1\t0\tchr1\t10\t60\t4M\t*\t0\t0\tACGT\t*\tNM:i:x', header, where)).toThrow(/is not a 32-bit integer/);
  });
});

const dir = testDirectory('shoal-sam-');
const HEADER = '@HD\tVN:1.6\n@SQ\tSN:chr1\tLN:1000\n';
let files = 0;
/** A SAM file of HEADER and `lines` (records are on lines 3, 4, …). */
function samFile(...lines: string[]): string {
  const file = path.join(dir, `in${files++}.sam`);
  fs.writeFileSync(file, `${HEADER}${lines.join('\n')}\n`);
  return file;
}
/** Every record of a SAM file, as owned records decoded back from the BAM layout the reader gives. */
async function readSam(
  file: string,
): Promise<{ name: string; flag: number; refId: number; pos: number; mapq: number; mateRefId: number; tags: string[] }[]> {
  const reader = await SamReader.fromSource(openByteSource(file));
  const out = [];
  try {
    for await (const batch of reader.batches()) {
      for (let i = 0; i < batch.count; i++) {
        const r = batch.record(i);
        out.push({
          name: r.readName,
          flag: r.flag,
          refId: r.refId,
          pos: r.pos,
          mapq: r.mapq,
          mateRefId: r.mateRefId,
          tags: r.tags().map((t) => t.name),
        });
      }
    }
  } finally {
    reader.close();
  }
  return out;
}
/** The one-line error reading `file` gives. */
async function samError(file: string): Promise<string> {
  return (await rejection(readSam(file))).message;
}
const line = (fields: Partial<Record<number, string>>): string =>
  ['r1', '0', 'chr1', '10', '30', '4M', '*', '0', '0', 'ACGT', 'IIII'].map((f, i) => fields[i] ?? f).join('\t');

describe('SAM records, checked and normalised as samtools 1.16 reads them', () => {
  it("refuses POS, PNEXT and TLEN beyond BAM's 32-bit fields, naming file and line (never wrapped)", async () => {
    const pos = samFile(line({}), line({ 3: '10000000002' }));
    expect(await samError(pos)).toBe(`${pos} (line 4): POS 10000000002 does not fit BAM's 32-bit position (at most 2147483647)`);
    const pnext = samFile(line({ 6: '=', 7: '4294967297' }));
    expect(await samError(pnext)).toBe(`${pnext} (line 3): PNEXT 4294967297 does not fit BAM's 32-bit position (at most 2147483647)`);
    const tlen = samFile(line({ 8: '-3000000000' }));
    expect(await samError(tlen)).toBe(`${tlen} (line 3): TLEN -3000000000 does not fit BAM's 32-bit field`);
    expect(await readSam(samFile(line({ 3: '2147483647', 8: '-2147483647' })))).toHaveLength(1);
  });

  it('stores a MAPQ above 255 as 255 (samtools 1.16; htslib 1.21 refuses it) and refuses a negative one', async () => {
    expect((await readSam(samFile(line({ 4: '300' }))))[0]!.mapq).toBe(255);
    const negative = samFile(line({ 4: '-1' }));
    expect(await samError(negative)).toBe(`${negative} (line 3): MAPQ -1 is outside 0-255`);
  });

  it('sets the unmapped flag on RNAME * (htslib MM-chebi.sam), CIGAR * and POS 0, as sam_parse1 does', async () => {
    expect((await readSam(fixture('MM-chebi.sam')))[0]).toMatchObject({ flag: 4, refId: -1 });
    expect((await readSam(samFile(line({ 5: '*' }))))[0]).toMatchObject({ flag: 4, refId: 0, pos: 9 });
    // "mapped query cannot have zero coordinate; treated as unmapped": RNAME becomes *, as samtools prints it.
    expect((await readSam(samFile(line({ 3: '0' }))))[0]).toMatchObject({ flag: 4, refId: -1, pos: -1 });
    expect((await readSam(samFile(line({ 3: '0', 6: '=', 7: '100' }))))[0]).toMatchObject({ flag: 4, refId: -1, mateRefId: -1 });
    // "mapped mate cannot have zero coordinate": RNEXT becomes *.
    expect((await readSam(samFile(line({ 6: '=', 7: '0' }))))[0]).toMatchObject({ flag: 0, mateRefId: -1 });
    expect((await readSam(samFile(line({ 6: '=', 7: '5' }))))[0]).toMatchObject({ flag: 0, mateRefId: 0 });
  });

  it("reads a line ending in one tab (Picard's pass_coordinate.sam) and refuses two, as samtools does", async () => {
    expect(await readSam(fixture('pass_coordinate.sam'))).toHaveLength(12);
    const two = samFile(`${line({})}\t\t`);
    expect(await samError(two)).toBe(`${two} (line 3): bad optional field '' (expected TAG:TYPE:VALUE)`);
  });

  it("refuses an unknown CIGAR operation, and a CIGAR whose length is not SEQ's even on an unmapped read (sam_parse1)", async () => {
    const op = samFile(line({ 5: '4Q' }));
    expect(await samError(op)).toBe(`${op} (line 3): bad CIGAR '4Q'`);
    const unmapped = samFile(line({ 1: '4', 5: '5M' }));
    expect(await samError(unmapped)).toBe(`${unmapped} (line 3): CIGAR and query sequence lengths differ (5 and 4)`);
    expect(await readSam(samFile(line({ 5: '5M', 9: '*', 10: '*' })))).toHaveLength(1);
  });

  it('refuses a read name or a quality that is not printable text, escaping it in the message', async () => {
    expect((await readSam(samFile(line({ 0: 'read 1' }))))[0]!.name).toBe('read 1');
    const name = samFile(line({ 0: 'read\u0001ten\u00e9' }));
    expect(await samError(name)).toBe(`${name} (line 3): read name "read\\u0001ten\\u00e9" is not printable text`);
    const quality = samFile(line({ 10: 'II\u0007I' }));
    expect(await samError(quality)).toBe(`${quality} (line 3): quality character "\\u0007" at 3 is not Phred+33 (from ! to ~)`);
  });

  it("reads every tag type of htslib's auxf#values.sam, the tag named A! included", async () => {
    const records = await readSam(fixture('auxf#values.sam'));
    expect(records.map((r) => r.name)).toEqual(['Fred', 'Jim']);
    expect(records[0]!.tags).toContain('A!');
  });
});
