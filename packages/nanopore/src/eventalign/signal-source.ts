/**
 * What eventalign needs of a signal file: random access by read id, the read groups' attributes, and each record's
 * calibration. `Blow5IndexedReader` of @shoal/hts (slow5lib's `.idx`) is the reader; the plumbing relies only on
 * these parts of it, so that a test can hand it records from memory.
 */
import { Blow5IndexedReader, HtsError, type Slow5Header, type Slow5Record } from '@shoal/hts';
import { picoampsAsNanopolish } from './event-detection.js';

/** The fields of a SLOW5 record eventalign reads. */
export type SignalRecord = Pick<Slow5Record, 'readId' | 'readGroup' | 'digitisation' | 'offset' | 'range' | 'samplingRate' | 'rawSignal'>;

export interface SignalReader {
  /** Per read group, its `@attribute` values (`experiment_type`, `sequencing_kit`, …). */
  readonly header: Pick<Slow5Header, 'readGroups'>;
  /** The record of `readId`, or undefined when the file has none. */
  get(readId: string): Promise<SignalRecord | undefined>;
  close(): Promise<void>;
}

/**
 * Opens a BLOW5 (or SLOW5) file for random access through its index `<path>.idx`, which is built (and written
 * atomically) when missing, as `slow5tools index` would.
 */
export function openSignalReader(path: string): Promise<SignalReader> {
  return Blow5IndexedReader.open(path, { buildIndex: true });
}

/** The record's signal in picoamperes, as nanopolish 0.14.0 computes it (the core's picoampsAsNanopolish, in float32). */
export function signalPicoamps(record: SignalRecord): Float32Array {
  return picoampsAsNanopolish(record.rawSignal, record.digitisation, record.offset, record.range);
}

/**
 * Checks what the aligner cannot work without: the record is the one asked for, and its calibration turns raw
 * values into finite picoamperes at a positive sampling rate. Anything else is a corrupt record (HtsError).
 */
export function checkSignalRecord(record: SignalRecord, readId: string, file: string): void {
  const where = `read ${readId}`;
  if (record.readId !== readId)
    throw new HtsError(
      `the index points to read ${record.readId} for read ${readId}: the index does not match the file (delete ${file}.idx)`,
      file,
      where,
    );
  const fields: Array<[string, number]> = [
    ['digitisation', record.digitisation],
    ['range', record.range],
    ['sampling_rate', record.samplingRate],
  ];
  for (const [name, value] of fields) {
    if (!(Number.isFinite(value) && value > 0))
      throw new HtsError(`corrupt signal record: ${name} is ${value}, expected a number > 0`, file, where);
  }
  if (!Number.isFinite(record.offset)) throw new HtsError(`corrupt signal record: offset is ${record.offset}`, file, where);
}

/**
 * Whether a read group holds direct-RNA reads, by nanopolish's rule: `experiment_type` rna or internal_rna, except
 * the cDNA kit sqk-dcs108. A file without the attribute is taken as RNA: this tool's pore models are RNA models.
 */
export function isRnaReadGroup(attributes: ReadonlyMap<string, string> | undefined): boolean {
  const experimentType = attributes?.get('experiment_type');
  if (experimentType === undefined) return true;
  return (experimentType === 'rna' || experimentType === 'internal_rna') && attributes?.get('sequencing_kit') !== 'sqk-dcs108';
}
