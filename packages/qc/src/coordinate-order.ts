/**
 * The checks every per-locus collector makes of its input (wgs, hybcap, error): coordinate order, and base qualities
 * where it reads them; one line naming the file and record, as every reader's errors do.
 */
import { HtsError, type BamHeader, type BamRecordView } from '@shoal/hts';

export class CoordinateOrder {
  private lastRefId = -1;
  private lastPos = -1;

  /** `needs`: what the collector computes, for the message ("coverage", "error metrics"). */
  constructor(
    private readonly header: BamHeader,
    private readonly input: string,
    private readonly needs: string,
  ) {}

  /** Throws when the record (at refId:pos, 0-based) comes before the last one checked. */
  check(record: BamRecordView, refId: number, pos: number, recordNumber: number): void {
    if (refId < this.lastRefId || (refId === this.lastRefId && pos < this.lastPos))
      throw new HtsError(
        `the input is not coordinate-sorted: ${record.readName} at ${this.header.references[refId]!.name}:${pos + 1} comes after ${this.header.references[this.lastRefId]!.name}:${this.lastPos + 1}; ${this.needs} needs a coordinate-sorted BAM (samtools sort)`,
        this.input,
        `record ${recordNumber}`,
      );
    this.lastRefId = refId;
    this.lastPos = pos;
  }

  /** Throws for a read without base qualities ('*'), which the collector needs (Picard fails on such reads too). */
  requireQualities(record: BamRecordView, recordNumber: number): void {
    if (!record.hasQualities)
      throw new HtsError(
        `read ${record.readName} has no base qualities ('*'): ${this.needs} needs them (Picard fails on such reads too)`,
        this.input,
        `record ${recordNumber}`,
      );
  }
}
