export { processConfig, formatTimings, type ProcessOptions, type ProcessReport } from './process.js';
export { planFromFile, planFromDocument, type Plan } from './config.js';
export { verifyCases, verifyCase, findCases, type VerifyOptions, type VerifyResult } from './verify.js';
export { TEMPLATE } from './template.js';
