/**
 * Running Debian's nanopolish 0.14.0 eventalign on synthetic reads, for the anchor test and bench/eventalign-core.mjs:
 * the reads written as nanopolish takes them (SLOW5 text with an RNA header, FASTQ, a SAM made into a sorted, indexed
 * BAM by samtools, the reference FASTA), nanopolish run on them, its TSV parsed, and the two measures of the
 * eventalign acceptance bar: samples assigned to their true k-mer, and per (read, position) levels within 1 pA.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { picoampsAsNanopolish } from '../event-detection.js';
import type { AlignedEvent, ReadToAlign } from '../types.js';
import type { SyntheticRead } from './synthetic-read.js';

/** squigulator's rna-r9-min digitisation and range; the offset is fixed here. */
const DIGITISATION = 8192;
const RANGE = 1126.47;
const OFFSET = 4.65;

/** Whether `tool` runs (`tool --version` exits 0). */
export function toolAvailable(tool: string): boolean {
  try {
    execFileSync(tool, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * Writes `ref.fa`, `reads.fastq`, `reads.sam` and `reads.slow5` into `folder`, one contig per read (`contig<i>`, the
 * read `read<i>`). Returns the reads as eventalignRead takes them, with the signal as nanopolish computes it from the
 * digitised values written (picoampsAsNanopolish), so both tools see the same picoamperes.
 */
export function writeAnchorInputs(folder: string, reads: readonly SyntheticRead[]): ReadToAlign[] {
  let fasta = '';
  let fastq = '';
  let samHeader = '@HD\tVN:1.6\tSO:unsorted\n';
  let samRecords = '';
  let slow5 = '#slow5_version\t0.2.0\n#num_read_groups\t1\n@experiment_type\trna\n@sequencing_kit\tsqk-rna002\n@run_id\tsynthetic\n';
  slow5 += '#char*\tuint32_t\tdouble\tdouble\tdouble\tdouble\tuint64_t\tint16_t*\tchar*\tdouble\tint32_t\tuint8_t\tuint64_t\n';
  slow5 +=
    '#read_id\tread_group\tdigitisation\toffset\trange\tsampling_rate\tlen_raw_signal\traw_signal\tchannel_number\tmedian_before\tread_number\tstart_mux\tstart_time\n';
  const out: ReadToAlign[] = [];
  reads.forEach(({ read }, index) => {
    const name = `read${index}`;
    const contig = `contig${index}`;
    const raw = Int16Array.from(read.signalPa, (pa) => Math.round((pa * DIGITISATION) / RANGE - OFFSET));
    fasta += `>${contig}\n${read.referenceSequence}\n`;
    const qualities = '5'.repeat(read.readSequence.length);
    fastq += `@${name}\n${read.readSequence}\n+\n${qualities}\n`;
    slow5 += `${name}\t0\t${DIGITISATION}\t${OFFSET}\t${RANGE}\t${read.samplingRate}\t${raw.length}\t${raw.join(',')}\t1\t200\t${index}\t1\t${index * 100_000}\n`;
    samHeader += `@SQ\tSN:${contig}\tLN:${read.referenceStart + read.referenceSequence.length}\n`;
    const cigar = Array.from(read.cigar, (word) => `${word >>> 4}${'MIDNSHP=X'[word & 0xf]}`).join('');
    samRecords += `${name}\t0\t${contig}\t${read.referenceStart + 1}\t60\t${cigar}\t*\t0\t0\t${read.readSequence}\t${qualities}\tNM:i:${editDistance(read)}\n`;
    out.push({ ...read, readName: name, referenceName: contig, signalPa: picoampsAsNanopolish(raw, DIGITISATION, OFFSET, RANGE) });
  });
  writeFileSync(join(folder, 'ref.fa'), fasta);
  writeFileSync(join(folder, 'reads.fastq'), fastq);
  writeFileSync(join(folder, 'reads.sam'), samHeader + samRecords);
  writeFileSync(join(folder, 'reads.slow5'), slow5);
  return out;
}

/** NM: mismatches plus inserted and deleted bases (nanopolish's --summary reads it). */
function editDistance(read: ReadToAlign): number {
  let distance = 0;
  let readPosition = 0;
  let referencePosition = 0;
  for (const word of read.cigar) {
    const op = word & 0xf;
    const length = word >>> 4;
    if (op === 0) {
      for (let i = 0; i < length; i++)
        if (read.readSequence[readPosition + i] !== read.referenceSequence[referencePosition + i]) distance++;
      readPosition += length;
      referencePosition += length;
    } else if (op === 1) {
      distance += length;
      readPosition += length;
    } else if (op === 2) {
      distance += length;
      referencePosition += length;
    } else if (op === 4) readPosition += length;
  }
  return distance;
}

/**
 * Indexes the inputs (samtools faidx/sort/index, nanopolish index --slow5) and runs `nanopolish eventalign
 * --scale-events --signal-index --print-read-names --summary`; returns its TSV, its summary and its wall time.
 */
export function runNanopolish(folder: string, threads = 1): { tsv: string; summary: string; seconds: number } {
  const run = (tool: string, args: string[]): string =>
    execFileSync(tool, args, { cwd: folder, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 30 });
  run('samtools', ['faidx', 'ref.fa']);
  run('samtools', ['sort', '-o', 'reads.bam', 'reads.sam']);
  run('samtools', ['index', 'reads.bam']);
  run('nanopolish', ['index', '--slow5', 'reads.slow5', 'reads.fastq']);
  const started = performance.now();
  // Debian's nanopolish 0.14.0 has no --slow5 flag on eventalign: the signal file comes from the index's readdb.
  const tsv = run('nanopolish', [
    'eventalign',
    '--reads',
    'reads.fastq',
    '--bam',
    'reads.bam',
    '--genome',
    'ref.fa',
    '--scale-events',
    '--signal-index',
    '--print-read-names',
    '--summary',
    'summary.tsv',
    '-t',
    String(threads),
  ]);
  const seconds = (performance.now() - started) / 1000;
  return { tsv, summary: readFileSync(join(folder, 'summary.tsv'), 'utf8'), seconds };
}

/** The columns of a nanopolish eventalign row that the comparisons use. */
export interface AnchorRow {
  readName: string;
  referencePosition: number;
  eventIndex: number;
  levelMean: number;
  modelKmer: string;
  startSample: number;
  endSample: number;
}

/** Parses nanopolish's TSV (printed with --print-read-names --signal-index), rows grouped by read name. */
export function parseEventalignTsv(tsv: string): Map<string, AnchorRow[]> {
  const lines = tsv.split('\n');
  const header = lines[0].split('\t');
  const column = (name: string): number => header.indexOf(name);
  const [name, position, event, level, model, start, end] = [
    'read_name',
    'position',
    'event_index',
    'event_level_mean',
    'model_kmer',
    'start_idx',
    'end_idx',
  ].map(column);
  const rows = new Map<string, AnchorRow[]>();
  for (const line of lines.slice(1)) {
    if (line === '') continue;
    const fields = line.split('\t');
    const readRows = rows.get(fields[name]) ?? [];
    readRows.push({
      readName: fields[name],
      referencePosition: Number(fields[position]),
      eventIndex: Number(fields[event]),
      levelMean: Number(fields[level]),
      modelKmer: fields[model],
      startSample: Number(fields[start]),
      endSample: Number(fields[end]),
    });
    rows.set(fields[name], readRows);
  }
  return rows;
}

/** Raw sample -> reference position of the row that covers it, -1 where none does. */
export function assignedPositions(
  rows: readonly Pick<AlignedEvent, 'referencePosition' | 'startSample' | 'endSample'>[],
  sampleCount: number,
): Int32Array {
  const out = new Int32Array(sampleCount).fill(-1);
  for (const row of rows) for (let i = row.startSample; i < row.endSample; i++) out[i] = row.referencePosition;
  return out;
}

/** Per reference position, the mean level of its rows weighted by their samples. */
export function levelsByPosition(
  rows: readonly Pick<AlignedEvent, 'referencePosition' | 'startSample' | 'endSample' | 'levelMean'>[],
): Map<number, number> {
  const sums = new Map<number, [number, number]>();
  for (const row of rows) {
    const weight = row.endSample - row.startSample;
    const sum = sums.get(row.referencePosition) ?? [0, 0];
    sum[0] += row.levelMean * weight;
    sum[1] += weight;
    sums.set(row.referencePosition, sum);
  }
  return new Map(Array.from(sums, ([position, [sum, weight]]) => [position, sum / weight]));
}

/**
 * Of the positions in `reference`, how many `ours` has within `tolerance` of it (a position missing from `ours`
 * counts as a disagreement).
 */
export function levelAgreement(
  reference: Map<number, number>,
  ours: Map<number, number>,
  tolerance = 1,
): { pairs: number; within: number } {
  let within = 0;
  for (const [position, level] of reference) {
    const other = ours.get(position);
    if (other !== undefined && Math.abs(other - level) <= tolerance) within++;
  }
  return { pairs: reference.size, within };
}
