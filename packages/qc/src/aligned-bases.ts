import type { BamRecordView } from '@shoal/hts';

/** The aligned (M, =, X) bases of a read: what Picard's counting filters count for a read they exclude. */
export function alignedBases(record: BamRecordView): number {
  let bases = 0;
  const count = record.cigarLength;
  for (let c = 0; c < count; c++) {
    const op = record.cigarOp(c);
    const kind = op & 15;
    if (kind === 0 || kind === 7 || kind === 8) bases += op >>> 4;
  }
  return bases;
}
