/** NDJSON records back to BAM records: generic types, SAM defaults, errors naming field and line, and exact round trips. */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeHeader } from '../bam/header.js';
import { parseCigar } from '../bam/record/cigar.js';
import { encodeRecord, type BamRecord } from '../bam/record/owned.js';
import { BamRecordView } from '../bam/record/view.js';
import { HtsError } from '../errors.js';
import { openByteSource } from '../io/byte-source.js';
import { SamReader } from '../sam/reader.js';
import { errorOf, fixture, testDirectory } from '../test-support/index.js';
import { rejection, testRecord } from '../test-support/bam.js';
import { NdjsonAlignmentReader } from './alignment-reader.js';
import { BamNdjsonFormatter, headerRecord, recordFromJson } from './bam-records.js';
import { ByteWriter } from './byte-writer.js';

const header = makeHeader('@SQ\tSN:chr1\tLN:1000\n@SQ\tSN:HLA-A*01:01\tLN:500\n', [
  { name: 'chr1', length: 1000 },
  { name: 'HLA-A*01:01', length: 500 },
]);

describe('NDJSON records', () => {
  const fail = (message: string): never => {
    throw new HtsError(message, 'in.ndjson', 'line 3');
  };
  it('accepts a generic i type and fills missing fields with SAM defaults', () => {
    const record = recordFromJson({ qname: 'r', rname: 'chr1', pos: 5, tags: { NM: ['i', 300], XB: ['B:i', [1, 2]] } }, header, fail);
    expect(record.flag).toBe(4);
    expect(record.mapq).toBe(255);
    expect(record.pos).toBe(4);
    expect(record.tags).toEqual([
      { name: 'NM', type: 'S', value: 300 },
      { name: 'XB', type: 'B:i', value: [1, 2] },
    ]);
  });
  it('names field and line of a bad record', () => {
    expect(() => recordFromJson({ flag: 'x' }, header, fail)).toThrow('in.ndjson (line 3): field flag: "x" is not an integer');
    expect(() => recordFromJson({ rname: 'chrX' }, header, fail)).toThrow(/field rname: reference 'chrX' is not in the header record/);
    expect(() => recordFromJson({ seq: 'ACGT', qual: 'II' }, header, fail)).toThrow(/field qual: 2 qualities for 4 bases/);
    expect(() => recordFromJson({ tags: { NM: [3] } }, header, fail)).toThrow(/tag NM: expected \["TYPE", value\]/);
  });
});

/** bam2ndjson's line for an encoded record. */
function ndjsonLine(encoded: Uint8Array): string {
  const out = new ByteWriter(1 << 16);
  new BamNdjsonFormatter(header).writeRecord(out, new BamRecordView().setPosition(encoded, 0));
  return Buffer.from(out.buffer.subarray(0, out.length)).toString('utf8');
}
/** encodeRecord ∘ recordFromJson ∘ JSON.parse of bam2ndjson's line: ndjson2bam's bytes for the record. */
function roundTrip(encoded: Uint8Array): Uint8Array {
  const fail = (message: string): never => {
    throw new HtsError(message, 'in.ndjson', 'line 2');
  };
  return encodeRecord(recordFromJson(JSON.parse(ndjsonLine(encoded)), header, fail));
}
const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const record = testRecord({ qualities: Uint8Array.of(1, 59, 30, 40) });

