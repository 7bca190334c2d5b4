// `npm run screenshots`: the README's pictures, taken again from this checkout. Starts the console as
// `npm start` does (embedded Redis in a temporary data directory, bundled workers, demo seed), adds a
// bad day on top of the demo (a backlog nobody works on, a burst of failures), signs in as the first
// admin in Chromium and writes PNGs to docs/screenshots/. Needs the production build (`npm start`
// builds it when missing or stale); everything it starts is stopped at the end.
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Page } from '@playwright/test';
import { Queue, Worker } from 'bullmq';
import { freePort } from '../lib/embedded/redis-server.mjs';
import { readRuntime } from '../lib/embedded/embedded-runtime.mjs';

const root = path.resolve(import.meta.dirname, '..');
const outDir = path.join(root, 'docs', 'screenshots');
const log = (line: string) => console.log(`[screenshots] ${line}`);

async function waitFor<T>(what: string, fn: () => Promise<T | undefined | null | false>, timeoutMs = 180_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn().catch(() => undefined);
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function main() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'drover-screenshots-'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const admin = { email: 'admin@example.com', password: `shots-${crypto.randomBytes(6).toString('hex')}` };
  let console_: ChildProcess | undefined;
  const closers: Array<() => Promise<unknown>> = [];
  try {
    log(`starting the console on ${base} (data in ${dataDir})…`);
    // The embedded default, whatever this shell has configured.
    const env = { ...process.env };
    delete env.DROVER_CONFIG;
    delete env.REDIS_URL;
    console_ = spawn(process.execPath, ['scripts/start.mjs'], {
      cwd: root,
      stdio: ['ignore', 'ignore', 'inherit'],
      env: {
        ...env,
        PORT: String(port),
        HOSTNAME_BIND: '127.0.0.1',
        NEXTAUTH_URL: base,
        DROVER_DATA_DIR: dataDir,
        DROVER_ADMIN_EMAIL: admin.email,
        DROVER_ADMIN_PASSWORD: admin.password,
        DROVER_SAMPLE_INTERVAL_MS: '1000',
        LOG_LEVEL: 'error',
      },
    });
    const exited = new Promise<void>((_, reject) => console_!.once('exit', (code) => reject(new Error(`the console exited (${code})`))));
    exited.catch(() => {});
    await Promise.race([waitFor('the console', async () => (await fetch(`${base}/api/health`)).ok, 600_000), exited]);
    const redisUrl = (await waitFor('the embedded Redis', async () => readRuntime(dataDir)?.url)) as string;

    log('adding a bad day: 2,400 orders waiting with no worker, 140 failed imports…');
    const orders = new Queue('orders', { connection: { url: redisUrl } });
    closers.push(() => orders.close());
    await orders.addBulk(Array.from({ length: 2400 }, (_, i) => ({ name: 'charge-card', data: { orderId: `ord-${10_000 + i}`, amountCents: 1999 + i } })));
    const imports = new Queue('imports', { connection: { url: redisUrl } });
    closers.push(() => imports.close());
    await imports.addBulk(Array.from({ length: 140 }, (_, i) => ({ name: 'import-csv', data: { file: `s3://uploads/2026-12/batch-${i}.csv`, rows: 5000 + i }, opts: { attempts: 1 } })));
    const worker = new Worker(
      'imports',
      async (job) => {
        await job.log(`reading ${job.data.file}`);
        if (job.data.rows % 3 !== 0) throw new Error(`ECONNREFUSED 10.0.4.${job.data.rows % 200}:5432 — connection to the warehouse refused`);
        return { imported: job.data.rows };
      },
      { connection: { url: redisUrl, maxRetriesPerRequest: null }, concurrency: 20 },
    );
    await waitFor('the imports to run', async () => (await imports.getJobCountByTypes('wait')) === 0 && (await imports.getJobCountByTypes('active')) === 0);
    await worker.close();

    const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
    closers.push(() => browser.close());
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1, colorScheme: 'light' });
    const page = await context.newPage();
    await page.goto(`${base}/signin`);
    await page.getByLabel('Email').fill(admin.email);
    await page.getByLabel('Password').fill(admin.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForURL((url) => !url.pathname.startsWith('/signin'));
    // Let the samplers draw a few points and the workers run the demo for a moment.
    await page.waitForTimeout(15_000);

    fs.mkdirSync(outDir, { recursive: true });
    const shot = async (name: string, url: string, ready: (p: Page) => Promise<unknown>, prepare?: (p: Page) => Promise<unknown>) => {
      await page.goto(base + url);
      await ready(page);
      await prepare?.(page);
      // Relative times and live counts settle; the shot is of a still page.
      await page.waitForTimeout(800);
      await page.screenshot({ path: path.join(outDir, `${name}.png`) });
      log(`docs/screenshots/${name}.png`);
    };
    const queue = (name: string) => `/connections/default/queues/${name}`;
    await shot('overview', '/', (p) => p.getByTestId('overview-table').waitFor());
    await shot(
      'queue-failed',
      `${queue('imports')}?state=failed`,
      (p) => p.getByTestId('jobs-table').locator('tbody tr').first().waitFor(),
      // One row open in place: its error, data preview and timeline.
      async (p) => {
        await p.getByRole('button', { name: /^Details of job / }).nth(1).click();
        await p.getByRole('link', { name: /Open the job page/ }).waitFor();
      },
    );
    const failed = (await imports.getFailed(0, 0))[0];
    await shot('job-failed', `${queue('imports')}/jobs/${failed.id}`, (p) => p.getByTestId('job-name').waitFor());
    await shot('dead-letters', '/dlq', (p) => p.locator('main').getByRole('heading').first().waitFor());
    await shot('schedules', '/schedules', (p) => p.locator('main').getByRole('heading').first().waitFor());
    await shot('audit', '/audit', (p) => p.locator('main').getByRole('heading').first().waitFor());
    if (fs.existsSync(path.join(root, 'app', '(console)', 'busy'))) {
      await shot('busy', '/busy', (p) => p.locator('main').getByRole('heading').first().waitFor());
    }
    await page.emulateMedia({ colorScheme: 'dark' });
    // The theme follows the system until the user picks one; the browser now says dark.
    await shot('overview-dark', '/', (p) => p.getByTestId('overview-table').waitFor());
    await page.setViewportSize({ width: 800, height: 900 });
    await shot('queue-800px-dark', `${queue('imports')}?state=failed`, (p) => p.getByTestId('jobs-table').locator('tbody tr').first().waitFor());
  } finally {
    for (const close of closers.reverse()) await close().catch(() => {});
    if (console_ && console_.exitCode === null) {
      const gone = new Promise((r) => console_!.once('exit', r));
      console_.kill('SIGTERM');
      await gone;
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err: Error) => {
    console.error(`[screenshots] failed: ${err.stack ?? err.message}`);
    process.exit(1);
  },
);
