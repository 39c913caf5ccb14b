/**
 * The loci each read name's alignments have counted, while collect-wgs' window still holds them: Picard excludes a
 * later alignment of the same name (a mate, a supplementary alignment) where an earlier one counted the locus.
 *
 * Every counted record is remembered until the window passes its loci, 4.5 M times on a 4.5 M-record BAM. As a
 * Map from the name (a string decoded per record) to an array of runs, that cost about a third of collect-wgs' single
 * thread, most of it in the garbage collector (the arrays outlive the young generation). Here the names are hashed
 * from the record's bytes, and names and runs live in typed arrays: an open-addressing table of entries, a byte arena
 * for the names and an Int32Array arena for the runs, compacted when half of either is garbage. Nothing is allocated
 * per record.
 *
 * Runs are sorted, disjoint [start, end) pairs, flat, as the collector builds them.
 */

/** FNV-1a over a read name's bytes. */
export function nameHash(bytes: Uint8Array, start: number, length: number): number {
  let hash = 0x811c9dc5;
  for (let i = start; i < start + length; i++) hash = Math.imul(hash ^ bytes[i]!, 0x01000193);
  return hash | 0;
}

const EMPTY = 0;
const DELETED = -1;

export class OpenReads {
  /** The runs of every entry, at runsStart(entry), 2 × runCount(entry) values. Valid until the next add or replace. */
  runs = new Int32Array(1 << 16);
  private runsUsed = 0;
  private names = new Uint8Array(1 << 16);
  private namesUsed = 0;
  /** Open addressing: entry + 1, EMPTY or DELETED. */
  private slots = new Int32Array(1 << 12);
  /** Slots not EMPTY (live entries and DELETED marks). */
  private taken = 0;
  private live = 0;
  /** The live count after the last sweep (forgetEndingBy's amortisation). */
  private liveSince = 0;
  /** Per entry (an entry is free when its slot is -1). */
  private hashes = new Int32Array(1 << 10);
  private slotOf = new Int32Array(1 << 10).fill(-1);
  private nameAt = new Int32Array(1 << 10);
  private nameLength = new Int32Array(1 << 10);
  private runsAt = new Int32Array(1 << 10);
  private pairs = new Int32Array(1 << 10);
  private entries = 0;
  private readonly free: number[] = [];

  get size(): number {
    return this.live;
  }

  /** The entry of the name at bytes[start, start + length), or -1. */
  find(bytes: Uint8Array, start: number, length: number, hash: number): number {
    const slots = this.slots;
    const mask = slots.length - 1;
    for (let at = hash & mask; ; at = (at + 1) & mask) {
      const slot = slots[at]!;
      if (slot === EMPTY) return -1;
      if (slot === DELETED) continue;
      const entry = slot - 1;
      if (this.hashes[entry] !== hash || this.nameLength[entry] !== length) continue;
      const names = this.names;
      const from = this.nameAt[entry]!;
      let i = 0;
      while (i < length && names[from + i] === bytes[start + i]) i++;
      if (i === length) return entry;
    }
  }

  runsStart(entry: number): number {
    return this.runsAt[entry]!;
  }

  runCount(entry: number): number {
    return this.pairs[entry]!;
  }

  /** Remembers a name not yet here with `pairs` runs of `runs`. */
  add(bytes: Uint8Array, start: number, length: number, hash: number, runs: Int32Array, pairs: number): void {
    let entry = this.free.pop();
    if (entry === undefined) {
      entry = this.entries++;
      if (entry === this.hashes.length) this.growEntries();
    }
    if (this.namesUsed + length > this.names.length) this.compactNames(length);
    this.names.set(bytes.subarray(start, start + length), this.namesUsed);
    this.hashes[entry] = hash;
    this.nameAt[entry] = this.namesUsed;
    this.nameLength[entry] = length;
    this.namesUsed += length;
    this.storeRuns(entry, runs, pairs);
    if ((this.taken + 1) * 2 > this.slots.length) this.rehash();
    const slots = this.slots;
    const mask = slots.length - 1;
    let at = hash & mask;
    while (slots[at] !== EMPTY && slots[at] !== DELETED) at = (at + 1) & mask;
    if (slots[at] === EMPTY) this.taken++;
    slots[at] = entry + 1;
    this.slotOf[entry] = at;
    this.live++;
  }

