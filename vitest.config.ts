import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';
import { TEST_WORKERS } from './test/support/workers.js';

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // Node loads graphql-js from its "main" file; Vite would pick its "module" file for our
    // code, leaving two copies whose type checks fail across them ("another module or realm").
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  test: {
    include: ['test/**/*.test.ts'],
    // Each test file opens its own embedded database; forks keep native handles apart.
    pool: 'forks',
    poolOptions: { forks: { maxForks: TEST_WORKERS, minForks: 1 } },
    globalSetup: ['test/support/global-setup.ts'],
    // The user's own Neo4j (NEO4J_URI) is one database for all files, so they take turns;
    // the Neo4j that the tests start is one per worker.
    fileParallelism: !process.env.NEO4J_URI,
    testTimeout: 30_000,
    // The JSON report lets .ci/run print a plain "N passed, N failed" line.
    reporters: ['default', ['json', { outputFile: 'test-artifacts/vitest.json' }]],
    hookTimeout: 60_000,
  },
});
