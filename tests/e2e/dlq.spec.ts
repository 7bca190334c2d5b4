// The dead-letter queue through the real UI: an operator sends a foreign queue's failures to the DLQ,
// filters by an error group, requeues one with edited data and sees it succeed in its origin queue;
// an admin purges a group after confirming; a viewer sees no action.
import { test, expect, type Page } from '@playwright/test';
import { Queue, Worker } from 'bullmq';
import { apiAs, gotoHydrated, redisUrl, storageStatePath } from './support';

/** A word that survives error normalization (letters only: no digits, so never masked as hex or number). */
function uniqueTag(): string {
  return `run${(Date.now() * 1000 + Math.floor(Math.random() * 1000)).toString(36).replace(/\d/g, (d) => 'ghijklmnpq'[Number(d)])}`;
}

/**
 * A queue with a "foreign" worker (plain BullMQ, not Drover's runtime): a job fails with the message in
 * its data unless its data says ok, then it completes. Returns once `count` jobs have failed.
 */
async function foreignQueue(name: string, reasons: string[]) {
  const queue = new Queue(name, { connection: { url: redisUrl() } });
  const worker = new Worker(
    name,
    async (job) => {
      const data = job.data as { reason?: string; ok?: boolean };
      if (!data.ok) throw new Error(data.reason ?? 'no reason');
      return { done: true };
    },
    { connection: { url: redisUrl() }, concurrency: 10 },
  );
  await queue.addBulk(reasons.map((reason, i) => ({ name: 'charge', data: { i, reason } })));
  await expect.poll(() => queue.getFailedCount(), { timeout: 15_000 }).toBe(reasons.length);
  return { queue, worker };
}

function toast(page: Page) {
  return page.getByTestId('toast-success').last();
}

