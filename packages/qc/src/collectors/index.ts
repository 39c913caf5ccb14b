/** Every collector, by tool name, in the order collect-multi runs and documents them. */
import type { CollectorFactory } from '../collector.js';
import { alignmentCollector } from './alignment.js';
import { basicCollector } from './basic.js';
import { errorCollector } from './error.js';
import { gcbiasCollector } from './gcbias.js';
import { hybcapCollector } from './hybcap.js';
import { isizeCollector } from './isize.js';
import { wgsCollector } from './wgs.js';

export const COLLECTORS: Record<string, CollectorFactory> = {
  alignment: alignmentCollector,
  basic: basicCollector,
  isize: isizeCollector,
  wgs: wgsCollector,
  gcbias: gcbiasCollector,
  hybcap: hybcapCollector,
  error: errorCollector,
};

export const DEFAULT_MULTI_TOOLS = ['alignment', 'basic', 'isize'];
