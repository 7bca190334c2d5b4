import path from 'node:path';
import { defineConfig } from 'vitest/config';

const alias = {
  '@': path.resolve(import.meta.dirname),
  // lib/ modules guard against client bundles with `import 'server-only'`; in tests they run on the server.
  'server-only': path.resolve(import.meta.dirname, 'tests/helpers/empty-module.ts'),
};

// A stray it.only would silently run part of the suite.
const allowOnly = false;

export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      {
        resolve: { alias },
        test: { name: 'unit', allowOnly, include: ['tests/unit/**/*.test.ts'], environment: 'node', sequence: { groupOrder: 0 } },
      },
      {
        resolve: { alias },
        test: {
          name: 'integration',
          allowOnly,
          sequence: { groupOrder: 1 },
          include: ['tests/integration/**/*.test.ts'],
          environment: 'node',
          // Each file starts its own redis-server (see tests/helpers/redis.ts): files run in parallel.
          pool: 'forks',
          maxWorkers: 3,
          // An outer bound for a hang, not a wait: every wait inside a test is on an event or polls with a
          // deadline that stretches with the machine's load (tests/helpers/load.ts), so a machine running
          // another build beside the tests extends a test instead of failing it at a fixed minute.
          testTimeout: 180_000,
          hookTimeout: 180_000,
          globalSetup: ['tests/integration/global-setup.ts'],
        },
      },
    ],
  },
});
