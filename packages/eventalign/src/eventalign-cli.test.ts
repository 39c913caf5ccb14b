import type { EventalignCounts } from '@shoal/nanopore';
import { describe, expect, it } from 'vitest';
import { describeCounts } from './eventalign-cli.js';

const none: EventalignCounts = {
  records: 0,
  unmapped: 0,
  secondary: 0,
  supplementary: 0,
  reverseStrand: 0,
  lowMappingQuality: 0,
  withoutFullSequence: 0,
  missingFromReads: 0,
  notInReadIds: 0,
  missingFromSignal: 0,
  aligned: 0,
  notAligned: 0,
  notAlignedReasons: {},
  rows: 0,
  segments: 0,
};

describe('the end-of-run line', () => {
  it('says what was aligned and, by reason, what was not', () => {
    const counts: EventalignCounts = {
      ...none,
      records: 1204,
      secondary: 40,
      reverseStrand: 31,
      lowMappingQuality: 52,
      missingFromSignal: 3,
      firstMissingFromSignal: '5f1c',
      aligned: 1051,
      notAligned: 27,
      notAlignedReasons: { 'too few events': 25, 'calibration failed': 2 },
      rows: 1_702_311,
    };
    expect(describeCounts(counts, { minMapq: 20, format: 'tsv' })).toBe(
      '1,204 BAM records, 1,051 reads aligned, 1,702,311 rows; skipped: 40 secondary, 31 reverse-strand, 52 with MAPQ < 20, 3 not in --slow5 (first: 5f1c), 27 not aligned (too few events: 25, calibration failed: 2)',
    );
  });

  it('counts segments for frames, and lists nothing skipped when nothing was', () => {
    expect(describeCounts({ ...none, records: 2, aligned: 2, segments: 1800 }, { minMapq: 0, format: 'frames' })).toBe(
      '2 BAM records, 2 reads aligned, 1,800 segments',
    );
    expect(describeCounts({ ...none, records: 1 }, { minMapq: 0, format: 'frames' })).toBe('1 BAM record, 0 reads aligned, 0 segments');
  });
});
