/** The SAMPLE, LIBRARY and READ_GROUP columns Picard's multi-level metrics end with (METRIC_ACCUMULATION_LEVEL). */
import type { Column } from './collector.js';

export const UNIT_COLUMNS: Column[] = [
  {
    name: 'SAMPLE',
    kind: 'text',
    riker: null,
    description: "The sample the row is for; empty on the rows over all reads (alignment: --accumulation-level). Picard's layout only.",
  },
  {
    name: 'LIBRARY',
    kind: 'text',
    riker: null,
    description: "The library the row is for; empty on rows over all reads or one sample. Picard's layout only.",
  },
  {
    name: 'READ_GROUP',
    kind: 'text',
    riker: null,
    description: "The read group's PU (Picard keys the level on PU, not ID); empty above the read-group level. Picard's layout only.",
  },
];
