/**
 * Reading a file a step needs besides the input (TagOtherFile's other reads, CalcKmers' database),
 * once, in prepare, on the main thread: FASTQ, FASTA or BAM, plain, gzip or zstd (told by the
 * bytes), in blocks of reads. The path is resolved against the configuration's folder here rather
 * than by config.ts's resolveInputPath, whose import would load the TOML parser into every worker.
 */
import path from 'node:path';
import { emptyReadsBlock, openSequenceFile, type ReadsBlock } from '@shoal/hts';

export interface OtherFileOptions {
  /** For BAM: which records to read. */
  includeMapped: boolean;
  includeUnmapped: boolean;
}

/** Calls `visit` with each block of reads of `name` (relative to `baseDirectory`) and their count; returns the resolved path. */
export async function readOtherFile(
  name: string,
  baseDirectory: string,
  options: OtherFileOptions,
  visit: (block: ReadsBlock, count: number) => void,
): Promise<string> {
  const file = path.resolve(baseDirectory, name);
  const reader = await openSequenceFile(file, {
    fastaFakeQuality: 33,
    bamIncludeMapped: options.includeMapped,
    bamIncludeUnmapped: options.includeUnmapped,
  });
  try {
    for (;;) {
      const block = emptyReadsBlock();
      const got = await reader.take(block, 10_000);
      if (got === 0) break;
      visit(block, got);
    }
  } finally {
    reader.close();
  }
  return file;
}
