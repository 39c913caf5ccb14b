/**
 * The TSV and --summary layout against Debian's nanopolish 0.14.0 itself: its rows on four simulated reads
 * (test/golden/eventalign, made by tools/goldens/eventalign/make-nanopolish-rows.sh) are read back into event values
 * and written again by our formatter, which must give the same bytes (header, column order, reference k-mers, the
 * strand, NNNNN rows and inf, -0.00, widths); and our summary of each read's rows must be nanopolish's.
 */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { kmerRank } from '../pore-model.js';
import type { AlignedEvent } from './types.js';
import { eventalignTsvHeader, formatEventalignRows, formatSummaryRow, summarizeEvents, type TsvColumns } from './tsv.js';

const golden = (name: string): string =>
  fs.readFileSync(fileURLToPath(new URL(`../../../../test/golden/eventalign/${name}`, import.meta.url)), 'utf8');

const contigs = new Map<string, string>();
for (const entry of golden('ref.fa').split('>').slice(1)) {
  const [name, ...lines] = entry.trimEnd().split('\n');
  contigs.set(name!, lines.join(''));
}

const number = (text: string): number => (text === 'inf' ? Infinity : text === '-inf' ? -Infinity : Number(text));

/** A row of nanopolish's TSV back as the event it printed (values as rounded there; they print the same again). */
function eventOf(fields: string[], signalIndex: boolean): AlignedEvent {
  return {
    referencePosition: Number(fields[1]),
    referenceKmerRank: kmerRank(fields[2]!, 0, 5),
    eventIndex: Number(fields[5]),
    levelMean: number(fields[6]!),
    levelStdv: number(fields[7]!),
    lengthSeconds: number(fields[8]!),
    modelKmerRank: fields[9] === 'NNNNN' ? -1 : kmerRank(fields[9]!, 0, 5),
    modelMean: number(fields[10]!),
    modelStdv: number(fields[11]!),
    standardizedLevel: number(fields[12]!),
    startSample: signalIndex ? Number(fields[13]) : 0,
    endSample: signalIndex ? Number(fields[14]) : 0,
  };
}

/** The file's rows grouped by read (consecutive rows of one read), each with the column that names the read. */
function readsOf(text: string, signalIndex: boolean): Array<{ contig: string; read: string; lines: string[]; events: AlignedEvent[] }> {
  const reads: Array<{ contig: string; read: string; lines: string[]; events: AlignedEvent[] }> = [];
  for (const line of text.trimEnd().split('\n').slice(1)) {
    const fields = line.split('\t');
    let last = reads.at(-1);
    if (last?.read !== fields[3]) {
      last = { contig: fields[0]!, read: fields[3]!, lines: [], events: [] };
      reads.push(last);
    }
    last.lines.push(line);
    last.events.push(eventOf(fields, signalIndex));
  }
  return reads;
}

function rowsAgain(read: { contig: string; read: string; events: AlignedEvent[] }, columns: TsvColumns, readIndex = 0): string {
  const tsvRead = {
    contig: read.contig,
    readIndex,
    readName: read.read,
    referenceStart: 0,
    referenceSequence: contigs.get(read.contig)!,
    k: 5,
    signalPa: new Float32Array(0),
    samplingRate: 3012,
  };
  return formatEventalignRows(tsvRead, read.events, { shift: 0, scale: 1, drift: 0, var: 1 }, columns);
}

describe('our TSV against nanopolish 0.14.0’s', () => {
  it('--scale-events --signal-index --print-read-names: every row of four reads, byte for byte', () => {
    const text = golden('scaled.tsv');
    const columns = { printReadNames: true, signalIndex: true, samples: false };
    expect(text.slice(0, text.indexOf('\n') + 1)).toBe(eventalignTsvHeader(columns));
    const reads = readsOf(text, true);
    expect(reads.map((read) => read.read)).toEqual(['read00', 'read02', 'read03', 'read01']);
    for (const read of reads) expect(rowsAgain(read, columns)).toBe(`${read.lines.join('\n')}\n`);
    // The file holds what this test is about.
    expect(text).toMatch(/\tNNNNN\t0\.00\t0\.00\tinf\t/);
    expect(text).toMatch(/\t-0\.00\t/);
  });

  it('no flags: read_index and no optional columns', () => {
    const text = golden('plain.tsv');
    const columns = { printReadNames: false, signalIndex: false, samples: false };
    expect(text.slice(0, text.indexOf('\n') + 1)).toBe(eventalignTsvHeader(columns));
    for (const read of readsOf(text, false)) expect(rowsAgain(read, columns, Number(read.read))).toBe(`${read.lines.join('\n')}\n`);
  });

  it('--summary: our counts of each read’s rows are nanopolish’s, in its layout', () => {
    const reads = readsOf(golden('scaled.tsv'), true);
    const rows = golden('summary.tsv').trimEnd().split('\n');
    expect(rows[0]).toBe(
      'read_index\tread_name\tfast5_path\tmodel_name\tstrand\tnum_events\tnum_steps\tnum_skips\tnum_stays\ttotal_duration\tshift\tscale\tdrift\tvar',
    );
    for (const row of rows.slice(1)) {
      const fields = row.split('\t');
      const read = reads.find((candidate) => candidate.read === fields[1])!;
      const scaling = { shift: Number(fields[10]), scale: Number(fields[11]), drift: Number(fields[12]), var: Number(fields[13]) };
      expect(formatSummaryRow(Number(fields[0]), read.read, summarizeEvents(read.events), scaling)).toBe(`${row}\n`);
    }
  });
});
