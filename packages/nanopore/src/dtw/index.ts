export { dtwReference } from './reference.js';
export { cpuDtwBackend, dtwMatrixCpu, seriesStarts, type CpuDtwBackend, type PositionSeries } from './cpu.js';
export { cudaDtw, type CudaDtw } from './cuda.js';
export { paddedPositions, resample, type DtwPosition, type PositionFilter } from './positions.js';
export {
  matrixFrame,
  matrixStreamEndFrame,
  matrixStreamHeaderFrame,
  openMatrixStream,
  MATRIX_FRAME_TYPE,
  MATRIX_STREAM_END_TYPE,
  MATRIX_STREAM_FORMAT,
  MATRIX_STREAM_HEADER_TYPE,
  MATRIX_STREAM_VERSION,
  type DtwMatrix,
  type MatrixStream,
  type MatrixStreamEnd,
  type MatrixStreamHeader,
} from './matrices.js';
export {
  compileMotif,
  positionSummary,
  runDtw,
  type DtwDevice,
  type DtwOutputFormat,
  type DtwRunOptions,
  type DtwRunSummary,
} from './run.js';
