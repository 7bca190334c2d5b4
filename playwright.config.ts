import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { defineConfig } from '@playwright/test';
import { loadFactor } from './tests/helpers/load';

// Chosen once in the main process; worker processes inherit them through the environment.
const env = process.env;
// Below Linux's ephemeral range (32768+), with room for E2E_PORT+9: see freePort in lib/embedded/redis-server.mjs.
env.E2E_PORT ??= String(20000 + Math.floor(Math.random() * 12000));
env.E2E_DATA_DIR ??= fs.mkdtempSync(path.join(os.tmpdir(), 'drover-e2e-'));
env.E2E_REDIS_PASSWORD ??= `e2e-redis-${randomBytes(8).toString('hex')}`;
env.E2E_AUTH_SECRET ??= `e2e-secret-${randomBytes(16).toString('hex')}`;
env.E2E_ADMIN_PASSWORD ??= `admin-${randomBytes(8).toString('hex')}`;
// How loaded the machine is when the run starts (load per core, 1–4×, tests/helpers/load.ts): the test and
// expect timeouts stretch by it, so a machine running another build beside the tests extends them
// instead of failing them. Waits on processes and on counting searches stretch on their own as they wait.
env.E2E_LOAD_FACTOR ??= String(loadFactor());
const stretch = Number(env.E2E_LOAD_FACTOR) || 1;

const baseURL = `http://localhost:${env.E2E_PORT}`;

export default defineConfig({
  testDir: 'tests/e2e',
  outputDir: 'test-results',
  // Generous for a busy 2-core machine: a passing test is not slowed by a longer limit.
  timeout: Math.round(120_000 * stretch),
  expect: { timeout: Math.round(20_000 * stretch) },
  workers: 2,
  fullyParallel: true,
  forbidOnly: Boolean(env.CI),
  retries: 0,
  reporter: [['list'], ['json', { outputFile: '.test-out/playwright.json' }]],
  use: {
    baseURL,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: env.CHROMIUM_PATH || '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  projects: [
    { name: 'setup', testMatch: /.*\.setup\.ts/ },
    { name: 'chromium', testIgnore: /.*\.setup\.ts/, dependencies: ['setup'] },
  ],
  webServer: {
    // Starts its own password-protected redis-server, then the console through scripts/start.mjs.
    command: 'node scripts/e2e-server.mjs',
    url: `${baseURL}/api/health`,
    // An outer bound only: a loaded machine may take minutes to start the console. The script itself
    // gives up as soon as the console exits or stops making progress (no CPU used for 90 s).
    timeout: 900_000,
    reuseExistingServer: false,
    stdout: 'pipe',
    stderr: 'pipe',
    env: {
      E2E_PORT: env.E2E_PORT,
      E2E_DATA_DIR: env.E2E_DATA_DIR,
      E2E_REDIS_PASSWORD: env.E2E_REDIS_PASSWORD,
      E2E_AUTH_SECRET: env.E2E_AUTH_SECRET,
      E2E_ADMIN_PASSWORD: env.E2E_ADMIN_PASSWORD,
      ...(env.NEXT_DIST_DIR ? { NEXT_DIST_DIR: env.NEXT_DIST_DIR } : {}),
    },
  },
});
