// Operator and admin actions through the real UI; viewers see none of them.
import { test, expect, type Page } from '@playwright/test';
import { Queue, Worker } from 'bullmq';
import { apiAs, gotoHydrated, redisUrl, storageStatePath } from './support';

async function failedQueue(name: string, count: number): Promise<Queue> {
  const queue = new Queue(name, { connection: { url: redisUrl() } });
  await queue.addBulk(Array.from({ length: count }, (_, i) => ({ name: 'charge', data: { order: i } })));
  const worker = new Worker(name, async () => {
    throw new Error('card declined');
  }, { connection: { url: redisUrl() }, concurrency: 20 });
  await expect.poll(() => queue.getFailedCount(), { timeout: 15_000 }).toBe(count);
  await worker.close();
  return queue;
}

function toast(page: Page) {
  return page.getByTestId('toast-success').last();
}

test.describe('operator', () => {
  test.use({ storageState: storageStatePath('operator') });

  test('retries a failed job from its page, then bulk-retries a selection', async ({ page }) => {
    const name = `retry-${Date.now()}`;
    const queue = await failedQueue(name, 5);
    const [first] = await queue.getFailed(0, 0);

    await gotoHydrated(page, `/connections/default/queues/${name}/jobs/${first.id}`);
    await page.getByRole('button', { name: 'Retry', exact: true }).click();
    await expect(toast(page)).toHaveText(`Job ${first.id} moved from failed back to waiting`);
    await expect(page.locator('main').getByText('waiting', { exact: true }).first()).toBeVisible();
    expect(await queue.getJobState(first.id!)).toBe('waiting');

    await gotoHydrated(page, `/connections/default/queues/${name}?state=failed`);
    const rows = page.getByTestId('jobs-table').locator('tbody tr');
    await expect(rows).toHaveCount(4);
    await rows.nth(0).getByRole('checkbox').check();
    await rows.nth(1).getByRole('checkbox').check();
    const bulk = page.getByTestId('bulk-selected');
    await expect(bulk).toContainText('2 selected');
    await bulk.getByRole('button', { name: 'Retry', exact: true }).click();
    const dialog = page.getByRole('dialog');
    await expect(dialog).toContainText('2 jobs in');
    await dialog.getByRole('button', { name: 'Retry 2 jobs' }).click();
    await expect(toast(page)).toHaveText('2 of 2 jobs retried');
    await expect(page.getByTestId('count-failed')).toHaveText('2');
    expect(await queue.getFailedCount()).toBe(2);
    await queue.obliterate({ force: true });
    await queue.close();
  });

  test('adds a job: invalid JSON is refused with a precise error, valid JSON creates the job', async ({ page }) => {
    const name = `add-${Date.now()}`;
    const queue = new Queue(name, { connection: { url: redisUrl() } });
    await queue.add('seed', {});
    await gotoHydrated(page, `/connections/default/queues/${name}`);
    await page.getByRole('button', { name: 'Add job' }).click();
    const form = page.getByRole('form', { name: 'Add job' });
    await form.getByLabel('Job name').fill('send-invoice');
    const data = form.getByLabel('Data (JSON)');
    await data.fill('{"invoice": 42,');
    await expect(form.getByText(/^Not valid JSON:/)).toBeVisible();
    await expect(form.getByRole('button', { name: 'Add job' })).toBeDisabled();
    await data.fill('{"invoice": 42, "to": "billing@example.com"}');
    await form.getByLabel('Attempts').fill('3');
    await form.getByRole('button', { name: 'Add job' }).click();
    await expect(page).toHaveURL(new RegExp(`/queues/${name}/jobs/\\d+$`));
    await expect(page.getByTestId('job-name')).toHaveText('send-invoice');
    await expect(page.getByTestId('panel-data')).toContainText('"billing@example.com"');
    const jobs = await queue.getJobs(['waiting'], 0, 10);
    expect(jobs.find((j) => j.name === 'send-invoice')?.opts.attempts).toBe(3);
    await queue.obliterate({ force: true });
    await queue.close();
  });

  test('the server refuses invalid JSON sent around the editor', async () => {
    const api = await apiAs('operator');
    const res = await api.post('/api/v1/connections/default/queues/raw-add/jobs', { data: { name: 'x', data: '{"broken": ' } });
    expect(res.status()).toBe(400);
    expect((await res.json()).error.message).toMatch(/^data is not valid JSON/);
    await api.dispose();
  });
});

test.describe('admin', () => {
  test.use({ storageState: storageStatePath('admin') });

  test('obliterates a queue only after typing its name', async ({ page }) => {
    const name = `oblit-${Date.now()}`;
    const queue = new Queue(name, { connection: { url: redisUrl() } });
    await queue.addBulk(Array.from({ length: 3 }, (_, i) => ({ name: 'x', data: { i } })));
    await gotoHydrated(page, `/connections/default/queues/${name}`);
    await page.getByRole('button', { name: 'Obliterate…' }).click();
    const dialog = page.getByRole('dialog');
    await expect(dialog).toContainText('all 3 of its jobs');
    const confirm = dialog.getByRole('button', { name: 'Obliterate queue' });
    await expect(confirm).toBeDisabled();
    await dialog.getByLabel(/Type .* to confirm/).fill(name.slice(0, -1));
    await expect(confirm).toBeDisabled();
    await dialog.getByLabel(/Type .* to confirm/).fill(name);
    await confirm.click();
    await expect(page).toHaveURL(/\/$/);
    await expect(page.getByTestId('toast-success').last()).toHaveText(`Queue ${name} obliterated`);
    expect(await queue.getJobCounts()).toMatchObject({ waiting: 0 });
    await queue.close();

    // The audit log shows it.
    await page.goto(`/audit?action=queue.obliterate&queue=${name}`);
    await expect(page.getByTestId('audit-table')).toContainText('queue.obliterate');
    await expect(page.getByTestId('audit-table')).toContainText('admin@e2e.test');
  });
});

test.describe('viewer', () => {
  test.use({ storageState: storageStatePath('viewer') });

  test('sees no action buttons', async ({ page }) => {
    const name = `view-${Date.now()}`;
    const queue = await failedQueue(name, 1);
    const [job] = await queue.getFailed(0, 0);
    await page.goto(`/connections/default/queues/${name}?state=failed`);
    await expect(page.getByTestId('jobs-table')).toBeVisible();
    for (const label of ['Pause', 'Add job', 'Limits', 'Clean…', 'Drain…', 'Obliterate…']) {
      await expect(page.getByRole('button', { name: label, exact: true })).toHaveCount(0);
    }
    await expect(page.getByTestId('jobs-table').getByRole('checkbox')).toHaveCount(0);
    await page.goto(`/connections/default/queues/${name}/jobs/${job.id}`);
    await expect(page.getByTestId('job-name')).toHaveText('charge');
    for (const label of ['Retry', 'Remove', 'Edit data', 'Duplicate']) {
      await expect(page.getByRole('button', { name: label, exact: true })).toHaveCount(0);
    }
    await queue.obliterate({ force: true });
    await queue.close();
  });
});
