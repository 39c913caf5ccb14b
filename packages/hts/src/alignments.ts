/**
 * One entry point for alignment input: BAM, SAM, or bam2ndjson's NDJSON, from a path or `-`,
 * told apart by their first bytes (never by the name), all giving the same RecordBatches.
 */
import { HtsError } from './errors.js';
import { openByteSource, type ByteSource } from './io/byte-source.js';
import { peekSource } from './io/peek.js';
import type { BamHeader } from './bam/header.js';
import { BamReader, type RecordBatch, type BamReaderOptions } from './bam/reader.js';
import { SamReader } from './sam/reader.js';
import { NdjsonAlignmentReader } from './ndjson/alignment-reader.js';

export type AlignmentFormat = 'bam' | 'sam' | 'ndjson';

export interface AlignmentReader {
  readonly format: AlignmentFormat;
  readonly header: BamHeader;
  readonly source: ByteSource;
  batches(): AsyncGenerator<RecordBatch>;
  close(): void;
}

export function sniffAlignmentFormat(head: Uint8Array): AlignmentFormat | undefined {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'bam';
  let i = 0;
  while (i < head.length && (head[i] === 32 || head[i] === 10 || head[i] === 13 || head[i] === 9)) i++;
  if (head[i] === 123) return 'ndjson';
  // SAM: a header line, or a record line whose bytes are printable text with tabs.
  if (head[0] === 64) return 'sam';
  const text = head.subarray(0, Math.min(head.length, 512));
  if (text.length > 0 && text.every((b) => b === 9 || b === 10 || b === 13 || (b >= 32 && b < 127)) && text.includes(9)) return 'sam';
  return undefined;
}

export async function openAlignments(path: string, options: BamReaderOptions = {}): Promise<AlignmentReader> {
  const { head, source } = await peekSource(openByteSource(path), 512);
  return openAlignmentsFrom(head, source, options);
}

/** Like openAlignments, for a source already opened and peeked (`head`: its first bytes, still unread). */
export async function openAlignmentsFrom(head: Uint8Array, source: ByteSource, options: BamReaderOptions = {}): Promise<AlignmentReader> {
  try {
    const format = sniffAlignmentFormat(head);
    if (head.length === 0) throw new HtsError('empty input: no BAM, SAM or NDJSON data', source.name, 'byte offset 0');
    if (head[0] === 67 && head[1] === 82 && head[2] === 65 && head[3] === 77) {
      // "CRAM" magic. Decision and measurement: docs/decisions.md.
      throw new HtsError('CRAM is not supported; convert with samtools view -b -T ref.fa in.cram > in.bam', source.name, 'byte offset 0');
    }
    if (format === 'bam') {
      const reader = await BamReader.fromSource(source, options);
      return Object.assign(reader, { format: 'bam' as const });
    }
    if (format === 'sam') {
      const reader = await SamReader.fromSource(source);
      return Object.assign(reader, { format: 'sam' as const });
    }
    if (format === 'ndjson') return await NdjsonAlignmentReader.fromSource(source);
    throw new HtsError('not BAM, SAM or shoal NDJSON (unrecognised first bytes)', source.name, 'byte offset 0');
  } catch (error) {
    source.close();
    throw error;
  }
}
