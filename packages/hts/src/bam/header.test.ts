/**
 * Reference dictionaries: a length BAM's 32-bit positions cannot reach is refused, in a BAM header
 * (with its byte offset) and in SAM @SQ lines (with their line), as htslib's bam_write1 refuses
 * to write such positions; a reference name without its NUL is kept whole, as bam_hdr_read keeps it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeBamHeader, headerLines, makeHeader, packHeader, parseBamHeader, referencesFromText, unpackHeader } from './header.js';
import { BamNdjsonFormatter } from '../ndjson/bam-records.js';
import { BamReader } from './reader.js';
import { openByteSource } from '../io/byte-source.js';
import { SamReader } from '../sam/reader.js';
import { errorOf, fixture, testDirectory } from '../test-support/index.js';
import { bamBytes, rejection } from '../test-support/bam.js';

const dir = testDirectory('shoal-header-');

/** A BAM with one reference, chr1, whose header bytes `patch` edits; `at` is where chr1's l_ref lies. */
function bamWithHeader(name: string, patch: (view: DataView, bytes: Uint8Array, lengthAt: number) => void): string {
  const header = makeHeader('', [{ name: 'chr1', length: 1000 }]);
  const bytes = encodeBamHeader(header);
  patch(new DataView(bytes.buffer), bytes, bytes.length - 4);
  const file = path.join(dir, name);
  fs.writeFileSync(file, bamBytes(header, [], bytes));
  return file;
}

describe('BAM header references', () => {
  it('reads a reference of length 2^31-1, and refuses a negative or huge l_ref with its byte offset', async () => {
    const longest = bamWithHeader('longest.bam', (view, _, at) => view.setInt32(at, 0x7fffffff, true));
    const reader = await BamReader.open(longest);
    expect(reader.header.references).toEqual([{ name: 'chr1', length: 0x7fffffff }]);
    reader.close();
    const negative = bamWithHeader('negative.bam', (view, _, at) => view.setInt32(at, -100, true));
    const error = await rejection(BamReader.open(negative));
    expect(error.message).toBe(
      `${negative} (inflated byte offset 21): corrupt BAM header: reference 1 ("chr1") has length -100 (4294967196 as an unsigned l_ref), beyond BAM's 32-bit positions (at most 2147483647)`,
    );
    const huge = bamWithHeader('huge.bam', (view, _, at) => view.setUint32(at, 0x80000000, true));
    expect((await rejection(BamReader.open(huge))).message).toContain('(2147483648 as an unsigned l_ref)');
  });

  it('keeps all of a reference name stored without its NUL (htslib adds the NUL)', async () => {
    const file = bamWithHeader('nonul.bam', (_, bytes, at) => (bytes[at - 1] = 88)); // chr1\0 → chr1X
    const reader = await BamReader.open(file);
    expect(reader.header.references[0]!.name).toBe('chr1X');
    reader.close();
  });
});

describe('SAM @SQ lines', () => {
  it('reads LN up to 2^31-1 and refuses a longer one, naming its line', () => {
    expect(referencesFromText('@HD\tVN:1.6\n@SQ\tSN:chr1\tLN:2147483647\n', 'in.sam')).toEqual([{ name: 'chr1', length: 2147483647 }]);
    expect(errorOf(() => referencesFromText('@HD\tVN:1.6\n@SQ\tSN:chr1\tLN:2147483648\n', 'in.sam')).message).toBe(
      `in.sam (line 2): @SQ "chr1": LN 2147483648 does not fit BAM's 32-bit reference length (at most 2147483647)`,
    );
    expect(errorOf(() => referencesFromText('@SQ\tSN:chr1\tLN:-5\n', 'in.sam')).message).toBe(
      'in.sam (line 1): @SQ needs SN and an integer LN (got SN "chr1", LN "-5")',
    );
  });

  it("refuses htslib's longref.sam (a 10 Gbp reference) at its @SQ line", async () => {
    const file = fixture('longref-head.sam');
    const error = await rejection(SamReader.fromSource(openByteSource(file)));
    expect(error.message).toBe(
      `${file} (line 1): @SQ "CHROMOSOME_I": LN 10001009800 does not fit BAM's 32-bit reference length (at most 2147483647)`,
    );
  });
});

describe('a header of 200,000 contigs (assemblies, unplaced scaffolds)', () => {
  const references = Array.from({ length: 200_000 }, (_, i) => ({ name: `scaffold_${i}`, length: 100 + i }));
  const header = makeHeader(references.map((r) => `@SQ\tSN:${r.name}\tLN:${r.length}`).join('\n') + '\n', references);

  it('is read whole from a BAM whose header spans many BGZF blocks', async () => {
    const file = path.join(dir, 'many-contigs.bam');
    fs.writeFileSync(file, bamBytes(header, []));
    const reader = await BamReader.open(file);
    expect(reader.header.references.length).toBe(200_000);
    expect(reader.header.references[199_999]).toEqual({ name: 'scaffold_199999', length: 200_099 });
    expect(reader.header.referenceIds.get('scaffold_123456')).toBe(123_456);
    reader.close();
  });

  it('is not decoded until its last reference has arrived', () => {
    const bytes = encodeBamHeader(header);
    expect(parseBamHeader(bytes.subarray(0, bytes.length - 1), 'x')).toBeUndefined();
    expect(parseBamHeader(bytes, 'x')?.length).toBe(bytes.length);
  });

  it('can be formatted as NDJSON (no spread of 200,000 arguments: the call stack overflowed)', () => {
    expect(() => new BamNdjsonFormatter(header)).not.toThrow();
  });
});

describe('header lines and packed headers', () => {
  it('finds the lines of one record type wherever they are, first, middle or last, with or without a final newline', () => {
    const text = '@RG\tID:a\tSM:x\n@SQ\tSN:chr1\tLN:10\n@RG\tID:b\tSM:y\r\n@PG\tID:bwa\n@RG\tID:c';
    expect(headerLines(text, 'RG')).toEqual([{ ID: 'a', SM: 'x' }, { ID: 'b', SM: 'y' }, { ID: 'c' }]);
    expect(headerLines(text, 'PG')).toEqual([{ ID: 'bwa' }]);
    expect(headerLines(text, 'CO')).toEqual([]);
    expect(headerLines('', 'RG')).toEqual([]);
    // A tag value that holds "@RG" is not a line.
    expect(headerLines('@CO\tsee @RG\tID:z\n', 'RG')).toEqual([]);
    expect(headerLines('@HD\tVN:1.6\n@RG\tID:only\n', 'RG')).toEqual([{ ID: 'only' }]);
  });

  it('packs a header for a worker and unpacks the same names, lengths, text and ids', () => {
    const references = [
      { name: 'chr1', length: 248_956_422 },
      { name: 'HLA-A*01:01:01:01', length: 3503 },
      { name: 'x', length: 2 ** 31 - 1 },
    ];
    const header = makeHeader('@HD\tVN:1.6\n', references);
    const unpacked = unpackHeader(structuredClone(packHeader(header)));
    expect(unpacked.text).toBe(header.text);
    expect(unpacked.references).toEqual(references);
    expect([...unpacked.referenceIds]).toEqual([
      ['chr1', 0],
      ['HLA-A*01:01:01:01', 1],
      ['x', 2],
    ]);
    expect(unpackHeader(packHeader(makeHeader('', []))).references).toEqual([]);
  });
});
