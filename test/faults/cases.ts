/**
 * The fault suite's table: one row per case. A row makes its inputs in its own folder (which is
 * also the tool's working directory), names the command, and says what must happen: the exit
 * (0, 1 runtime, 2 usage, or the signal that ends it), words that the single stderr line must
 * hold, and, for runs that must succeed, what their output must equal. Every failing case is also
 * held to the promises that hold for all (faults.test.ts): one line `<tool>: error: …`, no stack
 * trace, no raw bytes, no new file in the folder (no final-named output, no temporary file).
 *
 * Rows are mostly generated: each corruption of a BAM, SAM, NDJSON or FASTQ input is tried on the
 * tools that read it, each unwritable place on every kind of writer. A new tool adds itself to the
 * reader and writer lists below and its own rows (test/faults/README.md).
 *
 * Budget: the suite runs inside `npm test` and must stay well under a minute on 2 cores. A run is
 * mostly Node's start-up, 0.3 s of CPU (README.md, "The budget"), about 0.5 s with a worker
 * thread, so runs use `-t 1` unless the threads are the point (`-t 2` readers, which take the
 * engine's worker path), and a corruption is tried on one tool of each reading path rather than on
 * every tool: the collectors share one reader, so they take turns (`rotate`).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BamWriter, buildFaiIndex, encodeRecord, encodeStreamPreamble, makeHeader, writeFaiFile } from '@shoal/hts';
import { cudaDtw, matrixFrame, matrixStreamEndFrame, matrixStreamHeaderFrame } from '@shoal/nanopore';
import {
  HEADER_TEXT,
  fastq,
  garbage,
  gzip,
  header,
  headerBytes,
  partialState,
  patchedRecords,
  referenceFasta,
  samText,
  samWithEdit,
  tagsOffset,
  validBam,
  validRecords,
  withExtraTagBytes,
  write,
  writeBam,
  writeBgzf,
  writeBlow5,
  segmentStream,
} from './inputs.js';
import { fullDiskProblem, makeFullDisk, makeReadOnly, readOnlyProblem } from './mounts.js';

/** 0 success, 1 runtime error, 2 usage error, or the signal that must end the run. */
export type Exit = 0 | 1 | 2 | NodeJS.Signals;

export interface Run {
  /**
   * The executable (bam2ndjson, collect-multi, fq-transform, …), or 'bash' for a pipeline, where
   * `TOOL <name> …` runs a built tool and `pipe_status N` exits with N, a death by SIGPIPE (141)
   * counted as 0: both are the quiet end a closed pipe must give.
   */
  tool: string;
  args: string[];
  stdin?: string | Uint8Array;
  /** A file of the case folder to give as stdin (instead of `stdin`). */
  stdinFile?: string;
  /** Send this signal once `ready(files below the folder)` holds; stdin stays open until then. */
  signal?: { name: NodeJS.Signals; ready: (files: string[]) => boolean };
}

export interface FaultCase {
  id: string;
  setup: (dir: string) => Promise<Run> | Run;
  exit: Exit;
  /** Must match the one stderr line (failures). For successes stderr must be empty. */
  stderr?: RegExp;
  /** For exit 0: checks on the folder and stdout against the reference; returns a problem, or undefined. */
  check?: (dir: string, stdout: string) => string | undefined;
  /** Files (relative) that a failure may leave: fq-transform's run marker, inputs the command made. */
  mayLeave?: RegExp;
  /** A reason to skip, decided when the suite starts (no tmpfs here); reported with the case's name. */
  skip?: () => string | undefined;
}

const cases: FaultCase[] = [];
const add = (c: FaultCase): void => {
  cases.push(c);
};

/** A tool reading one input, with its outputs inside the case folder. */
interface Reader {
  name: string;
  run: (input: string) => Run;
}
/** The collectors share one reader (packages/qc/src/run.ts): a corruption needs one of them per path. */
const COLLECTORS = ['collect-multi', 'collect-alignment', 'collect-isize', 'collect-basic'] as const;
const collector = (tool: string, threads: number): Reader => ({
  name: `${tool} -t ${threads}`,
  run: (input) => ({ tool, args: ['-i', input, '-o', 'qc/s', '-q', '-t', String(threads)] }),
});
/**
 * The collectors taking turns: collect-multi on the engine (-t 2), the others through hts's reader
 * on the main thread (-t 1), so that both of qc's reading paths and every collector get each format's faults.
 */
const COLLECTORS_IN_TURN: Reader[] = COLLECTORS.map((tool) => collector(tool, tool === 'collect-multi' ? 2 : 1));
/** The reader standing for a group at row `index`: the group's tools take turns. */
const rotate = (group: Reader[], index: number): Reader => group[index % group.length]!;

// ---------------------------------------------------------------- BAM inputs

const bam2ndjson = (threads: number): Reader => ({
  name: `bam2ndjson -t ${threads}`,
  run: (input) => ({ tool: 'bam2ndjson', args: [input, '-o', 'out.ndjson', '-t', String(threads)] }),
});
const ndjson2bam: Reader = {
  name: 'ndjson2bam --write-index',
  run: (input) => ({ tool: 'ndjson2bam', args: [input, '-o', 'out.bam', '--write-index', '-t', '1'] }),
};
const bamIndex: Reader = { name: 'bam-index', run: (input) => ({ tool: 'bam-index', args: [input] }) };
/**
 * bam-sort reads as ndjson2bam does (hts's openAlignments), so the two take turns; with 1 KiB of
 * memory it spills runs of a few records, which a fault later in the file must leave behind none of.
 */
const bamSort: Reader = {
  name: 'bam-sort -m 1K --write-index',
  run: (input) => ({ tool: 'bam-sort', args: [input, '-o', 'out.bam', '-m', '1K', '--write-index', '-t', '1'] }),
};

/**
 * The ways a BAM is read: the engine on the main thread (bam2ndjson -t 1) and with inflate on
 * workers (-t 2, the default), hts's reader (ndjson2bam and bam-sort in turn, the collectors at -t
 * 1), the indexer, and qc on the engine (collect-multi -t 2). A fault of the container (BGZF,
 * header) is tried on each tool; a fault of one record on bam2ndjson as users run it, and on one
 * tool of each other pair.
 */
const CONTAINER_READERS = (index: number): Reader[] => [
  bam2ndjson(1),
  bam2ndjson(2),
  rotate([ndjson2bam, bamSort], index),
  bamIndex,
  rotate(COLLECTORS_IN_TURN, index),
];
const RECORD_READERS = (index: number): Reader[] => [
  bam2ndjson(2),
  rotate([ndjson2bam, bamIndex, bamSort], index),
  rotate(COLLECTORS_IN_TURN, index),
];

const encoded = (): Uint8Array[] => validRecords().map(encodeRecord);

interface BamFault {
  id: string;
  make: (file: string) => Promise<void>;
  stderr: RegExp;
}

/** read010 (the 11th record) patched; offsets are those of SAM spec §4.2.1. */
const recordFault = (id: string, patch: Parameters<typeof patchedRecords>[0], stderr: RegExp): BamFault => ({
  id,
  make: (file) => writeBam(file, patchedRecords(patch)),
  stderr,
});
const bytesFault = (id: string, bytes: () => Promise<Uint8Array>, stderr: RegExp): BamFault => ({
  id,
  make: async (file) => fs.writeFileSync(file, await bytes()),
  stderr,
});

const CONTAINER_FAULTS: BamFault[] = [
  bytesFault(
    'truncated mid-block',
    async () => {
      const bytes = await validBam();
      return bytes.subarray(0, Math.floor(bytes.length / 2));
    },
    /in\.bam \(byte offset \d+\).*truncated/,
  ),
  bytesFault(
    'no EOF marker block',
    async () => {
      const bytes = await validBam();
      return bytes.subarray(0, bytes.length - 28);
    },
    /in\.bam \(byte offset \d+\).*EOF marker/,
  ),
  bytesFault('garbage', () => Promise.resolve(garbage(5000)), /in\.bam \(byte offset 0\).*(not BAM|not a BGZF)/),
  bytesFault(
    'plain gzip, not BGZF',
    () => Promise.resolve(gzip(Buffer.concat([headerBytes(), ...encoded()]).toString('latin1'))),
    /in\.bam.*(plain gzip|BGZF)/,
  ),
  bytesFault('empty file', () => Promise.resolve(Buffer.alloc(0)), /in\.bam.*(empty|no data|no BAM|not BAM)/),
  bytesFault(
    'CRC32 mismatch',
    async () => {
      const bytes = Buffer.from(await validBam());
      // The first block's CRC32 sits 8 bytes before its end (BSIZE at offset 16 is the block size - 1).
      const blockEnd = bytes.readUInt16LE(16) + 1;
      bytes[blockEnd - 8] = bytes[blockEnd - 8]! ^ 0xff;
      return bytes;
    },
    /in\.bam \(byte offset 0\).*CRC/,
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
    make: (file) => writeBgzf(file, Buffer.concat([headerBytes(), ...encoded()]).subarray(0, headerBytes().length + 300)),
    stderr: /in\.bam.*truncated BAM record/,
  },
];

