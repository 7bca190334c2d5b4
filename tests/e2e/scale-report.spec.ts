// `npm run bench:scale -- --quick` end to end: a tiny run on both stores (redis-server and PostgreSQL
// started by the benchmark itself, Drover's production build and Bull Board side by side), then the
// self-contained report opened in Chromium: every chart carries both servers' series at every size,
// every dimension is there for both stores, and the targets are rows.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { test, expect } from '@playwright/test';
import { stretched } from './support';

const DIMENSIONS = ['queues', 'jobs', 'payload', 'clients', 'replicas'];

test('bench:scale --quick writes a report whose every chart has Drover and Bull Board at every size, for both stores', async ({ page }) => {
  // A benchmark on a shared 2-core machine (the other specs run beside it): a wait, not a speed check.
  test.setTimeout(stretched(900_000));
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'drover-scale-e2e-'));
  let log = '';
  // The benchmark starts its own stores and writes its own config: nothing of the e2e console's.
  const env: NodeJS.ProcessEnv = { ...process.env, DROVER_SKIP_BUILD: '1' };
  for (const name of ['REDIS_URL', 'DROVER_CONFIG', 'DATABASE_URL']) delete env[name];
  const code = await new Promise<number | null>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=react-server', 'bench/scale.ts', '--quick', `--out=${out}`], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (d) => (log += d));
    child.stderr.on('data', (d) => (log += d));
    child.on('exit', resolve);
  });
  expect(code, log.slice(-4000)).toBe(0);
  const result = JSON.parse(fs.readFileSync(path.join(out, 'scale.json'), 'utf8'));
  expect(result.quick).toBe(true);
  expect(result.stores.map((s: { kind: string }) => s.kind)).toEqual(['redis', 'postgres']);
  // No dimension failed on either store.
  expect(result.notes.filter((n: string) => /not measured|failed/.test(n)), log.slice(-4000)).toEqual([]);

  await page.goto(pathToFileURL(path.join(out, 'scale.html')).href);
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Drover vs Bull Board as the work grows');
  for (const store of ['redis', 'postgres']) {
    for (const dimension of DIMENSIONS) {
      await expect(page.locator(`section.curve[data-store="${store}"][data-dimension="${dimension}"]`).first(), `${store} ${dimension}`).toBeVisible();
    }
  }
  const charts = page.locator('svg.chart');
  const count = await charts.count();
  // 2 stores × (1 queues + 4 jobs + 2 payload + 1 clients + 1 replicas curves) × 3 metrics.
  expect(count).toBe(2 * 9 * 3);
  for (let i = 0; i < count; i++) {
    const chart = charts.nth(i);
    const label = `${await chart.getAttribute('data-store')} ${await chart.getAttribute('aria-label')}`;
    for (const series of ['drover', 'bull-board']) {
      // Two sizes per dimension in a quick run: a line through both.
      await expect(chart.locator(`g[data-series="${series}"]`), `${label}: ${series}`).toHaveAttribute('data-points', '2');
      await expect(chart.locator(`g[data-series="${series}"] circle`), `${label}: ${series}`).toHaveCount(2);
    }
  }
  // Every target is a row, judged or said to be unmeasured.
  const rows = page.locator('table.targets tbody tr');
  expect(await rows.count()).toBeGreaterThanOrEqual(result.targets.length);
  expect(result.targets.length).toBeGreaterThan(10);
  await expect(page.locator('table.targets')).toContainText('worker runtime / raw BullMQ Worker with the same options');
  fs.rmSync(out, { recursive: true, force: true });
});
