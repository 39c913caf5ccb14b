/**
 * BAM records are checked where they are cut from the inflated stream, as htslib's bam_read1 and
 * sam_read1 check them (docs/formats.md, "Record validation"): each check has a record samtools
 * reads (read here too) and one it refuses (refused here, naming the file and the record's offset).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeBamHeader, makeHeader } from './header.js';
import { encodeRecord, type BamRecord } from './record/owned.js';
import { parseCigar } from './record/cigar.js';
import { testDirectory } from '../test-support/index.js';
import { bamBytes, countRecords, patched, rejection, tagsOffset, testRecord } from '../test-support/bam.js';

const dir = testDirectory('shoal-bam-checks-');
const header = makeHeader('@SQ\tSN:chr1\tLN:1000\n@SQ\tSN:chr2\tLN:1000\n', [
  { name: 'chr1', length: 1000 },
  { name: 'chr2', length: 1000 },
]);
const base = testRecord({
  tags: [
    { name: 'NM', type: 'C', value: 0 },
    { name: 'XZ', type: 'Z', value: 'ab' },
    { name: 'XB', type: 'B:S', value: [1, 2] },
  ],
});
const good = encodeRecord(base);
/** Where the second record of a file (the one under test) starts: after the header and one good record. */
const secondRecordAt = encodeBamHeader(header).length + good.length;
const where = `byte offset 0, record at +${secondRecordAt} inside the BGZF block`;

let files = 0;
/** Reads a BAM of a good record then `record`: the record count, or the error. */
async function read(record: Uint8Array): Promise<number> {
  const file = path.join(dir, `case${files++}.bam`);
  fs.writeFileSync(file, bamBytes(header, [good, record]));
  return countRecords(file);
}
async function refusal(record: Uint8Array): Promise<string> {
  const error = await rejection(read(record));
  expect(error.message.startsWith(`${dir}/case${files - 1}.bam (${where}): corrupt BAM record`)).toBe(true);
  return error.detail;
}
const cigarAt = 36 + good[12]!;
const tags = tagsOffset(good);

describe('BAM record checks (htslib bam_read1, sam_read1)', () => {
  it('reads records samtools reads, whatever their reference ids and positions within range', async () => {
    expect(await read(good)).toBe(2);
    expect(await read(encodeRecord({ ...base, refId: 1, mateRefId: -1 }))).toBe(2);
    // A mapped read with refID -1 and no position: htslib's bam_read1 accepts it, and samtools prints it with flag 0.
    expect(await read(encodeRecord({ ...base, refId: -1, pos: -1, cigar: new Uint32Array(0) }))).toBe(2);
  });

  it('refuses reference ids outside -1..n_ref-1, as sam_read1 does ("Numerical result out of range")', async () => {
    expect(await refusal(patched(good, (v) => v.setInt32(4, 2, true)))).toMatch(/"r1": reference id 2 is outside -1\.\.1/);
    expect(await refusal(patched(good, (v) => v.setInt32(4, -2, true)))).toMatch(/reference id -2 is outside -1\.\.1/);
    expect(await refusal(patched(good, (v) => v.setInt32(24, 7, true)))).toMatch(/mate reference id 7 is outside -1\.\.1/);
    expect(await read(patched(good, (v) => v.setInt32(24, 1, true)))).toBe(2);
  });

  it('refuses positions below -1 (samtools prints POS -4, which it cannot read back)', async () => {
    expect(await read(patched(good, (v) => v.setInt32(8, -1, true)))).toBe(2);
    expect(await refusal(patched(good, (v) => v.setInt32(8, -5, true)))).toMatch(/position -5 is below -1/);
    expect(await refusal(patched(good, (v) => v.setInt32(28, -5, true)))).toMatch(/mate position -5 is below -1/);
  });

  it('refuses a read name without its NUL, l_read_name 0, and a block_size too small for the fixed fields', async () => {
    expect(await refusal(patched(good, (_, b) => (b[36 + 2] = 65)))).toMatch(/"r1A": the read name is not NUL-terminated/);
    const noName = await rejection(read(patched(good, (_, b) => (b[12] = 0))));
    expect(noName.message).toContain(`(${where}): corrupt BAM record: its fields need`);
    const small = await rejection(read(patched(good, (v) => v.setUint32(0, 20, true)).subarray(0, 24)));
    expect(small.message).toContain(`(${where}): corrupt BAM record: implausible block_size 20`);
  });

  it("refuses unknown CIGAR operations (codes above 8) and a CIGAR whose query length is not SEQ's on a mapped read", async () => {
    expect(await read(encodeRecord({ ...base, cigar: parseCigar('2=1X1M')! }))).toBe(2);
    expect(await refusal(patched(good, (v) => v.setUint32(cigarAt, (4 << 4) | 9, true)))).toMatch(/unknown CIGAR operation code 9/);
    expect(await refusal(patched(good, (v) => v.setUint32(cigarAt, 5 << 4, true)))).toMatch(
      /CIGAR and query sequence lengths differ \(5 and 4\)/,
    );
    // bam_read1 checks mapped reads only: an unmapped read keeps its odd CIGAR, as samtools shows it.
    expect(await read(patched(encodeRecord({ ...base, flag: 4 }), (v) => v.setUint32(cigarAt, 5 << 4, true)))).toBe(2);
  });

  it('checks the real CIGAR of a read whose CIGAR lives in its CG tag (more than 65535 operations)', async () => {
    const length = 65536 * 2;
    const long: BamRecord = {
      ...base,
      cigar: Uint32Array.from({ length: 65536 }, () => (2 << 4) | 0),
      sequence: 'A'.repeat(length),
      tags: [],
    };
    const encoded = encodeRecord(long);
    expect(await read(encoded)).toBe(2);
    const cgValues = tagsOffset(encoded) + 8; // CG, B, I, count
    expect(await refusal(patched(encoded, (v) => v.setUint32(cgValues, (2 << 4) | 12, true)))).toMatch(
      /unknown CIGAR operation code 12 \(the CIGAR in its CG tag\)/,
    );
  });

  it('refuses optional fields that run past the record: a Z string without NUL, a B array longer than the record', async () => {
    const zEnd = tags + 4 + 3 + 2; // after NM:C:0 and XZ:Z:ab, the Z string's NUL
    const cut = patched(good.subarray(0, zEnd + 1), (v, b) => {
      v.setUint32(0, b.length - 4, true);
      b[zEnd] = 67;
    });
    expect(await refusal(cut)).toMatch(/optional field XZ is not NUL-terminated/);
    const arrayCount = good.length - 4 - 4; // XB:B:S, count, two uint16 values
    expect(await refusal(patched(good, (v) => v.setUint32(arrayCount, 1000, true)))).toMatch(
      /optional field XB: an array of 1000 values runs past the end of the record/,
    );
  });

  it('refuses an unknown tag type and a tag name that is not two characters from ! to ~', async () => {
    expect(await read(encodeRecord({ ...base, tags: [{ name: 'A!', type: 'A', value: '!' }] }))).toBe(2);
    expect(await refusal(patched(good, (_, b) => (b[tags + 2] = 113)))).toMatch(/optional field NM has an unknown type "q"/);
    expect(await refusal(patched(good, (_, b) => (b[tags] = 1)))).toMatch(/optional field "\\u0001M" does not have a two-character name/);
  });
});
