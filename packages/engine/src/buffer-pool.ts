/** A small pool of spare ArrayBuffers, per thread; buffers travel with blocks between threads. */
export class BufferPool {
  private readonly spares: ArrayBuffer[] = [];
  /** At most this many bytes are kept spare (the rest is left to the garbage collector). */
  constructor(private readonly capacityBytes = 64 << 20) {}

  private get bytes(): number {
    let total = 0;
    for (const spare of this.spares) total += spare.byteLength;
    return total;
  }

  get size(): number {
    return this.spares.length;
  }

  /** The smallest spare of at least `bytes`, or a new buffer. */
  allocate(bytes: number): ArrayBuffer {
    let best = -1;
    for (let i = 0; i < this.spares.length; i++) {
      const length = this.spares[i]!.byteLength;
      if (length >= bytes && (best < 0 || length < this.spares[best]!.byteLength)) best = i;
    }
    if (best >= 0) return this.spares.splice(best, 1)[0]!;
    return new ArrayBuffer(bytes);
  }

  release(buffer: ArrayBuffer): void {
    if (buffer.byteLength === 0 || this.spares.includes(buffer)) return; // detached or already here
    this.spares.push(buffer);
    // Over the limit, drop the smallest spares first: small ones fit fewer requests.
    while (this.spares.length > 1 && this.bytes > this.capacityBytes) {
      let smallest = 0;
      for (let i = 1; i < this.spares.length; i++) if (this.spares[i]!.byteLength < this.spares[smallest]!.byteLength) smallest = i;
      this.spares.splice(smallest, 1);
    }
  }

  /** Up to `count` spares, removed from the pool (to send to another thread). */
  take(count: number): ArrayBuffer[] {
    return this.spares.splice(0, Math.min(count, this.spares.length));
  }
}
