/** CIGAR operations (SAM spec §1.4.6, §4.2.2): packed as length << 4 | op in BAM. */
export const CIGAR_OPS = 'MIDNSHP=X';
export const CIGAR_OP_CODES = Uint8Array.from(CIGAR_OPS, (c) => c.charCodeAt(0));

export const CigarOp = {
  Match: 0,
  Insertion: 1,
  Deletion: 2,
  Skip: 3,
  SoftClip: 4,
  HardClip: 5,
  Padding: 6,
  SequenceMatch: 7,
  SequenceMismatch: 8,
} as const;

/** Bit set of ops that consume the reference: M D N = X. */
export const CONSUMES_REFERENCE = 0b110001101;
/** Bit set of ops that consume the query: M I S = X. */
export const CONSUMES_QUERY = 0b110010011;

export function cigarToString(ops: ArrayLike<number>): string {
  if (ops.length === 0) return '*';
  let text = '';
  for (let i = 0; i < ops.length; i++) text += `${ops[i]! >>> 4}${CIGAR_OPS[ops[i]! & 15]}`;
  return text;
}

/** Parses `10M2I*`-style text; returns undefined when malformed. */
export function parseCigar(text: string): Uint32Array | undefined {
  if (text === '*') return new Uint32Array(0);
  const ops: number[] = [];
  const pattern = /(\d+)([MIDNSHP=X])/gy;
  let consumed = 0;
  let match: RegExpExecArray | null;
  while ((match = pattern.exec(text)) !== null) {
    const length = Number(match[1]);
    if (length >= 1 << 28) return undefined;
    ops.push((length << 4) | CIGAR_OPS.indexOf(match[2]!));
    consumed = pattern.lastIndex;
  }
  return consumed === text.length && ops.length > 0 ? Uint32Array.from(ops) : undefined;
}

export function referenceLengthOf(ops: ArrayLike<number>): number {
  let length = 0;
  for (let i = 0; i < ops.length; i++) if ((CONSUMES_REFERENCE >> (ops[i]! & 15)) & 1) length += ops[i]! >>> 4;
  return length;
}

export function queryLengthOf(ops: ArrayLike<number>): number {
  let length = 0;
  for (let i = 0; i < ops.length; i++) if ((CONSUMES_QUERY >> (ops[i]! & 15)) & 1) length += ops[i]! >>> 4;
  return length;
}
