/** The signal simulator (signal-sim's library): see read.ts for the method and run.ts for a whole run. */
export { Random, Stream } from './random.js';
export { PROFILE_OF_PORE, RNA_R9_MINION, profileOf, type SignalProfile } from './profile.js';
export { DEFAULT_SIMULATION_OPTIONS, simulationOptionsProblem, type SimulationOptions } from './options.js';
export {
  drachSites,
  loadTranscriptome,
  normaliseSequence,
  plantModifications,
  randomTranscriptome,
  siteMotif,
  type ModificationOptions,
  type RandomTranscriptomeOptions,
  type SiteTable,
  type Transcript,
} from './transcriptome.js';
export {
  ADAPTOR_SHIFT_PICOAMPS,
  CONDITIONS,
  RNA_ADAPTOR,
  RNA_STALL,
  alignmentRecord,
  fastqEntry,
  planRead,
  readsPerConditionTotal,
  simulateBasecalls,
  simulateSignal,
  truthLine,
  type Basecalls,
  type Condition,
  type ReadPlan,
  type ReadSignal,
  type SimulationContext,
} from './read.js';
export {
  READS_PER_BLOCK,
  SIMULATION_STAGES_MODULE,
  contextOf,
  simulateBlock,
  type SimulatedBlock,
  type SimulatedReadInfo,
  type SimulationSetup,
} from './block.js';
export {
  DEFAULT_RECORD_COMPRESSION,
  DEFAULT_SIGNAL_COMPRESSION,
  MIN_TRANSCRIPT_LENGTH_BP,
  OUTPUT_FILES,
  paramsJson,
  prepareSimulation,
  readAbundances,
  runSimulation,
  slow5HeaderFor,
  transcriptomeFasta,
  truthSitesText,
  type SimulationRun,
  type SimulationSummary,
} from './run.js';
