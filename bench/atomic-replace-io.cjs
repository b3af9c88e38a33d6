// The I/O an atomic `take` needs and nothing else: read the file, write a temporary copy with one
// more log line, fsync it, rename it over the file, fsync the folder. No parsing, no checking, no
// bundle: the floor `meds take` is judged against (bench/run.mjs, bench/take-floor.mjs).
// usage: node bench/atomic-replace-io.cjs FILE
const fs = require('node:fs');
const file = process.argv[2];
const tmp = file + '.tmp';
const fd = fs.openSync(tmp, 'wx', 0o644);
fs.writeSync(fd, fs.readFileSync(file));
fs.writeSync(fd, '  - { at: 2026-11-20T08:55-05:00, med: metformin, for: 2026-11-20T07:00, status: taken }\n');
fs.fsyncSync(fd);
fs.closeSync(fd);
fs.renameSync(tmp, file);
const d = fs.openSync(require('node:path').dirname(file), 'r');
fs.fsyncSync(d);
fs.closeSync(d);
