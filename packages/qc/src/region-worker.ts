/**
 * One worker of collectByRegions (run.ts): reads the regions it is sent through the index, each into fresh collectors,
 * and posts back their partial states, as `collect-multi --region R --partial` would write them.
 */
import { parentPort } from 'node:worker_threads';
import { HtsError } from '@shoal/hts';
import { collectPartials, CollectUsageError, type CollectOptions } from './run.js';

export interface RegionJob {
  id: number;
  region: string;
  options: Omit<CollectOptions, 'onProgress' | 'region'>;
}

export type RegionResult =
  | { id: number; partials: unknown[]; records: number }
  | { id: number; error: { kind: 'hts' | 'usage' | 'other'; detail: string; file?: string; location?: string } };

parentPort!.on('message', (job: RegionJob) => {
  collectPartials({ ...job.options, region: job.region, threads: 1 }).then(
    ({ collectors, records }) => {
      const result: RegionResult = { id: job.id, partials: collectors.map((collector) => collector.toPartial()), records };
      parentPort!.postMessage(result);
    },
    (error: unknown) => {
      const result: RegionResult = {
        id: job.id,
        error:
          error instanceof HtsError
            ? { kind: 'hts', detail: error.detail, file: error.file, location: error.location }
            : error instanceof CollectUsageError
              ? { kind: 'usage', detail: error.message }
              : { kind: 'other', detail: error instanceof Error ? (error.stack ?? error.message) : String(error) },
      };
      parentPort!.postMessage(result);
    },
  );
});
