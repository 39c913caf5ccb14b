/**
 * Writing SLOW5 text and BLOW5 (version 0.2.0). A file is written under a temporary name and
 * renamed into place by close() (io/output.ts), so a failed run leaves nothing under the final
 * name; BLOW5 ends with the `5WOLB` marker (slow5lib slow5_eof_fwrite). Records are gathered into
 * writes of about FLUSH_BYTES so that small records do not each cost a system call.
 */
import { openOutput, type ByteSink } from '../io/output.js';
import { concatBytes } from '../bytes.js';
import { auxTypesOf, type AuxType } from './aux.js';
import { BLOW5_EOF, encodeBlow5Header, formatSlow5TextHeader } from './header.js';
import { compressRecordBody, encodeRecordBody, formatRecordText } from './record.js';
import type { Slow5Header, Slow5Record, Slow5RecordCompression, Slow5SignalCompression } from './types.js';

export interface Slow5WriterOptions {
  /** Default from the file name: `.slow5` is text, anything else (and `-`) BLOW5. */
  format?: 'blow5' | 'slow5';
  /** BLOW5 only; default 'zlib'. */
  recordCompression?: Slow5RecordCompression;
  /** BLOW5 only; default 'svb-zd'. */
  signalCompression?: Slow5SignalCompression;
}

/** Bytes gathered before a write to the sink. */
const FLUSH_BYTES = 1 << 20;

interface ResolvedOptions {
  readonly format: 'blow5' | 'slow5';
  readonly recordCompression: Slow5RecordCompression;
  readonly signalCompression: Slow5SignalCompression;
}

function resolveOptions(path: string, options: Slow5WriterOptions): ResolvedOptions {
  const format = options.format ?? (path.toLowerCase().endsWith('.slow5') ? 'slow5' : 'blow5');
  if (format === 'slow5' && ((options.recordCompression ?? 'none') !== 'none' || (options.signalCompression ?? 'none') !== 'none')) {
    throw new Error('SLOW5 text has no record or signal compression: write BLOW5 for that');
  }
  return {
    format,
    recordCompression: format === 'slow5' ? 'none' : (options.recordCompression ?? 'zlib'),
    signalCompression: format === 'slow5' ? 'none' : (options.signalCompression ?? 'svb-zd'),
  };
}

const utf8 = new TextEncoder();

/** Encodes records one at a time in the chosen format (the writer and encodeSlow5File share it). */
class RecordEncoder {
  private readonly auxTypes: readonly AuxType[];

  constructor(
    private readonly header: Slow5Header,
    readonly options: ResolvedOptions,
  ) {
    this.auxTypes = auxTypesOf(header.auxFields);
  }

  headerBytes(): Uint8Array {
    return this.options.format === 'slow5'
      ? utf8.encode(formatSlow5TextHeader(this.header))
      : encodeBlow5Header(this.header, this.options.recordCompression, this.options.signalCompression);
  }

  record(record: Slow5Record): Uint8Array {
    if (record.readGroup >= this.header.readGroups.length) {
      throw new Error(`record ${record.readId}: read group ${record.readGroup}, but the header has ${this.header.readGroups.length}`);
    }
    if (this.options.format === 'slow5') return utf8.encode(formatRecordText(record, this.auxTypes));
    const stored = compressRecordBody(
      encodeRecordBody(record, this.auxTypes, this.options.signalCompression),
      this.options.recordCompression,
    );
    const out = new Uint8Array(8 + stored.length);
    new DataView(out.buffer).setBigUint64(0, BigInt(stored.length), true);
    out.set(stored, 8);
    return out;
  }

  trailer(): Uint8Array {
    return this.options.format === 'blow5' ? BLOW5_EOF : new Uint8Array(0);
  }
}

export class Slow5Writer {
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private done = false;

  private constructor(
    private readonly sink: ByteSink,
    private readonly encoder: RecordEncoder,
  ) {}

  /** Opens `path` (`-` is stdout) and writes the header; the file keeps a temporary name until close(). */
  static async open(path: string, header: Slow5Header, options: Slow5WriterOptions = {}): Promise<Slow5Writer> {
    const encoder = new RecordEncoder(header, resolveOptions(path, options));
    const headerBytes = encoder.headerBytes();
    const sink = openOutput(path);
    const writer = new Slow5Writer(sink, encoder);
    try {
      await sink.write(headerBytes);
    } catch (error) {
      sink.abort();
      throw error;
    }
    return writer;
  }

  get format(): 'blow5' | 'slow5' {
    return this.encoder.options.format;
  }

  async write(record: Slow5Record): Promise<void> {
    if (this.done) throw new Error('Slow5Writer.write after close() or abort()');
    const bytes = this.encoder.record(record);
    this.pending.push(bytes);
    this.pendingBytes += bytes.length;
    if (this.pendingBytes >= FLUSH_BYTES) await this.flush();
  }

  private async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const chunk = this.pending.length === 1 ? this.pending[0]! : concatBytes(this.pending);
    this.pending = [];
    this.pendingBytes = 0;
    await this.sink.write(chunk);
  }

  /** Writes what is pending and the EOF marker (BLOW5), then renames the file into place. */
  async close(): Promise<void> {
    if (this.done) return;
    this.done = true;
    try {
      const trailer = this.encoder.trailer();
      if (trailer.length > 0) this.pending.push(trailer);
      await this.flush();
      await this.sink.commit();
    } catch (error) {
      this.sink.abort();
      throw error;
    }
  }

  /** Drops the output (removes the temporary file). */
  abort(): Promise<void> {
    this.done = true;
    this.pending = [];
    this.sink.abort();
    return Promise.resolve();
  }
}

/** A whole SLOW5 or BLOW5 file in memory (BLOW5 unless `options.format` is 'slow5'). */
export function encodeSlow5File(header: Slow5Header, records: Iterable<Slow5Record>, options: Slow5WriterOptions = {}): Uint8Array {
  const encoder = new RecordEncoder(header, resolveOptions('', options));
  const parts = [encoder.headerBytes()];
  for (const record of records) parts.push(encoder.record(record));
  parts.push(encoder.trailer());
  return concatBytes(parts);
}
