// Metrics and alerts in a real browser against the built console: the queue page draws throughput and
// depth from jobs run during the test, the overview draws sparklines, /api/metrics needs a token, and
// an admin creates an alert rule and watches it fire into a webhook receiver started here.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { test, expect, type Page } from '@playwright/test';
import { MetricsTime, Queue, Worker } from 'bullmq';
import { apiAs, gotoHydrated, redisUrl, storageStatePath, stretched } from './support';

/**
 * Script errors (React, recharts), CSP refusals and uncaught page errors, to assert none happened.
 * Failed resource loads are left to the assertions on what the page shows (a navigation prefetch of
 * a page another part of the console has not shipped yet must not fail this spec).
 */
function watchProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (m) => {
    if (/^Failed to load resource/.test(m.text())) return;
    if (m.type() === 'error' || /Content Security Policy|Refused to/i.test(m.text())) problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(e.message));
  return problems;
}

// The console samples every 10 s and rediscovers queues every 15 s: a new queue's first sample can take ~30 s.
const SAMPLER_WAIT = 60_000;

test.describe('queue metrics', () => {
  // One queue for the three tests (one beforeAll), sampled once by the console.
  test.describe.configure({ mode: 'serial' });
  test.use({ storageState: storageStatePath('viewer') });
  test.setTimeout(stretched(150_000));

  let queueName: string;
  let queue: Queue;

  test.beforeAll(async () => {
    queueName = `metrics-${Date.now()}`;
    queue = new Queue(queueName, { connection: { url: redisUrl() } });
    await queue.addBulk([
      ...Array.from({ length: 6 }, (_, i) => ({ name: 'render', data: { i } })),
      ...Array.from({ length: 2 }, (_, i) => ({ name: 'explode', data: { i } })),
    ]);
    let finished = 0;
    const worker = new Worker(
      queueName,
      async (job) => {
        if (job.name === 'explode') throw new Error('boom');
        return 'ok';
      },
      { connection: { url: redisUrl() }, metrics: { maxDataPoints: MetricsTime.ONE_HOUR } },
    );
    worker.on('completed', () => finished++);
    worker.on('failed', () => finished++);
    await expect.poll(() => finished, { timeout: 15_000 }).toBe(8);
    await worker.close();
    // Three more wait: no worker is left to take them.
    await queue.addBulk([{ name: 'pending', data: {} }, { name: 'pending', data: {} }, { name: 'pending', data: {} }]);
  });

  test.afterAll(async () => {
    await queue.obliterate({ force: true }).catch(() => {});
    await queue.close();
  });

  test('the queue page charts throughput, depth and failure rate from this test’s jobs, with latency', async ({ page }) => {
    const problems = watchProblems(page);
    await gotoHydrated(page, `/connections/default/queues/${queueName}`);
    const metrics = page.getByRole('region', { name: 'Metrics' });
    // Collapsed at first (the jobs come first); opened, it stays open across the reload below.
    await expect(metrics.getByRole('button', { name: 'Metrics' })).toHaveAttribute('aria-expanded', 'false');
    await metrics.getByRole('button', { name: 'Metrics' }).click();
    await expect(metrics.getByRole('button', { name: 'Metrics' })).toHaveAttribute('aria-expanded', 'true');

    // Throughput comes from BullMQ's metrics at once.
    const throughput = page.getByTestId('throughput-chart');
    await expect(page.getByTestId('throughput-chart-summary')).toHaveText('6 completed · 2 failed in 1h');
    await expect(throughput.locator('.recharts-bar-rectangle').first()).toBeVisible();
    await expect(page.getByTestId('failure-rate-chart-summary')).toHaveText('25.0% over 1h');
    await expect(page.getByTestId('failure-rate-chart').locator('.recharts-line-dots .recharts-dot').first()).toBeVisible();

    // Depth comes from the console's sampler; the chart refreshes itself every 10 s.
    await expect(page.getByTestId('depth-chart-summary')).toContainText('3 waiting · 0 active · 0 delayed', { timeout: SAMPLER_WAIT });
    // A first sample shows as dots, later ones as areas.
    await expect(page.getByTestId('depth-chart').locator('.recharts-area-dots .recharts-dot, .recharts-area-area').first()).toBeVisible();
    // Two samples make an area (the next one comes 10 s later).
    await expect(page.getByTestId('depth-chart-summary')).toContainText(/\((?:[2-9]|\d\d+) points, every 10 s\)/, { timeout: 30_000 });
    await expect(page.getByTestId('depth-chart').locator('.recharts-area-area').first()).toBeVisible();

    // Latency from the completed jobs (failed ones have no processing time here).
    const overall = page.getByTestId('latency-overall');
    await expect(overall.getByRole('cell').nth(1)).toHaveText('6');
    await expect(page.getByTestId('latency-panel')).toContainText('from the 1,000 most recently completed jobs (6 found');

    // The range lives in the URL.
    await metrics.getByRole('button', { name: '6h' }).click();
    await expect(page).toHaveURL(/[?&]range=6h/);
    await expect(page.getByTestId('throughput-chart-summary')).toHaveText('6 completed · 2 failed in 6h');
    await page.reload();
    await expect(metrics.getByRole('button', { name: '6h' })).toHaveAttribute('aria-pressed', 'true');

    // Collapsing hides the charts.
    await metrics.getByRole('button', { name: 'Metrics' }).click();
    await expect(page.getByTestId('throughput-chart')).toHaveCount(0);
    expect(problems).toEqual([]);
  });

  test('the overview draws a sparkline per queue, and the series are readable over the API', async ({ page }) => {
    await gotoHydrated(page, '/');
    await page.getByRole('button', { name: 'Rediscover' }).click();
    const row = page.getByTestId('overview-table').getByRole('row', { name: new RegExp(queueName) });
    await expect(row.getByRole('img', { name: `${queueName} completed per minute: 6 completed in the last hour` })).toBeVisible();
    await expect(row.getByTestId('sparkline-line')).toBeAttached();
    expect((await row.getByTestId('sparkline-line').getAttribute('points'))?.split(' ').length).toBeGreaterThan(1);

    const api = await apiAs('viewer');
    const series = async () => {
      const res = await api.get(`/api/v1/connections/default/queues/${queueName}/metrics?range=1h`);
      expect(res.status()).toBe(200);
      return res.json();
    };
    // The sampler's points appear within a sample interval or two of the queue's first job.
    await expect.poll(async () => (await series()).depth.length, { timeout: SAMPLER_WAIT }).toBeGreaterThan(0);
    const body = await series();
    expect(body).toMatchObject({ connection: 'default', queue: queueName, range: '1h', resolutionSeconds: 10, metricsRecorded: true });
    expect(body.throughput).toHaveLength(60);
    expect(body.throughput.reduce((n: number, p: { completed: number }) => n + p.completed, 0)).toBe(6);
    expect(body.depth.at(-1)).toMatchObject({ waiting: 3, completed: 6, failed: 2 });
    expect((await api.get(`/api/v1/connections/default/queues/${queueName}/metrics?range=2h`)).status()).toBe(400);
    await api.dispose();
  });

  test('/api/metrics answers 401 without a token and Prometheus text with an API token', async () => {
    const anonymous = await apiAs('anonymous');
    const refused = await anonymous.get('/api/metrics');
    expect(refused.status()).toBe(401);
    expect((await refused.json()).error.code).toBe('unauthorized');
    expect((await anonymous.get('/api/metrics', { headers: { authorization: 'Bearer nope' } })).status()).toBe(401);
    // A session cookie is not enough either: scrapers authenticate with a bearer token.
    const viewer = await apiAs('viewer');
    expect((await viewer.get('/api/metrics')).status()).toBe(401);

    const admin = await apiAs('admin');
    const created = await admin.post('/api/v1/tokens', { data: { name: `prometheus-${Date.now()}`, role: 'viewer' } });
    expect(created.status()).toBe(201);
    const { token, id } = await created.json();
    const scrape = () => anonymous.get('/api/metrics', { headers: { authorization: `Bearer ${token}` } });
    const scraped = await scrape();
    expect(scraped.status()).toBe(200);
    expect(scraped.headers()['content-type']).toContain('text/plain; version=0.0.4');
    // Scrapes reuse the console's queue discovery (refreshed every 15 s).
    await expect.poll(async () => (await scrape()).text(), { timeout: 30_000 }).toContain(`queue="${queueName}"`);
    const text = await (await scrape()).text();
    expect(text).toContain(`drover_queue_jobs{connection="default",queue="${queueName}",state="waiting"} 3`);
    expect(text).toContain(`drover_queue_jobs{connection="default",queue="${queueName}",state="completed"} 6`);
    expect(text).toContain('drover_redis_up{connection="default"} 1');
    expect(text).toMatch(/^# TYPE drover_redis_used_memory_bytes gauge$/m);
    expect(text).not.toContain(process.env.E2E_REDIS_PASSWORD!);
    await admin.delete(`/api/v1/tokens/${id}`);
    await Promise.all([anonymous.dispose(), viewer.dispose(), admin.dispose()]);
  });
});

test.describe('alerts', () => {
  test.use({ storageState: storageStatePath('admin') });
  test.setTimeout(stretched(150_000));

  let receiver: http.Server;
  let port = 0;
  const received: Array<Record<string, unknown>> = [];
  let queueName: string;
  let queue: Queue;

  test.beforeAll(async () => {
    receiver = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    port = (receiver.address() as AddressInfo).port;
    queueName = `alerting-${Date.now()}`;
    queue = new Queue(queueName, { connection: { url: redisUrl() } });
    await queue.addBulk([{ name: 'stuck', data: {} }, { name: 'stuck', data: {} }]);
  });

  test.afterAll(async () => {
    await queue.obliterate({ force: true }).catch(() => {});
    await queue.close();
    await new Promise((r) => receiver.close(r));
  });

  test('an admin creates a rule, sees it fire, and sends a test notification', async ({ page }) => {
    const problems = watchProblems(page);
    const name = `backlog ${queueName}`;
    await gotoHydrated(page, '/');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Alerts' }).click();
    await expect(page).toHaveURL(/\/alerts$/);
    await page.getByRole('button', { name: 'New rule' }).click();
    const dialog = page.getByRole('dialog', { name: 'New alert rule' });
    await dialog.getByLabel('Name', { exact: true }).fill(name);
    await dialog.getByLabel('Condition').selectOption({ label: 'Waiting jobs above N for M minutes' });
    await dialog.getByLabel('Connection').selectOption('default');
    await dialog.getByLabel('Queue').fill(queueName);
    await dialog.getByLabel('N (waiting jobs)').fill('1');
    await dialog.getByLabel('For (minutes, 0 = at once)').fill('0');
    await dialog.getByLabel('Webhook URL').fill(`http://127.0.0.1:${port}/hooks/drover?token=secret-e2e-hook`);
    await dialog.getByRole('button', { name: 'Create rule' }).click();
    await expect(dialog).toBeHidden();

    const row = page.getByTestId('alert-rule').filter({ hasText: name });
    await expect(row).toContainText('waiting > 1');
    await expect(row).toContainText(`default/${queueName}`);
    // The webhook is shown by its host only.
    await expect(row).toContainText(`http://127.0.0.1:${port}/…`);
    expect(await page.content()).not.toContain('secret-e2e-hook');

    // The console's evaluator runs after each 10 s sample; the page polls every 5 s.
    await expect(row.getByTestId('alert-state')).toHaveText('firing', { timeout: SAMPLER_WAIT });
    await expect(row.getByTestId('alert-value')).toHaveText(`default/${queueName}: 2 jobs`);
    await expect.poll(() => received.filter((b) => b.queue === queueName && b.state === 'firing').length, { timeout: 10_000 }).toBe(1);
    expect(received.find((b) => b.queue === queueName)).toMatchObject({ rule: name, kind: 'waiting-depth', state: 'firing', value: 2, threshold: 1, connection: 'default' });
    const history = page.getByTestId('alert-history-entry').filter({ hasText: name });
    await expect(history.first()).toContainText('firing');
    await expect(history.first()).toContainText('sent (HTTP 204)');

    await row.getByRole('button', { name: 'Send test' }).click();
    await expect(row.getByTestId('test-result')).toHaveText(/^Delivered: HTTP 204 in \d+ ms$/);
    await expect.poll(() => received.filter((b) => b.test === true && b.rule === name).length).toBe(1);

    // Once the jobs are gone, the alert resolves.
    await queue.drain();
    await expect(row.getByTestId('alert-state')).toHaveText('ok', { timeout: SAMPLER_WAIT });
    await expect.poll(() => received.filter((b) => b.queue === queueName && b.state === 'resolved').length, { timeout: 10_000 }).toBe(1);

    await row.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('dialog', { name: 'Delete alert rule' }).getByRole('button', { name: 'Delete rule' }).click();
    await expect(page.getByTestId('alert-rule').filter({ hasText: name })).toHaveCount(0);
    expect(problems).toEqual([]);
  });

  test('Send test on a webhook the egress policy refuses shows the refusal, and nothing is sent', async ({ page }) => {
    const problems = watchProblems(page);
    // 127.0.0.2 is loopback; the console of this suite allows only 127.0.0.1 (scripts/e2e-server.mjs).
    let hits = 0;
    const inside = http.createServer((_req, res) => {
      hits++;
      res.end('ok');
    });
    await new Promise<void>((resolve) => inside.listen(0, '127.0.0.2', resolve));
    const insidePort = (inside.address() as AddressInfo).port;
    const name = `inside ${Date.now()}`;
    try {
      await gotoHydrated(page, '/alerts');
      await page.getByRole('button', { name: 'New rule' }).click();
      const dialog = page.getByRole('dialog', { name: 'New alert rule' });
      await dialog.getByLabel('Name', { exact: true }).fill(name);
      await dialog.getByLabel('Condition').selectOption({ label: 'Waiting jobs above N for M minutes' });
      await dialog.getByLabel('Connection').selectOption('default');
      await dialog.getByLabel('Queue').fill(`no-such-queue-${Date.now()}`);
      await dialog.getByLabel('N (waiting jobs)').fill('1000');
      await dialog.getByLabel('Webhook URL').fill(`http://127.0.0.2:${insidePort}/hooks/inside?token=secret-inside`);
      await dialog.getByRole('button', { name: 'Create rule' }).click();
      await expect(dialog).toBeHidden();
      const row = page.getByTestId('alert-rule').filter({ hasText: name });
      await row.getByRole('button', { name: 'Send test' }).click();
      await expect(row.getByTestId('test-result')).toHaveText(
        `Failed: 127.0.0.2:${insidePort} is refused by the egress policy: 127.0.0.2 is a loopback address. To allow it, add it to DROVER_EGRESS_ALLOW (comma-separated CIDR blocks and host names, e.g. DROVER_EGRESS_ALLOW=127.0.0.2/32)`,
      );
      expect(hits).toBe(0);
      expect(await page.content()).not.toContain('secret-inside');
      await row.getByRole('button', { name: 'Delete' }).click();
      await page.getByRole('dialog', { name: 'Delete alert rule' }).getByRole('button', { name: 'Delete rule' }).click();
      await expect(page.getByTestId('alert-rule').filter({ hasText: name })).toHaveCount(0);
      expect(problems).toEqual([]);
    } finally {
      await new Promise((r) => inside.close(r));
    }
  });

  test('viewers and operators cannot open the Alerts page', async ({ browser }) => {
    for (const role of ['viewer', 'operator'] as const) {
      const context = await browser.newContext({ storageState: storageStatePath(role) });
      const page = await context.newPage();
      const res = await page.goto('/alerts');
      expect(res?.status(), role).toBe(403);
      await page.goto('/');
      await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Overview' })).toBeVisible();
      await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Alerts' })).toHaveCount(0);
      await context.close();
    }
  });
});
