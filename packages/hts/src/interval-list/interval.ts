/** Re-export so interval_list users can import the shared type from this folder too. */
export type { Interval, Strand } from '../interval.js';
