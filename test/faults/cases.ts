/**
 * The fault suite's table: one row per case. A row makes its inputs in its own folder (which is
 * also the tool's working directory), names the command, and says what must happen: the exit
 * (0, 1 runtime, 2 usage, or the signal that ends it), words that the single stderr line must
 * hold, and what must be there afterwards. Every failing case is also checked for the promises
 * that hold for all (faults.test.ts): one line `<tool>: error: …`, no stack trace, no raw bytes,
 * no new file in the folder (no final-named output, no temporary file).
 *
 * Rows are mostly generated: each corruption of a BAM, SAM, NDJSON or FASTQ input is tried on every
 * tool that reads it. A new tool adds itself to the reader lists below and its own rows at the end
 * (test/faults/README.md).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {
  HEADER_TEXT,
  header,
  fastq,
  garbage,
  gzip,
  headerBytes,
  patchedRecords,
  samText,
  samWithEdit,
  tagsOffset,
  validRecords,
  withExtraTagBytes,
  write,
  writeBam,
  writeBgzf,
} from './inputs.js';
import { BamWriter, encodeRecord, makeHeader } from '@shoal/hts';

export type Exit = 0 | 1 | 2 | NodeJS.Signals;

export interface Run {
  /** The executable (bam2ndjson, collect-multi, fq-transform, …), or 'bash' for a pipeline. */
  tool: string;
  args: string[];
  stdin?: string | Uint8Array;
  /** Send this signal once `ready(files in the folder)` holds; stdin stays open until then. */
  signal?: { name: NodeJS.Signals; ready: (files: string[]) => boolean };
}

export interface FaultCase {
  id: string;
  setup: (dir: string) => Promise<Run> | Run;
  exit: Exit;
  /** Must match the one stderr line (failures) or be absent (success: stderr empty). */
  stderr?: RegExp;
  /** For exit 0: checks on the folder and stdout; return a problem, or undefined. */
  check?: (dir: string, stdout: string) => string | undefined;
  /** Files (relative) that a failure may leave: fq-transform's run marker. */
  mayLeave?: RegExp;
  /** A reason to skip, decided when the suite starts (e.g. no tmpfs). */
  skip?: () => string | undefined;
}

const cases: FaultCase[] = [];
const add = (c: FaultCase): void => {
  cases.push(c);
};

// ---------------------------------------------------------------- BAM inputs

/** A way to read a BAM: each tool that takes one, with the outputs it would write. */
interface BamReader {
  name: string;
  run: (bam: string) => Run;
}
// The collect-* tools share one reader and one shell: collect-multi stands for them here (the
// single-collector tools have their usage and output rows below), which keeps the suite's time down.
const BAM_READERS: BamReader[] = [
  { name: 'bam2ndjson', run: (bam) => ({ tool: 'bam2ndjson', args: [bam, '-o', 'out.ndjson', '--threads', '1'] }) },
  { name: 'bam2ndjson-t2', run: (bam) => ({ tool: 'bam2ndjson', args: [bam, '-o', 'out.ndjson', '--threads', '2'] }) },
  { name: 'ndjson2bam', run: (bam) => ({ tool: 'ndjson2bam', args: [bam, '-o', 'out.bam', '--write-index'] }) },
  { name: 'bam-index', run: (bam) => ({ tool: 'bam-index', args: [bam] }) },
  { name: 'collect-multi', run: (bam) => ({ tool: 'collect-multi', args: ['-i', bam, '-o', 'qc/s', '-q', '-t', '2'] }) },
];

const encoded = (): Uint8Array[] => validRecords().map(encodeRecord);
const concat = (parts: Uint8Array[]): Uint8Array => Buffer.concat(parts);

interface BamFault {
  id: string;
  make: (file: string) => Promise<void>;
  stderr: RegExp;
}

const recordFault = (id: string, patch: Parameters<typeof patchedRecords>[0], stderr: RegExp): BamFault => ({
  id,
  make: (file) => writeBam(file, patchedRecords(patch)),
  stderr,
});

/** A valid BAM's bytes, made once. */
let validBamBytes: Buffer | undefined;
async function validBam(dir: string): Promise<Buffer> {
  if (!validBamBytes) {
    const file = path.join(dir, '.valid.bam');
    await writeBam(file, encoded());
    validBamBytes = fs.readFileSync(file);
    fs.rmSync(file);
  }
  return validBamBytes;
}

