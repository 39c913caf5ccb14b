/**
 * The loci a partial state counted, per contig, as sorted disjoint [start, end) ranges, so that merging states refuses
 * loci counted twice. Adding is a binary search (and an insert, at the end when ranges come in order): merging
 * hundreds of shards with tens of thousands of target ranges stays proportional to the ranges, not their square.
 */
export class CountedLoci {
  /** refId → flat [start0, end0, start1, end1, …], sorted, disjoint. */
  private readonly byContig = new Map<number, number[]>();

  /** Adds [start, end) of refId; returns the part of it already counted (nothing is added then), or undefined. */
  add(refId: number, start: number, end: number): [number, number] | undefined {
    if (end <= start) return undefined;
    let ranges = this.byContig.get(refId);
    if (ranges === undefined) this.byContig.set(refId, (ranges = []));
    // The first range ending after `start`: the only one that can overlap, ranges being disjoint and sorted.
    let low = 0;
    let high = ranges.length / 2;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (ranges[2 * mid + 1]! <= start) low = mid + 1;
      else high = mid;
    }
    if (low < ranges.length / 2 && ranges[2 * low]! < end) return [Math.max(start, ranges[2 * low]!), Math.min(end, ranges[2 * low + 1]!)];
    if (2 * low === ranges.length) ranges.push(start, end);
    else ranges.splice(2 * low, 0, start, end);
    return undefined;
  }

  /** [refId, start, end) triples, for a partial state's JSON. */
  toJSON(): [number, number, number][] {
    const triples: [number, number, number][] = [];
    for (const [refId, ranges] of this.byContig)
      for (let i = 0; i < ranges.length; i += 2) triples.push([refId, ranges[i]!, ranges[i + 1]!]);
    return triples;
  }
}
