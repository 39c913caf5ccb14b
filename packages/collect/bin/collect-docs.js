#!/usr/bin/env node
// Committed shim so npm links the bin at install time; the code is built into dist/ by `npm run build` (root prepare).
import { main } from '../dist/collect-docs-cli.js';
main(process.argv);