  /** Gives an entry new runs (none: forgets it). */
  replace(entry: number, runs: Int32Array, pairs: number): void {
    if (pairs === 0) this.delete(entry);
    else this.storeRuns(entry, runs, pairs);
  }

  /** Forgets the names whose last run ends by `position`, now and then (amortised over the entries remembered). */
  forgetEndingBy(position: number): void {
    if (this.live < 2 * this.liveSince + 64) return;
    for (let entry = 0; entry < this.entries; entry++)
      if (this.slotOf[entry]! >= 0 && this.runs[this.runsAt[entry]! + 2 * this.pairs[entry]! - 1]! <= position) this.delete(entry);
    this.liveSince = this.live;
  }

  clear(): void {
    this.slots.fill(EMPTY);
    this.slotOf.fill(-1);
    this.taken = this.live = this.liveSince = this.entries = this.namesUsed = this.runsUsed = 0;
    this.free.length = 0;
  }

  private delete(entry: number): void {
    this.slots[this.slotOf[entry]!] = DELETED;
    this.slotOf[entry] = -1;
    this.pairs[entry] = 0;
    this.free.push(entry);
    this.live--;
  }

  private storeRuns(entry: number, runs: Int32Array, pairs: number): void {
    if (this.runsUsed + 2 * pairs > this.runs.length) {
      this.pairs[entry] = 0; // its old runs are garbage now
      this.compactRuns(2 * pairs);
    }
    this.runs.set(runs.subarray(0, 2 * pairs), this.runsUsed);
    this.runsAt[entry] = this.runsUsed;
    this.pairs[entry] = pairs;
    this.runsUsed += 2 * pairs;
  }

  /** Copies the live entries' runs to the front of a runs arena with room for `needed` more (twice the live size). */
  private compactRuns(needed: number): void {
    let liveValues = 0;
    for (let entry = 0; entry < this.entries; entry++) if (this.slotOf[entry]! >= 0) liveValues += 2 * this.pairs[entry]!;
    const size = Math.max(this.runs.length, 2 * (liveValues + needed));
    const runs = new Int32Array(size);
    let used = 0;
    for (let entry = 0; entry < this.entries; entry++) {
      if (this.slotOf[entry]! < 0 || this.pairs[entry] === 0) continue;
      const from = this.runsAt[entry]!;
      runs.set(this.runs.subarray(from, from + 2 * this.pairs[entry]!), used);
      this.runsAt[entry] = used;
      used += 2 * this.pairs[entry]!;
    }
    this.runs = runs;
    this.runsUsed = used;
  }

  private compactNames(needed: number): void {
    let liveBytes = 0;
    for (let entry = 0; entry < this.entries; entry++) if (this.slotOf[entry]! >= 0) liveBytes += this.nameLength[entry]!;
    const size = Math.max(this.names.length, 2 * (liveBytes + needed));
    const names = new Uint8Array(size);
    let used = 0;
    for (let entry = 0; entry < this.entries; entry++) {
      if (this.slotOf[entry]! < 0) continue;
      const from = this.nameAt[entry]!;
      names.set(this.names.subarray(from, from + this.nameLength[entry]!), used);
      this.nameAt[entry] = used;
      used += this.nameLength[entry]!;
    }
    this.names = names;
    this.namesUsed = used;
  }

  /** A table twice the live entries' need (DELETED marks dropped). */
  private rehash(): void {
    let size = this.slots.length;
    while ((this.live + 1) * 4 > size) size *= 2;
    const slots = new Int32Array(size);
    const mask = size - 1;
    for (let entry = 0; entry < this.entries; entry++) {
      if (this.slotOf[entry]! < 0) continue;
      let at = this.hashes[entry]! & mask;
      while (slots[at] !== EMPTY) at = (at + 1) & mask;
      slots[at] = entry + 1;
      this.slotOf[entry] = at;
    }
    this.slots = slots;
    this.taken = this.live;
  }

  private growEntries(): void {
    const size = this.hashes.length * 2;
    const grow = (array: Int32Array, fill = 0): Int32Array<ArrayBuffer> => {
      const bigger = new Int32Array(size).fill(fill);
      bigger.set(array);
      return bigger;
    };
    this.hashes = grow(this.hashes);
    this.slotOf = grow(this.slotOf, -1);
    this.nameAt = grow(this.nameAt);
    this.nameLength = grow(this.nameLength);
    this.runsAt = grow(this.runsAt);
    this.pairs = grow(this.pairs);
  }
}
