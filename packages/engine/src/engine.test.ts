/**
 * The engine's contract: serial stages in order under random delays, the in-flight bound, errors
 * from any worker or the reader surfacing once without a hang, identical output for 1 to 8
 * threads, work spread over several worker threads, early stop, merged per-thread state, and an
 * ordered FASTQ-like chain.
 */
import { describe, expect, it } from 'vitest';
import { HtsError } from '@shoal/hts';
// The built package, not ./engine.js: the engine starts its workers from dist/worker.js, and
// stage modules run in those workers, so they must be JavaScript (dist/testing/stages.js).
import { runPipeline, type Payload } from '@shoal/engine';

const stagesModule = new URL('../dist/testing/stages.js', import.meta.url).href;
const stage = (name: string, options?: unknown): { module: string; name: string; options?: unknown } => ({
  module: stagesModule,
  name,
  options,
});

function* numberBlocks(count: number, size = 50, maxDelayMs = 0): Generator<Payload> {
  for (let b = 0; b < count; b++) {
    const values = new Float64Array(size);
    for (let i = 0; i < size; i++) values[i] = b * size + i;
    yield { index: b, values, options: { maxDelayMs } };
  }
}

async function squares(
  threads: number,
  blocks: number,
  maxDelayMs: number,
  maxBlocksInFlight?: number,
): Promise<{ out: number[]; threadIds: Set<number>; maxInFlight: number; states: unknown[][] }> {
  const out: number[] = [];
  const threadIds = new Set<number>();
  const summary = await runPipeline(
    { threads, maxBlocksInFlight, stages: [stage('square'), stage('orderCheck'), stage('countValues')] },
    numberBlocks(blocks, 50, maxDelayMs),
    (payload) => {
      out.push(...(payload.values as Float64Array));
      for (const id of payload.threads as number[]) threadIds.add(id);
      expect(payload.seenInOrder).toBe(true);
    },
  );
  return { out, threadIds, maxInFlight: summary.maxInFlightSeen, states: summary.states };
}

