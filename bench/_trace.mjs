import { openBamPipeline, BAM_STAGES_MODULE } from '@shoal/engine';
const threads = Number(process.argv[3]); const stage = process.argv[4] ?? 'decodeChecksums';
const t0 = performance.now();
const p = await openBamPipeline(process.argv[2], { threads, maxBlocksInFlight: process.argv[5] ? Number(process.argv[5]) : undefined, readChunkBytes: process.argv[6] ? Number(process.argv[6]) << 10 : undefined, stages: (h) => [{ module: BAM_STAGES_MODULE, name: stage, options: { text: h.text, references: h.references } }] });
let n = 0; let sinkMs = 0;
const s = await p.run((b) => { const a = performance.now(); n += b.records; if (b.text) p.pool.release(b.text.buffer); sinkMs += performance.now() - a; });
await p.close();
console.log(`threads ${threads} chunkKiB ${process.argv[6]} inflight ${process.argv[5]} ${stage}: ${n} records, ${(performance.now()-t0).toFixed(0)} ms, maxInFlight ${s.maxInFlightSeen}, rss ${(process.memoryUsage().rss/1e6).toFixed(0)} MB`);
