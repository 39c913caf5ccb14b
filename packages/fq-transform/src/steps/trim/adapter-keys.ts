/** The keys ExtractAdapter and TrimAdapter share: cutadapt's -a/-e/-O/--no-indels/-N in mbf's key style. */
import { segmentKey } from '../../config-keys.js';
import type { Table } from '../../table.js';
import type { StepEnvironment } from '../types.js';
import { AdapterAligner, BACK, normaliseAdapter } from './adapter-aligner.js';

export interface AdapterConfig {
  segment: number;
  adapter: string;
  maxErrorRate: number;
  minOverlap: number;
  indels: boolean;
  readWildcards: boolean;
}

export function adapterKeys(table: Table, env: StepEnvironment): AdapterConfig {
  const segment = segmentKey(table, env);
  const text = table.string('adapter');
  if (text.length === 0) throw table.error('the adapter is empty', 'adapter');
  const normalised = normaliseAdapter(text);
  if ('badLetter' in normalised)
    throw table.error(
      `'${normalised.badLetter}' in adapter '${text}' is not an IUPAC letter (A C G T U R Y S W K M B D H V N X)`,
      'adapter',
    );
  if (/^N+$/.test(normalised.sequence)) throw table.error(`adapter '${text}' is only N wildcards`, 'adapter');
  const maxErrorRate = table.number('max_error_rate', { default: 0.1, min: 0 });
  const minOverlap = table.integer('min_overlap', { default: 3, min: 1 });
  const indels = table.boolean('indels', { default: true });
  const readWildcards = table.boolean('match_read_wildcards', { default: false });
  return { segment, adapter: normalised.sequence, maxErrorRate, minOverlap, indels, readWildcards };
}

/** One aligner per thread (it keeps its DP column between reads). */
export function compileAdapter(config: AdapterConfig): AdapterAligner {
  return new AdapterAligner(config.adapter, {
    maxErrors: config.maxErrorRate,
    minOverlap: config.minOverlap,
    indels: config.indels,
    flags: BACK,
    readWildcards: config.readWildcards,
  });
}
