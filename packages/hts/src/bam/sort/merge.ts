/**
 * The k-way merge of sorted runs: a binary min-heap of run cursors keyed by their current record's
 * (reference key, position-and-strand key, run number). The run number breaks full ties, and runs
 * are numbered in input order, each holding consecutive input in input order, so the merge keeps
 * input order on ties, as samtools' `heap_lt` does with its file index and record counter.
 */

/**
 * A sorted input of the merge at its current record, `bytes[start, start + length)`, with that
 * record's keys (order.ts). Moving within a batch is synchronous; only a new batch needs an await.
 */
export interface MergeCursor {
  readonly bytes: Uint8Array;
  readonly start: number;
  readonly length: number;
  readonly referenceKey: number;
  readonly positionStrandKey: number;
  /** Moves to the next record of the current batch; false at its end (then call nextBatch). */
  next(): boolean;
  /** Moves to the first record of the next batch; false, and the input closed, at its end. */
  nextBatch(): Promise<boolean>;
  close(): void;
}

/**
 * Merges `cursors` (in input order, each at its first record) and hands every record to `emit` in
 * coordinate order; a promise `emit` returns is awaited before the next record. The bytes handed
 * over are the cursor's: valid only until `emit` (or its promise) returns. Returns the number of
 * records; every cursor is closed at the end.
 */
export async function mergeRuns(cursors: readonly MergeCursor[], emit: (record: Uint8Array) => Promise<void> | undefined): Promise<number> {
  const heap = new Int32Array(cursors.length);
  let size = 0;
  const before = (a: number, b: number): boolean => {
    const x = cursors[a]!;
    const y = cursors[b]!;
    if (x.referenceKey !== y.referenceKey) return x.referenceKey < y.referenceKey;
    if (x.positionStrandKey !== y.positionStrandKey) return x.positionStrandKey < y.positionStrandKey;
    return a < b;
  };
  const siftDown = (from: number): void => {
    const item = heap[from]!;
    let at = from;
    for (;;) {
      const left = 2 * at + 1;
      if (left >= size) break;
      const right = left + 1;
      const child = right < size && before(heap[right]!, heap[left]!) ? right : left;
      if (!before(heap[child]!, item)) break;
      heap[at] = heap[child]!;
      at = child;
    }
    heap[at] = item;
  };
  for (let i = 0; i < cursors.length; i++) heap[size++] = i;
  for (let i = (size >> 1) - 1; i >= 0; i--) siftDown(i);

  let records = 0;
  try {
    while (size > 0) {
      const cursor = cursors[heap[0]!]!;
      const pending = emit(cursor.bytes.subarray(cursor.start, cursor.start + cursor.length));
      if (pending) await pending;
      records++;
      if (!cursor.next() && !(await cursor.nextBatch())) heap[0] = heap[--size]!;
      if (size > 0) siftDown(0);
    }
  } finally {
    for (const cursor of cursors) cursor.close();
  }
  return records;
}
