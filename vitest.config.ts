import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Each test file opens its own embedded database; forks keep native handles apart.
    pool: 'forks',
    globalSetup: ['test/support/global-setup.ts'],
    // Against Neo4j the files share one database, so they take turns.
    fileParallelism: !process.env.NEO4J_URI,
    testTimeout: 30_000,
    // The JSON report lets .ci/run print a plain "N passed, N failed" line.
    reporters: ['default', ['json', { outputFile: 'test-artifacts/vitest.json' }]],
    hookTimeout: 60_000,
  },
});
