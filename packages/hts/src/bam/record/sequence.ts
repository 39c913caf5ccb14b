import { quoted } from '../../errors.js';

/** 4-bit packed bases (SAM spec §4.2.3): `=ACMGRSVTWYHKDBN`. */
export const SEQ_CODES = '=ACMGRSVTWYHKDBN';
export const SEQ_CHAR_CODES = Uint8Array.from(SEQ_CODES, (c) => c.charCodeAt(0));

/** Byte → the two base letters it packs, as one 16-bit little-endian pair, for 2-bases-per-step decoding. */
export const SEQ_PAIR_CODES = (() => {
  const table = new Uint16Array(256);
  for (let b = 0; b < 256; b++) table[b] = SEQ_CHAR_CODES[b >> 4]! | (SEQ_CHAR_CODES[b & 15]! << 8);
  return table;
})();

/** ASCII letter → 4-bit code; lower case maps like upper case (BAM stores no case), other letters → N. */
export const SEQ_LETTER_TO_CODE = (() => {
  const table = new Uint8Array(256).fill(15);
  for (let i = 0; i < SEQ_CODES.length; i++) {
    table[SEQ_CODES.charCodeAt(i)] = i;
    table[SEQ_CODES.toLowerCase().charCodeAt(i)] = i;
  }
  return table;
})();

export function encodeSequence(sequence: string, out: Uint8Array, at: number): void {
  const n = sequence.length;
  for (let i = 0; i + 1 < n; i += 2) {
    out[at + (i >> 1)] = (SEQ_LETTER_TO_CODE[sequence.charCodeAt(i)]! << 4) | SEQ_LETTER_TO_CODE[sequence.charCodeAt(i + 1)]!;
  }
  if (n & 1) out[at + (n >> 1)] = SEQ_LETTER_TO_CODE[sequence.charCodeAt(n - 1)]! << 4;
}

/**
 * Phred values from Phred+33 text, which must be ! to ~ (htslib refuses "invalid QUAL character"
 * below !; a character beyond ~ would wrap in the byte).
 */
export function phredFromText(text: string, fail: (message: string) => never): Uint8Array {
  const qualities = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 33 || c > 126) fail(`quality character ${quoted(text[i]!)} at ${i + 1} is not Phred+33 (from ! to ~)`);
    qualities[i] = c - 33;
  }
  return qualities;
}
