import { describe, expect, it } from 'vitest';
import { skipReason } from './read-filter.js';
import { reasonKind } from './run.js';
import { checkSignalRecord, isRnaReadGroup, signalPicoamps, type SignalRecord } from './signal-source.js';

const record: SignalRecord = {
  readId: 'r1',
  readGroup: 0,
  digitisation: 8192,
  offset: 10,
  range: 1126.47,
  samplingRate: 3012,
  rawSignal: Int16Array.from([590, 600, -10]),
};

describe('signal records', () => {
  it('turns raw values into pA as nanopolish does, in float32: (raw + offset) · (range / digitisation)', () => {
    const unit = Math.fround(Math.fround(1126.47) / 8192);
    expect([...signalPicoamps(record)]).toEqual([Math.fround(600 * unit), Math.fround(610 * unit), 0]);
  });

  it('refuses a calibration that cannot give picoamperes, and a record that is not the one asked for', () => {
    expect(() => checkSignalRecord(record, 'r1', 'x.blow5')).not.toThrow();
    expect(() => checkSignalRecord({ ...record, range: Number.NaN }, 'r1', 'x.blow5')).toThrow(
      'x.blow5 (read r1): corrupt signal record: range is NaN, expected a number > 0',
    );
    expect(() => checkSignalRecord({ ...record, samplingRate: 0 }, 'r1', 'x.blow5')).toThrow(/sampling_rate is 0/);
    expect(() => checkSignalRecord({ ...record, offset: Infinity }, 'r1', 'x.blow5')).toThrow(/offset is Infinity/);
    expect(() => checkSignalRecord(record, 'r2', 'x.blow5')).toThrow(/the index points to read r1 for read r2/);
  });

  it('tells RNA read groups by nanopolish’s rule, RNA when the file does not say', () => {
    expect(isRnaReadGroup(new Map([['experiment_type', 'rna']]))).toBe(true);
    expect(isRnaReadGroup(new Map([['experiment_type', 'internal_rna']]))).toBe(true);
    expect(isRnaReadGroup(new Map([['experiment_type', 'genomic_dna']]))).toBe(false);
    expect(
      isRnaReadGroup(
        new Map([
          ['experiment_type', 'rna'],
          ['sequencing_kit', 'sqk-dcs108'],
        ]),
      ),
    ).toBe(false);
    expect(isRnaReadGroup(new Map())).toBe(true);
    expect(isRnaReadGroup(undefined)).toBe(true);
  });
});

describe('which records are aligned', () => {
  it('skips by the first reason that applies: unmapped, secondary, supplementary, reverse strand, low MAPQ', () => {
    expect(skipReason(0, 60, 20)).toBeUndefined();
    expect(skipReason(0, 20, 20)).toBeUndefined();
    expect(skipReason(0, 19, 20)).toBe('lowMappingQuality');
    expect(skipReason(0x4 | 0x100, 0, 20)).toBe('unmapped');
    expect(skipReason(0x100 | 0x10, 60, 20)).toBe('secondary');
    expect(skipReason(0x800 | 0x10, 60, 20)).toBe('supplementary');
    expect(skipReason(0x10, 0, 20)).toBe('reverseStrand');
    // QC-fail and duplicate flags are not a reason (nanopolish aligns them too).
    expect(skipReason(0x200 | 0x400, 60, 20)).toBeUndefined();
  });
});

describe('reasons a read was not aligned', () => {
  it('are counted without the read’s own figures', () => {
    expect(reasonKind('alignment to the basecalls failed (average log emission -5.09, longest skip 4 k-mers)')).toBe(
      'alignment to the basecalls failed',
    );
    expect(reasonKind('too few events')).toBe('too few events');
    expect(reasonKind('(odd)')).toBe('(odd)');
  });
});
