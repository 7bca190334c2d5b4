// The read side in a real browser: overview → queue → states and pages in the URL → search →
// job page with live progress and logs; hostile job text shows as text.
import { test, expect } from '@playwright/test';
import { Queue, Worker, type Job } from 'bullmq';
import { gotoHydrated, redisUrl, storageStatePath } from './support';

const XSS = '<script>alert(1)</script><img src=x onerror=alert(1)>';

test.describe('explorer', () => {
  test.use({ storageState: storageStatePath('viewer') });

  let queueName: string;
  let queue: Queue;
  let worker: Worker | undefined;
  let release: () => void = () => {};
  let liveJob: Job | undefined;

  test.beforeAll(async () => {
    queueName = `explore-${Date.now()}`;
    queue = new Queue(queueName, { connection: { url: redisUrl() } });
    // Failures with hostile text in name, data, logs and failedReason, processed by a worker of this test.
    await queue.add(`evil ${XSS}`, { html: XSS, link: 'javascript:alert(1)', marker: 'needle-xyz-42' });
    await queue.add('live-job', { watch: true });
    const gate = new Promise<void>((resolve) => (release = resolve));
    let sawEvil = false;
    worker = new Worker(
      queueName,
      async (job) => {
        if (job.name.startsWith('evil')) {
          await job.log(`log ${XSS} javascript:alert(1)`);
          sawEvil = true;
          throw new Error(`failed ${XSS}`);
        }
        if (job.name === 'live-job') {
          liveJob = job;
          await job.updateProgress(10);
          await gate;
          return { done: true };
        }
        return null;
      },
      { connection: { url: redisUrl() }, concurrency: 2, name: 'drover@e2e:explorer' },
    );
    await expect.poll(() => sawEvil && liveJob !== undefined, { timeout: 15_000 }).toBe(true);
    // Paused before the next 60 are added: they stay waiting for the pagination checks.
    await queue.pause();
    await queue.addBulk(Array.from({ length: 60 }, (_, i) => ({ name: 'send-email', data: { to: `user${i}@example.com` } })));
  });

  test.afterAll(async () => {
    release();
    await worker?.close();
    await queue.obliterate({ force: true }).catch(() => {});
    await queue.close();
  });

  test('browse, paginate with the URL, search by data, and watch a job live', async ({ page }) => {
    const dialogs: string[] = [];
    page.on('dialog', async (d) => {
      dialogs.push(d.message());
      await d.dismiss();
    });

    await gotoHydrated(page, '/');
    // Discovery is cached for a few seconds; a new queue shows at once after an on-demand rediscovery.
    await page.getByRole('button', { name: 'Rediscover' }).click();
    const row = page.getByTestId('overview-table').getByRole('row', { name: new RegExp(queueName) });
    await expect(row).toBeVisible();
    await row.getByRole('link', { name: queueName }).click();
    await expect(page).toHaveURL(new RegExp(`/queues/${queueName}$`));
    await expect(page.getByRole('heading', { name: queueName })).toBeVisible();
    await expect(page.getByTestId('count-failed')).toHaveText('1');

    // State tab and page live in the URL; back returns to the previous view.
    await page.getByRole('navigation', { name: 'Job states' }).getByRole('link', { name: /^Waiting \d/ }).click();
    await expect(page).toHaveURL(/state=waiting/);
    await expect(page.getByTestId('page-indicator')).toHaveText(/Page 1 of \d+/);
    await page.getByRole('link', { name: 'Next page' }).click();
    await expect(page).toHaveURL(/state=waiting&page=2|page=2.*state=waiting/);
    await expect(page.getByTestId('page-indicator')).toHaveText(/Page 2 of/);
    await page.getByRole('navigation', { name: 'Job states' }).getByRole('link', { name: /^Failed \d/ }).click();
    await expect(page).toHaveURL(/state=failed/);
    await expect(page.getByTestId('jobs-table').getByRole('row')).toHaveCount(2);
    await page.goBack();
    await expect(page.getByTestId('page-indicator')).toHaveText(/Page 2 of/);
    await page.goBack();
    await expect(page.getByTestId('page-indicator')).toHaveText(/Page 1 of/);

    // Search by a data substring, streamed from the server.
    await page.getByLabel('Search text').fill('data:~needle-xyz');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await expect(page).toHaveURL(/q=data%3A%7Eneedle-xyz/);
    await expect(page.getByTestId('search-status')).toHaveText(/Done: scanned \d+ of \d+ jobs, 1 match/);
    const result = page.getByRole('region', { name: 'Search jobs' }).getByTestId('jobs-table');
    await expect(result.getByText(`evil ${XSS}`)).toBeVisible();
    await result.getByRole('link').first().click();

    // Hostile text is shown as text everywhere on the job page.
    await expect(page.getByTestId('job-name')).toHaveText(`evil ${XSS}`);
    await expect(page.getByTestId('failed-reason')).toHaveText(`failed ${XSS}`);
    await expect(page.getByTestId('log-lines')).toContainText(`log ${XSS} javascript:alert(1)`);
    await expect(page.getByTestId('panel-data')).toContainText('"javascript:alert(1)"');
    await expect(page.getByTestId('panel-data')).toContainText(XSS);
    expect(await page.locator('img[src="x"]').count()).toBe(0);

    // The active job: progress bar and a new log line appear without reload.
    await page.goto(`/connections/default/queues/${queueName}/jobs/${liveJob!.id}`);
    await expect(page.getByTestId('live-indicator')).toHaveAttribute('data-status', 'live');
    await expect(page.getByTestId('job-progress').getByRole('progressbar')).toHaveAttribute('aria-valuenow', '10');
    await liveJob!.updateProgress(75);
    await liveJob!.log('a line written while you watch');
    await expect(page.getByTestId('job-progress').getByRole('progressbar')).toHaveAttribute('aria-valuenow', '75');
    await expect(page.getByTestId('log-lines')).toContainText('a line written while you watch');
    release();
    await expect(page.locator('main').getByText('completed', { exact: true })).toBeVisible({ timeout: 15_000 });

    expect(dialogs).toEqual([]);
  });

  test('a missing job and an unknown queue say so instead of crashing', async ({ page }) => {
    await page.goto(`/connections/default/queues/${queueName}/jobs/does-not-exist`);
    await expect(page.getByTestId('page-error')).toHaveText(`Job does-not-exist not found in queue "${queueName}" (it may have been removed)`);
    await page.goto('/connections/default/queues/no-such-queue-here');
    await expect(page.getByTestId('page-error')).toHaveText('Queue "no-such-queue-here" not found on connection "default"');
  });
});
