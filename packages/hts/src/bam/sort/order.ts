/**
 * samtools sort's coordinate order (samtools 1.16.1, bam_sort.c: `ks_radixsort` for a run in
 * memory, `heap_lt` for the merge of runs), which every part of the sort shares:
 *
 * 1. the reference id, with the unplaced (-1) last: samtools' radix sort maps -1 to n_ref and its
 *    merge heap compares the id as uint32_t; both put -1 after every real id;
 * 2. the position + 1, so an unset position (-1) comes first within its reference;
 * 3. the strand: forward (FLAG 0x10 clear) before reverse;
 * 4. on a full tie, input order. samtools' radix sort is a stable LSD sort, and its merge breaks
 *    ties by the run's number and then the record's number in it; runs hold consecutive input.
 *    (samtools 1.16 compares nothing else: no flag, name or mate.)
 *
 * An unmapped read placed at its mate's position (FLAG 0x4 with its mate's reference id and
 * position, SAM spec §2.4) is no special case: it sorts by the id, position and strand bit it
 * carries, as samtools does, and so lands beside its mate.
 */

/** Offsets of the fields the order reads, in a record that starts with its block_size (SAM spec §4.2). */
const REFERENCE_ID_AT = 4;
const POSITION_AT = 8;
const FLAG_AT = 18;
const FLAG_REVERSE = 0x10;

/** The reference part of the key: the id, or `referenceCount` for an unplaced record (id -1), as samtools' radix sort has it. */
export function referenceKeyOf(data: DataView, at: number, referenceCount: number): number {
  const referenceId = data.getInt32(at + REFERENCE_ID_AT, true);
  return referenceId < 0 ? referenceCount : referenceId;
}

/** The position + 1 (0 for an unset position), as samtools keys it. */
export function positionKeyOf(data: DataView, at: number): number {
  return data.getInt32(at + POSITION_AT, true) + 1;
}

/** 1 for a reverse-strand record (FLAG 0x10), else 0. */
export function strandKeyOf(data: DataView, at: number): number {
  return (data.getUint16(at + FLAG_AT, true) & FLAG_REVERSE) >> 4;
}

/**
 * The position and strand as one number, (position + 1) * 2 + strand: below 2^33, exact in a
 * double. The merge compares this and the reference key.
 */
export function positionStrandKeyOf(data: DataView, at: number): number {
  return positionKeyOf(data, at) * 2 + strandKeyOf(data, at);
}

/**
 * samtools' coordinate order of two records (each a whole record, block_size first): negative when
 * `a` sorts first, positive when `b` does, 0 on a full tie (then input order decides).
 */
export function compareCoordinates(a: Uint8Array, b: Uint8Array): number {
  const aData = new DataView(a.buffer, a.byteOffset, a.byteLength);
  const bData = new DataView(b.buffer, b.byteOffset, b.byteLength);
  // Any count above every real id puts -1 last; the real one is not needed to compare two records.
  const unplaced = 0x80000000;
  const byReference = referenceKeyOf(aData, 0, unplaced) - referenceKeyOf(bData, 0, unplaced);
  if (byReference !== 0) return byReference;
  return positionStrandKeyOf(aData, 0) - positionStrandKeyOf(bData, 0);
}

/** Radix digit width: 8 bits, 256 buckets, as samtools' ks_radixsort. */
const DIGIT_BITS = 8;
const BUCKETS = 1 << DIGIT_BITS;

/**
 * The permutation that puts `count` records in coordinate order, stable: an LSD radix sort over
 * the strand bit, then the bytes of the position key, then those of the reference key, each pass
 * a stable counting sort (as samtools' ks_radixsort, whose digits are the same bytes). A pass
 * whose digit is the same for every record changes nothing and is skipped, so a run on one
 * reference with positions below 2^24 takes 4 passes.
 *
 * `order` and `scratch` hold at least `count` entries; the result is one of them.
 */
export function coordinateOrder(
  count: number,
  referenceKeys: Uint32Array,
  positionKeys: Uint32Array,
  strandKeys: Uint8Array,
  order: Uint32Array,
  scratch: Uint32Array,
): Uint32Array {
  for (let i = 0; i < count; i++) order[i] = i;
  const counts = new Uint32Array(BUCKETS);
  let from = order;
  let to = scratch;
  const pass = (keys: Uint32Array | Uint8Array, shift: number): void => {
    counts.fill(0);
    for (let i = 0; i < count; i++) counts[(keys[from[i]!]! >>> shift) & (BUCKETS - 1)]!++;
    // Every record in one bucket: this digit orders nothing.
    for (let bucket = 0; bucket < BUCKETS; bucket++) if (counts[bucket] === count) return;
    let start = 0;
    for (let bucket = 0; bucket < BUCKETS; bucket++) {
      const size = counts[bucket]!;
      counts[bucket] = start;
      start += size;
    }
    for (let i = 0; i < count; i++) {
      const record = from[i]!;
      to[counts[(keys[record]! >>> shift) & (BUCKETS - 1)]!++] = record;
    }
    const swap = from;
    from = to;
    to = swap;
  };
  pass(strandKeys, 0);
  for (let shift = 0; shift < 32; shift += DIGIT_BITS) pass(positionKeys, shift);
  for (let shift = 0; shift < 32; shift += DIGIT_BITS) pass(referenceKeys, shift);
  return from;
}
