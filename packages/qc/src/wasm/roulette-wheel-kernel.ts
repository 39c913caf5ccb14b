/**
 * Picard's RouletteWheel tries (TheoreticalSensitivity.java, 2.27.5) on java.util.Random, as a WebAssembly kernel.
 *
 * java.util.Random is seed = (seed × 0x5DEECE66D + 0xB) mod 2^48: one 64-bit multiply in WebAssembly, where JavaScript
 * needs the seed in two 24-bit halves of a double and four multiplications. A try takes four steps:
 * index = (int)(n × nextDouble()) from the first two (next(26), next(27)), accepted when the nextDouble() of the next two
 * is below probabilities[index]. A draw is the first accepted index, or 0 after 600 failed tries.
 *
 * The kernel keeps `seed` as the seed after the first step of the next try, so a try that `rejected` (by the seed's
 * top 16 bits) already refuses costs one jump of four steps; only the other tries take steps two to four.
 *
 * Memory: the rejected table (65,536 bytes) at 0, the probabilities (f64) at PROBABILITIES, the draws (i32) at DRAWS.
 */
import { assemble, I32, I64, op, type Code } from './assembler.js';

const REJECTED = 0;
const PROBABILITIES = 0x10000;
/** The most probabilities (quality bins) a wheel takes: Picard's are 127. */
const MAX_PROBABILITIES = 1024;
const DRAWS = PROBABILITIES + 8 * MAX_PROBABILITIES;
/** Draws made per call: 16 KiB, so a call's cost is not its overhead. */
const DRAWS_PER_CALL = 4096;
const MEMORY_PAGES = Math.ceil((DRAWS + 4 * DRAWS_PER_CALL) / 0x10000);

const MULTIPLIER = 0x5deece66dn;
const ADDEND = 0xbn;
const MASK_48 = (1n << 48n) - 1n;
/** k steps as one: seed × a^k + c (a^(k-1) + … + 1), mod 2^48. */
function jump(steps: number): [multiplier: bigint, addend: bigint] {
  let multiplier = 1n;
  let addend = 0n;
  for (let i = 0; i < steps; i++) {
    multiplier = (multiplier * MULTIPLIER) & MASK_48;
    addend = (addend * MULTIPLIER + ADDEND) & MASK_48;
  }
  return [multiplier, addend];
}
/** Jumps of 0, 4, 8, 12 and 16 steps: a try's first seed to the first seeds of the next four tries. */
const JUMPS = [0, 4, 8, 12, 16].map(jump);
const [MULTIPLIER_4, ADDEND_4] = JUMPS[1]!;
const GIVE_UP_AFTER_TRIES = 600;

// Globals, then the function's parameter and locals, by index.
const G_SEED = 0;
const G_TRIES = 1;
const G_PROBABILITY_COUNT = 2;
const COUNT = 0;
const SEED = 1;
const TRIES = 2;
const WRITTEN = 3;
const SEED2 = 4;
const SEED3 = 5;
const SEED4 = 6;
const INDEX = 7;
const LANE1 = 8;
const LANE2 = 9;
const LANE3 = 10;

/** local = (local_from × a + c) & (2^48 - 1). */
const step = (to: number, from: number, multiplier = MULTIPLIER, addend = ADDEND): Code[] => [
  op.localGet(from),
  op.i64Const(multiplier),
  op.i64Mul(),
  op.i64Const(addend),
  op.i64Add(),
  op.i64Const(MASK_48),
  op.i64And(),
  op.localSet(to),
];
/** nextDouble() from two seeds: ((seedA >>> 22) << 27) + (seedB >>> 21), times 2^-53 (exact). */
const nextDouble = (seedA: number, seedB: number): Code[] => [
  op.localGet(seedA),
  op.i64Const(22n),
  op.i64ShrU(),
  op.i64Const(27n),
  op.i64Shl(),
  op.localGet(seedB),
  op.i64Const(21n),
  op.i64ShrU(),
  op.i64Add(),
  op.f64ConvertI64U(),
  op.f64Const(2 ** -53),
  op.f64Mul(),
];
/** draws[written++] = the value on the stack; tries = 0. */
const emit = (value: Code[]): Code[] => [
  op.localGet(WRITTEN),
  op.i32Const(2),
  op.i32Shl(),
  ...value,
  op.i32Store(DRAWS),
  op.localGet(WRITTEN),
  op.i32Const(1),
  op.i32Add(),
  op.localSet(WRITTEN),
  op.i32Const(0),
  op.localSet(TRIES),
];

/**
 * One try whose first step's seed is in local `first`: the draw ends here (br to the next draw) when it is accepted or
 * is the 600th failure; `nextFirst` gives the seed after the first step of the try after it.
 */
