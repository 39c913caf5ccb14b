/**
 * bam2ndjson: BAM, SAM or NDJSON in, NDJSON out — a header record, then one line per record
 * (schema in docs/formats.md). `--region` reads through the BAI; `--fields` keeps a subset.
 */
import {
  BamNdjsonFormatter,
  ByteWriter,
  describeVirtualOffset,
  HtsError,
  RECORD_FIELDS,
  loadBaiFor,
  openAlignmentsFrom,
  openByteSource,
  openOutput,
  packHeader,
  parseRegion,
  peekSource,
  queryRegion,
  sniffAlignmentFormat,
  type ByteSink,
  type ByteSource,
  type RecordBatch,
  type RecordField,
} from '@shoal/hts';
import { BAM_STAGES_MODULE, openBamPipeline } from '@shoal/engine';

export interface BamToNdjsonOptions {
  input: string;
  output: string;
  fields?: readonly RecordField[];
  region?: string;
  headerOnly?: boolean;
  /** Leave out the header record (for line-oriented tools that want records only). */
  noHeader?: boolean;
  onProgress?: (records: number, compressedBytes: number | undefined) => void;
  /**
   * Total threads (main + workers) for BAM input read whole: inflate and formatting run on the
   * engine, output stays in file order. SAM, NDJSON and --region inputs are read on one thread.
   * Default 1.
   */
  threads?: number;
}

/** Bytes gathered before one write to the output. */
const FLUSH_BYTES = 1 << 20;

export function parseFields(text: string): RecordField[] {
  const fields = text
    .split(',')
    .map((f) => f.trim())
    .filter(Boolean);
  const unknown = fields.filter((f) => !(RECORD_FIELDS as readonly string[]).includes(f));
  if (unknown.length > 0 || fields.length === 0) {
    throw new HtsError(
      `unknown field${unknown.length === 1 ? '' : 's'} ${unknown.join(', ') || '(none given)'}; choose from ${RECORD_FIELDS.join(',')}`,
    );
  }
  return fields as RecordField[];
}

export async function bamToNdjson(options: BamToNdjsonOptions): Promise<{ records: number }> {
  if (options.region && options.input === '-') throw new HtsError('--region needs a BAM file with an index, not stdin');
  const { head, source } = await peekSource(openByteSource(options.input), 512);
  if (!options.region && !options.headerOnly && sniffAlignmentFormat(head) === 'bam') return bamToNdjsonOnEngine(options, source);
  const reader = await openAlignmentsFrom(head, source);
  const sink = openOutput(options.output);
  let records = 0;
  let pendingOutput: ByteWriter | undefined;
  try {
    const formatter = new BamNdjsonFormatter(reader.header, options.fields);
    const out = new ByteWriter();
    pendingOutput = out;
    if (!options.noHeader) formatter.writeHeader(out);
    if (!options.headerOnly) {
      let batches: AsyncIterable<RecordBatch>;
      if (options.region) {
        if (reader.format !== 'bam') throw new HtsError('--region needs BAM input with an index', options.input);
        const region = parseRegion(options.region, reader.header);
        batches = queryRegion(options.input, reader.header, loadBaiFor(options.input), region.refId, region.beg, region.end);
      } else {
        batches = reader.batches();
      }
      for await (const batch of batches) {
        for (let i = 0; i < batch.count; i++) {
          try {
            formatter.writeRecord(out, batch.record(i));
          } catch (error) {
            if (!(error instanceof HtsError)) throw error;
            const line = batch.lineNumbers?.[i];
            const where = line !== undefined ? `line ${line}` : describeVirtualOffset(batch.virtualOffsetAt(batch.offsets[i]!));
            throw error.inFile(options.input, where);
          }
        }
        records += batch.count;
        if (out.length >= FLUSH_BYTES) {
          const chunk = out.take();
          await sink.write(chunk);
          out.recycle(chunk);
        }
        options.onProgress?.(records, batch.count > 0 ? Math.floor(batch.virtualOffsetAt(batch.offsets[0]!) / 65536) : undefined);
      }
    }
    if (out.length > 0) await sink.write(out.take());
    await sink.commit();
    return { records };
  } catch (error) {
    // On stdout, pass on the records decoded before the error (as samtools does); the message
    // follows them. A file output is dropped whole.
    if (options.output === '-' && pendingOutput && pendingOutput.length > 0) await sink.write(pendingOutput.take()).catch(() => {});
    sink.abort();
    throw error;
  } finally {
    reader.close();
  }
}

/** Whole-BAM path: inflate → split → format on the engine, written in file order. */
async function bamToNdjsonOnEngine(options: BamToNdjsonOptions, source: ByteSource): Promise<{ records: number }> {
  let pipeline;
  try {
    pipeline = await openBamPipeline(source, {
      threads: options.threads ?? 1,
      stages: (header) => [
        {
          module: BAM_STAGES_MODULE,
          name: 'formatNdjson',
          // Records need only the reference names: not the header text (megabytes with 200,000 contigs), cloned to every worker.
          options: { header: packHeader(header, false), fields: options.fields },
        },
      ],
    });
  } catch (error) {
    source.close();
    throw error;
  }
  const sink: ByteSink = openOutput(options.output);
  let records = 0;
  try {
    if (!options.noHeader) {
      await sink.write(new BamNdjsonFormatter(pipeline.header, options.fields).headerLine());
    }
    const pool = pipeline.pool;
    await pipeline.run(async (block) => {
      const text = block.text as Uint8Array;
      if (text.length > 0) await sink.write(text);
      pool.release(text.buffer as ArrayBuffer);
      records += block.records as number;
      options.onProgress?.(records, block.endFileOffset as number);
    });
    await sink.commit();
    return { records };
  } catch (error) {
    sink.abort();
    // A record the formatter refuses (a tag twice) names its read; the file is added here.
    throw error instanceof HtsError ? error.inFile(options.input) : error;
  } finally {
    await pipeline.close();
  }
}
