// The bundle's entry: bin/meds.js calls main(process.argv); scripts/warm-cache.cjs calls it
// with a set of representative commands to build V8's code cache.
export { main } from './cli/main.js';