describe('bam2ndjson → ndjson2bam gives back the same bytes', () => {
  it("round-trips every record of htslib's auxf#values.sam (all tag types, a tag named A!)", async () => {
    const reader = await SamReader.fromSource(openByteSource(fixture('auxf#values.sam')));
    const view = new BamRecordView();
    let records = 0;
    for await (const batch of reader.batches()) {
      for (let i = 0; i < batch.count; i++, records++) {
        const bytes = view.setPosition(batch.bytes, batch.offsets[i]!).toBytes();
        const samHeader = reader.header;
        const out = new ByteWriter(1 << 16);
        new BamNdjsonFormatter(samHeader).writeRecord(out, view.setPosition(bytes, 0));
        const json = JSON.parse(Buffer.from(out.buffer.subarray(0, out.length)).toString('utf8')) as { tags: Record<string, unknown> };
        const fail = (message: string): never => {
          throw new HtsError(message);
        };
        expect(hex(encodeRecord(recordFromJson(json, samHeader, fail)))).toBe(hex(bytes));
        if (records === 0) expect(json.tags['A!']).toEqual(['A', '!']);
      }
    }
    reader.close();
    expect(records).toBe(2);
  });

  it('round-trips float tags -0, inf, -inf and nan, in f tags and B:f arrays', () => {
    const encoded = encodeRecord({
      ...record,
      tags: [
        { name: 'F0', type: 'f', value: -0 },
        { name: 'F1', type: 'f', value: Infinity },
        { name: 'F2', type: 'f', value: -Infinity },
        { name: 'F3', type: 'f', value: NaN },
        { name: 'FB', type: 'B:f', value: [-0, Infinity, NaN, 1.5] },
      ],
    });
    expect(ndjsonLine(encoded)).toContain(
      '"F0":["f",-0],"F1":["f","Infinity"],"F2":["f","-Infinity"],"F3":["f","NaN"],"FB":["B:f",[-0,"Infinity","NaN",1.5]]',
    );
    expect(hex(roundTrip(encoded))).toBe(hex(encoded));
  });

  it('round-trips tag names with " and \\ in them, Latin-1 read names and UTF-8 Z strings', () => {
    const encoded = encodeRecord({
      ...record,
      readName: 'r\u00e9\u0001',
      tags: [
        { name: '"\\', type: 'A', value: '"' },
        { name: 'XZ', type: 'Z', value: 'café → 5′' },
      ],
    });
    const line = ndjsonLine(encoded);
    expect(line).toContain('{"qname":"r\\u00e9\\u0001"');
    expect(line).toContain('"tags":{"\\"\\\\":["A","\\""],"XZ":["Z","café → 5′"]}');
    expect(hex(roundTrip(encoded))).toBe(hex(encoded));
  });

  it('reserves enough for the longest tags per byte: escaped A and Z bytes, escaped names, -128 arrays, long floats', () => {
    const names = ['"\\', '\\"', '""', '\\\\'];
    const tags: BamRecord['tags'] = [];
    for (let i = 0; i < 26; i++) {
      const letter = String.fromCharCode(97 + i);
      tags.push({ name: names[i % 4]!.slice(0, 1) + letter, type: 'A', value: '\u0080' });
      tags.push({ name: `c${letter}`, type: 'c', value: -128 });
      tags.push({ name: `f${letter}`, type: 'f', value: -1.1754942807573643e-38 });
    }
    for (const name of names) tags.push({ name, type: 'A', value: '\u00ff' });
    tags.push({ name: 'ZZ', type: 'Z', value: '\u0001\u001f"\\'.repeat(500) });
    tags.push({ name: 'BC', type: 'B:c', value: Array.from({ length: 5000 }, () => -128) });
    tags.push({ name: 'BF', type: 'B:f', value: Array.from({ length: 500 }, () => -1.1754942807573643e-38) });
    const encoded = encodeRecord({ ...record, readName: '\u0001'.repeat(200), tags });
    // A writer that starts with one byte gets exactly what the record reserves: a short reservation throws.
    const out = new ByteWriter(1);
    new BamNdjsonFormatter(header).writeRecord(out, new BamRecordView().setPosition(encoded, 0));
    const line = Buffer.from(out.buffer.subarray(0, out.length)).toString('utf8');
    // Most of the reservation is used: a bound much shorter than this one's would overflow on this record.
    expect(out.length).toBeGreaterThan(0.6 * out.buffer.length);
    expect(
      hex(
        encodeRecord(
          recordFromJson(JSON.parse(line) as unknown, header, () => {
            throw new Error('unreadable line');
          }),
        ),
      ),
    ).toBe(hex(encoded));
  });

  it('refuses to write a record with a tag twice, or a Z string that is not UTF-8, naming the record', () => {
    const twice = encodeRecord({
      ...record,
      readName: 'r\u00011',
      tags: [
        { name: 'NM', type: 'C', value: 0 },
        { name: 'NM', type: 'C', value: 1 },
      ],
    });
    expect(errorOf(() => ndjsonLine(twice)).message).toBe('record r\\u00011 has tag NM twice; NDJSON tags are an object');
    const latin1 = patchedZ(encodeRecord({ ...record, tags: [{ name: 'XZ', type: 'Z', value: 'cafe' }] }), 0xe9);
    expect(errorOf(() => ndjsonLine(latin1)).message).toBe(
      'record "r1": tag "XZ" holds bytes that are not UTF-8 text ("caf\\u00e9"); NDJSON is UTF-8',
    );
    expect(
      ndjsonLine(
        encodeRecord({
          ...record,
          tags: [
            { name: 'NM', type: 'C', value: 0 },
            { name: 'XM', type: 'C', value: 1 },
          ],
        }),
      ),
    ).toContain('"tags":{"NM":["C",0],"XM":["C",1]}');
  });
});