const BAM_FAULTS: BamFault[] = [
  {
    id: 'truncated mid-block',
    make: async (file) => {
      const bytes = await validBam(path.dirname(file));
      fs.writeFileSync(file, bytes.subarray(0, Math.floor(bytes.length / 2)));
    },
    stderr: /in\.bam \(byte offset \d+\).*truncated/,
  },
  {
    id: 'no EOF block',
    make: async (file) => {
      const bytes = await validBam(path.dirname(file));
      fs.writeFileSync(file, bytes.subarray(0, bytes.length - 28));
    },
    stderr: /in\.bam \(byte offset \d+\).*EOF marker/,
  },
  { id: 'garbage', make: (file) => Promise.resolve(fs.writeFileSync(file, garbage(5000))), stderr: /in\.bam.*(not BAM|not a BGZF)/ },
  {
    id: 'plain gzip',
    make: async (file) => {
      const raw = concat([headerBytes(), ...encoded()]);
      await Promise.resolve(fs.writeFileSync(file, gzip(Buffer.from(raw).toString('latin1'))));
    },
    stderr: /in\.bam.*(plain gzip|BGZF)/,
  },
  { id: 'empty file', make: (file) => Promise.resolve(fs.writeFileSync(file, '')), stderr: /in\.bam.*(empty|no data|no BAM|not BAM)/ },
  {
    id: 'CRC mismatch',
    make: async (file) => {
      const bytes = Buffer.from(await validBam(path.dirname(file)));
      // The first block's CRC32 sits 8 bytes before its end (BSIZE at offset 16 is the block size - 1).
      const blockEnd = bytes.readUInt16LE(16) + 1;
      bytes[blockEnd - 8] = bytes[blockEnd - 8]! ^ 0xff;
      fs.writeFileSync(file, bytes);
    },
    stderr: /in\.bam \(byte offset 0\).*CRC/,
  },
  recordFault('reference id beyond the header', (_, v) => v.setInt32(4, 5, true), /in\.bam \(byte offset.*reference id 5/),
  recordFault('reference id -2', (_, v) => v.setInt32(4, -2, true), /in\.bam \(byte offset.*reference id -2/),
  recordFault('mate reference id beyond the header', (_, v) => v.setInt32(24, 9, true), /in\.bam \(byte offset.*mate reference id 9/),
  recordFault('negative position', (_, v) => v.setInt32(8, -5, true), /in\.bam \(byte offset.*position -5/),
  recordFault('negative mate position', (_, v) => v.setInt32(28, -7, true), /in\.bam \(byte offset.*mate position -7/),
  recordFault('read name without NUL', (b) => void (b[36 + b[12]! - 1] = 0x78), /in\.bam \(byte offset.*NUL-terminated/),
  recordFault(
    'unknown CIGAR operation',
    (b, v) => v.setUint32(36 + b[12]!, (50 << 4) | 15, true),
    /in\.bam \(byte offset.*unknown CIGAR operation/,
  ),
  recordFault(
    'CIGAR longer than SEQ',
    (b, v) => v.setUint32(36 + b[12]!, (51 << 4) | 0, true),
    /in\.bam \(byte offset.*CIGAR and query sequence lengths differ/,
  ),
  recordFault(
    'Z tag without NUL',
    (b) => withExtraTagBytes(b, [0x58, 0x5a, 0x5a, 0x61, 0x62]),
    /in\.bam \(byte offset.*XZ is not NUL-terminated/,
  ),
  recordFault(
    'B array past the record',
    (b) => withExtraTagBytes(b, [0x58, 0x42, 0x42, 0x43, 0xe8, 0x03, 0, 0, 1, 2]),
    /in\.bam \(byte offset.*XB.*runs past/,
  ),
  recordFault('unknown tag type', (b) => withExtraTagBytes(b, [0x58, 0x51, 0x71, 1]), /in\.bam \(byte offset.*XQ has an unknown type/),
  recordFault('tag cut short', (b) => withExtraTagBytes(b, [0x58, 0x49, 0x69, 1]), /in\.bam \(byte offset.*XI runs past/),
  recordFault(
    'tag type byte not printable',
    (b) => withExtraTagBytes(b, [0x58, 0x51, 0x01, 1]),
    /in\.bam \(byte offset.*unknown type (\\x01|"\\u0001")/,
  ),
  recordFault('block_size too small', (_, v) => v.setUint32(0, 20, true), /in\.bam \(byte offset.*block_size/),
  recordFault('block_size implausible', (_, v) => v.setUint32(0, 0x7ffffff0, true), /in\.bam \(byte offset.*block_size/),
  recordFault('negative l_seq', (_, v) => v.setInt32(20, -3, true), /in\.bam \(byte offset.*corrupt BAM record/),
  recordFault('l_read_name 0', (b) => void (b[12] = 0), /in\.bam \(byte offset.*corrupt BAM record/),
  recordFault('B array of unknown subtype', (b) => withExtraTagBytes(b, [0x58, 0x42, 0x42, 0x51, 0, 0, 0, 0]), /unknown array type/),
  recordFault(
    'tags cut inside the record',
    (b, v) => {
      const at = tagsOffset(b, v);
      // Drop the last byte of the record: its RG:Z text then ends without a NUL.
      const out = b.slice(0, b.length - 1);
      new DataView(out.buffer).setUint32(0, out.length - 4, true);
      return at > 0 ? out : b;
    },
    /in\.bam \(byte offset.*NUL-terminated/,
  ),
  {
    id: 'header n_ref negative',
    make: (file) => {
      const bytes = headerBytes();
      const view = new DataView(bytes.buffer);
      view.setInt32(8 + view.getInt32(4, true), -1, true);
      return writeBgzf(file, bytes);
    },
    stderr: /in\.bam.*n_ref/,
  },
  {
    id: 'header reference length negative',
    make: (file) => {
      const bytes = headerBytes();
      const view = new DataView(bytes.buffer);
      const at = 8 + view.getInt32(4, true) + 4;
      view.setInt32(at + 4 + view.getInt32(at, true), -100, true);
      return writeBgzf(file, bytes);
    },
    stderr: /in\.bam.*length -100/,
  },
  {
    id: 'bad magic',
    make: (file) => {
      const bytes = headerBytes();
      bytes[3] = 2;
      return writeBgzf(file, bytes);
    },
    stderr: /in\.bam.*(magic|not a BAM|not BAM)/,
  },
  { id: 'header cut short', make: (file) => writeBgzf(file, headerBytes().subarray(0, 30)), stderr: /in\.bam.*truncated BAM header/ },
  {
    id: 'data ends inside a record',
    make: (file) => writeBgzf(file, concat([headerBytes(), ...encoded()]).subarray(0, headerBytes().length + 300)),
    stderr: /in\.bam.*truncated BAM record/,
  },
];

for (const fault of BAM_FAULTS) {
  for (const reader of BAM_READERS) {
    add({
      id: `bam: ${fault.id} (${reader.name})`,
      setup: async (dir) => {
        await fault.make(path.join(dir, 'in.bam'));
        return reader.run('in.bam');
      },
      exit: 1,
      stderr: fault.stderr,
    });
  }
}

// ---------------------------------------------------------------- SAM inputs

interface TextReader {
  name: string;
  run: (file: string) => Run;
}
const SAM_READERS: TextReader[] = [
  { name: 'bam2ndjson', run: (file) => ({ tool: 'bam2ndjson', args: [file, '-o', 'out.ndjson'] }) },
  { name: 'ndjson2bam', run: (file) => ({ tool: 'ndjson2bam', args: [file, '-o', 'out.bam'] }) },
  { name: 'collect-multi', run: (file) => ({ tool: 'collect-multi', args: ['-i', file, '-o', 'qc/s', '-q'] }) },
];

const field = (index: number, value: string) => (fields: string[]) => fields.map((f, i) => (i === index ? value : f));
const SAM_FAULTS: { id: string; text: () => string; stderr: RegExp }[] = [
  {
    id: 'POS beyond 32 bits (htslib longref)',
    text: () => samWithEdit(field(3, '10000000002')),
    stderr: /in\.sam \(line 15\).*POS 10000000002 does not fit/,
  },
  {
    id: 'PNEXT beyond 32 bits',
    text: () => samWithEdit(field(7, '4294967297')),
    stderr: /in\.sam \(line 15\).*PNEXT 4294967297 does not fit/,
  },
  { id: 'TLEN beyond 32 bits', text: () => samWithEdit(field(8, '3000000000')), stderr: /in\.sam \(line 15\).*TLEN 3000000000/ },
  { id: 'negative POS', text: () => samWithEdit(field(3, '-5')), stderr: /in\.sam \(line 15\).*POS -5 is negative/ },
  { id: 'negative MAPQ', text: () => samWithEdit(field(4, '-1')), stderr: /in\.sam \(line 15\).*MAPQ -1/ },
  { id: 'FLAG beyond 16 bits', text: () => samWithEdit(field(1, '70000')), stderr: /in\.sam \(line 15\).*FLAG 70000/ },
  { id: 'negative FLAG', text: () => samWithEdit(field(1, '-1')), stderr: /in\.sam \(line 15\).*FLAG -1/ },
  {
    id: 'CIGAR longer than SEQ',
    text: () => samWithEdit(field(5, '51M')),
    stderr: /in\.sam \(line 15\).*CIGAR and query sequence lengths differ/,
  },
  { id: 'unknown CIGAR operation', text: () => samWithEdit(field(5, '50Q')), stderr: /in\.sam \(line 15\).*CIGAR/ },
  { id: 'too few fields', text: () => samWithEdit((f) => f.slice(0, 8)), stderr: /in\.sam \(line 15\).*fields/ },
  { id: 'reference not in the header', text: () => samWithEdit(field(2, 'chrZ')), stderr: /in\.sam \(line 15\).*chrZ/ },
  {
    id: 'QUAL longer than SEQ',
    text: () => samWithEdit((f) => f.map((v, i) => (i === 10 ? `${v}I` : v))),
    stderr: /in\.sam \(line 15\).*QUAL/,
  },
  { id: 'bad optional field', text: () => samWithEdit((f) => [...f, 'garbage']), stderr: /in\.sam \(line 15\).*optional field/ },
  { id: 'float tag not a number', text: () => samWithEdit((f) => [...f, 'XF:f:abc']), stderr: /in\.sam \(line 15\).*XF/ },
  { id: 'integer tag beyond 32 bits', text: () => samWithEdit((f) => [...f, 'XI:i:99999999999']), stderr: /in\.sam \(line 15\).*XI/ },
  {
    id: 'control character in the read name',
    text: () => samWithEdit(field(0, 'read\x01ten')),
    stderr: /in\.sam \(line 15\): read name "read\\u0001ten" is not printable/,
  },
  { id: 'POS not a number', text: () => samWithEdit(field(3, '12x')), stderr: /in\.sam \(line 15\).*POS/ },
  {
    id: '@SQ length beyond 32 bits',
    text: () => samText().replace('LN:100000', 'LN:10000000000'),
    stderr: /in\.sam.*LN 10000000000 does not fit/,
  },
];

for (const fault of SAM_FAULTS) {
  for (const reader of SAM_READERS) {
    add({
      id: `sam: ${fault.id} (${reader.name})`,
      setup: (dir) => {
        write(dir, 'in.sam', fault.text());
        return reader.run('in.sam');
      },
      exit: 1,
      stderr: fault.stderr,
    });
  }
}

/** bam2ndjson's record of read010, parsed, with its line as written (JSON.stringify would turn -0 into 0). */
const read010 = (stdout: string): (Record<string, unknown> & { line: string }) | undefined => {
  const line = stdout.split('\n').find((l) => l.startsWith('{"qname":"read010"'));
  return line === undefined ? undefined : { ...(JSON.parse(line) as Record<string, unknown>), line };
};

const SAM_NORMALISATIONS: { id: string; text: () => string; expect: (record: Record<string, unknown>) => string | undefined }[] = [
  {
    id: 'RNAME * gets the unmapped flag (as samtools)',
    text: () => samWithEdit((f) => f.map((v, i) => (i === 2 ? '*' : i === 6 ? '*' : v))),
    expect: (r) => ((r.flag as number) & 4 ? undefined : `flag ${r.flag as number} without 0x4`),
  },
  {
    id: 'CIGAR * on a mapped read gets the unmapped flag (as samtools)',
    text: () => samWithEdit(field(5, '*')),
    expect: (r) => ((r.flag as number) & 4 ? undefined : `flag ${r.flag as number} without 0x4`),
  },
  {
    id: 'MAPQ 300 stored as 255 (as samtools)',
    text: () => samWithEdit(field(4, '300')),
    expect: (r) => (r.mapq === 255 ? undefined : `mapq ${r.mapq as number}`),
  },
  {
    id: 'a line ending in a tab',
    text: () => samWithEdit((f) => [...f, '']),
    expect: (r) => (r.pos === 471 ? undefined : `pos ${r.pos as number}`),
  },
  {
    id: "tag named 'A!' (htslib auxf#values.sam)",
    text: () => samWithEdit((f) => [...f, 'A!:i:3']),
    expect: (r) => ((r.line as string).includes('"A!":["C",3]') ? undefined : (r.line as string)),
  },
  {
    id: 'float tags -0, inf, -inf, nan',
    text: () => samWithEdit((f) => [...f, 'XA:f:-0', 'XB:f:inf', 'XC:f:-inf', 'XD:f:nan']),
    expect: (r) =>
      (r.line as string).includes('"XA":["f",-0],"XB":["f","Infinity"],"XC":["f","-Infinity"],"XD":["f","NaN"]')
        ? undefined
        : (r.line as string),
  },
];
for (const fault of SAM_NORMALISATIONS) {
  add({
    id: `sam normalised: ${fault.id}`,
    setup: (dir) => {
      write(dir, 'in.sam', fault.text());
      return { tool: 'bam2ndjson', args: ['in.sam'] };
    },
    exit: 0,
    check: (_, stdout) => {
      const record = read010(stdout);
      return record ? fault.expect(record) : 'read010 missing';
    },
  });
}

// Whatever bam2ndjson writes, ndjson2bam reads back to the same records.
const ROUND_TRIP_TAGS = ['A!:i:3', 'XA:f:-0', 'XB:f:inf', 'XD:f:nan', 'XE:B:f,-0,inf', '1Z:Z:x'];
for (const tag of ROUND_TRIP_TAGS) {
  add({
    id: `round trip: ${tag} through bam2ndjson | ndjson2bam | bam2ndjson`,
    setup: (dir) => {
      write(
        dir,
        'in.sam',
        samWithEdit((f) => [...f, tag]),
      );
      return {
        tool: 'bash',
        args: [
          '-o',
          'pipefail',
          '-c',
          'TOOL bam2ndjson in.sam > a.ndjson && TOOL ndjson2bam a.ndjson -o b.bam && TOOL bam2ndjson b.bam > b.ndjson',
        ],
      };
    },
    exit: 0,
    check: (dir) =>
      fs.readFileSync(path.join(dir, 'a.ndjson'), 'utf8') === fs.readFileSync(path.join(dir, 'b.ndjson'), 'utf8')
        ? undefined
        : 'the second NDJSON differs from the first',
  });
}

// htslib's own test inputs (test/fixtures/htslib, with their origin).
const HTSLIB = path.resolve(import.meta.dirname, '..', 'fixtures', 'htslib');
for (const reader of SAM_READERS) {
  add({
    id: `htslib longrefs/longref.sam: 64-bit positions refused (${reader.name})`,
    setup: (dir) => {
      fs.copyFileSync(path.join(HTSLIB, 'longref.sam'), path.join(dir, 'longref.sam'));
      return reader.run('longref.sam');
    },
    exit: 1,
    stderr: /longref\.sam.*@SQ.*LN 10001009800 does not fit/,
  });
}
for (const file of ['MM-double.sam', 'MM-explicit.sam']) {
  add({
    id: `htslib base_mods/${file}: RNAME * reads as unmapped (flag 4, as samtools)`,
    setup: () => ({ tool: 'bam2ndjson', args: [path.join(HTSLIB, file)] }),
    exit: 0,
    check: (_, stdout) => {
      const records = stdout.split('\n').filter((line) => line.startsWith('{"qname"'));
      const mapped = records.filter((line) => !/"flag":4,/.test(line));
      return records.length > 0 && mapped.length === 0 ? undefined : `${mapped.length} of ${records.length} records without flag 4`;
    },
  });
  add({
    id: `htslib base_mods/${file}: collect-alignment counts no aligned reads`,
    setup: () => ({ tool: 'collect-alignment', args: ['-i', path.join(HTSLIB, file), '-o', 'qc/s', '-q'] }),
    exit: 0,
    check: (dir) => {
      const [head, ...rows] = fs.readFileSync(path.join(dir, 'qc/s.alignment-metrics.txt'), 'utf8').trimEnd().split('\n');
      const column = head!.split('\t').indexOf('aligned_reads');
      const aligned = rows.map((row) => row.split('\t')[column]);
      return rows.length > 0 && aligned.every((n) => n === '0') ? undefined : `aligned_reads ${aligned.join(', ')}`;
    },
  });
}
add({
  id: 'htslib auxf#values.sam: every tag (A!, floats, arrays) round-trips bam2ndjson | ndjson2bam | bam2ndjson',
  setup: (dir) => {
    fs.copyFileSync(path.join(HTSLIB, 'auxf#values.sam'), path.join(dir, 'in.sam'));
    return {
      tool: 'bash',
      args: [
        '-o',
        'pipefail',
        '-c',
        'TOOL bam2ndjson in.sam > a.ndjson && TOOL ndjson2bam a.ndjson -o b.bam && TOOL bam2ndjson b.bam > b.ndjson',
      ],
    };
  },
  exit: 0,
  check: (dir) =>
    fs.readFileSync(path.join(dir, 'a.ndjson'), 'utf8') === fs.readFileSync(path.join(dir, 'b.ndjson'), 'utf8')
      ? undefined
      : 'the second NDJSON differs from the first',
});

add({
  id: 'bam2ndjson: a tag twice in a record is refused (a JSON object cannot hold it)',
  setup: (dir) => {
    write(
      dir,
      'in.sam',
      samWithEdit((f) => [...f, 'NM:i:7']),
    );
    return { tool: 'bam2ndjson', args: ['in.sam', '-o', 'out.ndjson'] };
  },
  exit: 1,
  stderr: /in\.sam.*read010 has tag NM twice/,
});

// ---------------------------------------------------------------- NDJSON inputs

const NDJSON_READERS: TextReader[] = [
  { name: 'ndjson2bam', run: (file) => ({ tool: 'ndjson2bam', args: [file, '-o', 'out.bam', '--write-index'] }) },
  {
    name: 'collect-multi',
    run: (file) => ({ tool: 'collect-multi', args: ['-i', '-', '-o', 'qc/s', '-q'], stdin: fs.readFileSync(file) }),
  },
];
const ndjsonRecord = (overrides: Record<string, unknown>): string =>
  JSON.stringify({
    qname: 'x1',
    flag: 0,
    rname: 'chr1',
    pos: 10,
    mapq: 30,
    cigar: '4M',
    rnext: '*',
    pnext: 0,
    tlen: 0,
    seq: 'ACGT',
    qual: 'IIII',
    tags: {},
    ...overrides,
  });
const NDJSON_HEADER = JSON.stringify({
  type: 'header',
  format: 'shoal.bam',
  version: 1,
  references: [
    { name: 'chr1', length: 100000 },
    { name: 'chr2', length: 50000 },
  ],
  readGroups: [],
  text: '@SQ\tSN:chr1\tLN:100000\n@SQ\tSN:chr2\tLN:50000\n',
});
const NDJSON_FAULTS: { id: string; line: string; stderr: RegExp }[] = [
  { id: 'pos beyond 32 bits', line: ndjsonRecord({ pos: 10000000002 }), stderr: /line 3.*POS 10000000002 does not fit/ },
  { id: 'tlen beyond 32 bits', line: ndjsonRecord({ tlen: -3000000000 }), stderr: /line 3.*TLEN -3000000000/ },
  { id: 'mapq 300', line: ndjsonRecord({ mapq: 300 }), stderr: /line 3.*mapq/ },
  { id: 'flag 70000', line: ndjsonRecord({ flag: 70000 }), stderr: /line 3.*flag/ },
  { id: 'CIGAR longer than seq', line: ndjsonRecord({ cigar: '5M' }), stderr: /line 3.*CIGAR and query sequence lengths differ/ },
  { id: 'unknown reference', line: ndjsonRecord({ rname: 'chrQ' }), stderr: /line 3.*chrQ/ },
  { id: 'not JSON', line: '{"qname": "x1", flag', stderr: /line 3/ },
  { id: 'pos not an integer', line: ndjsonRecord({ pos: 1.5 }), stderr: /line 3.*pos/ },
  { id: 'tag with a bad type', line: ndjsonRecord({ tags: { XX: ['Q', 1] } }), stderr: /line 3.*XX/ },
  { id: 'tag name of three characters', line: ndjsonRecord({ tags: { XXX: ['i', 1] } }), stderr: /line 3.*tag name/ },
  { id: 'qual longer than seq', line: ndjsonRecord({ qual: 'IIIII' }), stderr: /line 3.*qual/ },
  { id: 'binary bytes in the line', line: `{"qname":"\u0001\u0002\u00ff"`, stderr: /line 3/ },
  { id: 'negative pos', line: ndjsonRecord({ pos: -4 }), stderr: /line 3.*POS -4 is negative/ },
];
for (const fault of NDJSON_FAULTS) {
  for (const reader of NDJSON_READERS) {
    add({
      id: `ndjson: ${fault.id} (${reader.name})`,
      setup: (dir) => {
        write(dir, 'in.ndjson', `${NDJSON_HEADER}\n${ndjsonRecord({ qname: 'x0' })}\n${fault.line}\n`);
        return reader.run(path.join(dir, 'in.ndjson'));
      },
      exit: 1,
      stderr: fault.stderr,
    });
  }
}

// ---------------------------------------------------------------- FASTQ and fq-transform

const toml = (extra = '', input = "read1 = 'r1.fq'\n    read2 = 'r2.fq'") =>
  `[input]\n    ${input}\n${extra}[output]\n    prefix = 'out/o'\n`;
const fqRun = (dir: string, config: string, r1 = fastq(50, 1, 1), r2 = fastq(50, 2, 2)): Run => {
  write(dir, 'r1.fq', r1);
  write(dir, 'r2.fq', r2);
  write(dir, 'c.toml', config);
  return { tool: 'fq-transform', args: ['process', 'c.toml'] };
};
const FQ_FAULTS: { id: string; setup: (dir: string) => Run; exit: Exit; stderr: RegExp }[] = [
  { id: 'truncated record', setup: (d) => fqRun(d, toml(), fastq(50, 1, 1).slice(0, -40)), exit: 1, stderr: /r1\.fq/ },
  {
    id: "missing '+' line",
    setup: (d) => fqRun(d, toml(), fastq(50, 1, 1).replace('\n+\n', '\n-\n')),
    exit: 1,
    stderr: /r1\.fq \((record|line) \d+\)/,
  },
  {
    id: 'quality longer than sequence',
    setup: (d) => fqRun(d, toml(), fastq(50, 1, 1).replace(/\n\+\n(.*)\n/, '\n+\n$1I\n')),
    exit: 1,
    stderr: /r1\.fq \((record|line) \d+\)/,
  },
  {
    id: 'record without @',
    setup: (d) => fqRun(d, toml(), `x${fastq(50, 1, 1).slice(1)}`),
    exit: 1,
    stderr: /r1\.fq \((byte offset 0|line 1|record 1)\)/,
  },
  {
    id: 'read 2 shorter than read 1',
    setup: (d) => fqRun(d, toml(), fastq(50, 1, 1), fastq(40, 2, 2)),
    exit: 1,
    stderr: /r2\.fq|fewer|more/,
  },
  { id: 'binary configuration', setup: (d) => fqRun(d, garbage(400).toString('latin1')), exit: 1, stderr: /c\.toml/ },
  { id: 'unknown action', setup: (d) => fqRun(d, toml("[[step]]\n    action = 'NoSuchStep'\n")), exit: 1, stderr: /c\.toml.*NoSuchStep/ },
  {
    id: 'unknown key',
    setup: (d) => fqRun(d, toml("[[step]]\n    action = 'Head'\n    n = 5\n    bogus = 1\n")),
    exit: 1,
    stderr: /c\.toml.*bogus/,
  },
  { id: 'negative Head n', setup: (d) => fqRun(d, toml("[[step]]\n    action = 'Head'\n    n = -5\n")), exit: 1, stderr: /c\.toml.*n/ },
  { id: 'missing input file', setup: (d) => fqRun(d, toml('', "read1 = 'nope.fq'\n    read2 = 'r2.fq'")), exit: 1, stderr: /nope\.fq/ },
  {
    id: 'one file through two spellings',
    setup: (d) => fqRun(d, toml('', "read1 = 'r1.fq'\n    read2 = './r1.fq'")),
    exit: 1,
    stderr: /read twice/,
  },
  {
    id: 'one file through a link',
    setup: (d) => {
      const run = fqRun(d, toml('', "read1 = 'r1.fq'\n    read2 = 'link.fq'"));
      fs.symlinkSync('r1.fq', path.join(d, 'link.fq'));
      return run;
    },
    exit: 1,
    stderr: /read twice/,
  },
  {
    id: 'output exists already',
    setup: (d) => {
      const run = fqRun(d, toml());
      write(d, 'out/o_read1.fq', 'keep me\n');
      return run;
    },
    exit: 1,
    stderr: /o_read1\.fq.*exists/,
  },
  {
    id: 'an output path is a folder',
    setup: (d) => {
      const run = fqRun(d, toml());
      fs.mkdirSync(path.join(d, 'out/o_read2.fq'), { recursive: true });
      return run;
    },
    exit: 1,
    stderr: /o_read2\.fq/,
  },
  { id: 'TOML syntax error', setup: (d) => fqRun(d, '[input\nread1 = 1\n'), exit: 1, stderr: /c\.toml.*line/ },
  { id: 'configuration missing', setup: () => ({ tool: 'fq-transform', args: ['process', 'none.toml'] }), exit: 1, stderr: /none\.toml/ },
  {
    id: 'bad --threads',
    setup: (d) => ({ ...fqRun(d, toml()), args: ['process', 'c.toml', '--threads', '0'] }),
    exit: 2,
    stderr: /--threads/,
  },
  {
    id: 'unknown subcommand',
    setup: () => ({ tool: 'fq-transform', args: ['frobnicate'] }),
    exit: 2,
    stderr: /frobnicate|unknown command/,
  },
  {
    id: 'validate: a bad configuration',
    setup: (d) => ({ ...fqRun(d, toml("[[step]]\n    action = 'Nope'\n")), args: ['validate', 'c.toml'] }),
    exit: 1,
    stderr: /Nope/,
  },
  {
    id: 'verify: not a case folder',
    setup: (d) => ({ ...fqRun(d, toml()), args: ['verify', 'c.toml'] }),
    exit: 1,
    stderr: /c\.toml.*not a test-case folder/,
  },
];
for (const fault of FQ_FAULTS) {
  add({ id: `fq-transform: ${fault.id}`, setup: fault.setup, exit: fault.exit, stderr: fault.stderr, mayLeave: /(^|\/)o\.incompleted$/ });
}
add({
  id: 'fq-transform: gzip input cut short',
  setup: (d) => {
    const packed = gzip(fastq(200, 1, 1));
    write(d, 'r1.fq.gz', packed.subarray(0, packed.length - 30));
    write(d, 'r2.fq', fastq(200, 2, 2));
    write(d, 'c.toml', toml('', "read1 = 'r1.fq.gz'\n    read2 = 'r2.fq'"));
    return { tool: 'fq-transform', args: ['process', 'c.toml'] };
  },
  exit: 1,
  stderr: /r1\.fq\.gz/,
  mayLeave: /(^|\/)o\.incompleted$/,
});

// ---------------------------------------------------------------- usage errors: one line, exit 2

const USAGE: { tool: string; args: string[]; stderr: RegExp }[] = [];
for (const tool of [
  'bam2ndjson',
  'ndjson2bam',
  'bam-index',
  'collect-multi',
  'collect-alignment',
  'collect-basic',
  'collect-isize',
  'collect-merge',
]) {
  // With the required options given, so that the unknown flag is the one error.
  const required = tool === 'collect-merge' ? ['-o', 'q', 'p.json'] : tool.startsWith('collect') ? ['-i', 'x.bam', '-o', 'q'] : ['x.bam'];
  USAGE.push({ tool, args: [...required, '--no-such-flag'], stderr: /unknown option '--no-such-flag'/ });
  USAGE.push({ tool, args: [...required, '-Z'], stderr: /unknown option '-Z'/ });
}
for (const tool of ['bam2ndjson', 'ndjson2bam', 'collect-multi', 'collect-alignment', 'collect-basic', 'collect-isize']) {
  const input = tool.startsWith('collect') ? ['-i', 'x.bam', '-o', 'q'] : ['x.bam'];
  USAGE.push({ tool, args: [...input, '--threads', '0'], stderr: /--threads takes a whole number from 1 to 128, got '0'/ });
  USAGE.push({ tool, args: [...input, '--threads', '129'], stderr: /--threads takes a whole number from 1 to 128/ });
  USAGE.push({ tool, args: [...input, '-t', 'two'], stderr: /--threads takes a whole number/ });
}
for (const [flag, value, words] of [
  ['--isize::min-frac', '-1', /from 0 to 1/],
  ['--isize::min-frac', '1.5', /from 0 to 1/],
  ['--isize::deviations', '-3', /at least 0/],
  ['--alignment::max-insert-size', '-5', /whole number from 0/],
  ['--alignment::min-mapq', '300', /from 0 to 255/],
  ['--alignment::min-mapq', '2.5', /whole number/],
  ['--format', 'xml', /riker or picard/],
  ['--tools', 'nope', /unknown tool 'nope'/],
] as const) {
  USAGE.push({ tool: 'collect-multi', args: ['-i', 'x.bam', '-o', 'q', flag, value], stderr: words });
}
USAGE.push({ tool: 'collect-isize', args: ['-i', 'x.bam', '-o', 'q', '--min-frac', '-0.5'], stderr: /from 0 to 1/ });
USAGE.push({ tool: 'collect-alignment', args: ['-i', 'x.bam', '-o', 'q', '--min-mapq', '-1'], stderr: /from 0 to 255/ });
USAGE.push({ tool: 'collect-merge', args: [], stderr: /output|partial/ });
USAGE.push({ tool: 'bam2ndjson', args: ['x.bam', '--fields', 'nope'], stderr: /nope/ });
USAGE.push({ tool: 'bam-index', args: [], stderr: /missing required argument/ });
for (const usage of USAGE) {
  add({
    id: `usage: ${usage.tool} ${usage.args.join(' ')}`,
    setup: () => ({ tool: usage.tool, args: usage.args }),
    exit: 2,
    stderr: usage.stderr,
  });
}

// ---------------------------------------------------------------- outputs that cannot be written

/** Tools writing files, given a good input and where the output goes. */
const WRITERS: { name: string; run: (out: string) => Run; inputs: (dir: string) => Promise<void> }[] = [
  { name: 'bam2ndjson', run: (out) => ({ tool: 'bam2ndjson', args: ['in.bam', '-o', `${out}/x.ndjson`] }), inputs: goodBam },
  {
    name: 'ndjson2bam --write-index',
    run: (out) => ({ tool: 'ndjson2bam', args: ['in.bam', '-o', `${out}/x.bam`, '--write-index'] }),
    inputs: goodBam,
  },
  { name: 'collect-multi', run: (out) => ({ tool: 'collect-multi', args: ['-i', 'in.bam', '-o', `${out}/x`, '-q'] }), inputs: goodBam },
  { name: 'collect-isize', run: (out) => ({ tool: 'collect-isize', args: ['-i', 'in.bam', '-o', `${out}/x`, '-q'] }), inputs: goodBam },
  {
    name: 'collect-multi --partial',
    run: (out) => ({ tool: 'collect-multi', args: ['-i', 'in.bam', '--partial', `${out}/x.json`, '-q'] }),
    inputs: goodBam,
  },
  {
    name: 'fq-transform',
    run: (out) => {
      return { tool: 'fq-transform', args: ['process', 'c.toml', '-O', out] };
    },
    inputs: (dir) => {
      fqRun(dir, toml().replace("prefix = 'out/o'", "prefix = 'x'"), fastq(3000, 1, 1), fastq(3000, 2, 2));
      return Promise.resolve();
    },
  },
];
async function goodBam(dir: string): Promise<void> {
  fs.writeFileSync(path.join(dir, 'in.bam'), await validBam(dir));
}

for (const writer of WRITERS) {
  add({
    id: `output: ${writer.name} into a path that is a file`,
    setup: async (dir) => {
      await writer.inputs(dir);
      write(dir, 'blocker', 'a file where a folder is needed\n');
      return writer.run('blocker/sub');
    },
    exit: 1,
    stderr: /blocker/,
  });
  add({
    id: `output: ${writer.name} into a full disk`,
    skip: () => tmpfsProblem(),
    setup: async (dir) => {
      await writer.inputs(dir);
      mountTmpfs(path.join(dir, 'full'), 8);
      return writer.run('full');
    },
    exit: 1,
    stderr: /no space left on device/,
    mayLeave: /^full(\/x\.incompleted|\/filler)?$/,
  });
}

// ---------------------------------------------------------------- inputs given twice, FIFOs, indexes

add({
  id: 'collect-merge: the same partial twice (by two spellings)',
  setup: async (dir) => {
    await goodBam(dir);
    return { tool: 'bash', args: ['-c', 'TOOL collect-multi -i in.bam --partial p.json -q && TOOL collect-merge -o m p.json ./p.json'] };
  },
  exit: 1,
  stderr: /collect-merge: error: \.\/p\.json: given twice/,
  mayLeave: /^p\.json$/,
});
add({
  id: 'collect-merge: a copy of a partial',
  setup: async (dir) => {
    await goodBam(dir);
    return {
      tool: 'bash',
      args: ['-c', 'TOOL collect-multi -i in.bam --partial p.json -q && cp p.json q.json && TOOL collect-merge -o m p.json q.json'],
    };
  },
  exit: 1,
  stderr: /collect-merge: error: q\.json: a copy of p\.json/,
  mayLeave: /^[pq]\.json$/,
});
add({
  id: 'collect-merge: a binary file as a partial',
  setup: (dir) => {
    write(dir, 'p.json', garbage(300));
    return { tool: 'collect-merge', args: ['-o', 'm', 'p.json'] };
  },
  exit: 1,
  stderr: /p\.json.*not a partial-state file/,
});
for (const tool of ['bam2ndjson', 'collect-multi']) {
  add({
    id: `fifo: ${tool} --region on a FIFO is refused at once`,
    setup: async (dir) => {
      await goodBam(dir);
      const args = tool === 'bam2ndjson' ? ['f.fifo', '--region', 'chr1'] : ['-i', 'f.fifo', '--region', 'chr1', '-o', 'q', '-q'];
      return { tool: 'bash', args: ['-c', `mkfifo f.fifo && (cat in.bam > f.fifo &) && TOOL ${tool} ${args.join(' ')}`] };
    },
    exit: 1,
    stderr: /f\.fifo.*(regular|index)/,
    mayLeave: /^f\.fifo$/,
  });
}
/** Another BAM's index, copied over in.bam.bai: `references` of its header, records with a long tag (other offsets). */
async function foreignIndex(dir: string, references: number): Promise<void> {
  // A longer header text moves every record: the foreign offsets fall inside in.bam's records.
  const text = references === 1 ? '@SQ\tSN:chr1\tLN:100000\n' : `${HEADER_TEXT}@CO\t${'c'.repeat(333)}\n`;
  const refs = header.references.slice(0, references);
  const writer = await BamWriter.open(path.join(dir, 'other.bam'), makeHeader(text, refs), { writeIndex: true });
  for (const record of validRecords().filter((r) => r.refId < references))
    await writer.write({ ...record, tags: [...record.tags, { name: 'XL', type: 'Z', value: 'x'.repeat(3000) }] });
  await writer.close();
  fs.renameSync(path.join(dir, 'other.bam.bai'), path.join(dir, 'in.bam.bai'));
  fs.rmSync(path.join(dir, 'other.bam'));
}
for (const [id, references, region, words] of [
  ['an index with another reference count', 1, 'chr1', /index in\.bam\.bai does not belong to this BAM/],
  ['the index of another BAM (chr1)', 2, 'chr1:1000-2000', /index in\.bam\.bai does not match this BAM/],
  ['the index of another BAM (chr2)', 2, 'chr2', /index in\.bam\.bai does not match this BAM/],
] as const) {
  for (const tool of ['bam2ndjson', 'collect-multi']) {
    add({
      id: `index: ${id} is named as the problem (${tool})`,
      setup: async (dir) => {
        await goodBam(dir);
        await foreignIndex(dir, references);
        return tool === 'bam2ndjson'
          ? { tool, args: ['in.bam', '--region', region, '-o', 'out.ndjson'] }
          : { tool, args: ['-i', 'in.bam', '--region', region, '-o', 'qc/s', '-q'] };
      },
      exit: 1,
      stderr: words,
      mayLeave: /^in\.bam\.bai$/,
    });
  }
}

// ---------------------------------------------------------------- | head, signals

for (const [id, command] of [
  ['bam2ndjson | head -1', 'TOOL bam2ndjson in.bam | head -1 > /dev/null; exit ${PIPESTATUS[0]}'],
  ['bam2ndjson --threads 2 | head -1', 'TOOL bam2ndjson --threads 2 in.bam | head -1 > /dev/null; exit ${PIPESTATUS[0]}'],
  ['ndjson2bam -o - | head -c 10', 'TOOL bam2ndjson in.bam | TOOL ndjson2bam -o - | head -c 10 > /dev/null; exit ${PIPESTATUS[1]}'],
] as const) {
  add({
    id: `head: ${id} exits quietly`,
    setup: async (dir) => {
      await goodBam(dir);
      return { tool: 'bash', args: ['-c', command] };
    },
    exit: 0,
  });
}

const SIGNALLED: { name: string; run: Run; stdin: () => Promise<Uint8Array> | Uint8Array }[] = [
  { name: 'bam2ndjson -o', run: { tool: 'bam2ndjson', args: ['-', '-o', 'out.ndjson'] }, stdin: () => Buffer.from(samText()) },
  {
    name: 'ndjson2bam --write-index',
    run: { tool: 'ndjson2bam', args: ['-', '-o', 'out.bam', '--write-index'] },
    stdin: () => Buffer.from(samText()),
  },
  {
    name: 'collect-multi -i -',
    run: { tool: 'collect-multi', args: ['-i', '-', '-o', 'qc/s', '-q'] },
    stdin: () => Buffer.from(samText()),
  },
  {
    name: 'fq-transform reading stdin',
    run: { tool: 'fq-transform', args: ['process', 'c.toml'] },
    stdin: () => Buffer.from(fastq(100, 3, 1)),
  },
];
for (const signalled of SIGNALLED) {
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    add({
      id: `signal: ${signalled.name} stopped by ${signal}`,
      setup: async (dir) => {
        if (signalled.run.tool === 'fq-transform') write(dir, 'c.toml', "[input]\n    read1 = '-'\n[output]\n    prefix = 'out/o'\n");
        const stdin = await signalled.stdin();
        // A tool with an output file waits for more input with its temporary file open; the
        // collectors and fq-transform write nothing before the end, so they are stopped once running.
        const ready = signalled.run.tool.startsWith('collect') ? () => true : (files: string[]) => files.some((f) => f.includes('.tmp-'));
        return { ...signalled.run, stdin, signal: { name: signal, ready } };
      },
      exit: signal,
      mayLeave: /^(c\.toml|out|out\/o\.incompleted)$/,
    });
  }
}

// ---------------------------------------------------------------- tmpfs

let tmpfsChecked: string | undefined | null = null;
/** Why a small tmpfs cannot be mounted here (not root, no mount), or undefined when it can. */
export function tmpfsProblem(): string | undefined {
  if (tmpfsChecked !== null) return tmpfsChecked;
  const probe = fs.mkdtempSync(path.join(fs.realpathSync(process.env.TMPDIR ?? '/tmp'), 'shoal-tmpfs-probe-'));
  try {
    mountTmpfs(probe, 8);
    unmountTmpfs(probe);
    tmpfsChecked = undefined;
  } catch (error) {
    tmpfsChecked = `a full disk needs a small tmpfs, which cannot be mounted here (${(error as Error).message.split('\n')[0]})`;
  }
  fs.rmSync(probe, { recursive: true, force: true });
  return tmpfsChecked;
}

export const mounted: string[] = [];
/** A `kib` KiB tmpfs at `dir`, filled to the last byte by `dir/filler` (so any write fails with ENOSPC). */
export function mountTmpfs(dir: string, kib: number): void {
  fs.mkdirSync(dir, { recursive: true });
  execMount(['-t', 'tmpfs', '-o', `size=${kib}k`, 'tmpfs', dir]);
  mounted.push(dir);
  const fd = fs.openSync(path.join(dir, 'filler'), 'w');
  try {
    const page = Buffer.alloc(1024);
    for (;;) fs.writeSync(fd, page);
  } catch {
    // ENOSPC: full.
  } finally {
    fs.closeSync(fd);
  }
}
export function unmountTmpfs(dir: string): void {
  execUmount(dir);
  const at = mounted.indexOf(dir);
  if (at >= 0) mounted.splice(at, 1);
}

function execMount(args: string[]): void {
  execFileSync('mount', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}
function execUmount(dir: string): void {
  execFileSync('umount', [dir], { stdio: ['ignore', 'ignore', 'pipe'] });
}

export const FAULT_CASES: readonly FaultCase[] = cases;
