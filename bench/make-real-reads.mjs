#!/usr/bin/env node
/**
 * Turns the read simulator's output (art_illumina, 2x150 pairs in two FASTQ files, grouped by
 * donor contig) into a FASTQ pair shaped like one lane of a HiSeq X run, for bench/make-real-data.sh:
 *
 *   - flowcell order: the pairs are shuffled (the simulator writes them contig by contig, which
 *     makes gzip's job and any per-position cache unrealistically easy);
 *   - Illumina names: `@E00528:412:HS38SCCXY:1:1101:12345:6789 1:N:0:CGATGTAT+TCTTTCCC`, tiles
 *     1101-2224 in order, y rising within a tile;
 *   - reads into the adapter: 2% of pairs come from fragments of 20-149 bp and one in a thousand
 *     from adapter dimers (0-5 bp), so their reads run into the TruSeq adapter, the index and
 *     the flowcell primer (art_illumina never makes a fragment shorter than the read);
 *   - duplicates, which simulators do not make: 4% of pairs get a PCR copy elsewhere in the run
 *     (a quarter of those a second one), 1.5% an optical copy in the same tile within 2,500 pixels
 *     (what `samtools markdup -d 2500` calls optical); copies get fresh sequencing errors drawn
 *     from their qualities.
 *
 *   node bench/make-real-reads.mjs --in1 A_1.fq --in2 A_2.fq --out1 reads_1.fastq.gz --out2 reads_2.fastq.gz
 *        --work DIR [--seed 38]
 *
 * Outputs are gzip -6 (the common default), written under temporary names and renamed at the end;
 * DIR holds the shuffle's buckets while it runs and is emptied after.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Random } from './random.mjs';

const args = process.argv.slice(2);
const option = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const [in1, in2, out1, out2, workDir] = ['--in1', '--in2', '--out1', '--out2', '--work'].map(option);
const seed = Number(option('--seed') ?? '38');
if (!in1 || !in2 || !out1 || !out2 || !workDir || !Number.isInteger(seed)) {
  console.error(
    'usage: node bench/make-real-reads.mjs --in1 A_1.fq --in2 A_2.fq --out1 R1.fastq.gz --out2 R2.fastq.gz --work DIR [--seed 38]',
  );
  process.exit(2);
}

const SHORT_FRAGMENT_RATE = 0.02;
const ADAPTER_DIMER_RATE = 0.001;
const PCR_DUPLICATE_RATE = 0.04;
const SECOND_PCR_COPY_RATE = 0.25;
const OPTICAL_DUPLICATE_RATE = 0.015;
const OPTICAL_DISTANCE_PIXELS = 2500;
const BUCKETS = 32;
const INDEX_I7 = 'CGATGTAT';
const INDEX_I5 = 'TCTTTCCC';
// TruSeq: what read 1 and read 2 see after a fragment shorter than the read, then no more template.
const TAIL_1 = `AGATCGGAAGAGCACACGTCTGAACTCCAGTCAC${INDEX_I7}ATCTCGTATGCCGTCTTCTGCTTG`;
const TAIL_2 = `AGATCGGAAGAGCGTCGTGTAGGGAAAGAGTGT${INDEX_I5}GTGTAGATCTCGGTGGTCGCCGTATCATT`;
const NAME_PREFIX = 'E00528:412:HS38SCCXY:1';
const TILES = [];
for (const surface of [1, 2])
  for (const swath of [1, 2]) for (let tile = 1; tile <= 24; tile++) TILES.push(surface * 1000 + swath * 100 + tile);
const TILE_WIDTH_PIXELS = 32_000;
const TILE_HEIGHT_PIXELS = 80_000;

const random = new Random(seed ^ 0x4ead);
/** Probability of a sequencing error at each quality character (Phred+33). */
const ERROR_PROBABILITY = Float64Array.from({ length: 128 }, (_, code) => (code >= 33 ? 10 ** (-(code - 33) / 10) : 1));
const COMPLEMENT = { A: 'T', C: 'G', G: 'C', T: 'A', N: 'N' };
const OTHER_BASES = { A: 'CGT', C: 'AGT', G: 'ACT', T: 'ACG', N: 'ACGT' };

/** `bases` with errors drawn from `qualities` from position `from` on (fresh errors on a copy, or on adapter bases). */
function withErrors(bases, qualities, from = 0) {
  let out = bases;
  for (let i = from; i < bases.length; i++) {
    if (random.float() < ERROR_PROBABILITY[qualities.charCodeAt(i)]) {
      const others = OTHER_BASES[bases[i]] ?? 'ACGT';
      out = out.slice(0, i) + others[random.int(others.length)] + out.slice(i + 1);
    }
  }
  return out;
}

