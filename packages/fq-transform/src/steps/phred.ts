/** PHRED quality encodings (mbf's PhredEncoding): their byte ranges, names, and mbf's check of a read's qualities. */
import { enumKey } from '../config-keys.js';
import type { Table } from '../table.js';
import { displayBytes, debugByteList } from './rust-display.js';

export type PhredEncoding = 'Sanger' | 'Solexa' | 'Illumina13';

/** mbf's spellings: Illumina1.8 is Sanger, Illumina1.3 is Illumina13. */
const ENCODINGS: Record<string, PhredEncoding> = {
  Sanger: 'Sanger',
  'Illumina1.8': 'Sanger',
  Solexa: 'Solexa',
  Illumina13: 'Illumina13',
  'Illumina1.3': 'Illumina13',
};

/** The lowest and highest quality byte of an encoding. */
export function phredLimits(encoding: PhredEncoding): [number, number] {
  return encoding === 'Sanger' ? [33, 126] : encoding === 'Solexa' ? [59, 126] : [64, 126];
}

export function describeEncoding(encoding: PhredEncoding): string {
  return encoding === 'Sanger' ? 'Sanger/Illumina1.8 (PHRED+33)' : encoding === 'Solexa' ? 'Solexa (PHRED+64)' : 'Illumina 1.3+ (PHRED+64)';
}

/** A PhredEncoding key: Sanger (alias Illumina1.8), Solexa, Illumina13 (alias Illumina1.3). */
export function encodingKey(table: Table, key: string, defaultValue?: PhredEncoding): PhredEncoding {
  return enumKey(table, key, ENCODINGS, { default: defaultValue });
}

/** mbf's "Invalid phred quality found" check over reads; returns the message for the first bad read, or undefined. */
export function qualityProblem(name: Uint8Array, qual: Uint8Array, lower: number, upper: number): string | undefined {
  for (let k = 0; k < qual.length; k++) {
    const q = qual[k]!;
    if (q < lower || q > upper) {
      return (
        `Invalid phred quality found. Expected ${lower}..=${upper} (${String.fromCharCode(lower)}..=${String.fromCharCode(upper)}) : ` +
        `Error in read named '${displayBytes(name)}', Quality: '${displayBytes(qual)}' Bytes: ${debugByteList(qual)}`
      );
    }
  }
  return undefined;
}
