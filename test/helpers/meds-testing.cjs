#!/usr/bin/env node
// bin/meds.js for tests that inject faults: runs dist/meds-testing.cjs, the program built with its
// test hooks (MEDS_FAULT, MEDS_TEST_HOOK_BEFORE_WRITE), which the shipped dist/meds.cjs has not.
'use strict';
const { join } = require('node:path');
require(join(__dirname, '..', '..', 'dist', 'meds-testing.cjs')).main(process.argv).then(() => process.exit());
