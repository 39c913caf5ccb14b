/** What a collector shows in plots and in collect-multi's report, declared beside it (CollectorFactory.report). */
import type { MetricsOutput } from '../collector.js';
import type { ChartSpec } from './svg.js';

export interface Plot {
  /** The chart; its id names the file, `PREFIX.<id>.svg`. */
  spec: ChartSpec;
  /** What the plot shows and how to read it, in a sentence or two (the report prints it under the plot). */
  caption: string;
}

export interface KeyNumber {
  label: string;
  /** As printed (a percentage, a count with separators, a rate). */
  value: string;
  /** The metric file column it comes from, and what a reader should look for. */
  hint: string;
}

export interface CollectorReport {
  /** The report section's heading. */
  title: string;
  /** What the collector measures and which Picard program it matches, in a short paragraph. */
  about: string;
  keyNumbers(outputs: MetricsOutput[]): KeyNumber[];
  plots(outputs: MetricsOutput[]): Plot[];
}