const RECORD_FAULTS: BamFault[] = [
  recordFault('reference id beyond the header', (_, v) => v.setInt32(4, 5, true), /in\.bam \(byte offset.*reference id 5/),
  recordFault('reference id -2', (_, v) => v.setInt32(4, -2, true), /in\.bam \(byte offset.*reference id -2/),
  recordFault('mate reference id beyond the header', (_, v) => v.setInt32(24, 9, true), /in\.bam \(byte offset.*mate reference id 9/),
  recordFault('negative position', (_, v) => v.setInt32(8, -5, true), /in\.bam \(byte offset.*position -5/),
  recordFault('negative mate position', (_, v) => v.setInt32(28, -7, true), /in\.bam \(byte offset.*mate position -7/),
  recordFault('read name without NUL', (b) => void (b[36 + b[12]! - 1] = 0x78), /in\.bam \(byte offset.*NUL-terminated/),
  recordFault('l_read_name 0', (b) => void (b[12] = 0), /in\.bam \(byte offset.*corrupt BAM record/),
  recordFault(
    'CIGAR operation 15',
    (b, v) => v.setUint32(36 + b[12]!, (50 << 4) | 15, true),
    /in\.bam \(byte offset.*unknown CIGAR operation/,
  ),
  recordFault(
    'CIGAR longer than SEQ',
    (b, v) => v.setUint32(36 + b[12]!, (51 << 4) | 0, true),
    /in\.bam \(byte offset.*CIGAR and query sequence lengths differ/,
  ),
  recordFault('negative l_seq', (_, v) => v.setInt32(20, -3, true), /in\.bam \(byte offset.*corrupt BAM record/),
  recordFault('l_seq past the record', (_, v) => v.setInt32(20, 5000, true), /in\.bam \(byte offset.*corrupt BAM record/),
  recordFault('block_size too small', (_, v) => v.setUint32(0, 20, true), /in\.bam \(byte offset.*block_size/),
  recordFault('block_size implausible', (_, v) => v.setUint32(0, 0x7ffffff0, true), /in\.bam \(byte offset.*block_size/),
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
  recordFault(
    'B array of unknown subtype',
    (b) => withExtraTagBytes(b, [0x58, 0x42, 0x42, 0x51, 0, 0, 0, 0]),
    /in\.bam \(byte offset.*unknown array type/,
  ),
  recordFault('unknown tag type', (b) => withExtraTagBytes(b, [0x58, 0x51, 0x71, 1]), /in\.bam \(byte offset.*XQ has an unknown type/),
  recordFault(
    'tag type byte not printable (shown escaped)',
    (b) => withExtraTagBytes(b, [0x58, 0x51, 0x01, 1]),
    /in\.bam \(byte offset.*unknown type "?\\(x01|u0001)/,
  ),
  recordFault('integer tag cut short', (b) => withExtraTagBytes(b, [0x58, 0x49, 0x69, 1]), /in\.bam \(byte offset.*XI runs past/),
  recordFault(
    'last tag cut inside the record',
    (b, v) => {
      const at = tagsOffset(b, v);
      // Drop the last byte of the record: its RG:Z text then ends without a NUL.
      const out = b.slice(0, b.length - 1);
      new DataView(out.buffer).setUint32(0, out.length - 4, true);
      return at > 0 ? out : b;
    },
    /in\.bam \(byte offset.*NUL-terminated/,
  ),
];

const bamRows = (faults: BamFault[], readers: (index: number) => Reader[]): void =>
  faults.forEach((fault, index) => {
    for (const reader of readers(index))
      add({
        id: `bam: ${fault.id} (${reader.name})`,
        setup: async (dir) => {
          await fault.make(path.join(dir, 'in.bam'));
          return reader.run('in.bam');
        },
        exit: 1,
        stderr: fault.stderr,
      });
  });
bamRows(CONTAINER_FAULTS, CONTAINER_READERS);
bamRows(RECORD_FAULTS, RECORD_READERS);

// ---------------------------------------------------------------- SAM inputs

/** SAM is parsed by hts's SamReader in every tool: a fault is tried on one converter, and every other one on a collector too. */
const SAM_READERS = (index: number): Reader[] => [
  rotate(
    [
      { name: 'bam2ndjson', run: (file) => ({ tool: 'bam2ndjson', args: [file, '-o', 'out.ndjson', '-t', '1'] }) },
      { name: 'ndjson2bam', run: (file) => ({ tool: 'ndjson2bam', args: [file, '-o', 'out.bam', '-t', '1'] }) },
      bamSort,
    ],
    index,
  ),
  ...(index % 2 === 0 ? [rotate(COLLECTORS_IN_TURN, index >> 1)] : []),
];

const field = (index: number, value: string) => (fields: string[]) => fields.map((f, i) => (i === index ? value : f));
/** Faults in read010's line, line 15 of in.sam (4 header lines, then read000…). */
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
    id: 'control character in the read name (shown escaped)',
    text: () => samWithEdit(field(0, 'read\x01ten')),
    stderr: /in\.sam \(line 15\).*read name "read\\(u0001|x01)ten" is not printable/,
  },
  { id: 'POS not a number', text: () => samWithEdit(field(3, '12x')), stderr: /in\.sam \(line 15\).*POS/ },
  {
    id: '@SQ length beyond 32 bits',
    text: () => samText().replace('LN:100000', 'LN:10000000000'),
    stderr: /in\.sam \(line 2\).*LN 10000000000 does not fit/,
  },
];
SAM_FAULTS.forEach((fault, index) => {
  for (const reader of SAM_READERS(index))
    add({
      id: `sam: ${fault.id} (${reader.name})`,
      setup: (dir) => {
        write(dir, 'in.sam', fault.text());
        return reader.run('in.sam');
      },
      exit: 1,
      stderr: fault.stderr,
    });
});

/** read010 of bam2ndjson's NDJSON, written back as a SAM line the way samtools writes it (integer tag types as i, floats as %g). */
function read010AsSam(stdout: string): string | undefined {
  const line = stdout.split('\n').find((l) => l.startsWith('{"qname":"read010"'));
  if (line === undefined) return undefined;
  const r = JSON.parse(line) as Record<string, string | number> & { tags: Record<string, [string, unknown]> };
  const special: Record<string, string> = { Infinity: 'inf', '-Infinity': '-inf', NaN: 'nan' };
  const number = (v: unknown): string => (typeof v === 'string' ? (special[v] ?? v) : Object.is(v, -0) ? '-0' : String(v));
  const tags = Object.entries(r.tags).map(([name, [type, value]]) => {
    if ('cCsSiI'.includes(type)) return `${name}:i:${number(value)}`;
    if (type === 'f') return `${name}:f:${number(value)}`;
    if (type.startsWith('B:')) return `${name}:${type},${(value as unknown[]).map(number).join(',')}`;
    return `${name}:${type}:${String(value)}`;
  });
  return [r.qname, r.flag, r.rname, r.pos, r.mapq, r.cigar, r.rnext, r.pnext, r.tlen, r.seq, r.qual, ...tags].join('\t');
}

const SEQ = 'GCATGCATGCATGCATGCATGCATGCATGCATGCATGCATGCATGCATGC';
const QUAL = '?@ABCDEFGH56789:;<=>?@ABCDEFGH56789:;<=>?@ABCDEFGH';
/**
 * SAM that samtools normalises as it reads, with read010 as samtools 1.16.1 writes it back
 * (`samtools view -b in.sam | samtools view | grep ^read010`, run on these very inputs); bam2ndjson
 * must read the same record. Not taken: samtools also reads a FLAG in hex (0x63), which the SAM
 * spec does not allow and no aligner writes.
 */
const SAM_NORMALISATIONS: { id: string; text: () => string; samtools: string }[] = [
  {
    id: 'RNAME * gets the unmapped flag',
    text: () => samWithEdit((f) => f.map((v, i) => (i === 2 || i === 6 ? '*' : v))),
    samtools: `read010\t103\t*\t471\t60\t50M\t*\t621\t200\t${SEQ}\t${QUAL}\tNM:i:1\tRG:Z:rg1`,
  },
  {
    id: 'CIGAR * on a mapped read gets the unmapped flag',
    text: () => samWithEdit(field(5, '*')),
    samtools: `read010\t103\tchr1\t471\t60\t*\t=\t621\t200\t${SEQ}\t${QUAL}\tNM:i:1\tRG:Z:rg1`,
  },
  {
    id: 'MAPQ 300 is stored as 255',
    text: () => samWithEdit(field(4, '300')),
    samtools: `read010\t99\tchr1\t471\t255\t50M\t=\t621\t200\t${SEQ}\t${QUAL}\tNM:i:1\tRG:Z:rg1`,
  },
  {
    id: 'a line ending in a tab',
    text: () => samWithEdit((f) => [...f, '']),
    samtools: `read010\t99\tchr1\t471\t60\t50M\t=\t621\t200\t${SEQ}\t${QUAL}\tNM:i:1\tRG:Z:rg1`,
  },
  {
    id: 'lower-case bases are stored upper-case',
    text: () => samWithEdit((f) => f.map((v, i) => (i === 9 ? v.toLowerCase() : v))),
    samtools: `read010\t99\tchr1\t471\t60\t50M\t=\t621\t200\t${SEQ}\t${QUAL}\tNM:i:1\tRG:Z:rg1`,
  },
  {
    id: 'a . base is stored as N',
    text: () => samWithEdit((f) => f.map((v, i) => (i === 9 ? `.${v.slice(1)}` : v))),
    samtools: `read010\t99\tchr1\t471\t60\t50M\t=\t621\t200\tNCATGCATGCATGCATGCATGCATGCATGCATGCATGCATGCATGCATGC\t${QUAL}\tNM:i:1\tRG:Z:rg1`,
  },
  {
    id: 'QUAL * is kept',
    text: () => samWithEdit(field(10, '*')),
    samtools: `read010\t99\tchr1\t471\t60\t50M\t=\t621\t200\t${SEQ}\t*\tNM:i:1\tRG:Z:rg1`,
  },
  {
    id: 'RNEXT the same as RNAME is written =',
    text: () => samWithEdit(field(6, 'chr1')),
    samtools: `read010\t99\tchr1\t471\t60\t50M\t=\t621\t200\t${SEQ}\t${QUAL}\tNM:i:1\tRG:Z:rg1`,
  },
  {
    id: 'a tag named A! (htslib auxf#values.sam)',
    text: () => samWithEdit((f) => [...f, 'A!:i:3']),
    samtools: `read010\t99\tchr1\t471\t60\t50M\t=\t621\t200\t${SEQ}\t${QUAL}\tNM:i:1\tRG:Z:rg1\tA!:i:3`,
  },
  {
    id: 'float tags -0, inf, -inf, nan',
    text: () => samWithEdit((f) => [...f, 'XA:f:-0', 'XB:f:inf', 'XC:f:-inf', 'XD:f:nan']),
    samtools: `read010\t99\tchr1\t471\t60\t50M\t=\t621\t200\t${SEQ}\t${QUAL}\tNM:i:1\tRG:Z:rg1\tXA:f:-0\tXB:f:inf\tXC:f:-inf\tXD:f:nan`,
  },
  {
    id: 'integer tags at the ends of their types',
    text: () => samWithEdit((f) => [...f, 'XI:i:-1', 'XJ:i:4294967295', 'XK:i:-2147483648']),
    samtools: `read010\t99\tchr1\t471\t60\t50M\t=\t621\t200\t${SEQ}\t${QUAL}\tNM:i:1\tRG:Z:rg1\tXI:i:-1\tXJ:i:4294967295\tXK:i:-2147483648`,
  },
];
for (const row of SAM_NORMALISATIONS) {
  add({
    id: `sam normalised as samtools: ${row.id}`,
    setup: (dir) => {
      write(dir, 'in.sam', row.text());
      return { tool: 'bam2ndjson', args: ['in.sam', '-t', '1'] };
    },
    exit: 0,
    check: (_, stdout) => {
      const ours = read010AsSam(stdout);
      return ours === row.samtools ? undefined : `read010 is ${JSON.stringify(ours)}, samtools: ${JSON.stringify(row.samtools)}`;
    },
  });
}

const ROUND_TRIP =
  'TOOL bam2ndjson -t 1 in.sam > a.ndjson && TOOL ndjson2bam -t 1 a.ndjson -o b.bam && TOOL bam2ndjson -t 1 b.bam > b.ndjson';
const sameNdjson = (dir: string): string | undefined => {
  const [a, b] = ['a.ndjson', 'b.ndjson'].map((f) => (fs.existsSync(path.join(dir, f)) ? fs.readFileSync(path.join(dir, f), 'utf8') : ''));
  if (!a) return 'no a.ndjson';
  return a === b ? undefined : 'the second NDJSON differs from the first';
};
// Whatever bam2ndjson writes, ndjson2bam reads back to the same records.
for (const tag of ['XA:f:-0', 'XE:B:f,-0,inf,nan']) {
  add({
    id: `round trip: ${tag} through bam2ndjson | ndjson2bam | bam2ndjson`,
    setup: (dir) => {
      write(
        dir,
        'in.sam',
        samWithEdit((f) => [...f, tag]),
      );
      return { tool: 'bash', args: ['-o', 'pipefail', '-c', ROUND_TRIP] };
    },
    exit: 0,
    check: sameNdjson,
  });
}

// htslib's own test inputs (test/fixtures/htslib, with their origin).
const HTSLIB = path.resolve(import.meta.dirname, '..', 'fixtures', 'htslib');
[...SAM_READERS(0), ...SAM_READERS(1)].forEach((reader) => {
  add({
    id: `htslib longrefs/longref.sam: 64-bit lengths refused (${reader.name})`,
    setup: (dir) => {
      fs.copyFileSync(path.join(HTSLIB, 'longref.sam'), path.join(dir, 'longref.sam'));
      return reader.run('longref.sam');
    },
    exit: 1,
    stderr: /longref\.sam \(line 1\).*LN 10001009800 does not fit/,
  });
});
{
  const file = 'MM-double.sam';
  add({
    id: `htslib base_mods/${file}: RNAME * reads as unmapped (flag 4, as samtools)`,
    setup: () => ({ tool: 'bam2ndjson', args: [path.join(HTSLIB, file), '-t', '1'] }),
    exit: 0,
    check: (_, stdout) => {
      const records = stdout.split('\n').filter((line) => line.startsWith('{"qname"'));
      const mapped = records.filter((line) => !/"flag":4,/.test(line));
      return records.length > 0 && mapped.length === 0 ? undefined : `${mapped.length} of ${records.length} records without flag 4`;
    },
  });
}
{
  const file = 'MM-explicit.sam';
  add({
    id: `htslib base_mods/${file}: collect-alignment counts no aligned reads`,
    setup: () => ({ tool: 'collect-alignment', args: ['-i', path.join(HTSLIB, file), '-o', 'qc/s', '-q', '-t', '1'] }),
    exit: 0,
    check: (dir) => {
      const file = path.join(dir, 'qc/s.alignment-metrics.txt');
      if (!fs.existsSync(file)) return 'no qc/s.alignment-metrics.txt';
      const [head, ...rows] = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
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
    return { tool: 'bash', args: ['-o', 'pipefail', '-c', ROUND_TRIP] };
  },
  exit: 0,
  check: sameNdjson,
});

add({
  id: 'bam2ndjson: a tag twice in a record is refused (a JSON object cannot hold it)',
  setup: (dir) => {
    write(
      dir,
      'in.sam',
      samWithEdit((f) => [...f, 'NM:i:7']),
    );
    return { tool: 'bam2ndjson', args: ['in.sam', '-o', 'out.ndjson', '-t', '1'] };
  },
  exit: 1,
  stderr: /in\.sam \(line 15\).*read010 has tag NM twice/,
});

// ---------------------------------------------------------------- NDJSON inputs

/** ndjson2bam reads NDJSON into BAM and gets every fault; bam2ndjson and the collectors (from stdin) take turns at every other one. */
const NDJSON_READERS = (index: number): Reader[] => [
  { name: 'ndjson2bam', run: (file) => ({ tool: 'ndjson2bam', args: [file, '-o', 'out.bam', '--write-index', '-t', '1'] }) },
  ...(index % 2 === 0
    ? []
    : [
        rotate(
          [
            { name: 'bam2ndjson', run: (file) => ({ tool: 'bam2ndjson', args: [file, '-o', 'out.ndjson', '-t', '1'] }) },
            {
              name: 'collect-multi -i -',
              run: (file) => ({ tool: 'collect-multi', args: ['-i', '-', '-o', 'qc/s', '-q', '-t', '1'], stdinFile: file }),
            },
          ],
          index >> 1,
        ),
      ]),
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
/** Faults in line 3 (after the header and one good record). */
const NDJSON_FAULTS: { id: string; line: string; stderr: RegExp }[] = [
  { id: 'pos beyond 32 bits', line: ndjsonRecord({ pos: 10000000002 }), stderr: /line 3.*POS 10000000002 does not fit/ },
  { id: 'tlen beyond 32 bits', line: ndjsonRecord({ tlen: -3000000000 }), stderr: /line 3.*TLEN -3000000000/ },
  { id: 'negative pos', line: ndjsonRecord({ pos: -4 }), stderr: /line 3.*POS -4 is negative/ },
  { id: 'pos not an integer', line: ndjsonRecord({ pos: 1.5 }), stderr: /line 3.*pos/ },
  { id: 'mapq 300', line: ndjsonRecord({ mapq: 300 }), stderr: /line 3.*mapq/i },
  { id: 'flag 70000', line: ndjsonRecord({ flag: 70000 }), stderr: /line 3.*flag/i },
  { id: 'CIGAR longer than seq', line: ndjsonRecord({ cigar: '5M' }), stderr: /line 3.*CIGAR and query sequence lengths differ/ },
  { id: 'unknown reference', line: ndjsonRecord({ rname: 'chrQ' }), stderr: /line 3.*chrQ/ },
  { id: 'qual longer than seq', line: ndjsonRecord({ qual: 'IIIII' }), stderr: /line 3.*qual/i },
  { id: 'tag with a bad type', line: ndjsonRecord({ tags: { XX: ['Q', 1] } }), stderr: /line 3.*XX/ },
  { id: 'tag name of three characters', line: ndjsonRecord({ tags: { XXX: ['i', 1] } }), stderr: /line 3.*tag name/ },
  { id: 'not JSON', line: '{"qname": "x1", flag', stderr: /line 3/ },
  { id: 'binary bytes in the line', line: `{"qname":"\u0001\u0002\u00ff"`, stderr: /line 3/ },
];
NDJSON_FAULTS.forEach((fault, index) => {
  for (const reader of NDJSON_READERS(index))
    add({
      id: `ndjson: ${fault.id} (${reader.name})`,
      setup: (dir) => {
        write(dir, 'in.ndjson', `${NDJSON_HEADER}\n${ndjsonRecord({ qname: 'x0' })}\n${fault.line}\n`);
        return reader.run('in.ndjson');
      },
      exit: 1,
      stderr: fault.stderr,
    });
});

// ---------------------------------------------------------------- FASTQ, TOML and fq-transform

const toml = (extra = '', input = "read1 = 'r1.fq'\n    read2 = 'r2.fq'") =>
  `[input]\n    ${input}\n${extra}[output]\n    prefix = 'out/o'\n`;
/** r1.fq, r2.fq and c.toml in `dir`; the run is `fq-transform process c.toml -t 1` plus `extra`. */
const fqRun = (dir: string, config: string, r1 = fastq(50, 1, 1), r2 = fastq(50, 2, 2), extra = ['-t', '1']): Run => {
  write(dir, 'r1.fq', r1);
  write(dir, 'r2.fq', r2);
  write(dir, 'c.toml', config);
  return { tool: 'fq-transform', args: ['process', 'c.toml', ...extra] };
};
/** fq-transform's input faults run in the workpool on the main thread; some also with workers, and in the classic pipeline. */
const FQ_MODES: { mode: string; extra: string[]; rows: number[] }[] = [
  { mode: '-t 1', extra: ['-t', '1'], rows: [0, 1, 2, 3, 4, 5, 6, 7, 8] },
  { mode: '-t 2', extra: ['-t', '2'], rows: [0, 3] },
  { mode: '--no-workpool', extra: ['-t', '1', '--no-workpool'], rows: [1] },
];
const FQ_INPUT_FAULTS: { id: string; r1: () => string; r2?: () => string; stderr: RegExp }[] = [
  { id: 'truncated record', r1: () => fastq(50, 1, 1).slice(0, -40), stderr: /r1\.fq \((record|line|byte offset) \d+/ },
  { id: "missing '+' line", r1: () => fastq(50, 1, 1).replace('\n+\n', '\n-\n'), stderr: /r1\.fq \((record|line) \d+\)/ },
  {
    id: 'quality longer than sequence',
    r1: () => fastq(50, 1, 1).replace(/\n\+\n(.*)\n/, '\n+\n$1I\n'),
    stderr: /r1\.fq \((record|line) \d+\)/,
  },
  { id: 'record without @', r1: () => `x${fastq(50, 1, 1).slice(1)}`, stderr: /r1\.fq \((byte offset 0|line 1|record 1)\)/ },
  { id: 'read 2 shorter than read 1', r1: () => fastq(50, 1, 1), r2: () => fastq(40, 2, 2), stderr: /r2\.fq.*(fewer|more|ends)/ },
  { id: 'binary garbage as FASTQ', r1: () => garbage(3000).toString('latin1'), stderr: /r1\.fq/ },
  {
    id: 'a blank line between records',
    r1: () => fastq(50, 1, 1).replace(/\n@/, '\n\n@'),
    stderr: /r1\.fq \(record 2\): expected '@' at the start of a FASTQ record, found a blank line/,
  },
  {
    id: 'old Mac line ends (bare CR)',
    r1: () => fastq(50, 1, 1).replaceAll('\n', '\r'),
    stderr: /r1\.fq \(record 1\): its lines end in a bare carriage return/,
  },
  {
    id: 'a wrapped (multi-line) record',
    r1: () => fastq(50, 1, 1).replace(/^(@[^\n]*\n)([A-Z]{10})([A-Z]*\n\+\n)(.{10})/, '$1$2\n$3$4\n'),
    stderr: /r1\.fq \(record 1\): Expected \+ after sequence, found '[A-Z]': the sequence goes on over another line \(multi-line FASTQ\)/,
  },
];
FQ_INPUT_FAULTS.forEach((fault, index) => {
  for (const { mode, extra } of FQ_MODES.filter(({ rows }) => rows.includes(index)))
    add({
      id: `fastq: ${fault.id} (fq-transform process ${mode})`,
      setup: (d) => fqRun(d, toml(), fault.r1(), fault.r2?.(), extra),
      exit: 1,
      stderr: fault.stderr,
      mayLeave: /(^|\/)o\.incompleted$/,
    });
});
for (const { mode, extra } of FQ_MODES.slice(1, 2))
  add({
    id: `fastq: gzip input cut short (fq-transform process ${mode})`,
    setup: (d) => {
      const packed = gzip(fastq(200, 1, 1));
      write(d, 'r1.fq.gz', packed.subarray(0, packed.length - 30));
      return fqRun(d, toml('', "read1 = 'r1.fq.gz'\n    read2 = 'r2.fq'"), fastq(1, 1, 1), fastq(200, 2, 2), extra);
    },
    exit: 1,
    stderr: /r1\.fq\.gz/,
    mayLeave: /(^|\/)o\.incompleted$/,
  });

/** A Demultiplex of read1's first four bases by `[barcodes.b]` (`barcodes` lines), then `after`. */
const demultiplexConfig = (barcodes: string, label = 'bc', section = 'b', after = ''): string =>
  toml(
    "[[step]]\n    action = 'ExtractRegion'\n    source = 'read1'\n    start = 0\n    length = 4\n    anchor = 'Start'\n    out_label = 'bc'\n" +
      `[[step]]\n    action = 'Demultiplex'\n    in_label = '${label}'\n    barcodes = '${section}'\n    output_unmatched = true\n${after}`,
  ) + `[barcodes.b]\n${barcodes}`;

/** Configuration faults: refused by `process` before any output, and by `validate` alike. */
const TOML_FAULTS: { id: string; config: string; stderr: RegExp }[] = [
  { id: 'binary bytes', config: garbage(400).toString('latin1'), stderr: /c\.toml/ },
  { id: 'TOML syntax error', config: '[input\nread1 = 1\n', stderr: /c\.toml.*line \d/ },
  { id: 'unknown action', config: toml("[[step]]\n    action = 'NoSuchStep'\n"), stderr: /c\.toml.*NoSuchStep/ },
  { id: 'unknown key', config: toml("[[step]]\n    action = 'Head'\n    n = 5\n    bogus = 1\n"), stderr: /c\.toml.*bogus/ },
  { id: 'negative Head n', config: toml("[[step]]\n    action = 'Head'\n    n = -5\n"), stderr: /c\.toml.*\bn\b/ },
  { id: 'no [input]', config: "[output]\n    prefix = 'out/o'\n", stderr: /c\.toml.*input/ },
  { id: 'options.threads 0', config: `${toml()}[options]\n    threads = 0\n`, stderr: /c\.toml.*threads/ },
  {
    id: 'TrimAdapter: an adapter with a non-IUPAC letter',
    config: toml("[[step]]\n    action = 'TrimAdapter'\n    segment = 'read1'\n    adapter = 'AGATCGGAJGAGC'\n"),
    stderr: /c\.toml \(line \d+\).*'adapter'.*'J' in adapter 'AGATCGGAJGAGC' is not an IUPAC letter/,
  },
  {
    id: 'TrimAdapter: an adapter of Ns only',
    config: toml("[[step]]\n    action = 'TrimAdapter'\n    segment = 'read1'\n    adapter = 'NNNN'\n"),
    stderr: /c\.toml \(line \d+\).*'adapter'.*only N wildcards/,
  },
  {
    id: 'TrimQualityWindow: no cut mode',
    config: toml("[[step]]\n    action = 'TrimQualityWindow'\n    window_size = 4\n"),
    stderr: /c\.toml \(line \d+\).*cut_front, cut_tail and cut_right/,
  },
  {
    id: "TrimQualityWindow: mean quality above fastp's 36",
    config: toml("[[step]]\n    action = 'TrimQualityWindow'\n    cut_tail = true\n    mean_quality = 40\n"),
    stderr: /c\.toml \(line \d+\).*'mean_quality'.*at most 36/,
  },
  {
    id: 'TagDuplicates: a false positive rate without a seed',
    config: toml(
      "[[step]]\n    action = 'TagDuplicates'\n    source = 'All'\n    false_positive_rate = 0.01\n    out_label = 'dup'\n[[step]]\n    action = 'FilterByTag'\n    in_label = 'dup'\n    keep_or_remove = 'Remove'\n",
    ),
    stderr: /c\.toml \(line \d+\).*'seed'.*required/,
  },
  {
    id: 'MergeReads: concatenate without a spacer',
    config: toml(
      "[[step]]\n    action = 'MergeReads'\n    algorithm = 'Fastp'\n    segment1 = 'read1'\n    segment2 = 'read2'\n    reverse_complement_segment2 = true\n    min_overlap = 30\n    max_mismatch_rate = 0.2\n    max_mismatch_count = 5\n    no_overlap_strategy = 'concatenate'\n",
    ),
    stderr: /c\.toml \(line \d+\).*MergeReads.*'concatenate_spacer'/,
  },
  {
    id: 'TagOtherFile: a BAM without include_mapped / include_unmapped',
    config: toml(
      "[[step]]\n    action = 'TagOtherFile'\n    filename = 'other.bam'\n    source = 'read1'\n    out_label = 'seen'\n    include_mapped = true\n[[step]]\n    action = 'FilterByTag'\n    in_label = 'seen'\n    keep_or_remove = 'Remove'\n",
    ),
    stderr: /c\.toml \(line \d+\).*TagOtherFile.*you must specify `include_unmapped`/,
  },
  {
    id: 'Report: count_oligos with a letter other than A/C/G/T',
    config: toml("[[step]]\n    action = 'Report'\n    name = 'raw'\n    count_oligos = ['NA', 'TGG']\n"),
    stderr: /c\.toml \(line \d+\).*Report.*'count_oligos'.*invalid DNA base 'N'/,
  },
  {
    id: 'Report: a tag histogram of a tag no step sets',
    config: toml("[[step]]\n    action = 'Report'\n    name = 'raw'\n    tag_histograms = ['umi']\n"),
    stderr: /c\.toml \(line \d+\).*Report.*'tag_histograms'.*tag 'umi' is not set/,
  },
  {
    id: 'CalcKmers: an empty list of database files',
    config: toml(
      "[[step]]\n    action = 'CalcKmers'\n    segment = 'read1'\n    files = []\n    k = 21\n    canonical = true\n    out_label = 'hits'\n[[step]]\n    action = 'FilterByNumericTag'\n    in_label = 'hits'\n    min_value = 1\n    keep_or_remove = 'Remove'\n",
    ),
    stderr: /c\.toml \(line \d+\).*CalcKmers.*At least one filename/,
  },
  {
    id: 'ExtractIUPACWithIndel: a pattern with a letter that is not IUPAC',
    config: toml(
      "[[step]]\n    action = 'ExtractIUPACWithIndel'\n    segment = 'read1'\n    search = 'AGXT'\n    anchor = 'Anywhere'\n    max_indel_bases = 1\n    out_label = 'p'\n[[step]]\n    action = 'TrimAtTag'\n    in_label = 'p'\n    direction = 'End'\n    keep_tag = false\n",
    ),
    stderr: /c\.toml \(line \d+\).*ExtractIUPACWithIndel.*'search'.*Invalid IUPAC base in 'AGXT'/,
  },
  {
    id: 'StoreTagInFastQ: BAM as the side format',
    config: toml(
      "[[step]]\n    action = 'ExtractRegion'\n    segment = 'read1'\n    start = 0\n    length = 8\n    anchor = 'Start'\n    out_label = 'umi'\n[[step]]\n    action = 'StoreTagInFastQ'\n    in_label = 'umi'\n    format = 'Bam'\n",
    ),
    stderr: /c\.toml \(line \d+\).*StoreTagInFastQ.*only 'fastq' or 'fasta'/,
  },
  {
    id: 'Report: no report file asked for',
    config: toml("[[step]]\n    action = 'Report'\n    name = 'raw'\n"),
    stderr: /c\.toml \(line \d+\).*Report.*needs report_json = true or report_html = true/,
  },
  {
    id: 'Report: two reports of one name',
    config:
      "[input]\n    read1 = 'r1.fq'\n    read2 = 'r2.fq'\n[[step]]\n    action = 'Report'\n    name = 'raw'\n[[step]]\n    action = 'Report'\n    name = 'raw'\n[output]\n    prefix = 'out/o'\n    report_json = true\n",
    stderr: /c\.toml \(line \d+\).*'name': a report named 'raw' is already defined/,
  },
  {
    id: 'Report: report_timing without report_json',
    config: "[input]\n    read1 = 'r1.fq'\n    read2 = 'r2.fq'\n[output]\n    prefix = 'out/o'\n    report_timing = true\n",
    stderr: /c\.toml \(line \d+\).*'report_timing'.*set report_json = true too/,
  },
  {
    id: 'Demultiplex: a barcode written twice',
    config: demultiplexConfig("    ACGT = 's1'\n    ACGT = 's2'\n"),
    stderr: /c\.toml \(line \d+\): invalid TOML: .*a key written twice/,
  },
  {
    id: 'Demultiplex: barcodes of unequal lengths',
    config: demultiplexConfig("    ACGT = 's1'\n    ACG = 's2'\n"),
    stderr: /c\.toml \(line \d+\): \[barcodes\.b\]: barcodes of different lengths: 'ACGT' has 4 letters, 'ACG' 3/,
  },
  {
    id: 'Demultiplex: two IUPAC barcodes matching one sequence',
    config: demultiplexConfig("    ACGT = 's1'\n    ACGN = 's2'\n"),
    stderr: /c\.toml \(line \d+\): \[barcodes\.b\]: barcodes 'ACGT' and 'ACGN' can match the same sequence/,
  },
  {
    id: 'Demultiplex: its tag is never set',
    config: demultiplexConfig("    ACGT = 's1'\n", 'nope'),
    stderr: /c\.toml \(line \d+\): .*Demultiplex.*'in_label': tag 'nope' is not set by any earlier step/,
  },
  {
    id: 'Demultiplex: no such barcodes section',
    config: demultiplexConfig("    ACGT = 's1'\n", 'bc', 'other'),
    stderr: /c\.toml \(line \d+\): .*'barcodes': there is no \[barcodes\.other\] section/,
  },
  {
    id: 'Demultiplex: a reservoir sample after it with n = 0',
    config: demultiplexConfig("    ACGT = 's1'\n", 'bc', 'b', "[[step]]\n    action = 'FilterReservoirSample'\n    n = 0\n    seed = 1\n"),
    stderr: /c\.toml \(line \d+\): .*FilterReservoirSample.*n must be > 0/,
  },
];
TOML_FAULTS.forEach((fault, index) => {
  for (const command of index < 1 ? ['process', 'validate'] : ['process'])
    add({
      id: `toml: ${fault.id} (fq-transform ${command})`,
      setup: (d) => ({
        ...fqRun(d, fault.config),
        args: command === 'process' ? ['process', 'c.toml', '-t', '1'] : ['validate', 'c.toml'],
      }),
      exit: 1,
      stderr: fault.stderr,
      mayLeave: /(^|\/)o\.incompleted$/,
    });
});

const FQ_FAULTS: { id: string; setup: (dir: string) => Run; exit: Exit; stderr: RegExp }[] = [
  {
    id: 'process: missing input file',
    setup: (d) => fqRun(d, toml('', "read1 = 'nope.fq'\n    read2 = 'r2.fq'")),
    exit: 1,
    stderr: /nope\.fq/,
  },
  {
    id: 'process: one file through two spellings',
    setup: (d) => fqRun(d, toml('', "read1 = 'r1.fq'\n    read2 = './r1.fq'")),
    exit: 1,
    stderr: /r1\.fq.*read twice/,
  },
  {
    id: 'process: one file through a link',
    setup: (d) => {
      const run = fqRun(d, toml('', "read1 = 'r1.fq'\n    read2 = 'link.fq'"));
      fs.symlinkSync('r1.fq', path.join(d, 'link.fq'));
      return run;
    },
    exit: 1,
    stderr: /read twice/,
  },
  {
    id: 'process: an input that is a folder',
    setup: (d) => {
      fs.mkdirSync(path.join(d, 'dir.fq'));
      return fqRun(d, toml('', "read1 = 'dir.fq'\n    read2 = 'r2.fq'"));
    },
    exit: 1,
    stderr: /dir\.fq.*(folder|directory)/,
  },
  {
    id: 'process: the output exists already',
    setup: (d) => {
      const run = fqRun(d, toml());
      write(d, 'out/o_read1.fq', 'keep me\n');
      return run;
    },
    exit: 1,
    stderr: /o_read1\.fq.*exists/,
  },
  {
    id: 'process: one output path is a folder (all or nothing)',
    setup: (d) => {
      const run = fqRun(d, toml());
      fs.mkdirSync(path.join(d, 'out/o_read2.fq'), { recursive: true });
      return run;
    },
    exit: 1,
    stderr: /o_read2\.fq/,
  },
  {
    id: 'process: TagOtherFile whose other file is missing',
    setup: (d) =>
      fqRun(
        d,
        toml(
          "[[step]]\n    action = 'TagOtherFile'\n    filename = 'nope.fq'\n    source = 'read1'\n    out_label = 'seen'\n[[step]]\n    action = 'FilterByTag'\n    in_label = 'seen'\n    keep_or_remove = 'Remove'\n",
        ),
      ),
    exit: 1,
    stderr: /nope\.fq/,
  },
  {
    id: 'process: CalcKmers whose database file is missing',
    setup: (d) =>
      fqRun(
        d,
        toml(
          "[[step]]\n    action = 'CalcKmers'\n    segment = 'read1'\n    filename = 'phix.fa'\n    k = 21\n    canonical = true\n    out_label = 'hits'\n[[step]]\n    action = 'FilterByNumericTag'\n    in_label = 'hits'\n    min_value = 1\n    keep_or_remove = 'Remove'\n",
        ),
      ),
    exit: 1,
    stderr: /phix\.fa/,
  },
  {
    id: 'process: configuration missing',
    setup: () => ({ tool: 'fq-transform', args: ['process', 'none.toml'] }),
    exit: 1,
    stderr: /none\.toml/,
  },
  {
    id: 'process: configuration is a folder',
    setup: (d) => {
      fs.mkdirSync(path.join(d, 'conf.toml'));
      return { tool: 'fq-transform', args: ['process', 'conf.toml', '-t', '1'] };
    },
    exit: 1,
    stderr: /conf\.toml.*(folder|directory)/,
  },
  {
    id: 'verify: a file is not a case folder',
    setup: (d) => ({ ...fqRun(d, toml()), args: ['verify', 'c.toml', '--threads-list', '1'] }),
    exit: 1,
    stderr: /c\.toml.*not a test-case folder/,
  },
  {
    id: 'verify: a folder without input.toml',
    setup: (d) => {
      fs.mkdirSync(path.join(d, 'case1'));
      return { tool: 'fq-transform', args: ['verify', 'case1', '--threads-list', '1'] };
    },
    exit: 1,
    stderr: /case1.*input\.toml/,
  },
];
for (const fault of FQ_FAULTS)
  add({ id: `fq-transform ${fault.id}`, setup: fault.setup, exit: fault.exit, stderr: fault.stderr, mayLeave: /(^|\/)o\.incompleted$/ });

// ---------------------------------------------------------------- nanopore inputs (eventalign)

/** eventalign's inputs: the valid BAM (its forward reads are the ones aligned), its reference, a BLOW5 of `readIds`. */
async function eventalignInputs(dir: string, readIds: readonly string[], corrupt?: string): Promise<void> {
  fs.writeFileSync(path.join(dir, 'x.bam'), await validBam());
  write(dir, 'x.fa', referenceFasta());
  await writeBlow5(path.join(dir, 'x.blow5'), readIds, corrupt);
}
const EVENTALIGN_ARGS = ['-b', 'x.bam', '-g', 'x.fa', '--slow5', 'x.blow5', '-q', '-t', '1'];
const forwardReads = validRecords()
  .filter((record) => (record.flag & 0x10) === 0)
  .map((record) => record.readName);

add({
  id: 'blow5: a corrupt record (eventalign)',
  setup: async (dir) => {
    await eventalignInputs(dir, forwardReads, forwardReads[0]);
    return { tool: 'eventalign', args: [...EVENTALIGN_ARGS, '-o', 'out.tsv', '--summary', 'summary.tsv'] };
  },
  exit: 1,
  stderr: new RegExp(`x\\.blow5 \\(record "${forwardReads[0]!}" at byte offset \\d+\\): corrupt BLOW5 record`),
  mayLeave: /^(x\.bam|x\.fa|x\.fa\.fai|x\.blow5|x\.blow5\.idx)$/,
});
add({
  id: 'blow5: not a BLOW5 file (eventalign)',
  setup: async (dir) => {
    await eventalignInputs(dir, forwardReads);
    write(dir, 'x.blow5', garbage(4000));
    fs.rmSync(path.join(dir, 'x.blow5.idx'));
    return { tool: 'eventalign', args: [...EVENTALIGN_ARGS, '-o', 'out.tsv'] };
  },
  exit: 1,
  stderr: /x\.blow5/,
  mayLeave: /^(x\.bam|x\.fa|x\.fa\.fai|x\.blow5)$/,
});
add({
  id: 'blow5: every read missing from it is counted, not fatal (eventalign)',
  setup: async (dir) => {
    await eventalignInputs(dir, ['someone-else']);
    return { tool: 'eventalign', args: [...EVENTALIGN_ARGS, '--summary', 'summary.tsv'] };
  },
  exit: 0,
  check: (dir, stdout) => {
    const header = stdout.split('\n')[0] ?? '';
    if (stdout !== `${header}\n` || !header.startsWith('contig\tposition\treference_kmer\tread_index'))
      return `stdout: ${JSON.stringify(stdout)}`;
    const summary = fs.readFileSync(path.join(dir, 'summary.tsv'), 'utf8');
    return summary.startsWith('read_index\tread_name\t') && summary.split('\n').length === 2 ? undefined : `summary: ${summary}`;
  },
});
// ---------------------------------------------------------------- dtw-gpu's inputs: signal-segment streams

const DTW_ARGS = ['n.frames', 'i.frames', '-o', 'out.matrices', '--device', 'cpu', '-q', '-t', '1'];
const DTW_FAULTS: { id: string; native: () => Buffer; stderr: RegExp }[] = [
  {
    id: 'a segment stream cut inside a frame',
    native: () => segmentStream('native').subarray(0, 3000),
    stderr: /n\.frames \(byte offset \d+\): truncated frame at byte offset \d+/,
  },
  {
    id: 'a segment stream cut at a frame boundary (no end frame)',
    native: () => segmentStream('native', { withoutEnd: true }),
    stderr: /n\.frames: the stream ends without its end frame after 24 segments: it was cut short/,
  },
  {
    id: 'a NaN sample',
    native: () => segmentStream('native', { patch: (segments) => (segments[9]!.samples[4] = Number.NaN) }),
    stderr: /n\.frames \(segment 10\): read native-1: sample 5 of its segment is NaN, not a number of pA/,
  },
  {
    id: 'a segment without samples',
    native: () => segmentStream('native', { patch: (segments) => (segments[2]!.samples = new Float32Array(0)) }),
    stderr: /n\.frames \(segment 3\): read native-2 has a segment without samples/,
  },
  {
    id: 'not a segment stream',
    native: () => garbage(2000),
    stderr: /n\.frames.*not a shoal frame stream/,
  },
];
for (const fault of DTW_FAULTS)
  add({
    id: `dtw-gpu: ${fault.id}`,
    setup: (dir) => {
      write(dir, 'n.frames', fault.native());
      write(dir, 'i.frames', segmentStream('ivt'));
      return { tool: 'dtw-gpu', args: DTW_ARGS };
    },
    exit: 1,
    stderr: fault.stderr,
    mayLeave: /^(n|i)\.frames$/,
  });
add({
  id: 'dtw-gpu: --device cuda where CUDA is not available says why',
  skip: () => (cudaDtw().cuda !== undefined ? 'CUDA is available here' : undefined),
  setup: (dir) => {
    write(dir, 'n.frames', segmentStream('native'));
    write(dir, 'i.frames', segmentStream('ivt'));
    return { tool: 'dtw-gpu', args: ['n.frames', 'i.frames', '-o', 'out.matrices', '--device', 'cuda', '-q', '-t', '1'] };
  },
  exit: 1,
  stderr: /--device cuda: /,
  mayLeave: /^(n|i)\.frames$/,
});

// ---------------------------------------------------------------- hmm-smooth's inputs: DTW matrix streams

/** A DTW matrix stream of `positions` positions of 4 native and 4 IVT reads (distances from a formula). */
function matrixStream(
  positions = 6,
  options: { withoutEnd?: boolean; reversed?: boolean; levels?: (position: number) => Float32Array | undefined } = {},
): Buffer {
  const reads = ['n0', 'n1', 'n2', 'n3', 'i0', 'i1', 'i2', 'i3'];
  const n = reads.length;
  const chunks: Uint8Array[] = [encodeStreamPreamble()];
  chunks.push(
    ...matrixStreamHeaderFrame({
      contigs: ['chr1'],
      k: 5,
      model: 'preset:rna002',
      samples: 'pA',
      padding: 1,
      maxLength: 2048,
      distance: 'sqrt-accumulated-squared-difference',
    }),
  );
  for (let i = 0; i < positions; i++) {
    const position = options.reversed ? positions - 1 - i : i;
    const distances = new Float32Array(n * n);
    for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) distances[r * n + c] = r === c ? 0 : 1 + ((r * 7 + c * 7 + position) % 5);
    chunks.push(
      ...matrixFrame({
        contig: 'chr1',
        position,
        kmer: 'GGACT',
        reads,
        nNative: 4,
        nIvt: 4,
        lengths: new Int32Array(n).fill(30),
        distances,
        levels: options.levels ? options.levels(position) : Float32Array.from(reads, (_, r) => 100 + ((r * 3 + position) % 4)),
      }),
    );
  }
  if (!options.withoutEnd) chunks.push(...matrixStreamEndFrame({ positions, cells: 0, resampled: 0 }));
  return Buffer.concat(chunks);
}
const HMM_FAULTS: { id: string; files: Record<string, Buffer | string>; args: string[]; stderr: RegExp }[] = [
  {
    id: 'a matrix stream cut at a frame boundary (no end frame)',
    files: { 'm.frames': matrixStream(6, { withoutEnd: true }) },
    args: ['m.frames'],
    stderr: /m\.frames: the stream ends without its end frame after 6 matrices: it was cut short/,
  },
  {
    id: 'a matrix stream cut inside a frame',
    files: { 'm.frames': matrixStream(6).subarray(0, 1500) },
    args: ['m.frames'],
    stderr: /m\.frames \(byte offset \d+\): truncated frame at byte offset \d+/,
  },
  {
    id: 'matrices out of order',
    files: { 'm.frames': matrixStream(6, { reversed: true }) },
    args: ['m.frames'],
    stderr: /m\.frames \(matrix 2\): matrices out of order: chr1:4 after chr1:5/,
  },
  {
    id: 'matrices without read levels (an older dtw-gpu) under the default --score level',
    files: { 'm.frames': matrixStream(6, { levels: () => undefined }) },
    args: ['m.frames'],
    stderr:
      /m\.frames: the matrix of chr1:0 has no read levels, which --score level needs \(matrices from an older dtw-gpu\): rerun dtw-gpu, or use --score knn/,
  },
  {
    id: 'a read level that is not a number',
    files: {
      'm.frames': matrixStream(6, {
        levels: (position) => Float32Array.from({ length: 8 }, (_, r) => (position === 3 && r === 5 ? NaN : 100)),
      }),
    },
    args: ['m.frames'],
    stderr: /m\.frames \(matrix 4\): read i1: its level is NaN, not a number/,
  },
  {
    id: 'fewer read levels than reads',
    files: { 'm.frames': matrixStream(6, { levels: () => new Float32Array(7).fill(100) }) },
    args: ['m.frames'],
    stderr: /m\.frames \(matrix 1\): 7 read levels for 8 reads/,
  },
  {
    id: 'a segment stream where matrices belong',
    files: { 'm.frames': segmentStream('native') },
    args: ['m.frames'],
    stderr: /m\.frames: not a stream of DTW matrices: its first frame is "signal-segments-header"/,
  },
  {
    id: 'HMM parameters out of range',
    files: { 'm.frames': matrixStream(), 'p.json': '{"stay": 2}' },
    args: ['m.frames', '--hmm-params', 'p.json'],
    stderr: /p\.json: HMM parameter 'stay' is out of range: 2/,
  },
];
for (const fault of HMM_FAULTS)
  add({
    id: `hmm-smooth: ${fault.id}`,
    setup: (dir) => {
      for (const [name, content] of Object.entries(fault.files)) write(dir, name, content);
      return { tool: 'hmm-smooth', args: [...fault.args, '--site-tsv', 'sites.tsv', '-o', 'calls.ndjson', '-q'] };
    },
    exit: 1,
    stderr: fault.stderr,
    mayLeave: /^(m\.frames|p\.json)$/,
  });

// ---------------------------------------------------------------- merge-slices' inputs: site-table slices

const SITE_ROW = (contig: string, position: number): string =>
  `${contig}\t${position}\tGGACT\t0.500000\t0.3\t0.7\t1.000000e-02\t2.000000e-02\t0.4\t20\t20\t0.5\t0.5\n`;
const SLICE_FAULTS: { id: string; files: Record<string, string>; stderr: RegExp }[] = [
  {
    id: 'a site in two slices',
    files: { 'a.tsv': SITE_ROW('tx1', 5), 'b.tsv': SITE_ROW('tx1', 5) },
    stderr: /b\.tsv \(line 1\): site tx1:5 is also at line 1 of a\.tsv: slices overlap/,
  },
  {
    id: 'a row of 12 fields',
    files: { 'a.tsv': SITE_ROW('tx1', 5) + 'tx1\t6\tx\n'.replace('x', 'a\tb\tc\td\te\tf\tg\th\ti\tj'), 'b.tsv': SITE_ROW('tx2', 1) },
    stderr: /a\.tsv \(line 2\): 12 fields where site_results\.tsv has 13/,
  },
  {
    id: 'a slice cut short',
    files: { 'a.tsv': SITE_ROW('tx1', 5).slice(0, 20), 'b.tsv': SITE_ROW('tx2', 1) },
    stderr: /a\.tsv \(line 1\): the last line has no newline: the slice was cut short/,
  },
  {
    id: 'a position that is not a number',
    files: { 'a.tsv': SITE_ROW('tx1', 5).replace('\t5\t', '\t5x\t'), 'b.tsv': SITE_ROW('tx2', 1) },
    stderr: /a\.tsv \(line 1\): position '5x' is not a non-negative integer/,
  },
];
for (const fault of SLICE_FAULTS)
  add({
    id: `merge-slices: ${fault.id}`,
    setup: (dir) => {
      for (const [name, content] of Object.entries(fault.files)) write(dir, name, content);
      return { tool: 'merge-slices', args: ['a.tsv', 'b.tsv', '--site-tsv', 'site_results.tsv', '-q'] };
    },
    exit: 1,
    stderr: fault.stderr,
    mayLeave: /^[ab]\.tsv$/,
  });
add({
  id: 'merge-slices: a slice that does not exist',
  setup: (dir) => {
    write(dir, 'a.tsv', SITE_ROW('tx1', 5));
    return { tool: 'merge-slices', args: ['a.tsv', 'missing.tsv', '--site-tsv', 'site_results.tsv', '-q'] };
  },
  exit: 1,
  stderr: /missing\.tsv: cannot read the site slice: no such file/,
  mayLeave: /^a\.tsv$/,
});
add({
  id: 'shoal mods: an input file that does not exist',
  setup: () => ({ tool: 'shoal', args: [...required('shoal'), '-q'] }),
  exit: 1,
  stderr: /x\.bam: cannot open the native BAM: no such file/,
});

// ---------------------------------------------------------------- signal-sim's inputs: a transcriptome FASTA, abundances

const SIM_FAULTS: { id: string; files: Record<string, string>; args: string[]; stderr: RegExp }[] = [
  {
    id: 'a transcriptome with bases before the first header',
    files: { 'tx.fa': 'ACGT\n>a\nACGTACGTACGTACGTACGTACGT\n' },
    args: ['--transcriptome', 'tx.fa'],
    stderr: /tx\.fa \(line 1\): sequence data before the first '>'/,
  },
  {
    id: 'a transcriptome naming a transcript twice',
    files: { 'tx.fa': '>a\nACGTACGTACGTACGTACGTACGT\n>a x\nACGTACGTACGTACGTACGTACGT\n' },
    args: ['--transcriptome', 'tx.fa'],
    stderr: /tx\.fa: transcript 'a' appears twice/,
  },
  {
    id: 'an abundance that is not a number',
    files: { 'ab.tsv': 'tx0001\t2\ntx0002\tmany\n' },
    args: ['--transcripts', '2', '--abundance', 'ab.tsv'],
    stderr: /ab\.tsv \(line 2\): abundance 'many' is not a number of 0 or more/,
  },
];
for (const fault of SIM_FAULTS)
  add({
    id: `signal-sim: ${fault.id}`,
    setup: (dir) => {
      for (const [name, text] of Object.entries(fault.files)) write(dir, name, text);
      return { tool: 'signal-sim', args: ['-O', 'out', ...fault.args, '--reads-per-condition', '1', '-t', '1'] };
    },
    exit: 1,
    stderr: fault.stderr,
  });

// ---------------------------------------------------------------- collect-error's inputs: known sites, order

const ERROR_FIXTURES = path.resolve(import.meta.dirname, '..', 'fixtures', 'error');
const errorFixture = (name: string): string => fs.readFileSync(path.join(ERROR_FIXTURES, name), 'utf8');
/** The edge VCF with its lines edited. */
const editedVcf = (edit: (records: string[]) => string[]): string => {
  const lines = errorFixture('edge.vcf').trimEnd().split('\n');
  const header = lines.filter((line) => line.startsWith('#'));
  return `${[...header, ...edit(lines.filter((line) => !line.startsWith('#')))].join('\n')}\n`;
};
const ERROR_FAULTS: { id: string; files: () => Record<string, string>; args: string[]; stderr: RegExp }[] = [
  {
    id: 'a VCF whose records are out of order',
    files: () => ({ 'k.vcf': editedVcf((records) => [records[1]!, records[0]!, ...records.slice(2)]) }),
    args: ['--vcf', 'k.vcf'],
    stderr: /k\.vcf: the VCF is not sorted like the reference: chr1:\d+ comes after chr1:\d+/,
  },
  {
    id: 'a VCF record of 5 fields',
    files: () => ({ 'k.vcf': editedVcf((records) => [records[0]!.split('\t').slice(0, 5).join('\t'), ...records.slice(1)]) }),
    args: ['--vcf', 'k.vcf'],
    stderr: /k\.vcf \(line \d+\): a VCF record needs 8 tab-separated fields, found 5/,
  },
  {
    id: 'a VCF record whose POS is not a number',
    files: () => ({ 'k.vcf': editedVcf((records) => [records[0]!.replace(/\t\d+\t/, '\tten\t'), ...records.slice(1)]) }),
    args: ['--vcf', 'k.vcf'],
    stderr: /k\.vcf \(line \d+\): POS is not a position: 'ten'/,
  },
  { id: 'a VCF that does not exist', files: () => ({}), args: ['--vcf', 'nope.vcf'], stderr: /nope\.vcf: file not found/ },
  {
    id: 'a SAM that is not coordinate-sorted',
    files: () => {
      const lines = errorFixture('edge.sam').trimEnd().split('\n');
      const header = lines.filter((line) => line.startsWith('@'));
      const records = lines.filter((line) => !line.startsWith('@'));
      return { 'in.sam': `${[...header, ...records.slice(1, 200), records[0]!, ...records.slice(200)].join('\n')}\n` };
    },
    args: [],
    stderr:
      /in\.sam \(record \d+\): the input is not coordinate-sorted: .* comes after chr1:\d+; the error collector needs a coordinate-sorted BAM/,
  },
];
for (const fault of ERROR_FAULTS)
  add({
    id: `collect-error: ${fault.id}`,
    setup: (dir) => {
      write(dir, 'in.sam', errorFixture('edge.sam'));
      write(dir, 'x.fa', errorFixture('edge.fa'));
      write(dir, 'x.fa.fai', errorFixture('edge.fa.fai'));
      for (const [name, content] of Object.entries(fault.files())) write(dir, name, content);
      return { tool: 'collect-error', args: ['-i', 'in.sam', '-r', 'x.fa', '-o', 'out/q', '-q', ...fault.args] };
    },
    exit: 1,
    stderr: fault.stderr,
    mayLeave: /^(in\.sam|x\.fa|x\.fa\.fai|k\.vcf|out)$/,
  });

// ---------------------------------------------------------------- usage errors: one line, exit 2

/** The arguments a tool needs (they exist and are good), so that the flag under test is the one error. */
const REQUIRED: Record<string, string[]> = {
  bam2ndjson: ['x.bam'],
  ndjson2bam: ['x.ndjson', '-o', 'out.bam'],
  'bam-index': ['x.bam'],
  'bam-sort': ['x.bam', '-o', 'out.bam'],
  'collect-merge': ['-o', 'q', 'p.json'],
  'collect-wgs': ['-i', 'x.bam', '-r', 'x.fa', '-o', 'q'],
  'collect-error': ['-i', 'x.bam', '-r', 'x.fa', '-o', 'q'],
  'collect-gcbias': ['-i', 'x.bam', '-r', 'x.fa', '-o', 'q'],
  'collect-hybcap': ['-i', 'x.bam', '--targets', 't.bed', '--baits', 'b.bed', '-o', 'q'],
  'fq-transform': ['process', 'c.toml'],
  eventalign: ['-b', 'x.bam', '-g', 'x.fa', '--slow5', 'x.blow5', '-o', 'out.tsv'],
  'signal-sim': ['-O', 'out'],
  'dtw-gpu': ['x.bam', '-o', 'out.matrices'],
  'hmm-smooth': ['x.bam', '-o', 'out.ndjson'],
  'merge-slices': ['x.bam', '--site-tsv', 'out.tsv'],
  shoal: [
    'mods',
    ...['--native-bam', '--ivt-bam'].flatMap((flag) => [flag, 'x.bam']),
    ...['--native-fastq', '--ivt-fastq'].flatMap((flag) => [flag, 'x.fq']),
    ...['--native-blow5', '--ivt-blow5'].flatMap((flag) => [flag, 'x.blow5']),
    ...['--ref', 'x.fa', '-O', 'out'],
  ],
};
const required = (tool: string): string[] => REQUIRED[tool] ?? ['-i', 'x.bam', '-o', 'q'];
const THREADS_WORDS = /--threads takes a whole number from 1 to 128, got '/;
const USAGE: { tool: string; args: string[]; stderr: RegExp }[] = [
  // Every tool parses its flags in one shell (packages/cli); the collectors share one more (packages/collect).
  ...[
    'bam2ndjson',
    'ndjson2bam',
    'bam-index',
    'bam-sort',
    'collect-isize',
    'collect-merge',
    'fq-transform',
    'eventalign',
    'signal-sim',
    'dtw-gpu',
    'hmm-smooth',
    'merge-slices',
    'shoal',
  ].map((tool) => ({
    tool,
    args: [...required(tool), '--no-such-flag'],
    stderr: /unknown option '--no-such-flag'/,
  })),
  // One threads builder for all (docs/cli.md), each value outside 1..128 on another tool.
  ...(
    [
      ['bam2ndjson', '0'],
      ['ndjson2bam', '129'],
      ['collect-basic', 'two'],
      ['collect-multi', '2.5'],
      ['fq-transform', '0'],
    ] as const
  ).map(([tool, value]) => ({ tool, args: [...required(tool), '--threads', value], stderr: THREADS_WORDS })),
  // Each collector option with a range, just outside it.
  ...(
    [
      ['collect-multi', '--isize::min-frac', '-1', /min-frac.*from 0 to 1/],
      ['collect-multi', '--isize::deviations', '-3', /deviations.*at least 0/],
      ['collect-multi', '--alignment::max-insert-size', '-5', /max-insert-size.*whole number from 0/],
      ['collect-multi', '--alignment::min-mapq', '300', /min-mapq.*from 0 to 255/],
      ['collect-multi', '--tools', 'nope', /unknown tool 'nope'/],
      ['collect-isize', '--min-frac', '1.5', /min-frac.*from 0 to 1/],
      ['collect-isize', '--deviations', 'lots', /deviations/],
      ['collect-alignment', '--min-mapq', '2.5', /min-mapq.*whole number/],
      ['collect-basic', '--format', 'tsv', /riker or picard/],
      ['collect-wgs', '--coverage-cap', '0', /coverage-cap.*from 1/],
      ['collect-wgs', '--min-bq', '127', /min-bq.*from 0 to 126/],
      ['collect-error', '--metrics', 'ERROR:NOPE', /--metrics: 'ERROR:NOPE': no stratifier 'NOPE'/],
      ['collect-error', '--metrics', 'ERROR,ERROR:ALL', /--metrics: 'ERROR:ALL' repeats another directive \(both write error_by_all\)/],
      ['collect-error', '--metrics', 'MISMATCH:CYCLE', /a directive starts with ERROR, OVERLAPPING_ERROR or INDEL_ERROR, not 'MISMATCH'/],
      ['collect-error', '--location-bin-size', '0', /location-bin-size.*from 1/],
      ['collect-alignment', '--accumulation-level', 'ALL_READS,LANE', /--accumulation-level: 'LANE' is not a level/],
      ['collect-alignment', '--accumulation-level', 'SAMPLE', /--accumulation-level: the levels must include ALL_READS/],
      ['collect-gcbias', '--accumulation-level', 'ALL_READS,LANE', /--accumulation-level: 'LANE' is not a level/],
      ['collect-hybcap', '--accumulation-level', 'READ_GROUP', /--accumulation-level: the levels must include ALL_READS/],
      ['collect-multi', '--error::min-bq', '-1', /min-bq.*from 0 to 126/],
      ['collect-multi', '--wgs::min-mapq', '-1', /min-mapq.*from 0 to 255/],
      ['collect-hybcap', '--near-distance', '-1', /near-distance.*whole number from 0/],
      ['collect-multi', '--hybcap::coverage-cap', '0', /coverage-cap.*from 1/],
    ] as const
  ).map(([tool, flag, value, stderr]) => ({ tool, args: [...required(tool), flag, value], stderr })),
  // signal-sim's settings with a range, just outside it (one of each kind of parser).
  ...(
    [
      ['--stoichiometry', '1.2', /--stoichiometry takes a number or a range min-max from 0 to 1, got '1\.2'/],
      ['--transcript-length', '900-300', /--transcript-length takes a whole number or a range min-max/],
      ['--reads-per-condition', '0', /--reads-per-condition takes a whole number from 1/],
      ['--fraction-modified-sites', '-0.1', /--fraction-modified-sites takes a number from 0 to 1/],
      ['--record-compression', 'lz4', /--record-compression.*lz4.*none, zlib, zstd/],
    ] as const
  ).map(([flag, value, stderr]) => ({ tool: 'signal-sim', args: [...required('signal-sim'), flag, value], stderr })),
  { tool: 'signal-sim', args: [], stderr: /-O, --output-dir/ },
  {
    tool: 'hmm-smooth',
    args: [...required('hmm-smooth'), '--mod-threshold', '1.5'],
    stderr: /--mod-threshold takes a number from 0 to 1, got '1\.5'/,
  },
  { tool: 'hmm-smooth', args: [...required('hmm-smooth'), '--read-bam', 'r.bam'], stderr: /--read-bam needs --native-bam and --ivt-bam/ },
  { tool: 'merge-slices', args: [...required('merge-slices'), '--read-bam', 'r.bam'], stderr: /--read-bam and --bam-slice go together/ },
  { tool: 'merge-slices', args: ['-', '--site-tsv', 'out.tsv'], stderr: /slices are files: '-' \(stdin\) cannot be read more than once/ },
  { tool: 'merge-slices', args: ['a.tsv', '--site-tsv', '-'], stderr: /--site-tsv and --read-bam are files written atomically, not '-'/ },
  { tool: 'shoal', args: [...required('shoal'), '-O', '-'], stderr: /-O is a folder .*not stdout/ },
  {
    tool: 'shoal',
    args: [...required('shoal'), '--legacy-scoring', '--score', 'knn'],
    stderr: /--legacy-scoring is --score ivt-distance: not with --score knn/,
  },
  { tool: 'shoal', args: [...required('shoal'), '--score', 'median'], stderr: /--score.*'median'.*level, knn, ivt-distance/ },
  {
    tool: 'shoal',
    args: [...required('shoal'), '--halt', 'sometimes'],
    stderr: /--halt takes never, soon,fail=N or now,fail=N, got 'sometimes'/,
  },
  {
    tool: 'shoal',
    args: [...required('shoal'), '--mod-threshold', '-0.5'],
    stderr: /--mod-threshold takes a number from 0 to 1, got '-0\.5'/,
  },
  { tool: 'shoal', args: [...required('shoal'), '--motif', 'DRXCH'], stderr: /--motif takes IUPAC nucleotide codes or "any", got 'DRXCH'/ },
  { tool: 'shoal', args: [...required('shoal'), '--depth-mode', 'reads'], stderr: /--depth-mode.*reads.*read_count, mean_coverage/ },
  { tool: 'shoal', args: ['mods'], stderr: /required option/ },
  { tool: 'dtw-gpu', args: [...required('dtw-gpu'), '--padding', '-1'], stderr: /--padding takes a whole number from 0 to 1000, got '-1'/ },
  { tool: 'dtw-gpu', args: [...required('dtw-gpu'), '--device', 'tpu'], stderr: /--device.*tpu.*auto, cuda, cpu/ },
  { tool: 'dtw-gpu', args: [...required('dtw-gpu'), '--motif', 'DRXCH'], stderr: /--motif takes IUPAC nucleotide codes .*got 'DRXCH'/ },
  {
    tool: 'dtw-gpu',
    args: [...required('dtw-gpu'), '--device', 'cpu', '--cuda-devices', '0'],
    stderr: /--cuda-devices and --gpu-memory-limit are for CUDA/,
  },
  { tool: 'collect-multi', args: ['-o', 'q'], stderr: /-i, --input/ },
  { tool: 'collect-merge', args: [], stderr: /output|partial/ },
  { tool: 'bam-index', args: [], stderr: /missing required argument/ },
  { tool: 'ndjson2bam', args: [...required('ndjson2bam'), '-l', '10'], stderr: /--level takes a whole number from 0 to 9, got '10'/ },
  // samtools' size suffixes (K, M, G), at least 1 KiB.
  { tool: 'bam-sort', args: [...required('bam-sort'), '-m', '1023'], stderr: /--memory takes a size in bytes .*at least 1024.*got '1023'/ },
  { tool: 'bam-sort', args: [...required('bam-sort'), '-m', '2T'], stderr: /--memory takes a size in bytes .*got '2T'/ },
  { tool: 'bam2ndjson', args: ['x.bam', '--fields', 'nope'], stderr: /nope/ },
  { tool: 'bam2ndjson', args: ['x.bam', '--region', 'chr1:500-100'], stderr: /bad region 'chr1:500-100'/ },
  { tool: 'bam2ndjson', args: ['x.bam', '--header-only', '--no-header'], stderr: /header-only.*no-header|no-header.*header-only/ },
  {
    tool: 'eventalign',
    args: [...required('eventalign'), '--min-mapq', '256'],
    stderr: /--min-mapq takes a whole number from 0 to 255, got '256'/,
  },
  { tool: 'eventalign', args: [...required('eventalign'), '--mode', 'fast'], stderr: /'fast' is invalid.*banded, dense/ },
  {
    tool: 'eventalign',
    args: [...required('eventalign'), '--format', 'frames'],
    stderr: /--format frames needs --condition native or --condition ivt/,
  },
  {
    tool: 'eventalign',
    args: [...required('eventalign'), '--format', 'frames', '--condition', 'ivt', '--samples'],
    stderr: /--samples shape the TSV; frames always carry read names and samples/,
  },
  {
    tool: 'eventalign',
    args: [...required('eventalign'), '--contig', 'chr1', '--region', 'chr1:1-9'],
    stderr: /--contig or --region, not both/,
  },
  { tool: 'eventalign', args: ['-g', 'x.fa', '--slow5', 'x.blow5'], stderr: /required option '-b, --bam <bam>' not specified/ },
  { tool: 'collect-wgs', args: ['-i', 'x.bam', '-o', 'q'], stderr: /wgs needs a reference: give -r\/--reference FASTA/ },
  { tool: 'collect-error', args: ['-i', 'x.bam', '-o', 'q'], stderr: /error needs a reference: give -r\/--reference FASTA/ },
  { tool: 'collect-gcbias', args: ['-i', 'x.bam', '-o', 'q', '--no-such-flag'], stderr: /unknown option '--no-such-flag'/ },
  { tool: 'collect-gcbias', args: ['-i', 'x.bam', '-o', 'q'], stderr: /gcbias needs a reference: give -r\/--reference FASTA/ },
  { tool: 'collect-hybcap', args: ['-i', 'x.bam', '-o', 'q', '--targets', 't.bed'], stderr: /hybcap needs target and bait intervals/ },
  {
    tool: 'collect-hybcap',
    args: [...required('collect-hybcap'), '--per-target-coverage'],
    stderr: /--per-target-coverage needs the reference \(-r\)/,
  },
  {
    tool: 'collect-hybcap',
    args: [...required('collect-hybcap'), '--per-base-coverage', '--region', 'chr1'],
    stderr: /--per-base-coverage writes a whole run's file: not with --partial or --region/,
  },
  { tool: 'fq-transform', args: ['frobnicate'], stderr: /frobnicate|unknown command/ },
  { tool: 'fq-transform', args: ['template', '--no-such-flag'], stderr: /unknown option '--no-such-flag'/ },
  { tool: 'fq-transform', args: ['validate'], stderr: /missing required argument/ },
  { tool: 'fq-transform', args: ['verify', '.', '--threads-list', '0'], stderr: /--threads-list/ },
];
for (const usage of USAGE)
  add({
    id: `usage: ${usage.tool} ${usage.args.join(' ')}`,
    setup: async (dir) => {
      // The inputs exist and are good, so that the flag under test is the one error.
      for (const name of ['x.bam', 'x.ndjson']) fs.writeFileSync(path.join(dir, name), await validBam());
      write(dir, 'p.json', await partialState());
      write(dir, 'c.toml', toml());
      return { tool: usage.tool, args: usage.args };
    },
    exit: 2,
    stderr: usage.stderr,
  });

// ---------------------------------------------------------------- inputs that are not there, or not files

const INPUT_READERS: Reader[] = [
  bam2ndjson(1),
  ndjson2bam,
  bamIndex,
  collector('collect-alignment', 1),
  { name: 'collect-merge', run: (input) => ({ tool: 'collect-merge', args: ['-o', 'm', input] }) },
  {
    name: 'eventalign',
    run: (input) => ({ tool: 'eventalign', args: ['-b', input, '-g', 'x.fa', '--slow5', 'x.blow5', '-o', 'out.tsv', '-q', '-t', '1'] }),
  },
];
INPUT_READERS.forEach((reader, index) => {
  if (index % 2 === 0)
    add({ id: `input: missing (${reader.name})`, setup: () => reader.run('nope.bam'), exit: 1, stderr: /nope\.bam.*no such file/ });
  add({
    id: `input: a folder (${reader.name})`,
    setup: (dir) => {
      fs.mkdirSync(path.join(dir, 'dir.bam'));
      return reader.run('dir.bam');
    },
    exit: 1,
    stderr: /dir\.bam.*(folder|directory)/,
  });
});

// ---------------------------------------------------------------- outputs that cannot be written

async function goodBam(dir: string): Promise<void> {
  fs.writeFileSync(path.join(dir, 'in.bam'), await validBam());
}
/** Tools writing files, given a good input: where the output goes (a folder, inside the case folder). */
const WRITERS: { name: string; run: (out: string) => Run; inputs: (dir: string) => Promise<void> }[] = [
  { name: 'bam2ndjson', run: (out) => ({ tool: 'bam2ndjson', args: ['in.bam', '-o', `${out}/x.ndjson`, '-t', '1'] }), inputs: goodBam },
  {
    name: 'ndjson2bam --write-index',
    run: (out) => ({ tool: 'ndjson2bam', args: ['in.bam', '-o', `${out}/x.bam`, '--write-index', '-t', '1'] }),
    inputs: goodBam,
  },
  {
    // Its runs go beside the output, so a full disk stops it while it spills them, or writes the output.
    name: 'bam-sort -m 1K --write-index',
    run: (out) => ({ tool: 'bam-sort', args: ['in.bam', '-o', `${out}/x.bam`, '-m', '1K', '--write-index', '-t', '1'] }),
    inputs: goodBam,
  },
  {
    name: 'collect-multi',
    run: (out) => ({ tool: 'collect-multi', args: ['-i', 'in.bam', '-o', `${out}/x`, '-q', '-t', '1'] }),
    inputs: goodBam,
  },
  {
    name: 'collect-basic',
    run: (out) => ({ tool: 'collect-basic', args: ['-i', 'in.bam', '-o', `${out}/x`, '-q', '-t', '1'] }),
    inputs: goodBam,
  },
  {
    name: 'collect-wgs',
    run: (out) => ({ tool: 'collect-wgs', args: ['-i', 'in.bam', '-r', 'x.fa', '-o', `${out}/x`, '-q'] }),
    inputs: async (dir) => {
      await goodBam(dir);
      write(dir, 'x.fa', referenceFasta());
      // The index the tool would otherwise write beside the FASTA (as samtools faidx does) is an input, not an output.
      writeFaiFile(path.join(dir, 'x.fa.fai'), buildFaiIndex(path.join(dir, 'x.fa')));
    },
  },
  {
    name: 'collect-error',
    run: (out) => ({ tool: 'collect-error', args: ['-i', 'in.bam', '-r', 'x.fa', '-o', `${out}/x`, '-q'] }),
    inputs: async (dir) => {
      await goodBam(dir);
      write(dir, 'x.fa', referenceFasta());
      writeFaiFile(path.join(dir, 'x.fa.fai'), buildFaiIndex(path.join(dir, 'x.fa')));
    },
  },
  {
    name: 'collect-hybcap --per-target-coverage --per-base-coverage',
    run: (out) => ({
      tool: 'collect-hybcap',
      args: [
        '-i',
        'in.bam',
        '-r',
        'x.fa',
        '--targets',
        't.bed',
        '--baits',
        'b.bed',
        '-o',
        `${out}/x`,
        '-q',
        '--per-target-coverage',
        '--per-base-coverage',
      ],
    }),
    inputs: async (dir) => {
      await goodBam(dir);
      write(dir, 'x.fa', referenceFasta());
      writeFaiFile(path.join(dir, 'x.fa.fai'), buildFaiIndex(path.join(dir, 'x.fa')));
      const contig = header.references[0]!.name;
      write(dir, 't.bed', `${contig}\t10\t200\tt1\n${contig}\t150\t400\tt2\n`);
      write(dir, 'b.bed', `${contig}\t0\t450\tb1\n`);
    },
  },
  {
    name: 'collect-gcbias --threads 2',
    run: (out) => ({ tool: 'collect-gcbias', args: ['-i', 'in.bam', '-r', 'x.fa', '-o', `${out}/x`, '-q', '-t', '2'] }),
    inputs: async (dir) => {
      await goodBam(dir);
      write(dir, 'x.fa', referenceFasta());
      writeFaiFile(path.join(dir, 'x.fa.fai'), buildFaiIndex(path.join(dir, 'x.fa')));
    },
  },
  {
    name: 'collect-isize --partial',
    run: (out) => ({ tool: 'collect-isize', args: ['-i', 'in.bam', '--partial', `${out}/x.json`, '-q', '-t', '1'] }),
    inputs: goodBam,
  },
  {
    name: 'collect-merge',
    run: (out) => ({ tool: 'collect-merge', args: ['-o', `${out}/x`, 'p.json'] }),
    inputs: async (dir) => {
      // A real partial state, made before the case runs (a partial of an empty input: no reads).
      write(dir, 'p.json', await partialState());
    },
  },
  {
    name: 'fq-transform',
    run: (out) => ({ tool: 'fq-transform', args: ['process', 'c.toml', '-O', out, '-t', '1'] }),
    inputs: (dir) => {
      fqRun(dir, toml().replace("prefix = 'out/o'", "prefix = 'x'"), fastq(3000, 1, 1), fastq(3000, 2, 2));
      return Promise.resolve();
    },
  },
  {
    name: 'signal-sim',
    run: (out) => ({ tool: 'signal-sim', args: ['-O', out, '--transcripts', '1', '--reads-per-condition', '2', '-q', '-t', '1'] }),
    inputs: () => Promise.resolve(),
  },
];
/** Where a writer's output cannot go: how to make the place, the folder to name, the words of the problem. */
const UNWRITABLE: { id: string; make: (dir: string) => void; out: string; stderr: RegExp; skip?: () => string | undefined }[] = [
  {
    id: 'a full disk',
    make: (dir) => makeFullDisk(path.join(dir, 'full')),
    out: 'full',
    stderr: /full\b.*no space left on device/i,
    skip: fullDiskProblem,
  },
  {
    id: 'a file where a folder is needed',
    make: (dir) => write(dir, 'blocker', 'a file where a folder is needed\n'),
    out: 'blocker/sub',
    stderr: /blocker.*not a (directory|folder)/,
  },
  {
    id: 'a read-only folder',
    make: (dir) => makeReadOnly(path.join(dir, 'ro')),
    out: 'ro',
    stderr: /ro\b.*(read-only file system|permission denied)/i,
    skip: readOnlyProblem,
  },
  {
    id: 'a folder to create inside a read-only one',
    make: (dir) => makeReadOnly(path.join(dir, 'ro')),
    out: 'ro/sub',
    stderr: /ro\/sub.*(read-only file system|permission denied)/i,
    skip: readOnlyProblem,
  },
];
// Every writer into a full disk (it fails mid-write, with its temporary file open), and into one of the others in turn.
WRITERS.forEach((writer, index) => {
  for (const place of [UNWRITABLE[0]!, UNWRITABLE[1 + (index % 3)]!])
    add({
      id: `output: ${writer.name} into ${place.id}`,
      skip: place.skip,
      setup: async (dir) => {
        await writer.inputs(dir);
        place.make(dir);
        return writer.run(place.out);
      },
      exit: 1,
      stderr: place.stderr,
      mayLeave: /^(full\/filler|x\.incompleted|(full|ro)\/x\.incompleted)$/,
    });
});

// All or nothing: one output of several cannot be written, so none may appear.
add({
  id: 'bam-index: a read past 2^29 on a 700 Mbp contig is refused (BAI cannot address it, as htslib says), no .bai left',
  setup: async (dir) => {
    const big = makeHeader('@SQ\tSN:big\tLN:700000000\n', [{ name: 'big', length: 700_000_000 }]);
    const writer = await BamWriter.open(path.join(dir, 'in.bam'), big);
    await writer.writeRecordBytes(
      encodeRecord({ ...validRecords(1)[0]!, refId: 0, pos: 600_000_000, mateRefId: -1, matePos: -1, templateLength: 0 }),
    );
    await writer.close();
    return { tool: 'bam-index', args: ['in.bam'] };
  },
  exit: 1,
  stderr: /in\.bam \(byte offset \d+.*cannot index: record 1 .* past the 536870912 a BAI index can address/,
});
add({
  id: 'all or nothing: ndjson2bam --write-index with the .bai path a folder leaves no BAM',
  setup: async (dir) => {
    await goodBam(dir);
    fs.mkdirSync(path.join(dir, 'x.bam.bai'));
    return { tool: 'ndjson2bam', args: ['in.bam', '-o', 'x.bam', '--write-index', '-t', '1'] };
  },
  exit: 1,
  stderr: /x\.bam\.bai/,
});
add({
  id: 'all or nothing: collect-multi with one metrics path a folder leaves no other file',
  setup: async (dir) => {
    await goodBam(dir);
    fs.mkdirSync(path.join(dir, 'qc/s.isize-metrics.txt'), { recursive: true });
    return { tool: 'collect-multi', args: ['-i', 'in.bam', '-o', 'qc/s', '-q', '-t', '1'] };
  },
  exit: 1,
  stderr: /s\.isize-metrics\.txt/,
});

// ---------------------------------------------------------------- inputs given twice, FIFOs, indexes

add({
  id: 'twice: collect-merge, the same partial by two spellings',
  setup: async (dir) => {
    write(dir, 'p.json', await partialState());
    return { tool: 'collect-merge', args: ['-o', 'm', 'p.json', './p.json'] };
  },
  exit: 1,
  stderr: /\.\/p\.json.*given twice/,
});
add({
  id: 'twice: collect-merge, the same partial through a link',
  setup: async (dir) => {
    write(dir, 'p.json', await partialState());
    fs.symlinkSync('p.json', path.join(dir, 'link.json'));
    return { tool: 'collect-merge', args: ['-o', 'm', 'p.json', 'link.json'] };
  },
  exit: 1,
  stderr: /link\.json.*given twice/,
});
add({
  id: 'twice: collect-merge, a copy of a partial',
  setup: async (dir) => {
    write(dir, 'p.json', await partialState());
    write(dir, 'q.json', await partialState());
    return { tool: 'collect-merge', args: ['-o', 'm', 'p.json', 'q.json'] };
  },
  exit: 1,
  stderr: /q\.json.*a copy of p\.json/,
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

const fifoRegion: Record<string, string> = {
  bam2ndjson: 'TOOL bam2ndjson -t 1 f.fifo --region chr1',
  'collect-multi': 'TOOL collect-multi -t 1 -i f.fifo --region chr1 -o q -q',
};
for (const [tool, command] of Object.entries(fifoRegion)) {
  add({
    id: `fifo: ${tool} --region on a FIFO is refused at once`,
    setup: async (dir) => {
      await goodBam(dir);
      // cat waits for a reader, which a refusing tool never is: it is ended with the case.
      return {
        tool: 'bash',
        args: ['-c', `mkfifo f.fifo; cat in.bam > f.fifo 2>/dev/null & c=$!; ${command}; s=$?; kill $c 2>/dev/null; rm f.fifo; exit $s`],
      };
    },
    exit: 1,
    stderr: /f\.fifo.*(regular|index)/,
  });
  add({
    id: `fifo: ${tool} --region with a FIFO as the index is refused, not a hang`,
    setup: async (dir) => {
      await goodBam(dir);
      const query = command.replace('f.fifo', 'in.bam');
      return { tool: 'bash', args: ['-c', `mkfifo in.bam.bai && ${query}; s=$?; rm in.bam.bai; exit $s`] };
    },
    exit: 1,
    stderr: /in\.bam\.bai/,
  });
}
add({
  id: 'fifo: bam2ndjson reads a FIFO as it reads the file (same NDJSON)',
  setup: async (dir) => {
    await goodBam(dir);
    return {
      tool: 'bash',
      args: [
        '-c',
        'TOOL bam2ndjson -t 1 in.bam > a.ndjson && mkfifo f.fifo && { cat in.bam > f.fifo & } && TOOL bam2ndjson -t 2 f.fifo > b.ndjson; s=$?; rm f.fifo; exit $s',
      ],
    };
  },
  exit: 0,
  check: sameNdjson,
});

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
  for (const tool of references === 1 ? ['bam2ndjson', 'collect-multi'] : ['bam2ndjson']) {
    add({
      id: `index: ${id} is named as the problem (${tool})`,
      setup: async (dir) => {
        await goodBam(dir);
        await foreignIndex(dir, references);
        return tool === 'bam2ndjson'
          ? { tool, args: ['in.bam', '--region', region, '-o', 'out.ndjson', '-t', '1'] }
          : { tool, args: ['-i', 'in.bam', '--region', region, '-o', 'qc/s', '-q', '-t', '1'] };
      },
      exit: 1,
      stderr: words,
    });
  }
}

// ---------------------------------------------------------------- | head, signals

/** Rows of `| head`: inputs several pipe buffers long, so the tool is still writing when head has gone. */
const HEAD: { id: string; inputs: (dir: string) => Promise<void>; command: string }[] = [
  { id: 'bam2ndjson -t 1 | head -1', inputs: bigBam, command: 'TOOL bam2ndjson -t 1 in.bam | head -1' },
  { id: 'bam2ndjson -t 2 | head -1', inputs: bigBam, command: 'TOOL bam2ndjson -t 2 in.bam | head -1' },
  { id: 'bam2ndjson of SAM | head -c 1', inputs: bigSam, command: 'TOOL bam2ndjson -t 1 in.sam | head -c 1' },
  { id: 'ndjson2bam -o - | head -c 10', inputs: bigSam, command: 'TOOL ndjson2bam -t 2 in.sam -o - | head -c 10' },
  { id: 'bam-sort -o - | head -c 10', inputs: bigBam, command: 'TOOL bam-sort -t 2 -m 64K in.bam -o - | head -c 10' },
  {
    id: 'fq-transform process (output.stdout) | head -1',
    inputs: (dir) => {
      write(dir, 'r1.fq', fastq(3000, 1, 1));
      write(dir, 's.toml', "[input]\n    read1 = 'r1.fq'\n[output]\n    prefix = 'o'\n    stdout = true\n");
      return Promise.resolve();
    },
    command: 'TOOL fq-transform process s.toml -t 1 | head -1',
  },
  { id: 'fq-transform template | head -1', inputs: () => Promise.resolve(), command: 'TOOL fq-transform template | head -1' },
  {
    id: 'dtw-gpu -o - | head -c 10',
    inputs: (dir) => {
      write(dir, 'n.frames', segmentStream('native', { reads: 3, positions: 300 }));
      write(dir, 'i.frames', segmentStream('ivt', { reads: 3, positions: 300 }));
      return Promise.resolve();
    },
    command: 'TOOL dtw-gpu n.frames i.frames --device cpu -t 1 | head -c 10',
  },
  {
    id: 'hmm-smooth | head -1',
    inputs: (dir) => {
      write(dir, 'm.frames', matrixStream(400));
      return Promise.resolve();
    },
    command: 'TOOL hmm-smooth m.frames | head -1',
  },
];
let big: { bam: Buffer; sam: string } | undefined;
/** 2,000 records: about 800 KB of NDJSON, 100 KB of BAM, made once. */
async function bigInputs(): Promise<{ bam: Buffer; sam: string }> {
  if (!big) {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'shoal-faults-big-'));
    await writeBam(path.join(folder, 'big.bam'), validRecords(2000).map(encodeRecord));
    big = { bam: fs.readFileSync(path.join(folder, 'big.bam')), sam: samText(validRecords(2000)) };
    fs.rmSync(folder, { recursive: true, force: true });
  }
  return big;
}
async function bigBam(dir: string): Promise<void> {
  write(dir, 'in.bam', (await bigInputs()).bam);
}
async function bigSam(dir: string): Promise<void> {
  write(dir, 'in.sam', (await bigInputs()).sam);
}
for (const row of HEAD)
  add({
    id: `head: ${row.id} exits quietly`,
    setup: async (dir) => {
      await row.inputs(dir);
      return { tool: 'bash', args: ['-c', `${row.command} > /dev/null; pipe_status \${PIPESTATUS[0]}`] };
    },
    exit: 0,
    // fq-transform's marker of a run that did not finish, which one with its stdout closed did not.
    mayLeave: /^o\.incompleted$/,
  });

/** Tools stopped while they wait for more of stdin, with their temporary output (or output folder) made. */
const SIGNALLED: { name: string; run: Run; stdin: () => Uint8Array; ready: (files: string[]) => boolean }[] = [
  {
    name: 'bam2ndjson -o',
    run: { tool: 'bam2ndjson', args: ['-', '-o', 'out.ndjson', '-t', '1'] },
    stdin: () => Buffer.from(samText()),
    ready: (files) => files.some((f) => f.includes('.tmp-')),
  },
  {
    name: 'ndjson2bam --write-index',
    run: { tool: 'ndjson2bam', args: ['-', '-o', 'out.bam', '--write-index', '-t', '2'] },
    stdin: () => Buffer.from(samText()),
    ready: (files) => files.some((f) => f.includes('.tmp-')),
  },
  {
    // Runs appear once the SAM reader hands on its first batch of about 1 MiB of records.
    name: 'bam-sort with runs on disk',
    run: { tool: 'bam-sort', args: ['-', '-o', 'out.bam', '-m', '64K', '-t', '1'] },
    stdin: () => Buffer.from(samText(validRecords(12000))),
    ready: (files) => files.some((f) => f.includes('.sort-run-')),
  },
  {
    // The collectors write nothing before the end; the output folder, made before input is read, says it runs.
    name: 'collect-multi -i -',
    run: { tool: 'collect-multi', args: ['-i', '-', '-o', 'qc/s', '-q', '-t', '2'] },
    stdin: () => Buffer.from(samText()),
    ready: (files) => files.includes('qc'),
  },
  {
    name: 'fq-transform reading stdin',
    run: { tool: 'fq-transform', args: ['process', 'c.toml', '-t', '1'] },
    stdin: () => Buffer.from(fastq(100, 3, 1)),
    ready: (files) => files.some((f) => f.includes('.tmp-')),
  },
  {
    // Reads nothing: stopped while it writes into its staging folder (out/.signal-sim-*), which must go.
    name: 'signal-sim',
    run: { tool: 'signal-sim', args: ['-O', 'out', '--transcripts', '20', '--reads-per-condition', '20', '-q', '-t', '1'] },
    stdin: () => new Uint8Array(0),
    ready: (files) => files.some((f) => f.includes('.signal-sim-')),
  },
];
for (const signalled of SIGNALLED) {
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    add({
      id: `signal: ${signalled.name} stopped by ${signal}`,
      setup: (dir) => {
        if (signalled.run.tool === 'fq-transform')
          write(dir, 'c.toml', "[input]\n    read1 = '--stdin--'\n[output]\n    prefix = 'out/o'\n");
        return { ...signalled.run, stdin: signalled.stdin(), signal: { name: signal, ready: signalled.ready } };
      },
      exit: signal,
      mayLeave: /^(out\/o\.incompleted)$/,
    });
  }
}

export const FAULT_CASES: readonly FaultCase[] = cases;
