/** Text lines of a byte source, with 1-based line numbers for error messages; `\r\n` accepted. */
import type { ByteSource } from './byte-source.js';

export interface NumberedLine {
  text: string;
  number: number;
}

export async function* readLines(source: ByteSource, bufferBytes = 1 << 20): AsyncGenerator<NumberedLine> {
  const decoder = new TextDecoder('utf-8');
  const buffer = new Uint8Array(bufferBytes);
  let rest = '';
  let number = 0;
  for (;;) {
    const n = await source.read(buffer);
    const text = rest + (n === 0 ? decoder.decode() : decoder.decode(buffer.subarray(0, n), { stream: true }));
    const parts = text.split('\n');
    rest = n === 0 ? '' : parts.pop()!;
    for (const part of parts) {
      number++;
      yield { text: part.endsWith('\r') ? part.slice(0, -1) : part, number };
    }
    if (n === 0) {
      if (rest) yield { text: rest, number: ++number };
      return;
    }
  }
}
