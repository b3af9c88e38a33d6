// The bundle's entry: bin/meds.js calls main(process.argv); scripts/warm-cache.cjs calls it
// with `today` to build V8's code cache.
export { main } from './cli/main.js';