function reverseComplement(bases) {
  let out = '';
  for (let i = bases.length - 1; i >= 0; i--) out += COMPLEMENT[bases[i]] ?? 'N';
  return out;
}

/** The template's reads if the fragment were only `length` bp: the rest of each read is adapter, index, primer, then A. */
function readThrough(seq1, qual1, qual2, length) {
  const readLength = seq1.length;
  const fragment = seq1.slice(0, length);
  const tail = (adapter) => (adapter + 'A'.repeat(readLength)).slice(0, readLength - length);
  return [withErrors(fragment + tail(TAIL_1), qual1, length), withErrors(reverseComplement(fragment) + tail(TAIL_2), qual2, 0)];
}

/** Synchronous line reader over a file, in 4 MiB reads. */
class LineReader {
  constructor(file) {
    this.file = file;
    this.fd = fs.openSync(file, 'r');
    this.buffer = Buffer.alloc(4 << 20);
    this.text = '';
    this.at = 0;
    this.lineNumber = 0;
  }
  next() {
    for (;;) {
      const newline = this.text.indexOf('\n', this.at);
      if (newline >= 0) {
        const line = this.text.slice(this.at, newline);
        this.at = newline + 1;
        this.lineNumber++;
        return line;
      }
      const bytes = fs.readSync(this.fd, this.buffer, 0, this.buffer.length, null);
      if (bytes === 0) {
        fs.closeSync(this.fd);
        if (this.at < this.text.length) throw new Error(`${this.file}: line ${this.lineNumber + 1} has no newline`);
        return undefined;
      }
      this.text = this.text.slice(this.at) + this.buffer.toString('latin1', 0, bytes);
      this.at = 0;
    }
  }
  /** The next FASTQ record's sequence and qualities, or undefined at the end. */
  record() {
    const header = this.next();
    if (header === undefined) return undefined;
    const seq = this.next();
    const plus = this.next();
    const qual = this.next();
    if (header[0] !== '@' || plus?.[0] !== '+' || qual === undefined || qual.length !== seq.length)
      throw new Error(`${this.file}: line ${this.lineNumber - 3} does not start a FASTQ record`);
    return { seq, qual };
  }
}

// ── Pass 1: short fragments, then each pair to a random bucket ─────────────────────────────────
fs.mkdirSync(workDir, { recursive: true });
const bucketFiles = Array.from({ length: BUCKETS }, (_, k) => path.join(workDir, `bucket-${k}.tsv`));
const bucketFds = bucketFiles.map((file) => fs.openSync(file, 'w'));
const pending = bucketFiles.map(() => []);
const pendingBytes = new Float64Array(BUCKETS);
const reader1 = new LineReader(in1);
const reader2 = new LineReader(in2);
let inputPairs = 0;
let shortPairs = 0;
for (;;) {
  const r1 = reader1.record();
  const r2 = reader2.record();
  if (!r1 || !r2) {
    if (r1 || r2) throw new Error(`${r1 ? in2 : in1} ends before ${r1 ? in1 : in2}: the two files must hold the same pairs`);
    break;
  }
  inputPairs++;
  let { seq: seq1, qual: qual1 } = r1;
  let { seq: seq2, qual: qual2 } = r2;
  const draw = random.float();
  if (draw < ADAPTER_DIMER_RATE + SHORT_FRAGMENT_RATE) {
    const length = draw < ADAPTER_DIMER_RATE ? random.int(6) : seq1.length - random.logUniform(1, seq1.length - 20);
    [seq1, seq2] = readThrough(seq1, qual1, qual2, length);
    shortPairs++;
  }
  const k = random.int(BUCKETS);
  const line = `${seq1}\t${qual1}\t${seq2}\t${qual2}\n`;
  pending[k].push(line);
  pendingBytes[k] += line.length;
  if (pendingBytes[k] > 1 << 20) {
    fs.writeSync(bucketFds[k], pending[k].join(''));
    pending[k] = [];
    pendingBytes[k] = 0;
  }
}
bucketFds.forEach((fd, k) => {
  fs.writeSync(fd, pending[k].join(''));
  fs.closeSync(fd);
});

