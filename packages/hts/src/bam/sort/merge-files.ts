/**
 * Merges coordinate-sorted BAM files into one (samtools merge without -n): the k-way merge of the
 * sort (merge.ts), each file read as a run. Ties keep input order (the file given first wins), so
 * the output does not depend on how the inputs were made, only on their order. The output and its
 * index appear together or not at all; an input that is not sorted makes the writer fail, and
 * nothing is left behind.
 */
import type { BamHeader } from '../header.js';
import { BamWriter } from '../writer.js';
import { mergeRuns, type MergeCursor } from './merge.js';
import { RunCursor } from './runs.js';

/** Read-ahead per input: the merge holds one chunk of each file. */
const MERGE_READ_BYTES = 1 << 20;

export interface BamFileMergeOptions {
  /** The output's header; every input must have its reference sequences, in its order (the caller checks). */
  header: BamHeader;
  /** Write `<output>.bai` too. */
  writeIndex?: boolean;
  /** DEFLATE level (default 6). */
  level?: number;
}

/** Merges `inputs` (each coordinate-sorted) into `output`; returns the number of records. */
export async function mergeSortedBamFiles(inputs: readonly string[], output: string, options: BamFileMergeOptions): Promise<number> {
  const cursors: MergeCursor[] = [];
  let writer: BamWriter | undefined;
  // mergeRuns closes every cursor itself, however it ends.
  let handedOver = false;
  try {
    for (const path of inputs) {
      const cursor = await RunCursor.open(
        { path, records: 0, remove: () => undefined },
        options.header.references.length,
        MERGE_READ_BYTES,
      );
      if (cursor) cursors.push(cursor);
    }
    const opened = await BamWriter.open(output, options.header, { writeIndex: options.writeIndex, level: options.level });
    writer = opened;
    handedOver = true;
    const records = await mergeRuns(cursors, (record) => opened.writeRecordBytes(record));
    await opened.close();
    return records;
  } catch (error) {
    if (!handedOver) for (const cursor of cursors) cursor.close();
    writer?.abort();
    throw error;
  }
}
