/** Text lines of a byte source, with 1-based line numbers for error messages; `\r\n` accepted. */
import type { ByteSource } from './byte-source.js';

export interface NumberedLine {
  text: string;
  number: number;
}

/**
 * Each chunk is searched for newlines once, and the pieces of a line longer than a chunk are
 * joined once, when its newline arrives: joining the unfinished line to every new chunk and
 * splitting again made one 32 MB line (a long read in SAM, the NDJSON header of 200,000 contigs)
 * cost minutes. A last line without a newline is a line; input ending in a newline has no empty
 * line after it.
 */
export async function* readLines(source: ByteSource, bufferBytes = 1 << 20): AsyncGenerator<NumberedLine> {
  const decoder = new TextDecoder('utf-8');
  const buffer = new Uint8Array(bufferBytes);
  let unfinished: string[] = [];
  let number = 0;
  const line = (text: string): NumberedLine => ({ text: text.endsWith('\r') ? text.slice(0, -1) : text, number: ++number });
  for (;;) {
    const n = await source.read(buffer);
    const piece = n === 0 ? decoder.decode() : decoder.decode(buffer.subarray(0, n), { stream: true });
    let from = 0;
    for (let newline = piece.indexOf('\n'); newline >= 0; newline = piece.indexOf('\n', from)) {
      const tail = piece.slice(from, newline);
      if (unfinished.length === 0) yield line(tail);
      else {
        unfinished.push(tail);
        const whole = unfinished.join('');
        unfinished = [];
        yield line(whole);
      }
      from = newline + 1;
    }
    if (from < piece.length) unfinished.push(piece.slice(from));
    if (n === 0) {
      if (unfinished.length > 0) yield line(unfinished.join(''));
      return;
    }
  }
}
