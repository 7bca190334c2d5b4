// The operator scenario of issue 21 (README › Queue objectives, › Alerts, › Workers › Controlling
// workers): an operator sets a wait objective on a queue a real worker process serves, sees the queue
// turn red on the overview, follows the alert's link back to the queue page, quiets the worker on the
// Busy page and sees it stop taking jobs, then resumes it. Also here: circuit breakers on the Busy page
// (README › Circuit breakers): a spawned worker opens a failing receiver's circuit; an operator resets it;
// and the panel's count of open circuits beyond its list.
//
// Both tests spawn a Drover worker of the shared console's `webhook` queue, so they must not run side by
// side (one's worker would take the other's jobs, and a quieted process must be the only one serving the
// queue): Playwright runs the tests of one file in order on one worker when the file says so.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { spawn } from 'node:child_process';
import { Queue } from 'bullmq';
import { test, expect } from '@playwright/test';
import { Redis } from 'ioredis';
import { addScopedUser, apiAs, gotoHydrated, redisUrl, signIn, storageStatePath, stretched } from './support';

// Playwright runs from the repository's root.
const root = process.cwd();
const QUEUE = 'webhook';
const QUEUE_PATH = `/connections/default/queues/${QUEUE}`;

test.describe.configure({ mode: 'default' });

