// Runs many meds commands in one process, from the built bundle (dist/meds.cjs, what bin/meds.js
// runs): for tests that compare hundreds of runs, where starting a process for each would take
// minutes. Each job's writes to fds 1 and 2 are captured and its exit code read, as a process's
// would be. Usage: node batch.cjs <jobs.json> -> JSON [{ code, stdout, stderr }] on stdout.
'use strict';
const fs = require('node:fs');
const { join } = require('node:path');

const jobs = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const writeSync = fs.writeSync;
let out = [];
let err = [];
fs.writeSync = function (fd, buf, ...rest) {
  if (fd === 1 || fd === 2) {
    const b = typeof buf === 'string' ? Buffer.from(buf) : Buffer.from(buf.buffer, buf.byteOffset + (rest[0] ?? 0), rest[1] ?? buf.length - (rest[0] ?? 0));
    (fd === 1 ? out : err).push(b);
    return b.length;
  }
  return writeSync.call(fs, fd, buf, ...rest);
};
const { main } = require(join(__dirname, '..', '..', 'dist', 'meds.cjs'));

(async () => {
  const results = [];
  for (const args of jobs) {
    out = [];
    err = [];
    process.exitCode = undefined;
    await main([process.execPath, 'meds', ...args]);
    results.push({ code: process.exitCode ?? 0, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
  }
  process.exitCode = 0;
  writeSync.call(fs, 1, JSON.stringify(results));
})();
