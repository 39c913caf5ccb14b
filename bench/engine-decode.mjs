#!/usr/bin/env node
// Full BAM decode on the engine (inflate → split → decodeChecksums), for bench/ and the sweep.
//   node bench/engine-decode.mjs FILE [--threads N] [--chunk-kib K] [--in-flight M]
// Prints records and checksums (the same as bench/decode.mjs prints for the streaming reader).
import { openBamPipeline, BAM_STAGES_MODULE } from '@shoal/engine';

const args = process.argv.slice(2);
const option = (name) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : undefined);
const file = args.find((a, i) => !a.startsWith('--') && !(i > 0 && args[i - 1].startsWith('--')));
const chunkKib = option('--chunk-kib');
const pipeline = await openBamPipeline(file, {
  threads: option('--threads') ?? 1,
  maxBlocksInFlight: option('--in-flight'),
  readChunkBytes: chunkKib === undefined ? undefined : chunkKib << 10,
  stages: [{ module: BAM_STAGES_MODULE, name: 'decodeChecksums' }],
});
const summary = await pipeline.run(() => {});
await pipeline.close();
const total = { records: 0, fixed: 0, bases: 0, qualities: 0 };
for (const state of summary.states[2]) {
  total.records += state.records;
  total.fixed = (total.fixed + state.fixed) | 0;
  total.bases = (total.bases + state.bases) | 0;
  total.qualities = (total.qualities + state.qualities) | 0;
}
process.stdout.write(`${total.records}\t${total.fixed}\t${total.bases}\t${total.qualities}\n`);