const tryFrom = (first: number, depthOfDrawLoop: number): Code[] => [
  op.localGet(TRIES),
  op.i32Const(1),
  op.i32Add(),
  op.localSet(TRIES),
  // if (!rejected[seed >>> 32]): the top 16 bits of the first step's seed.
  op.localGet(first),
  op.i64Const(32n),
  op.i64ShrU(),
  op.i32WrapI64(),
  op.i32Load8U(REJECTED),
  op.i32Eqz(),
  op.if(),
  ...step(SEED2, first),
  ...step(SEED3, SEED2),
  ...step(SEED4, SEED3),
  // index = (int)(n × nextDouble())
  op.globalGet(G_PROBABILITY_COUNT),
  op.f64ConvertI32S(),
  ...nextDouble(first, SEED2),
  op.f64Mul(),
  op.i32TruncF64S(),
  op.localSet(INDEX),
  // if (nextDouble() < probabilities[index]) { draw index; the next try's first step follows seed 4 }
  ...nextDouble(SEED3, SEED4),
  op.localGet(INDEX),
  op.i32Const(3),
  op.i32Shl(),
  op.f64Load(PROBABILITIES),
  op.f64Lt(),
  op.if(),
  ...emit([op.localGet(INDEX)]),
  ...step(SEED, SEED4),
  op.br(depthOfDrawLoop + 2),
  op.end(),
  op.end(),
  op.localGet(TRIES),
  op.i32Const(GIVE_UP_AFTER_TRIES),
  op.i32GeU(),
  op.if(),
  ...emit([op.i32Const(0)]),
  ...step(SEED, first, MULTIPLIER_4, ADDEND_4),
  op.br(depthOfDrawLoop + 1),
  op.end(),
];

/**
 * draw(count): makes `count` draws into DRAWS, carrying the seed and the failed tries over in globals. Four tries per
 * turn of the loop, their first seeds jumped 4, 8 and 12 steps from the first: independent multiplications the CPU
 * overlaps (one step after another is a chain of dependent ones).
 */
const drawFunction: Code[] = [
  op.globalGet(G_SEED),
  op.localSet(SEED),
  op.globalGet(G_TRIES),
  op.localSet(TRIES),
  op.block(),
  op.loop(), // a draw
  op.localGet(WRITTEN),
  op.localGet(COUNT),
  op.i32GeU(),
  op.brIf(1),
  op.loop(), // four tries; the draw loop is 1 level out
  ...step(LANE1, SEED, JUMPS[1]![0], JUMPS[1]![1]),
  ...step(LANE2, SEED, JUMPS[2]![0], JUMPS[2]![1]),
  ...step(LANE3, SEED, JUMPS[3]![0], JUMPS[3]![1]),
  ...tryFrom(SEED, 1),
  ...tryFrom(LANE1, 1),
  ...tryFrom(LANE2, 1),
  ...tryFrom(LANE3, 1),
  ...step(SEED, SEED, JUMPS[4]![0], JUMPS[4]![1]),
  op.br(0), // the next four tries
  op.end(),
  op.end(),
  op.end(),
  op.localGet(SEED),
  op.globalSet(G_SEED),
  op.localGet(TRIES),
  op.globalSet(G_TRIES),
];

let compiled: WebAssembly.Module | undefined;
function module(): WebAssembly.Module {
  return (compiled ??= new WebAssembly.Module(
    assemble({
      memoryPages: MEMORY_PAGES,
      globals: [
        { name: 'seed', type: I64, initial: 0n },
        { name: 'tries', type: I32, initial: 0n },
        { name: 'probabilityCount', type: I32, initial: 0n },
      ],
      functions: [
        {
          name: 'draw',
          params: [I32],
          results: [],
          locals: [I64, I32, I32, I64, I64, I64, I32, I64, I64, I64],
          body: drawFunction,
        },
      ],
    }),
  ));
}

/** One wheel's state in its own instance: probabilities, rejected table, seed, failed tries. */
export class RouletteWheelKernel {
  /** The latest call's draws (a view of the kernel's memory, overwritten by the next call). */
  readonly draws: Int32Array;
  private readonly draw: (count: number) => void;

  /**
   * @param probabilities weight / max weight per index
   * @param rejected 1 per value of the first step's seed's top 16 bits where the try is refused whatever follows
   * @param seed the seed after the first step of the first try (0 ≤ seed < 2^48)
   */
  constructor(probabilities: Float64Array, rejected: Uint8Array, seed: bigint) {
    if (probabilities.length > MAX_PROBABILITIES)
      throw new Error(`a roulette wheel of ${probabilities.length} bins (at most ${MAX_PROBABILITIES})`);
    const instance = new WebAssembly.Instance(module());
    const exports = instance.exports as {
      memory: WebAssembly.Memory;
      draw: (count: number) => void;
      seed: WebAssembly.Global;
      probabilityCount: WebAssembly.Global;
    };
    const memory = exports.memory.buffer;
    new Uint8Array(memory, REJECTED, rejected.length).set(rejected);
    new Float64Array(memory, PROBABILITIES, probabilities.length).set(probabilities);
    exports.seed.value = seed;
    exports.probabilityCount.value = probabilities.length;
    this.draws = new Int32Array(memory, DRAWS, DRAWS_PER_CALL);
    this.draw = exports.draw;
  }

  /** Replaces `draws` with the next DRAWS_PER_CALL draws. */
  drawMore(): void {
    this.draw(DRAWS_PER_CALL);
  }
}
