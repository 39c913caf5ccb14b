/**
 * Known variant sites from a VCF (plain, BGZF or gzip), read front to back as the loci of a
 * coordinate-sorted run advance: CollectSamErrorMetrics' way (a PeekableIterator over the VCF), so
 * memory stays one block of text whatever the VCF's size (dbSNP included).
 *
 * Only what a site filter needs is parsed: contig, start, end (POS + len(REF) - 1, or INFO END) and
 * whether FILTER names a failed filter (anything but PASS or '.': htsjdk's VariantContext.isFiltered).
 */
import { closeSync, readSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { HtsError } from '../errors.js';
import { completeBlocksLength, inflateChunk } from '../bgzf/inflate.js';
import { hasGzipMagic, openForReading } from '../text-file.js';

export interface KnownSite {
  contig: string;
  /** 1-based, inclusive. */
  start: number;
  end: number;
  filtered: boolean;
}

const READ_BYTES = 1 << 20;

/** Whether gzip bytes are BGZF: the first member's extra field holds the 'BC' subfield. */
function isBgzf(bytes: Uint8Array): boolean {
  return bytes.length >= 18 && (bytes[3]! & 4) !== 0 && bytes[12] === 66 && bytes[13] === 67;
}

export class KnownSitesReader {
  private readonly fd: number;
  private mode: 'plain' | 'bgzf' | 'gzip' | undefined;
  private pending = new Uint8Array(0);
  private fileOffset = 0;
  private eof = false;
  private text = '';
  private textAt = 0;
  private readonly decoder = new TextDecoder('utf-8');
  private lineNumber = 0;
  private peeked: KnownSite | undefined;
  private done = false;

  constructor(private readonly path: string) {
    this.fd = openForReading(path);
  }

  /** The next site (filtered ones included), or undefined at the end. */
  peek(): KnownSite | undefined {
    if (this.peeked === undefined && !this.done) {
      this.peeked = this.parseNext();
      if (this.peeked === undefined) this.done = true;
    }
    return this.peeked;
  }

  next(): KnownSite | undefined {
    const site = this.peek();
    this.peeked = undefined;
    return site;
  }

  close(): void {
    try {
      closeSync(this.fd);
    } catch {
      // already closed
    }
  }

  private parseNext(): KnownSite | undefined {
    for (;;) {
      const line = this.nextLine();
      if (line === undefined) return undefined;
      if (line === '' || line.charCodeAt(0) === 35 /* # */) continue;
      return this.parseSite(line);
    }
  }

  private parseSite(line: string): KnownSite {
    const fields = line.split('\t', 8);
    const where = `line ${this.lineNumber}`;
    if (fields.length < 8) throw new HtsError(`a VCF record needs 8 tab-separated fields, found ${fields.length}`, this.path, where);
    const [contig, posText, , refAllele, , , filter, info] = fields as [string, string, string, string, string, string, string, string];
    const start = Number(posText);
    if (!/^[0-9]+$/.test(posText) || start < 1) throw new HtsError(`POS is not a position: '${posText}'`, this.path, where);
    if (!/^[A-Za-z*.]+$/.test(refAllele)) throw new HtsError(`REF is not a sequence: '${refAllele}'`, this.path, where);
    let end = start + refAllele.length - 1;
    // htsjdk takes END from INFO when present (symbolic alleles, gVCF blocks).
    const endAt = info.startsWith('END=') ? 0 : info.indexOf(';END=');
    if (endAt >= 0) {
      const from = endAt === 0 ? 4 : endAt + 5;
      const stop = info.indexOf(';', from);
      const endText = info.slice(from, stop < 0 ? undefined : stop);
      if (!/^[0-9]+$/.test(endText)) throw new HtsError(`INFO END is not a position: '${endText}'`, this.path, where);
      end = Number(endText);
    }
    return { contig, start, end, filtered: filter !== 'PASS' && filter !== '.' && filter !== '' };
  }

  private nextLine(): string | undefined {
    for (;;) {
      const newline = this.text.indexOf('\n', this.textAt);
      if (newline >= 0) {
        let line = this.text.slice(this.textAt, newline);
        this.textAt = newline + 1;
        this.lineNumber++;
        if (line.endsWith('\r')) line = line.slice(0, -1);
        return line;
      }
      const more = this.readText();
      if (more === undefined) {
        if (this.textAt < this.text.length) {
          const line = this.text.slice(this.textAt);
          this.text = '';
          this.textAt = 0;
          this.lineNumber++;
          return line;
        }
        return undefined;
      }
      this.text = this.text.slice(this.textAt) + more;
      this.textAt = 0;
    }
  }

  /** The next piece of decoded text, or undefined at the end of the file. */
  private readText(): string | undefined {
    if (this.eof && this.pending.length === 0) return undefined;
    const bytes = this.readBytes();
    if (bytes === undefined) {
      return undefined;
    }
    return this.decoder.decode(bytes, { stream: !this.eof });
  }

  private readBytes(): Uint8Array | undefined {
    for (;;) {
      if (!this.eof) {
        const buffer = new Uint8Array(READ_BYTES);
        const n = readSync(this.fd, buffer, 0, READ_BYTES, null);
        if (n === 0) this.eof = true;
        const joined = new Uint8Array(this.pending.length + n);
        joined.set(this.pending);
        joined.set(buffer.subarray(0, n), this.pending.length);
        this.pending = joined;
      }
      if (this.mode === undefined) {
        if (this.pending.length < 18 && !this.eof) continue;
        this.mode = hasGzipMagic(this.pending) ? (isBgzf(this.pending) ? 'bgzf' : 'gzip') : 'plain';
      }
      if (this.mode === 'plain') {
        const out = this.pending;
        this.pending = new Uint8Array(0);
        if (out.length === 0 && this.eof) return undefined;
        return out;
      }
      if (this.mode === 'gzip') {
        // Plain gzip has no blocks to inflate one at a time: the whole file, once.
        if (!this.eof) continue;
        const whole = this.pending;
        this.pending = new Uint8Array(0);
        try {
          return gunzipSync(whole);
        } catch (error) {
          throw new HtsError(`gzip data is corrupt: ${(error as Error).message}`, this.path);
        }
      }
      const complete = completeBlocksLength(this.pending, this.pending.length, this.path, this.fileOffset);
      if (complete === 0) {
        if (this.eof) {
          if (this.pending.length > 0) throw new HtsError('truncated BGZF block', this.path, `byte offset ${this.fileOffset}`);
          return undefined;
        }
        continue;
      }
      const inflated = inflateChunk({ bytes: this.pending.subarray(0, complete), fileOffset: this.fileOffset, file: this.path });
      this.fileOffset += complete;
      this.pending = this.pending.slice(complete);
      return inflated.data;
    }
  }
}
