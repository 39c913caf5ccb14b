/**
 * shoal's nanopore library: pore models now; event detection and alignment, the signal simulator, DTW, HMM, site
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
export * from './eventalign/index.js';
