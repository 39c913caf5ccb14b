/**
 * bam2ndjson: BAM, SAM or NDJSON in, NDJSON out — a header record, then one line per record
 * (schema in docs/formats.md). `--region` reads through the BAI; `--fields` keeps a subset.
 */
import {
  BamNdjsonFormatter,
  ByteWriter,
  HtsError,
  RECORD_FIELDS,
  loadBaiFor,
  openAlignments,
  openOutput,
  parseRegion,
  queryRegion,
  type RecordBatch,
  type RecordField,
} from '@shoal/hts';

export interface BamToNdjsonOptions {
  input: string;
  output: string;
  fields?: readonly RecordField[];
  region?: string;
  headerOnly?: boolean;
  /** Leave out the header record (for line-oriented tools that want records only). */
  noHeader?: boolean;
  onProgress?: (records: number, compressedBytes: number | undefined) => void;
}

/** Bytes gathered before one write to the output. */
const FLUSH_BYTES = 1 << 20;

export function parseFields(text: string): RecordField[] {
  const fields = text.split(',').map((f) => f.trim()).filter(Boolean);
  const unknown = fields.filter((f) => !(RECORD_FIELDS as readonly string[]).includes(f));
  if (unknown.length > 0 || fields.length === 0) {
    throw new HtsError(`unknown field${unknown.length === 1 ? '' : 's'} ${unknown.join(', ') || '(none given)'}; choose from ${RECORD_FIELDS.join(',')}`);
  }
  return fields as RecordField[];
}

export async function bamToNdjson(options: BamToNdjsonOptions): Promise<{ records: number }> {
  if (options.region && options.input === '-') throw new HtsError('--region needs a BAM file with an index, not stdin');
  const reader = await openAlignments(options.input);
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
        for (let i = 0; i < batch.count; i++) formatter.writeRecord(out, batch.record(i));
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
