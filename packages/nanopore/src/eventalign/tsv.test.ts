import { describe, expect, it } from 'vitest';
import { kmerRank } from '../pore-model.js';
import type { AlignedEvent, ReadScaling } from './types.js';
import {
  eventalignTsvHeader,
  EVENTALIGN_SUMMARY_HEADER,
  formatEventalignRows,
  formatSummaryRow,
  referenceKmer,
  summarizeEvents,
  type TsvColumns,
  type TsvRead,
} from './tsv.js';

const NO_EXTRAS: TsvColumns = { printReadNames: false, signalIndex: false, samples: false };
const ALL: TsvColumns = { printReadNames: true, signalIndex: true, samples: true };

function event(fields: Partial<AlignedEvent>): AlignedEvent {
  return {
    referencePosition: 10,
    referenceKmerRank: kmerRank('ATTAC', 0, 5),
    eventIndex: 1,
    levelMean: 84.4649,
    levelStdv: 1.81925,
    lengthSeconds: 0.004648,
    modelKmerRank: kmerRank('ATTAC', 0, 5),
    modelMean: 85.2149,
    modelStdv: 2.4567,
    standardizedLevel: -0.3066,
    startSample: 2,
    endSample: 5,
    ...fields,
  };
}

// Reference bases from position 8: "nnATTACGR…" (soft-masked, an N and an IUPAC R, as a FASTA may hold them).
const read: TsvRead = {
  contig: 'tx1',
  readIndex: 7,
  readName: 'read00',
  referenceStart: 8,
  referenceSequence: 'nnATTACGRT',
  k: 5,
  signalPa: Float32Array.from([10, 20, 44, 43.53125, 50, 60]),
  samplingRate: 3000,
};
const scaling: ReadScaling = { shift: 2, scale: 0.5, drift: 0, var: 0.9 };

describe('the eventalign TSV header', () => {
  it('has nanopolish 0.14.0’s columns for each combination of flags', () => {
    expect(eventalignTsvHeader(NO_EXTRAS)).toBe(
      'contig\tposition\treference_kmer\tread_index\tstrand\tevent_index\tevent_level_mean\tevent_stdv\tevent_length\tmodel_kmer\tmodel_mean\tmodel_stdv\tstandardized_level\n',
    );
    // As nanopolish eventalign --scale-events --signal-index --samples --print-read-names printed it here.
    expect(eventalignTsvHeader(ALL)).toBe(
      'contig\tposition\treference_kmer\tread_name\tstrand\tevent_index\tevent_level_mean\tevent_stdv\tevent_length\tmodel_kmer\tmodel_mean\tmodel_stdv\tstandardized_level\tstart_idx\tend_idx\tsamples\n',
    );
    expect(eventalignTsvHeader({ ...NO_EXTRAS, samples: true }).endsWith('\tstandardized_level\tsamples\n')).toBe(true);
    expect(eventalignTsvHeader({ ...NO_EXTRAS, signalIndex: true }).endsWith('\tstandardized_level\tstart_idx\tend_idx\n')).toBe(true);
  });
});

