import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // One file at a time. The reliability and end-to-end suites start hundreds of real processes;
    // run side by side on 2 cores, a long synchronous test could hold its worker past vitest's fixed
    // 60 s RPC timeout ("Timeout calling onTaskUpdate"), failing a run whose tests all passed.
    pool: 'forks',
    fileParallelism: false,
    env: { TZ: 'UTC', NO_COLOR: '1' },
    // The JSON report lets .ci/run print a plain "N passed, N failed" closing line.
    reporters: ['default', ['json', { outputFile: 'test-results/vitest.json' }]],
  },
});
