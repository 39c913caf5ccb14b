export {
  Engine,
  runPipeline,
  rebuildError,
  DEFAULT_BLOCKS_IN_FLIGHT_PER_THREAD,
  type EngineOptions,
  type RunSummary,
  type Sink,
} from './engine.js';
export { BufferPool } from './buffer-pool.js';
export {
  transferablesOf,
  serializeError,
  loadStages,
  type Payload,
  type StageSpec,
  type StageContext,
  type StageDefinition,
  type StageModule,
  type SerializedError,
} from './stage.js';
export {
  openBamPipeline,
  BAM_STAGES_MODULE,
  PIPELINE_READ_CHUNK_BYTES,
  type BamPipeline,
  type BamPipelineOptions,
} from './bam-pipeline.js';
export { batchesOf, recordCountOf, type RecordBlock } from './stages/bam.js';
export {
  openSlow5Pipeline,
  slow5BatchOf,
  SLOW5_BLOCK_BYTES,
  SLOW5_STAGES_MODULE,
  type Slow5Pipeline,
  type Slow5PipelineOptions,
} from './slow5-pipeline.js';
export { parallelBgzfCompression, BGZF_STAGES_MODULE } from './bgzf-compression.js';
export { runClassicPipeline } from './classic.js';
export { threadCpuMs } from './thread-cpu.js';
