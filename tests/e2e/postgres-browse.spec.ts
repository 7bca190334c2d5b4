// Issue 15, PostgreSQL: an operator browses a queue that BullMQ keeps in PostgreSQL (the connection
// "postgres", from DATABASE_URL), opens a failed job (its error and data) and retries it; the overview
// lists the queue with its counts, and the connection's endpoint is host:port/db without the password.
// Also: the job page's progress moves live while a PostgreSQL worker runs it, a schedule on a
// PostgreSQL queue is paused from the schedules page, and a failed job sent to the dead-letter queue
// (rows of Drover's own schema in the same database) is requeued with edited data.
// Two consoles of their own, the same tests on each (so the other specs keep seeing the shared console):
// - "beside Redis": REDIS_URL + DATABASE_URL (the suite's PostgreSQL from scripts/e2e-server.mjs); same
//   Redis, users and secret as the shared console, so the operator's saved session works on it.
// - "PostgreSQL only": DATABASE_URL alone, a database of its own — no Redis at all: users, sessions,
//   audit and the dead-letter queue in schema "drover"; the operator signs in as the admin
//   DROVER_ADMIN_EMAIL made there.
import fs from 'node:fs';
import path from 'node:path';
import { test, expect, request, type Page } from '@playwright/test';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { Queue, Worker, createPostgresBackend } from 'bullmq';
import { startConsole, waitWhileProgressing, type ConsoleProcess } from './console-process';
import { gotoHydrated, redisUrl, storageStatePath, stretched } from './support';

const suitePostgresUrl = () => fs.readFileSync(path.join(process.env.E2E_DATA_DIR!, 'e2e-postgres-url'), 'utf8').trim();

type Variant = {
  title: string;
  port: number;
  /** Redis beside PostgreSQL (the shared console's users), or PostgreSQL alone. */
  postgresOnly: boolean;
};

const VARIANTS: Variant[] = [
  { title: 'operator on a PostgreSQL connection beside Redis', port: Number(process.env.E2E_PORT) + 7, postgresOnly: false },
  { title: 'operator on a console whose only connection is PostgreSQL (no Redis at all)', port: Number(process.env.E2E_PORT) + 9, postgresOnly: true },
];

/** The admin the PostgreSQL-only console creates at start (DROVER_ADMIN_EMAIL), in its own database. */
const PG_ONLY_ADMIN = { email: 'pg-admin@example.com', password: `pg-admin-${randomBytes(6).toString('hex')}` };

