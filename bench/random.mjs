// Seeded randomness for the bench data generators (make-real-genome.mjs, make-real-reads.mjs):
// xoshiro128** (Blackman and Vigna) seeded through splitmix32, so a seed gives the same bytes on
// every machine and Node version, which Math.random cannot.
export class Random {
  constructor(seed) {
    let s = seed >>> 0;
    const splitmix = () => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = splitmix();
    this.b = splitmix();
    this.c = splitmix();
    this.d = splitmix();
  }
  uint32() {
    const rotl = (x, k) => (x << k) | (x >>> (32 - k));
    const result = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0;
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return result;
  }
  /** Uniform in [0, 1). */
  float() {
    return this.uint32() / 4294967296;
  }
  /** Uniform integer in [0, n). */
  int(n) {
    return Math.floor(this.float() * n);
  }
  /** Uniform integer in [low, high). */
  range(low, high) {
    return low + this.int(high - low);
  }
  /** Log-uniform integer in [low, high]: many small values and a few large ones, as feature sizes are. */
  logUniform(low, high) {
    return Math.round(low * Math.exp(this.float() * Math.log(high / low)));
  }
  chance(probability) {
    return this.float() < probability;
  }
  pick(items) {
    return items[this.int(items.length)];
  }
}