test.describe('operator', () => {
  test.use({ storageState: storageStatePath('operator') });

  test('sends failures to the DLQ, filters by an error group, requeues one with edited data and sees it succeed', async ({ page }) => {
    const tag = uniqueTag();
    const name = `dlq-pay-${Date.now()}`;
    const { queue, worker } = await foreignQueue(name, [
      `connect ECONNREFUSED 10.0.0.11:5432 at ${tag}`,
      `connect ECONNREFUSED 10.0.0.12:5432 at ${tag}`,
      `connect ECONNREFUSED 10.0.0.13:5432 at ${tag}`,
      `card declined at ${tag}`,
    ]);
    try {
      // Foreign workers' failures go to the DLQ from the queue page.
      await gotoHydrated(page, `/connections/default/queues/${name}?state=failed`);
      await page.getByRole('button', { name: 'Send to DLQ all 4' }).click();
      const dialog = page.getByRole('dialog');
      await expect(dialog).toContainText("copied into the connection's dead-letter queue");
      await dialog.getByRole('button', { name: 'Send to DLQ 4 jobs' }).click();
      await expect(toast(page)).toHaveText('4 of 4 jobs sent to the dead-letter queue "dead-letter"');

      // The overview shows the DLQ's size; the sidebar leads to the DLQ page.
      await page.goto('/');
      await expect(page.getByTestId('dlq-size-default')).toContainText('Dead letters:');
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Dead letters' }).click();
      await expect(page).toHaveURL(/\/dlq\/default$/);

      // 3 failures, one group: variable parts masked.
      const pattern = `connect ECONNREFUSED <ip>:5432 at ${tag}`;
      const groupRow = page.getByTestId('dlq-groups').locator('tr', { hasText: pattern });
      await expect(groupRow).toContainText('3 ×');
      await expect(page.getByTestId('dlq-groups').locator('tr', { hasText: `card declined at ${tag}` })).toContainText('1 ×');
      await groupRow.getByRole('link', { name: pattern }).click();
      await expect(page).toHaveURL(/group=[0-9a-f]{16}/);
      await expect(page.getByTestId('dlq-active-group')).toContainText(pattern);
      const rows = page.getByTestId('dlq-table').locator('tbody tr');
      await expect(rows).toHaveCount(3);
      await expect(page.getByTestId('dlq-matching')).toHaveText('3 matching');
      for (const text of ['10.0.0.11', '10.0.0.12', '10.0.0.13']) await expect(page.getByTestId('dlq-table')).toContainText(text);

      // One of them: its page shows the origin and reuses the job view of the envelope.
      const row = rows.filter({ hasText: '10.0.0.12' });
      await row.getByRole('link', { name: /^Open dead letter/ }).click();
      await expect(page).toHaveURL(/\/dlq\/default\/dl-[0-9a-f]{32}$/);
      await expect(page.getByTestId('dlq-origin')).toContainText(name);
      await expect(page.getByTestId('failed-reason')).toHaveText(`connect ECONNREFUSED 10.0.0.12:5432 at ${tag}`);
      await expect(page.getByTestId('attempts')).toContainText('Failure 1');

      await page.getByRole('button', { name: 'Edit data and requeue…' }).click();
      const editor = page.getByRole('dialog').getByLabel('Data (JSON)');
      await expect(editor).toHaveValue(/"reason": "connect ECONNREFUSED 10.0.0.12:5432/);
      await editor.fill('{"i": 1, "ok": true}');
      await page.getByRole('dialog').getByRole('button', { name: 'Requeue', exact: true }).click();
      await expect(toast(page)).toHaveText(new RegExp(`^Requeued dead letter dl-[0-9a-f]{32} as job \\d+ in ${name}$`));

      // The new job's page in the origin queue: it ran with the edited data and succeeded.
      await expect(page).toHaveURL(new RegExp(`/connections/default/queues/${name}/jobs/\\d+$`));
      const jobId = decodeURIComponent(page.url().split('/').pop()!);
      await expect.poll(() => queue.getJobState(jobId), { timeout: 15_000 }).toBe('completed');
      await page.reload();
      await expect(page.locator('main').getByText('completed', { exact: true }).first()).toBeVisible();
      await expect(page.getByTestId('panel-data')).toContainText('"ok"');
      expect((await queue.getJob(jobId))!.data).toEqual({ i: 1, ok: true });

      // The group lost that one dead letter.
      await page.goto('/dlq/default');
      await expect(page.getByTestId('dlq-groups').locator('tr', { hasText: pattern })).toContainText('2 ×');
    } finally {
      await worker.close();
      await queue.obliterate({ force: true });
      await queue.close();
    }
  });
});

test.describe('admin', () => {
  test.use({ storageState: storageStatePath('admin') });

  test('purges an error group only after confirming', async ({ page }) => {
    const tag = uniqueTag();
    const name = `dlq-quota-${Date.now()}`;
    const { queue, worker } = await foreignQueue(name, [1, 2, 3].map((i) => `quota exceeded for tenant ${i}0000 at ${tag}`));
    await worker.close();
    const api = await apiAs('operator');
    const sent = await api.post(`/api/v1/connections/default/queues/${name}/jobs/bulk`, { data: { action: 'dead-letter', state: 'failed' } });
    expect(await sent.json()).toMatchObject({ succeeded: 3 });
    await api.dispose();

    await gotoHydrated(page, '/dlq');
    const pattern = `quota exceeded for tenant <n> at ${tag}`;
    await page.getByTestId('dlq-groups').getByRole('link', { name: pattern }).click();
    await expect(page.getByTestId('dlq-table').locator('tbody tr')).toHaveCount(3);
    await page.getByRole('button', { name: 'Purge 3 matching…' }).click();
    const dialog = page.getByRole('dialog');
    await expect(dialog).toContainText('deleted for good');
    // Three dead letters: one confirm click (above 100 the count is typed: components/ui/confirm-rule.ts).
    await expect(dialog.getByRole('textbox')).toHaveCount(0);
    await dialog.getByRole('button', { name: 'Purge 3 dead letters' }).click();
    await expect(toast(page)).toHaveText('Purged 3 dead letters');
    await expect(page.getByText('No dead letter matches')).toBeVisible();
    await expect(page.getByRole('region', { name: 'Error groups' })).not.toContainText(pattern);
    // The origin jobs are untouched.
    expect(await queue.getFailedCount()).toBe(3);

    // The audit log has it.
    await page.goto('/audit?action=dlq.purge');
    await expect(page.getByTestId('audit-table')).toContainText('dlq.purge');
    await queue.obliterate({ force: true });
    await queue.close();
  });
});

test.describe('viewer', () => {
  test.use({ storageState: storageStatePath('viewer') });

  test('reads the DLQ but sees no requeue or purge', async ({ page }) => {
    const tag = uniqueTag();
    const name = `dlq-view-${Date.now()}`;
    const { queue, worker } = await foreignQueue(name, [`<script>alert(1)</script> at ${tag}`]);
    await worker.close();
    const api = await apiAs('operator');
    await api.post(`/api/v1/connections/default/queues/${name}/jobs/bulk`, { data: { action: 'dead-letter', state: 'failed' } });
    await api.dispose();
    await page.goto(`/dlq/default?queue=${name}`);
    // Job text is text.
    await expect(page.getByTestId('dlq-table')).toContainText(`<script>alert(1)</script> at ${tag}`);
    // Its group masks the number (alert(<n>)) and keeps the rest, as text too.
    await expect(page.getByTestId('dlq-groups')).toContainText(`<script>alert(<n>)</script> at ${tag}`);
    await expect(page.getByRole('button', { name: /Requeue|Purge/ })).toHaveCount(0);
    await expect(page.getByRole('checkbox')).toHaveCount(0);
    await queue.obliterate({ force: true });
    await queue.close();
  });
});