describe('engine', () => {
  it('gives identical output for 1 to 8 threads, with serial stages in order under random delays', async () => {
    const reference = await squares(1, 40, 0);
    expect(reference.out.length).toBe(2000);
    expect(reference.out[1999]).toBe(1999 * 1999);
    for (const threads of [2, 3, 4, 8]) {
      const run = await squares(threads, 40, 8);
      expect(run.out, `threads ${threads}`).toEqual(reference.out);
    }
  });

  it('runs the blocks of a parallel stage on at least two distinct worker threads', async () => {
    const run = await squares(4, 40, 5);
    const workerIds = [...run.threadIds].filter((id) => id !== 0);
    expect(workerIds.length).toBeGreaterThanOrEqual(2);
  });

  it('keeps no more blocks in flight than the bound, even with a slow sink', async () => {
    let pulled = 0;
    let deliveredCount = 0;
    let maxGap = 0;
    // eslint-disable-next-line @typescript-eslint/require-await -- an async source is the case under test
    async function* source(): AsyncGenerator<Payload> {
      for (const block of numberBlocks(30)) {
        pulled++;
        maxGap = Math.max(maxGap, pulled - deliveredCount);
        yield block;
      }
    }
    const summary = await runPipeline(
      { threads: 3, maxBlocksInFlight: 4, stages: [stage('square'), stage('orderCheck')] },
      source(),
      async () => {
        await new Promise((resolve) => setTimeout(resolve, 3));
        deliveredCount++;
      },
    );
    expect(summary.blocks).toBe(30);
    expect(summary.maxInFlightSeen).toBeLessThanOrEqual(4);
    expect(maxGap).toBeLessThanOrEqual(5); // the bound, plus the one block being handed over
  });

  it('merges per-thread state exported at the end', async () => {
    const run = await squares(3, 20, 2);
    const counts = run.states[2] as { values: number; blocks: number }[];
    expect(counts.length).toBe(3); // main + 2 workers
    expect(counts.reduce((sum, c) => sum + c.values, 0)).toBe(1000);
    expect(counts.reduce((sum, c) => sum + c.blocks, 0)).toBe(20);
  });

  for (const threads of [1, 2, 4]) {
    it(`surfaces a failing stage's error once, as the same error type, without a hang (threads ${threads})`, async () => {
      let pulled = 0;
      function* source(): Generator<Payload> {
        for (const block of numberBlocks(1000)) {
          pulled++;
          yield block;
        }
      }
      const run = runPipeline(
        { threads, stages: [stage('square'), stage('failAt', { block: 7 }), stage('orderCheck')] },
        source(),
        () => {},
      );
      await expect(run).rejects.toThrow('input.dat (block 7): bad data in block 7');
      await expect(run).rejects.toBeInstanceOf(HtsError);
      expect(pulled).toBeLessThan(7 + 3 * threads + 2); // the reader stopped within the in-flight bound
    }, 20_000);
  }

  it('surfaces a plain error from a worker with its message', async () => {
    const run = runPipeline({ threads: 3, stages: [stage('failAt', { block: 2, plain: true, delayMs: 20 })] }, numberBlocks(50), () => {});
    await expect(run).rejects.toThrow('stage failed on block 2');
  }, 20_000);

  it('surfaces a failing reader, and the reader error wins over a later stage error', async () => {
    // eslint-disable-next-line @typescript-eslint/require-await -- an async source is the case under test
    async function* source(): AsyncGenerator<Payload> {
      yield* numberBlocks(3);
      throw new HtsError('truncated input', 'reads.fq', 'line 12');
    }
    // Block 1 fails in a stage only after 300 ms; the reader fails at once after block 2.
    const run = runPipeline({ threads: 3, stages: [stage('failAt', { block: 1, delayMs: 300 })] }, source(), () => {});
    await expect(run).rejects.toThrow('reads.fq (line 12): truncated input');
  }, 20_000);

  it('stops early when the sink says stop, without draining an endless source', async () => {
    let pulled = 0;
    function* endless(): Generator<Payload> {
      for (let b = 0; ; b++) {
        pulled++;
        yield { index: b, values: new Float64Array([b]) };
      }
    }
    const seen: number[] = [];
    const summary = await runPipeline({ threads: 2, stages: [stage('square'), stage('orderCheck')] }, endless(), (payload, index) => {
      seen.push((payload.values as Float64Array)[0]!);
      return index === 4 ? 'stop' : undefined;
    });
    expect(summary.stoppedEarly).toBe(true);
    expect(seen).toEqual([0, 1, 4, 9, 16]);
    expect(pulled).toBeLessThan(20);
  });

  describe('a FASTQ-like chain (parse → Head → rename → trim → format)', () => {
    const perBlock = 7;
    function* fastqBlocks(maxDelayMs: number): Generator<Payload> {
      for (let first = 0; ; first += perBlock) {
        let text = '';
        for (let r = first; r < first + perBlock; r++)
          text += `@orig${r}\n${'ACGT'.repeat(5).slice(r % 4)}\n+\n${'I'.repeat(20).slice(r % 4)}\n`;
        yield { text: new TextEncoder().encode(text), maxDelayMs };
      }
    }
    const chain = [
      stage('parseReads'),
      stage('head', { reads: 100 }),
      stage('renameByIndex'),
      stage('trimEnd', { bases: 3 }),
      stage('formatReads'),
    ];

    async function runChain(threads: number, maxDelayMs: number): Promise<string> {
      let text = '';
      const summary = await runPipeline({ threads, stages: chain }, fastqBlocks(maxDelayMs), (payload) => {
        text += new TextDecoder().decode(payload.text as Uint8Array);
      });
      expect(summary.stoppedEarly).toBe(true);
      return text;
    }

    it('keeps serial steps in order and stops the endless reader at Head, identically for 1 to 8 threads', async () => {
      const serial = await runChain(1, 0);
      const lines = serial.split('\n');
      expect(lines.length - 1).toBe(100 * 4);
      expect(lines[0]).toBe('@read_1');
      expect(lines[396]).toBe('@read_100');
      expect(lines[1]).toBe('ACGTACGTACGTACGTA');
      for (const threads of [2, 4, 8]) expect(await runChain(threads, 4), `threads ${threads}`).toBe(serial);
    });
  });
});