describe('eventalign rows', () => {
  it('prints nanopolish’s formats: %.2f levels, %.3f stdv, %.5f seconds, the strand t', () => {
    expect(formatEventalignRows(read, [event({})], scaling, NO_EXTRAS)).toBe(
      'tx1\t10\tATTAC\t7\tt\t1\t84.46\t1.819\t0.00465\tATTAC\t85.21\t2.46\t-0.31\n',
    );
  });

  it('puts the read name in place of the index, and appends the signal index and the scaled samples', () => {
    // Samples 2..4 (pA 44, 43.53125, 50) scaled: (pA − 2) / 0.5.
    expect(formatEventalignRows(read, [event({})], scaling, ALL)).toBe(
      'tx1\t10\tATTAC\tread00\tt\t1\t84.46\t1.819\t0.00465\tATTAC\t85.21\t2.46\t-0.31\t2\t5\t84,83.0625,96\n',
    );
  });

  it('subtracts the drift at each sample’s time, as nanopolish scales samples', () => {
    const drifting = { ...scaling, drift: 3000 }; // pA per second: sample i loses i / 3000 · 3000 = i pA
    expect(
      formatEventalignRows(read, [event({ startSample: 2, endSample: 4 })], drifting, ALL)
        .split('\t')
        .at(-1),
    ).toBe('80,77.0625\n');
  });

  it('prints an unknown model k-mer as NNNNN 0.00 0.00 inf', () => {
    const row = formatEventalignRows(
      read,
      [event({ modelKmerRank: -1, modelMean: 0, modelStdv: 0, standardizedLevel: Infinity })],
      scaling,
      NO_EXTRAS,
    );
    expect(row).toBe('tx1\t10\tATTAC\t7\tt\t1\t84.46\t1.819\t0.00465\tNNNNN\t0.00\t0.00\tinf\n');
  });

  it('rounds the float32 value, as nanopolish prints its floats', () => {
    // 0.125 is a tie at two places: glibc prints 0.12. 2.675 is 2.67499… in binary, and 2.6749999523 as a float.
    const row = formatEventalignRows(read, [event({ levelMean: 0.125, modelMean: 2.675, standardizedLevel: -0.125 })], scaling, NO_EXTRAS);
    expect(row.split('\t').slice(6, 13)).toEqual(['0.12', '1.819', '0.00465', 'ATTAC', '2.67', '2.46', '-0.12\n']);
  });

  it('takes reference k-mers from the reference, upper case, ambiguity codes as nanopolish disambiguates them', () => {
    expect(referenceKmer(read, 8)).toBe('AAATT'); // nn → AA
    expect(referenceKmer(read, 12)).toBe('TACGA'); // R (A or G) → A
    const rows = formatEventalignRows(
      read,
      [event({ referencePosition: 8 }), event({ referencePosition: 8, eventIndex: 2 })],
      scaling,
      NO_EXTRAS,
    );
    expect(rows.split('\n').map((line) => line.split('\t').slice(0, 3).join(' '))).toEqual(['tx1 8 AAATT', 'tx1 8 AAATT', '']);
  });

  it('writes nothing for a read without events', () => {
    expect(formatEventalignRows(read, [], scaling, ALL)).toBe('');
  });
});

describe('the --summary file', () => {
  it('counts stays, steps and skips as nanopolish’s summarize_alignment (a move back is a skip)', () => {
    const events = [10, 10, 11, 13, 12].map((position, i) =>
      event({ referencePosition: position, eventIndex: i + 1, lengthSeconds: 0.25 }),
    );
    expect(summarizeEvents(events)).toEqual({ numEvents: 5, numSteps: 1, numSkips: 2, numStays: 1, totalDurationSeconds: 1.25 });
  });

  it('writes nanopolish’s columns, empty fast5_path and model_name, and no row for a read without events', () => {
    expect(EVENTALIGN_SUMMARY_HEADER).toBe(
      'read_index\tread_name\tfast5_path\tmodel_name\tstrand\tnum_events\tnum_steps\tnum_skips\tnum_stays\ttotal_duration\tshift\tscale\tdrift\tvar\n',
    );
    const summary = { numEvents: 1775, numSteps: 1059, numSkips: 45, numStays: 670, totalDurationSeconds: 16.9549 };
    // As nanopolish printed read00 of the simulated reads (docs/tools/eventalign.md).
    expect(formatSummaryRow(0, 'read00', summary, { shift: 2.2764, scale: 0.97514, drift: 0, var: 0.96789 })).toBe(
      '0\tread00\t\t\ttemplate\t1775\t1059\t45\t670\t16.95\t2.276\t0.975\t0.000\t0.968\n',
    );
    expect(formatSummaryRow(3, 'empty', summarizeEvents([]), scaling)).toBe('');
  });
});