/** A fresh database on the suite's PostgreSQL, for a console that keeps everything there. */
async function createDatabase(): Promise<string> {
  const url = new URL(suitePostgresUrl());
  const name = `drover_only_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url.toString() });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  url.pathname = `/${name}`;
  return url.toString();
}

/** Waits until the console answers HTTP at all (then asserts what its health says). */
async function waitAnswering(proc: ConsoleProcess): Promise<number | undefined> {
  const api = await request.newContext({ baseURL: proc.base });
  let status: number | undefined;
  try {
    await waitWhileProgressing(proc, `console on ${proc.base} answering`, async () => {
      status = (await api.get('/api/health', { timeout: 10_000 }).catch(() => null))?.status();
      return status !== undefined;
    });
  } finally {
    await api.dispose();
  }
  return status;
}

for (const variant of VARIANTS) test.describe(variant.title, () => {
  // One console of its own for these tests, and the retry comes after the overview's counts.
  test.describe.configure({ mode: 'serial' });
  test.use({ storageState: variant.postgresOnly ? { cookies: [], origins: [] } : storageStatePath('operator') });
  const base = `http://localhost:${variant.port}`;
  let postgresUrl: () => string = suitePostgresUrl;
  let database = 'drover';

  const queueName = `pg-browse-${Date.now().toString(36)}`;
  let queue: ReturnType<typeof openQueue>;
  let brokenId: string;
  let password: string;
  let port: string;
  let consoleProc: ConsoleProcess | undefined;

  function openQueue() {
    return new Queue(queueName, { connection: { connectionString: postgresUrl() } }, createPostgresBackend);
  }

  test.beforeAll(async () => {
    test.setTimeout(stretched(240_000));
    if (variant.postgresOnly) {
      const url = await createDatabase();
      postgresUrl = () => url;
      database = new URL(url).pathname.slice(1);
      // The producers' side creates BullMQ's schema, as an application using BullMQ on PostgreSQL does.
      const schema = new Queue('__schema', { connection: { connectionString: url, migrate: true }, skipMetasUpdate: true }, createPostgresBackend);
      await schema.waitUntilReady();
      await schema.close();
    }
    const proc = startConsole(
      variant.port,
      variant.postgresOnly
        ? {
            REDIS_URL: undefined,
            DATABASE_URL: postgresUrl(),
            AUTH_SECRET: process.env.E2E_AUTH_SECRET,
            DROVER_ADMIN_EMAIL: PG_ONLY_ADMIN.email,
            DROVER_ADMIN_PASSWORD: PG_ONLY_ADMIN.password,
            // The bundled workers too, as `npm start` runs them: on the one PostgreSQL connection.
            DROVER_WORKERS: undefined,
            DROVER_TRUSTED_PROXIES: '1',
            LOG_LEVEL: 'error',
          }
        : { REDIS_URL: redisUrl(), DATABASE_URL: postgresUrl(), AUTH_SECRET: process.env.E2E_AUTH_SECRET, DROVER_TRUSTED_PROXIES: '1', LOG_LEVEL: 'error' },
    );
    consoleProc = proc;
    const url = new URL(postgresUrl());
    password = decodeURIComponent(url.password);
    port = url.port;
    expect(password.length).toBeGreaterThan(8);
    queue = openQueue();
    queue.on('error', () => {});
    const broken = await queue.add('broken', { invoice: 'INV-4711', customer: 'ada' });
    await queue.add('fine', { invoice: 'INV-4712' });
    brokenId = String(broken.id);

    // A worker of this test fails "broken" and completes the rest, then leaves (so a retried job stays waiting).
    const worker = new Worker(
      queueName,
      async (job) => {
        if (job.name === 'broken') throw new Error(`ledger refused ${job.data.invoice}`);
        return { ok: true };
      },
      { connection: { connectionString: postgresUrl() }, concurrency: 2 },
      createPostgresBackend,
    );
    worker.on('error', () => {});
    try {
      await new Promise<void>((resolve, reject) => {
        let failed = 0;
        let completed = 0;
        const check = () => failed === 1 && completed === 1 && resolve();
        worker.on('failed', () => (failed++, check()));
        worker.on('completed', () => (completed++, check()));
        setTimeout(() => reject(new Error(`worker did not finish both jobs (failed ${failed}, completed ${completed})`)), 30_000).unref();
      });
    } finally {
      await worker.close();
    }
    expect(await queue.getJobState(brokenId)).toBe('failed');
    await waitAnswering(proc);
    if (variant.postgresOnly) {
      // No Redis was started or used for it: start.mjs embeds one only when nothing is configured.
      expect(proc.output()).not.toMatch(/embedded Redis/);
      expect(proc.output()).toContain(`connections: postgres (127.0.0.1:${port}/${database})`);
    }
  });

  /** On the PostgreSQL-only console, the operator signs in there (its users are its own). */
  test.beforeEach(async ({ page }) => {
    if (!variant.postgresOnly) return;
    await gotoHydrated(page, `${base}/signin`);
    await page.getByLabel('Email').fill(PG_ONLY_ADMIN.email);
    await page.getByLabel('Password').fill(PG_ONLY_ADMIN.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expect(page.getByTestId('current-user')).toHaveText(PG_ONLY_ADMIN.email);
  });

  test.afterAll(async () => {
    await queue?.close();
    await consoleProc?.stop();
    const out = consoleProc?.output() ?? '';
    if (/error|exception/i.test(out)) console.log(`[postgres-browse] console output:\n${out.slice(-4000)}`);
  });

  /** Everything the console showed, and whatever it answered with 5xx, for the report. */
  function watch(page: Page) {
    const serverErrors: string[] = [];
    const consoleErrors: string[] = [];
    page.on('response', (r) => {
      // Nothing the console does on a PostgreSQL connection answers 5xx (the DLQ line of the overview included).
      if (r.status() >= 500) serverErrors.push(`${r.status()} ${r.request().method()} ${new URL(r.url()).pathname}`);
    });
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('dialog', (d) => d.dismiss());
    return { serverErrors, consoleErrors };
  }

  async function expectNoPassword(page: Page) {
    expect(await page.content()).not.toContain(password);
    expect(await page.locator('body').innerText()).not.toContain(password);
  }

  test('the overview lists the queue under "postgres" with its counts; the endpoint shows host:port/db, never the password', async ({ page }) => {
    const seen = watch(page);
    await page.goto(`${base}/?refresh=1`);
    const card = page.getByRole('region', { name: 'Connection postgres' });
    await expect(card).toBeVisible();
    await expect(card.getByText(`127.0.0.1:${port}/${database}`)).toBeVisible();
    await expect(card).not.toContainText('unreachable');
    // The Redis connection beside it, or none at all.
    await expect(page.getByRole('region', { name: 'Connection default' })).toHaveCount(variant.postgresOnly ? 0 : 1);

    const row = page.getByTestId('overview-table').locator('tbody tr', { has: page.getByRole('link', { name: queueName, exact: true }) });
    await expect(row).toBeVisible();
    // With one connection the rows do not repeat its name (the card above names it).
    if (!variant.postgresOnly) await expect(row).toContainText('postgres');
    await expect(row.locator('td[data-col="failed"]')).toHaveText('1');
    await expect(row.locator('td[data-col="completed"]')).toHaveText('1');
    await expectNoPassword(page);

    // The health endpoint checks the PostgreSQL connection through its store and names it the same way.
    const health = await page.request.get(`${base}/api/health`);
    const body = await health.text();
    expect(health.status()).toBe(200);
    expect(JSON.parse(body).connections).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'postgres', endpoint: `127.0.0.1:${port}/${database}`, status: 'up' })]));
    if (variant.postgresOnly) expect(JSON.parse(body).connections).toHaveLength(1);
    expect(body).not.toContain(password);
    expect(seen.serverErrors).toEqual([]);
  });

  test('browses the queue, opens the failed job (error and data) and retries it: the job is waiting', async ({ page }) => {
    const seen = watch(page);
    await page.goto(`${base}/?refresh=1`);
    await page.getByTestId('overview-table').getByRole('link', { name: queueName, exact: true }).click();
    await expect(page).toHaveURL(new RegExp(`/connections/postgres/queues/${queueName}$`));
    await expect(page.getByRole('heading', { name: queueName })).toBeVisible();
    await expect(page.getByTestId('count-failed')).toHaveText('1');
    await expect(page.getByTestId('count-completed')).toHaveText('1');
    await expectNoPassword(page);

    await page.getByRole('navigation', { name: 'Job states' }).getByRole('link', { name: /^Failed \d/ }).click();
    await expect(page).toHaveURL(/state=failed/);
    const rows = page.getByTestId('jobs-table').locator('tbody tr');
    await expect(rows).toHaveCount(1);
    await expect(rows.first()).toContainText('broken');
    await expect(rows.first()).toContainText('ledger refused INV-4711');
    await rows.first().getByRole('link', { name: brokenId, exact: true }).click();

    await expect(page).toHaveURL(new RegExp(`/connections/postgres/queues/${queueName}/jobs/${brokenId}$`));
    await expect(page.getByTestId('job-name')).toHaveText('broken');
    await expect(page.getByTestId('failed-reason')).toHaveText('ledger refused INV-4711');
    await expect(page.getByTestId('panel-data')).toContainText('"invoice": "INV-4711"');
    await expect(page.getByTestId('panel-data')).toContainText('"customer": "ada"');
    await expectNoPassword(page);

    await page.getByRole('button', { name: 'Retry', exact: true }).click();
    const dialog = page.getByRole('dialog');
    if (await dialog.isVisible().catch(() => false)) await dialog.getByRole('button', { name: /Retry/ }).click();
    await expect(page.getByTestId('toast-success').last()).toHaveText(`Job ${brokenId} moved from failed back to waiting`);
    await expect(page.locator('main').getByText('waiting', { exact: true }).first()).toBeVisible();
    expect(await queue.getJobState(brokenId)).toBe('waiting');
    // And after a reload, from PostgreSQL again.
    await page.reload();
    await expect(page.getByTestId('job-name')).toHaveText('broken');
    await expect(page.locator('main').getByText('waiting', { exact: true }).first()).toBeVisible();
    await expectNoPassword(page);

    await page.goto(`${base}/connections/postgres/queues/${queueName}`);
    await expect(page.getByTestId('count-failed')).toHaveText('0');
    await expect(page.getByTestId('count-waiting')).toHaveText('1');
    if (variant.postgresOnly) {
      // The audit log (admins only: here the operator is the admin) shows the retry, from schema "drover".
      await page.goto(`${base}/audit?action=job.retry&queue=${queueName}`);
      await expect(page.getByTestId('audit-table')).toContainText('job.retry');
      await expect(page.getByTestId('audit-table')).toContainText(PG_ONLY_ADMIN.email);
    }
    expect(seen.serverErrors).toEqual([]);
  });

  // Only the PostgreSQL-only console runs the bundled workers (the one beside Redis runs none of its own).
  if (variant.postgresOnly) test('the bundled workers run on PostgreSQL alone: Busy lists their runtime', async ({ page }) => {
    const seen = watch(page);
    // Started by start.mjs with the console; its first heartbeat comes once it has compiled and connected.
    await expect
      .poll(
        async () => {
          await page.goto(`${base}/busy`);
          return page.locator('[data-testid="busy-process"][data-kind="drover"]').count();
        },
        { timeout: 120_000, message: 'a Drover worker runtime on the Busy page' },
      )
      .toBe(1);
    await expect(page.getByTestId('busy-connection-postgres')).toBeVisible();
    expect(seen.serverErrors).toEqual([]);
  });

  test('the job page shows a running job\'s progress live, from BullMQ\'s event table', async ({ page }) => {
    const seen = watch(page);
    const job = await queue.add('render', { frames: 100 });
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    let started: () => void = () => {};
    const running = new Promise<void>((resolve) => (started = resolve));
    let step: (n: number) => Promise<void> = async () => {};
    const worker = new Worker(
      queueName,
      async (j) => {
        if (j.id !== job.id) return 'skip';
        step = (n) => j.updateProgress(n);
        started();
        await held;
        return 'done';
      },
      { connection: { connectionString: postgresUrl() } },
      createPostgresBackend,
    );
    worker.on('error', () => {});
    try {
      await running;
      await page.goto(`${base}/connections/postgres/queues/${queueName}/jobs/${job.id}`);
      await expect(page.getByTestId('live-indicator')).toHaveAttribute('data-status', 'live');
      await step(10);
      await expect(page.getByTestId('job-progress').getByRole('progressbar')).toHaveAttribute('aria-valuenow', '10');
      await step(75);
      await expect(page.getByTestId('job-progress').getByRole('progressbar')).toHaveAttribute('aria-valuenow', '75');
    } finally {
      release();
      await worker.close();
    }
    expect(seen.serverErrors).toEqual([]);
  });

  test('pauses a schedule of a PostgreSQL queue from the schedules page', async ({ page }) => {
    await queue.upsertJobScheduler('hourly', { pattern: '0 * * * *', tz: 'UTC' }, { name: 'summary', data: { scope: 'all' } });
    await gotoHydrated(page, `${base}/schedules?queue=postgres/${queueName}`);
    const row = page.locator(`[data-testid="schedule-row"][data-schedule$="/hourly"]`);
    await expect(row).toHaveAttribute('data-state', 'active');
    await row.getByRole('button', { name: 'Pause' }).click();
    await expect(page.getByTestId('toast-success').last()).toHaveText('Schedule "hourly" paused: it produces no job until resumed');
    await expect(row).toHaveAttribute('data-state', 'paused');
    expect(await queue.getJobScheduler('hourly')).toBeUndefined();
  });

  test('sends a failed job to the dead-letter queue and requeues it with edited data: the new job has that data', async ({ page }) => {
    const seen = watch(page);
    const declined = await queue.add('declined', { invoice: 'INV-9001', card: 'expired' }, { attempts: 1 });
    const worker = new Worker(
      queueName,
      async (job) => {
        if (job.name === 'declined') throw new Error(`card expired for ${job.data.invoice}`);
        return { ok: true };
      },
      { connection: { connectionString: postgresUrl() }, concurrency: 1 },
      createPostgresBackend,
    );
    worker.on('error', () => {});
    try {
      await expect.poll(() => queue.getJobState(String(declined.id)), { timeout: 30_000 }).toBe('failed');
    } finally {
      await worker.close();
    }
    // Foreign workers' failures go to the DLQ from the queue page.
    await gotoHydrated(page, `${base}/connections/postgres/queues/${queueName}?state=failed`);
    await page.getByRole('button', { name: /^Send to DLQ all \d+$/ }).click();
    await page.getByRole('dialog').getByRole('button', { name: /^Send to DLQ \d+ jobs?$/ }).click();
    await expect(page.getByTestId('toast-success').last()).toHaveText(/^1 of 1 job sent to the dead-letter queue "dead-letter"$/);

    await page.goto(`${base}/dlq/postgres`);
    await expect(page.getByText('drover.dead_letter')).toBeVisible();
    const row = page.getByTestId('dlq-table').locator('tbody tr', { hasText: 'card expired for INV-9001' });
    await expect(row).toHaveCount(1);
    await expect(page.getByTestId('dlq-groups')).toContainText('1 ×card expired for INV-<n>');
    await row.getByRole('link', { name: /^Open dead letter/ }).click();
    await expect(page).toHaveURL(/\/dlq\/postgres\/dl-[0-9a-f]{32}$/);
    await expect(page.getByTestId('dlq-origin')).toContainText(queueName);
    await expect(page.getByTestId('failed-reason')).toHaveText('card expired for INV-9001');

    await page.getByRole('button', { name: 'Edit data and requeue…' }).click();
    const editor = page.getByRole('dialog').getByLabel('Data (JSON)');
    await expect(editor).toHaveValue(/"invoice": "INV-9001"/);
    await editor.fill('{"invoice": "INV-9001", "card": "renewed"}');
    await page.getByRole('dialog').getByRole('button', { name: 'Requeue', exact: true }).click();
    await expect(page.getByTestId('toast-success').last()).toHaveText(new RegExp(`^Requeued dead letter dl-[0-9a-f]{32} as job \\d+ in ${queueName}$`));
    await expect(page).toHaveURL(new RegExp(`/connections/postgres/queues/${queueName}/jobs/\\d+$`));
    const jobId = decodeURIComponent(page.url().split('/').pop()!);
    const requeued = await queue.getJob(jobId);
    expect([requeued?.name, requeued?.data]).toEqual(['declined', { invoice: 'INV-9001', card: 'renewed' }]);
    await expect(page.getByTestId('panel-data')).toContainText('"renewed"');
    // The dead letter is gone from the DLQ.
    await page.goto(`${base}/dlq/postgres`);
    await expect(page.getByTestId('dlq-table').locator('tbody tr', { hasText: 'card expired for INV-9001' })).toHaveCount(0);
    await expectNoPassword(page);
    expect(seen.serverErrors).toEqual([]);
  });
});
