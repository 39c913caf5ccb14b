/** Reads bam2ndjson's NDJSON back into RecordBatches, so every alignment consumer also takes it on stdin. */
import { HtsError } from '../errors.js';
import type { ByteSource } from '../io/byte-source.js';
import { readLines, type NumberedLine } from '../io/lines.js';
import type { BamHeader } from '../bam/header.js';
import { EncodedRecordBatcher, type RecordBatch } from '../bam/reader.js';
import { encodeRecord } from '../bam/record/owned.js';
import { headerFromRecord, recordFromJson } from './bam-records.js';

export class NdjsonAlignmentReader {
  readonly format = 'ndjson';
  private constructor(
    readonly source: ByteSource,
    readonly header: BamHeader,
    private readonly lines: AsyncGenerator<NumberedLine>,
  ) {}

  static async fromSource(source: ByteSource): Promise<NdjsonAlignmentReader> {
    const lines = readLines(source);
    for (;;) {
      const next = await lines.next();
      if (next.done) throw new HtsError('empty NDJSON input: no header record', source.name, 'line 1');
      if (next.value.text.trim() === '') continue;
      const header = headerFromRecord(parseJsonLine(next.value, source.name), source.name);
      return new NdjsonAlignmentReader(source, header, lines);
    }
  }

  async *batches(): AsyncGenerator<RecordBatch> {
    const batcher = new EncodedRecordBatcher();
    for await (const line of this.lines) {
      if (line.text.trim() === '') continue;
      const fail = (message: string): never => {
        throw new HtsError(message, this.source.name, `line ${line.number}`);
      };
      const record = recordFromJson(parseJsonLine(line, this.source.name), this.header, fail);
      try {
        batcher.add(encodeRecord(record), line.number);
      } catch (error) {
        if (error instanceof HtsError) throw error.inFile(this.source.name, `line ${line.number}`);
        throw error;
      }
      if (batcher.full) yield batcher.flush();
    }
    if (batcher.count > 0) yield batcher.flush();
  }

  close(): void {
    this.source.close();
  }
}

function parseJsonLine(line: NumberedLine, file: string): unknown {
  try {
    return JSON.parse(line.text);
  } catch (error) {
    throw new HtsError(`invalid JSON: ${(error as Error).message}`, file, `line ${line.number}`);
  }
}