test('an operator sets a wait-time objective, sees the queue turn red, follows the alert link to the queue page, quiets a worker and sees it stop taking jobs', async ({ browser }) => {
  test.setTimeout(stretched(300_000));
  // One receiver: /hook answers the webhook jobs after 2 s (so jobs wait), /alert records the alert notifications.
  const deliveries: number[] = [];
  const alerts: Array<Record<string, unknown>> = [];
  const receiver = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      if (req.url?.startsWith('/alert')) {
        alerts.push(JSON.parse(raw || 'null') as Record<string, unknown>);
        res.writeHead(200).end();
        return;
      }
      deliveries.push(Date.now());
      setTimeout(() => res.writeHead(200).end('ok'), 2000);
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const port = (receiver.address() as AddressInfo).port;

  const admin = await apiAs('admin');
  const operatorApi = await apiAs('operator');
  const queue = new Queue(QUEUE, { connection: { url: redisUrl() } });
  const env = { ...process.env, REDIS_URL: redisUrl(), DROVER_CONFIG: undefined, NODE_OPTIONS: undefined, WEBHOOK_SECRET: 's', DROVER_BUSY_HEARTBEAT_MS: '500', DROVER_EGRESS_ALLOW: '127.0.0.1' } as NodeJS.ProcessEnv;
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=react-server', 'workers/main.ts', 'webhook'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const context = await browser.newContext({ storageState: storageStatePath('operator') });
  let channelId: string | null = null;
  let ruleId: string | null = null;
  try {
    // An admin pages on the queue's oldest-wait objective through a webhook channel (the API; the dialogs have specs of their own).
    const channel = await admin.post('/api/v1/alerts/channels', { data: { type: 'webhook', name: `operate ${Date.now()}`, config: { url: `http://127.0.0.1:${port}/alert`, format: 'json' } } });
    expect(channel.status(), await channel.text()).toBe(201);
    channelId = ((await channel.json()) as { id: string }).id;
    const rule = await admin.post('/api/v1/alerts', { data: { name: `operate ${Date.now()}`, kind: 'objective-oldest-wait', connection: 'default', queue: QUEUE, minutes: 0, cooldownMinutes: 0, channelIds: [channelId] } });
    expect(rule.status(), await rule.text()).toBe(201);
    ruleId = ((await rule.json()) as { id: string }).id;

    // tsx compiles the runtime on start: long on a loaded machine.
    await expect.poll(() => output.includes('"event":"workers.ready"') || child.exitCode !== null, { timeout: stretched(180_000) }).toBe(true);
    expect(child.exitCode, output).toBeNull();
    // Far more jobs than the worker runs at once (concurrency 10), each held 2 s by the receiver: jobs wait
    // for the whole scenario (about 4 minutes of work; the rest is drained at the end).
    await queue.addBulk(Array.from({ length: 1200 }, (_, i) => ({ name: 'deliver', data: { url: `http://127.0.0.1:${port}/hook`, payload: { i } } })));

    // The operator sets a 2-second oldest-wait objective on the queue page, and p95 objectives the queue
    // meets (each job takes about 2 s; an hour's wait is far off), which the p95 charts draw.
    const page = await context.newPage();
    await gotoHydrated(page, QUEUE_PATH);
    await page.getByRole('button', { name: 'Objectives…' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Oldest wait (seconds)').fill('2');
    await dialog.getByLabel('Wait p95 (seconds)').fill('3600');
    await dialog.getByLabel('Processing p95 (seconds)').fill('10');
    await dialog.getByRole('button', { name: 'Save objectives' }).click();
    await expect(page.getByText(`${QUEUE}: objectives set`)).toBeVisible({ timeout: stretched(15_000) });

    // The overview turns the queue red once the sampling console has judged it.
    await gotoHydrated(page, '/');
    const row = page.locator('tr', { has: page.getByRole('link', { name: QUEUE, exact: true }) });
    await expect(row).toHaveAttribute('data-objective', 'breach', { timeout: stretched(60_000) });
    await expect(row.getByTestId('queue-health')).toContainText(/Oldest wait \d+ s > 2 s/);

    // The alert went out with a link to the queue page; the operator follows it.
    await expect.poll(() => alerts.find((a) => a.state === 'firing' && a.kind === 'objective-oldest-wait'), { timeout: stretched(60_000) }).toBeTruthy();
    const firing = alerts.find((a) => a.state === 'firing')!;
    const link = new URL(String(firing.link));
    expect(link.pathname).toBe(QUEUE_PATH);
    await gotoHydrated(page, link.pathname + link.search);
    await expect(page).toHaveURL(new RegExp(`${QUEUE_PATH}$`));
    await expect(page.getByRole('button', { name: 'Objectives…' })).toBeVisible();
    // The queue page shows the objective against the queue: the status line and the objective's line on the oldest-wait chart.
    // The Metrics section starts collapsed for a user who never opened it (the operator here).
    const metrics = page.getByRole('region', { name: 'Metrics' });
    await expect(metrics.getByRole('button', { name: 'Metrics' })).toHaveAttribute('aria-expanded', 'false');
    await metrics.getByRole('button', { name: 'Metrics' }).click();
    await expect(page.getByTestId('objectives-status')).toHaveAttribute('data-level', 'breach', { timeout: stretched(30_000) });
    await expect(page.getByTestId('oldest-wait-chart')).toContainText('objective 2 s', { timeout: stretched(30_000) });
    // The measured p95s are sampled too: each has its chart, its line and its objective's dashed line.
    for (const [testId, objective] of [['wait-p95-chart', 'objective 3600 s'], ['processing-p95-chart', 'objective 10 s']] as const) {
      const chart = page.getByTestId(testId);
      await expect(chart.getByTestId(`${testId}-summary`)).toContainText(objective, { timeout: stretched(60_000) });
      // The dashed objective line, labelled inside the chart's drawing (recharts draws the label in a layer of its own).
      await expect(chart.locator('.recharts-reference-line-line')).toHaveCount(1);
      await expect(chart.getByRole('application')).toContainText(objective);
      // The measured line (a step path through the sampled points).
      await expect(chart.locator('path.recharts-line-curve').first()).toHaveAttribute('d', /L/);
    }
    await expect(page.getByTestId('processing-p95-chart-summary')).toContainText(/^[\d,.]+ m?s at the last measurement/);

    // Busy page: quiet the worker process; it finishes what it runs and takes nothing new.
    await gotoHydrated(page, '/busy');
    const card = page.getByRole('article', { name: new RegExp(`^Worker drover@.+:${child.pid}$`) });
    await expect(card).toBeVisible({ timeout: stretched(30_000) });
    await card.getByRole('button', { name: 'Quiet' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Quiet' }).click();
    await expect(card.getByTestId('worker-state')).toHaveText('quiet', { timeout: stretched(15_000) });
    // Running jobs finish (each within 2 s of its request): then no job is active and none is taken.
    await expect.poll(async () => (await queue.getJobCounts('active')).active, { timeout: stretched(30_000) }).toBe(0);
    const waiting = (await queue.getJobCounts('waiting')).waiting;
    const taken = deliveries.length;
    expect(waiting).toBeGreaterThan(0);
    // Five seconds of nothing taken while the process stays alive and heartbeating (an absence needs a duration).
    await page.waitForTimeout(5000);
    expect((await queue.getJobCounts('waiting')).waiting).toBe(waiting);
    expect(deliveries.length).toBe(taken);
    expect(child.exitCode).toBeNull();
    await page.reload();
    await expect(card.getByTestId('worker-state')).toHaveText('quiet');

    await card.getByRole('button', { name: 'Resume' }).click();
    await expect(card.getByTestId('worker-state')).toHaveText('running', { timeout: stretched(15_000) });
    await expect.poll(() => deliveries.length, { timeout: stretched(30_000) }).toBeGreaterThan(taken);
  } finally {
    child.kill('SIGKILL');
    await operatorApi.delete(`/api/v1${QUEUE_PATH}/objectives`);
    if (ruleId) await admin.delete(`/api/v1/alerts/${ruleId}`);
    if (channelId) await admin.delete(`/api/v1/alerts/channels/${channelId}`);
    await queue.drain(true).catch(() => {});
    await queue.close();
    await context.close();
    await new Promise((resolve) => receiver.close(resolve));
  }
});

test.describe('Circuit breakers', () => {
  test.use({ storageState: storageStatePath('operator') });

  test('an operator sees an open circuit of a failing receiver on the Busy page and resets it', async ({ page }) => {
    let failing = true;
    const receiver = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(failing ? 503 : 200).end(failing ? 'down' : 'ok'));
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const destination = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    const env = {
      ...process.env,
      REDIS_URL: redisUrl(),
      DROVER_CONFIG: undefined,
      NODE_OPTIONS: undefined,
      WEBHOOK_SECRET: 's',
      DROVER_EGRESS_ALLOW: '127.0.0.1',
      DROVER_CIRCUIT_FAILURES: '1',
      // Open long enough for the operator to reset it by hand.
      DROVER_CIRCUIT_COOLDOWN_MS: '600000',
    } as NodeJS.ProcessEnv;
    const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=react-server', 'workers/main.ts', 'webhook'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const queue = new Queue('webhook', { connection: { url: redisUrl() } });
    let jobId: string | undefined;
    try {
      // tsx compiles the runtime on start: long on a loaded machine.
      await expect.poll(() => output.includes('"event":"workers.ready"') || child.exitCode !== null, { timeout: stretched(180_000) }).toBe(true);
      expect(child.exitCode, output).toBeNull();
      jobId = (await queue.add('deliver', { url: `${destination}/hook`, payload: { e2e: 'circuits' } }, { attempts: 5, backoff: { type: 'fixed', delay: 200 } })).id;
      await expect.poll(() => output.includes(`"event":"circuit.opened","destination":"${destination}"`), { timeout: stretched(60_000) }).toBe(true);
      // The receiver is back: nothing can fail and re-open the circuit after the reset.
      failing = false;

      await gotoHydrated(page, '/busy');
      const row = page.getByTestId('circuit-row').filter({ hasText: destination });
      await expect(row.getByTestId('circuit-state')).toHaveText('open', { timeout: stretched(30_000) });
      await expect(row).toContainText('503');
      await row.getByRole('button', { name: 'Reset' }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Reset' }).click();
      await expect(page.getByText(`Circuit of ${destination} closed (was open)`)).toBeVisible({ timeout: stretched(15_000) });
      await expect(row.getByTestId('circuit-state')).toHaveText('closed', { timeout: stretched(15_000) });
      await expect(row).toContainText('reset by');
    } finally {
      child.kill('SIGKILL');
      // Held back until the cool-down's end: not left in the shared webhook queue.
      if (jobId) await queue.remove(jobId).catch(() => {});
      await queue.close();
      receiver.closeAllConnections();
      receiver.close();
    }
  });

  // The panel when a connection holds more open circuits than the list shows (README › Circuit breakers):
  // the viewer reads "N more open or half-open circuits not listed"; a viewer of some queues only
  // (circuits.list is whole-connection) reads a sentence, not a raw 403. The circuits are written the way
  // the runtime stores them (hash + held index, lib/keys.ts): opening 205 by real failures would take a
  // worker and 205 failing receivers for what is a rendering check. Here, after the reset test, because
  // 205 open circuits would push that test's circuit out of the 200 the panel lists.
  const stamp = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;
  const LISTED = 200;
  const EXTRA = 5;

  test('a viewer sees the open circuits beyond the list counted; a viewer of some queues only sees why there is no list', async ({ browser }) => {
    const redis = new Redis(redisUrl());
    const destinations = Array.from({ length: LISTED + EXTRA }, (_, i) => `https://e2e-${stamp}-${i}.example:443`);
    const [s] = await redis.time();
    const now = Number(s) * 1000;
    const record = { state: 'open', consecutive: 5, windowStart: now, windowFailures: 5, windowTotal: 5, openedAt: now, nextProbeAt: now + 600_000, cooldownMs: 600_000, probeToken: null, probeUntil: null, recent: [{ at: now, error: 'HTTP 503' }], opened: 1, changedAt: now };
    const write = redis.pipeline();
    for (const d of destinations) {
      write.hset(`drover:circuit:bull:${d}`, 'v', 1, 'r', JSON.stringify(record)).pexpire(`drover:circuit:bull:${d}`, 600_000);
      write.zadd('drover:circuits-held:bull', now, d);
    }
    await write.exec();
    try {
      const viewer = await browser.newContext({ storageState: storageStatePath('viewer') });
      const page = await viewer.newPage();
      await gotoHydrated(page, '/busy');
      const panel = page.getByTestId('circuits-default');
      await expect(panel.getByTestId('circuit-row')).toHaveCount(LISTED, { timeout: 30_000 });
      // Other specs may hold open circuits of their own on the shared console: at least these five beyond.
      await expect(panel.getByTestId('circuits-more-held')).toContainText(/^\d+ more open or half-open circuits not listed/);
      const more = Number((await panel.getByTestId('circuits-more-held').textContent())!.split(' ')[0]);
      expect(more).toBeGreaterThanOrEqual(EXTRA);
      await viewer.close();

      // A viewer of the webhook queue only: the panel says why, in a sentence.
      const user = `circuits-viewer-${stamp}@e2e.test`;
      const password = `scoped password ${stamp}`;
      await addScopedUser(browser, user, password, 'viewer@default/webhook');

      // Signed out: this describe's contexts otherwise start as the operator (test.use), and /signin would redirect.
      const scopedContext = await browser.newContext({ storageState: { cookies: [], origins: [] } });
      const scoped = await scopedContext.newPage();
      await signIn(scoped, user, password);
      await expect(scoped.getByTestId('current-user')).toHaveText(user);
      await gotoHydrated(scoped, '/busy');
      const refused = scoped.getByTestId('circuits-default-unavailable');
      await expect(refused).toContainText('shown only to users who may view every queue of the connection', { timeout: 30_000 });
      await expect(refused).not.toContainText('403');
      await expect(scoped.getByTestId('circuit-row')).toHaveCount(0);
      await scopedContext.close();
    } finally {
      const clean = redis.pipeline();
      for (const d of destinations) clean.del(`drover:circuit:bull:${d}`).zrem('drover:circuits-held:bull', d);
      await clean.exec();
      await redis.quit();
    }
  });
});
