export {
  DEFAULT_HMM3_PARAMETERS,
  DEFAULT_HMM_MODEL,
  DEFAULT_HMM_PARAMETERS,
  defaultHmmModel,
  loadHmmModel,
  modifiedPosterior,
  modifiedPosterior3,
  posteriorOf,
  type Hmm3Parameters,
  type HmmModel,
  type HmmParameters,
} from './hmm.js';
export {
  DEFAULT_SCORE_METHOD,
  MIN_IVT_READS,
  SCORE_METHODS,
  scoreNeedsLevels,
  scorePosition,
  type PositionScores,
  type ScoreMethod,
} from './score.js';
export {
  runHmmSmooth,
  type ContigCalls,
  type HmmSmoothOptions,
  type HmmSmoothResult,
  type HmmSmoothSummary,
  type ReadCalls,
} from './run.js';