describe('bam2ndjson qualities', () => {
  it('writes Phred 0 to 93 as ! to ~ (escaping " and \\), and refuses a quality above 93, which Phred+33 text cannot hold', () => {
    const qualities = Uint8Array.from({ length: 94 }, (_, i) => i);
    const all = encodeRecord({ ...record, cigar: parseCigar('94M')!, sequence: 'A'.repeat(94), qualities });
    const text = Array.from(qualities, (q) => String.fromCharCode(q + 33)).join('');
    expect(ndjsonLine(all)).toContain(`"qual":${JSON.stringify(text)}`);
    expect(hex(roundTrip(all))).toBe(hex(all));
    for (const at of [0, 5, 93]) {
      const high = Uint8Array.from(qualities);
      high[at] = 94 + at;
      const encoded = encodeRecord({ ...record, cigar: parseCigar('94M')!, sequence: 'A'.repeat(94), qualities: high });
      expect(errorOf(() => ndjsonLine(encoded)).message).toBe(
        `record "r1": quality ${94 + at} at ${at + 1} is above 93, which Phred+33 text cannot hold`,
      );
    }
  });
});

/** The record with the last character of its one Z tag replaced by `byte`. */
function patchedZ(encoded: Uint8Array, byte: number): Uint8Array {
  const copy = Uint8Array.from(encoded);
  copy[copy.length - 2] = byte;
  return copy;
}

describe('NDJSON records BAM cannot hold are refused, naming file and line', () => {
  const dir = testDirectory('shoal-ndjson-');
  const headerLine = JSON.stringify(headerRecord(header));
  async function ndjsonError(...lines: string[]): Promise<{ file: string; message: string }> {
    const file = path.join(dir, `in${lines.length}-${Math.random().toString(36).slice(2)}.ndjson`);
    fs.writeFileSync(file, `${[headerLine, ...lines].join('\n')}\n`);
    const reader = await NdjsonAlignmentReader.fromSource(openByteSource(file));
    const error = await rejection(
      (async () => {
        for await (const batch of reader.batches()) expect(batch.count).toBeGreaterThan(0);
      })(),
    );
    reader.close();
    return { file, message: error.message };
  }
  const json = (fields: Record<string, unknown>): string =>
    JSON.stringify({ qname: 'x1', flag: 0, rname: 'chr1', pos: 10, mapq: 30, cigar: '4M', seq: 'ACGT', qual: 'IIII', ...fields });

  it('refuses POS, PNEXT and TLEN beyond 32 bits, and MAPQ above 255 (never wrapped: 300 is not 44)', async () => {
    let { file, message } = await ndjsonError(json({}), json({ pos: 10000000002 }));
    expect(message).toBe(`${file} (line 3): POS 10000000002 does not fit BAM's 32-bit position (at most 2147483647)`);
    ({ file, message } = await ndjsonError(json({ pnext: 4294967297, rnext: '=' })));
    expect(message).toBe(`${file} (line 2): PNEXT 4294967297 does not fit BAM's 32-bit position (at most 2147483647)`);
    ({ file, message } = await ndjsonError(json({ tlen: -3000000000 })));
    expect(message).toBe(`${file} (line 2): TLEN -3000000000 does not fit BAM's 32-bit field`);
    ({ file, message } = await ndjsonError(json({ mapq: 300 })));
    expect(message).toBe(`${file} (line 2): field mapq: 300 is out of range 0-255`);
  });

  it('refuses what a BAM record cannot hold: a NUL in a read name or a Z string, an A tag beyond \\xff, a quality beyond ~', async () => {
    let { file, message } = await ndjsonError(json({ qname: 'a\u0000b' }));
    expect(message).toBe(`${file} (line 2): read name "a\\u0000b" holds a character a BAM read name cannot (NUL, or beyond \\xff)`);
    ({ file, message } = await ndjsonError(json({ tags: { XZ: ['Z', 'a\u0000b'] } })));
    expect(message).toBe(`${file} (line 2): tag XZ: a Z string cannot hold a NUL character (got "a\\u0000b")`);
    ({ file, message } = await ndjsonError(json({ tags: { XA: ['A', '→'] } })));
    expect(message).toBe(`${file} (line 2): tag XA: type A needs one character (got "\\u2192")`);
    ({ file, message } = await ndjsonError(json({ qual: 'II\u00ffI' })));
    expect(message).toBe(`${file} (line 2): field qual: quality character "\\u00ff" at 3 is not Phred+33 (from ! to ~)`);
  });
});
