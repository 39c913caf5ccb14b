/** @shoal/fq-transform as a library: run a configuration, and run test-case folders (what tests and tools use). */
export { processConfig, type ProcessOptions, type ProcessReport } from './process.js';
export { verifyCase, findCases, type VerifyOptions, type VerifyResult } from './verify.js';
