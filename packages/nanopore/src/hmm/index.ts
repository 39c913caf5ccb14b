export { DEFAULT_HMM_PARAMETERS, loadHmmParameters, modifiedPosterior, type HmmParameters } from './hmm.js';
export { MIN_IVT_READS, SCORE_METHODS, scorePosition, type PositionScores, type ScoreMethod } from './score.js';
export { runHmmSmooth, type ContigCalls, type HmmSmoothOptions, type HmmSmoothSummary, type ReadCalls } from './run.js';
