/**
 * shoal's nanopore library: pore models and the signal simulator now; event detection and alignment, DTW, HMM, site
 * statistics and mod-BAM tags as they land (see docs/formats.md for the frames they exchange).
 */
export {
  BASE_RANK,
  DEFAULT_PORE,
  PORE_PRESETS,
  kmerOfRank,
  kmerRank,
  loadPoreModel,
  modelsFolder,
  parsePoreModel,
  type PoreModel,
} from './pore-model.js';

export * from './sim/index.js';
