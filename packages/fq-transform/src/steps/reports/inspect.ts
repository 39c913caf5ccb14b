/**
 * Inspect: the first `n` molecules reaching the step, as FASTQ, to
 * `{prefix}{ix}{infix}{ix}{segment}.fq[.gz|.zst]` (`interleaved` for segment = All: every segment
 * of a molecule in turn), or `….{suffix}` with a custom suffix. The file exists even when empty.
 * Serial. mbf writes FASTQ whatever `format` says (it accepts only Fastq or Fasta there). After
 * a Demultiplex step it is still one file of the first `n` molecules, each name followed by
 * ` Demultiplex={output}` for molecules of a written output, as mbf writes it.
 */
import { concatBytes, formatReads, formattedLength, nameOf, qualOf, seqOf } from '@shoal/hts';
import { compress, compressedFileName, type Compression, compressionKey, compressionLevelKey } from '../../compression.js';
import { enumKey, segmentOrAllKey } from '../../config-keys.js';
import { joinNonEmpty } from '../../output-names.js';
import { defineStep } from '../types.js';

interface Config {
  n: number;
  segment: number;
  file: string;
  compression: Compression;
  level?: number;
  /** After Demultiplex: the written outputs' names by output tag. */
  outputNames?: [number, string][];
}

interface State {
  collected: number;
  /** Compressed output: the FASTQ so far, compressed as one piece when complete. */
  pending: Uint8Array[];
  done: boolean;
}

export const inspect = defineStep<Config, State>({
  action: 'Inspect',
  parse(table, env) {
    const n = table.integer('n', { min: 0 });
    const segment = segmentOrAllKey(table, env);
    const infix = table.string('infix');
    const suffix = table.optional(() => table.string('suffix'), 'suffix');
    table.optional(() => {
      const format = enumKey(table, 'format', { Fastq: 'Fastq', Fasta: 'Fasta', Bam: 'Bam', None: 'None' });
      if (format !== 'Fastq' && format !== 'Fasta') throw table.error("Inspect step supports only 'fastq' or 'fasta' formats", 'format');
      return format;
    }, 'format');
    const compression = compressionKey(table);
    const level = compressionLevelKey(table, compression);
    const target = segment < 0 ? 'interleaved' : env.segments[segment]!;
    const base = joinNonEmpty([env.output.prefix, infix, target], env.output.ixSeparator);
    const file = `${base}.${suffix ?? compressedFileName('fq', compression)}`;
    const outputNames = env.demultiplex?.outputs.filter((entry): entry is [number, string] => entry[1] !== null);
    return { n, segment, file, compression, level, outputNames };
  },
  followsDemultiplex: true,
  sideFiles: (config) => [config.file],
  needsSerial: () => true,
  initState: () => ({ collected: 0, pending: [], done: false }),
  apply(block, config, context) {
    const state = context.state;
    if (state.done) return;
    const take = Math.min(block.count, Math.max(0, config.n - state.collected));
    let bytes: Uint8Array | undefined;
    if (take > 0 && config.outputNames && block.outputTags) {
      const names = new Map(config.outputNames);
      const segments = config.segment < 0 ? block.segments : [block.segments[config.segment]!];
      const parts: Uint8Array[] = [];
      for (let i = 0; i < take; i++) {
        const output = names.get(block.outputTags[i]!);
        const suffix = output === undefined ? '' : ` Demultiplex=${output}`;
        for (const reads of segments)
          parts.push(
            Buffer.from('@'),
            nameOf(reads, i),
            Buffer.from(`${suffix}\n`),
            seqOf(reads, i),
            Buffer.from('\n+\n'),
            qualOf(reads, i),
            Buffer.from('\n'),
          );
      }
      bytes = concatBytes(parts);
      state.collected += take;
    } else if (take > 0) {
      const segments = config.segment < 0 ? block.segments : [block.segments[config.segment]!];
      let size = 0;
      for (const reads of segments) size += formattedLength(reads, 'fastq', 0, take);
      bytes = new Uint8Array(size);
      let at = 0;
      for (let i = 0; i < take; i++) for (const reads of segments) at = formatReads(reads, 'fastq', bytes, at, i, i + 1);
      state.collected += take;
    }
    const complete = state.collected >= config.n;
    if (config.compression === 'Uncompressed') {
      if (bytes) block.side.push({ file: config.file, bytes });
      if (complete) state.done = true;
      return;
    }
    if (bytes) state.pending.push(bytes);
    if (complete || block.final) {
      block.side.push({ file: config.file, bytes: compress(concatBytes(state.pending), config) });
      state.pending = [];
      state.done = true;
    }
  },
});