// ── Pass 2: duplicates, shuffle, names, gzip ──────────────────────────────────────────────────
function gzipTo(file) {
  const fd = fs.openSync(`${file}.partial`, 'w');
  const child = spawn('gzip', ['-6', '-c'], { stdio: ['pipe', fd, 'inherit'] });
  const done = new Promise((resolve, reject) =>
    child.on('exit', (code) => {
      fs.closeSync(fd);
      if (code === 0) resolve();
      else reject(new Error(`gzip for ${file} exited ${code}`));
    }),
  );
  return { stream: child.stdin, done };
}
const gzips = [gzipTo(out1), gzipTo(out2)];
async function write(stream, text) {
  if (!stream.write(text)) await new Promise((resolve) => stream.once('drain', resolve));
}

/** A PCR or optical copy of a pair: the same template, fresh sequencing errors. */
function copyPair(line) {
  const [seq1, qual1, seq2, qual2] = line.slice(0, -1).split('\t');
  return `${withErrors(seq1, qual1)}\t${qual1}\t${withErrors(seq2, qual2)}\t${qual2}\n`;
}

const pcrCopies = Math.round(inputPairs * PCR_DUPLICATE_RATE * (1 + SECOND_PCR_COPY_RATE));
const expectedPairs = inputPairs + pcrCopies + Math.round((inputPairs + pcrCopies) * OPTICAL_DUPLICATE_RATE);
const pairsPerTile = Math.ceil(expectedPairs / TILES.length);
let written = 0;
let opticalCopies = 0;
let pcrCopiesMade = 0;
const clamp = (value, low, high) => Math.max(low, Math.min(high, value));
for (const file of bucketFiles) {
  const pairs = fs.readFileSync(file, 'latin1').split('\n');
  pairs.pop();
  fs.rmSync(file);
  for (let i = 0, n = pairs.length; i < n; i++) {
    if (!random.chance(PCR_DUPLICATE_RATE)) continue;
    pairs.push(copyPair(pairs[i] + '\n').slice(0, -1));
    pcrCopiesMade++;
    if (random.chance(SECOND_PCR_COPY_RATE)) {
      pairs.push(copyPair(pairs[i] + '\n').slice(0, -1));
      pcrCopiesMade++;
    }
  }
  for (let i = pairs.length - 1; i > 0; i--) {
    const j = random.int(i + 1);
    [pairs[i], pairs[j]] = [pairs[j], pairs[i]];
  }
  const text1 = [];
  const text2 = [];
  const emit = (line, x, y) => {
    const tile = TILES[Math.min(TILES.length - 1, Math.floor(written / pairsPerTile))];
    const [seq1, qual1, seq2, qual2] = line.split('\t');
    const name = `${NAME_PREFIX}:${tile}:${x}:${y}`;
    text1.push(`@${name} 1:N:0:${INDEX_I7}+${INDEX_I5}\n${seq1}\n+\n${qual1}\n`);
    text2.push(`@${name} 2:N:0:${INDEX_I7}+${INDEX_I5}\n${seq2}\n+\n${qual2}\n`);
    written++;
  };
  for (const line of pairs) {
    // y rises through the tile as the instrument reports clusters; x is anywhere on the tile.
    const y = 1000 + Math.floor(((written % pairsPerTile) / pairsPerTile) * (TILE_HEIGHT_PIXELS - 2000));
    const x = random.range(1000, TILE_WIDTH_PIXELS - 1000);
    emit(line, x, y);
    if (random.chance(OPTICAL_DUPLICATE_RATE)) {
      const near = () => random.range(-OPTICAL_DISTANCE_PIXELS + 100, OPTICAL_DISTANCE_PIXELS - 100);
      emit(copyPair(line + '\n').slice(0, -1), clamp(x + near(), 1, TILE_WIDTH_PIXELS), clamp(y + near(), 1, TILE_HEIGHT_PIXELS));
      opticalCopies++;
    }
  }
  await Promise.all([write(gzips[0].stream, text1.join('')), write(gzips[1].stream, text2.join(''))]);
}
for (const gzip of gzips) gzip.stream.end();
await Promise.all(gzips.map((g) => g.done));
fs.renameSync(`${out1}.partial`, out1);
fs.renameSync(`${out2}.partial`, out2);
fs.rmSync(workDir, { recursive: true, force: true });
console.error(
  `make-real-reads: ${inputPairs} simulated pairs (${shortPairs} made short: adapter read-through), ${pcrCopiesMade} PCR and ` +
    `${opticalCopies} optical copies; ${written} pairs written`,
);
