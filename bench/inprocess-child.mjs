// One run of an 'inprocess' case of bench/run.mjs:
//   node bench/inprocess-child.mjs MODULE EXPORT FILE [--cold-only]
// imports MODULE (timed apart), calls `await MODULE[EXPORT](FILE)` once (cold) and, unless --cold-only, up to 5 more times (warm, within ~2 s),
// and prints { importMs, firstMs, warmMs } as JSON on the last line of stdout.
import { pathToFileURL } from 'node:url';

const [modulePath, exportName, file, mode] = process.argv.slice(2);
const now = () => Number(process.hrtime.bigint()) / 1e6;

let t = now();
const mod = await import(pathToFileURL(modulePath).href);
const importMs = now() - t;
const fn = mod[exportName];
if (typeof fn !== 'function') {
  console.error(`${modulePath} does not export a function ${exportName}`);
  process.exit(3);
}
t = now();
let result = await fn(file);
const firstMs = now() - t;
if (result === undefined || result === null) {
  console.error(`${exportName}(${file}) returned nothing`);
  process.exit(4);
}
const warm = [];
for (let i = 0, spent = 0; mode !== '--cold-only' && i < 5 && (i === 0 || spent < 2000); i++) {
  result = undefined; // one load's result alive at a time: the peak RSS is that of one load
  t = now();
  result = await fn(file);
  warm.push(now() - t);
  spent += warm.at(-1);
}
warm.sort((a, b) => a - b);
console.log(JSON.stringify({ importMs, firstMs, warmMs: warm.length ? warm[(warm.length - 1) >> 1] : null }));
