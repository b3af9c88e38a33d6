#!/usr/bin/env node
// Loads the compiled, bundled program (built by `npm run build`, also on `npm install`).
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
require('../dist/meds.cjs');
