// Issue 20, job rows that open in place: a row's toggle shows the job's error (with the head of its
// stack), a bounded preview of its data and its timeline under the row, without leaving the list;
// several rows stay open, through live refreshes of the list; hostile job text stays text.
import { test, expect, type Page } from '@playwright/test';
import { Queue, Worker } from 'bullmq';
import { gotoHydrated, redisUrl, storageStatePath } from './support';

const HOSTILE = '<img src=x onerror=alert(1)>';

function toggleOf(page: Page, id: string) {
  return page.getByRole('button', { name: `Details of job ${id}`, exact: true });
}

/** A queue whose worker fails every "charge" job with the customer in the message and completes the rest. */
async function queueWithWorker(name: string): Promise<{ queue: Queue; worker: Worker }> {
  const queue = new Queue(name, { connection: { url: redisUrl() } });
  const worker = new Worker(
    name,
    async (job) => {
      if (job.name === 'charge') throw new Error(`card declined for ${job.data.customer}`);
      return 'ok';
    },
    { connection: { url: redisUrl() }, concurrency: 5 },
  );
  return { queue, worker };
}

test.describe('operator', () => {
  test.use({ storageState: storageStatePath('operator') });

  test('a failed job’s row opens in place with its error, data and timeline, as text, and stays open through a live update', async ({ page }) => {
    const dialogs: string[] = [];
    page.on('dialog', async (d) => {
      dialogs.push(d.message());
      await d.dismiss();
    });
    const { queue, worker } = await queueWithWorker(`bad-expand-${Date.now()}`);
    try {
      const evil = await queue.add('charge', { customer: HOSTILE, order: 7 });
      const plain = await queue.add('charge', { customer: 'ada', order: 8 });
      await expect.poll(() => queue.getFailedCount(), { timeout: 15_000 }).toBe(2);

      await page.goto(`/connections/default/queues/${queue.name}?state=failed`);
      await expect(page.getByTestId('live-indicator')).toHaveAttribute('data-status', 'live');
      const listUrl = page.url();
      const toggle = toggleOf(page, evil.id!);
      await expect(toggle).toHaveAttribute('aria-expanded', 'false');
      await expect(page.getByTestId(`job-detail-${evil.id}`)).toHaveCount(0);

      // The data is fetched when the row opens, and only its first 2 KB.
      const dataRequest = page.waitForRequest((r) => new URL(r.url()).pathname.endsWith(`/jobs/${evil.id}/data`));
      await toggle.click();
      expect(new URL((await dataRequest).url()).searchParams.get('limit')).toBe('2048');
      await expect(toggle).toHaveAttribute('aria-expanded', 'true');
      const detail = page.getByTestId(`job-detail-${evil.id}`);
      await expect(detail.getByTestId('row-failed-reason')).toHaveText(`card declined for ${HOSTILE}`);
      await expect(detail.getByTestId('row-stack')).toContainText(`Error: card declined for ${HOSTILE}`);
      await expect(detail.getByTestId('row-stack')).toContainText(/\n\s+at /);
      await expect(detail.getByTestId('row-data-preview')).toContainText(`"customer": "${HOSTILE}"`);
      await expect(detail.getByTestId('row-data-preview')).toContainText('"order": 7');
      await expect(detail.getByTestId('timeline-added')).toBeVisible();
      await expect(detail.getByTestId('timeline-started')).toBeVisible();
      await expect(detail.getByTestId('timeline-ran')).toContainText('ran ');
      await expect(detail.getByTestId('timeline-finished')).toContainText('Failed');
      // Still the list: no navigation, the other row is there, and nothing from the data became HTML.
      expect(page.url()).toBe(listUrl);
      await expect(toggleOf(page, plain.id!)).toBeVisible();
      expect(await page.locator('img[src="x"]').count()).toBe(0);

      // The keyboard opens and closes a second row; both stay open together.
      const second = toggleOf(page, plain.id!);
      await second.focus();
      await page.keyboard.press('Enter');
      await expect(second).toHaveAttribute('aria-expanded', 'true');
      await expect(page.getByTestId(`job-detail-${plain.id}`).getByTestId('row-failed-reason')).toHaveText('card declined for ada');
      await page.keyboard.press('Space');
      await expect(second).toHaveAttribute('aria-expanded', 'false');
      await expect(page.getByTestId(`job-detail-${plain.id}`)).toHaveCount(0);
      await page.keyboard.press('Enter');
      await expect(page.getByTestId(`job-detail-${plain.id}`)).toBeVisible();
      await expect(detail).toBeVisible();
      expect(page.url()).toBe(listUrl);

      // Selection still works beside open rows.
      await page.getByRole('checkbox', { name: `Select job ${evil.id}`, exact: true }).check();
      await expect(page.getByTestId('bulk-selected')).toContainText('1 selected');

      // A job fails while we look: the list refreshes live, the open rows stay open.
      const later = await queue.add('charge', { customer: 'grace', order: 9 });
      await expect(toggleOf(page, later.id!)).toBeVisible();
      await expect(page.getByRole('button', { name: /^Details of job / })).toHaveCount(3);
      await expect(toggle).toHaveAttribute('aria-expanded', 'true');
      await expect(detail.getByTestId('row-failed-reason')).toHaveText(`card declined for ${HOSTILE}`);
      await expect(page.getByTestId(`job-detail-${plain.id}`)).toBeVisible();
      await expect(toggleOf(page, later.id!)).toHaveAttribute('aria-expanded', 'false');
      await expect(page.getByTestId('bulk-selected')).toContainText('1 selected');

      // Closing it takes the detail row away.
      await toggle.click();
      await expect(detail).toHaveCount(0);
      expect(page.url()).toBe(listUrl);
      expect(dialogs).toEqual([]);
    } finally {
      await worker.close();
      await queue.obliterate({ force: true });
      await queue.close();
    }
  });
});

test.describe('viewer', () => {
  test.use({ storageState: storageStatePath('viewer') });

  test('a big payload opens as a 2 KB preview, in the list and in search results', async ({ page }) => {
    const { queue, worker } = await queueWithWorker(`bad-expand-big-${Date.now()}`);
    try {
      const big = await queue.add('import', { rows: Array.from({ length: 5000 }, (_, i) => ({ i, sku: `sku-${i}` })) });
      await expect.poll(() => queue.getCompletedCount(), { timeout: 15_000 }).toBe(1);

      await gotoHydrated(page, `/connections/default/queues/${queue.name}?state=completed`);
      const dataResponse = page.waitForResponse((r) => new URL(r.url()).pathname.endsWith(`/jobs/${big.id}/data`));
      await toggleOf(page, big.id!).click();
      const body = (await (await dataResponse).json()) as { size: number; truncated: boolean; text: string };
      expect(body.truncated).toBe(true);
      expect(body.size).toBeGreaterThan(100_000);
      expect(Buffer.byteLength(body.text)).toBeLessThanOrEqual(2048);

      const detail = page.getByTestId(`job-detail-${big.id}`);
      await expect(detail.getByRole('region', { name: 'Data' })).toContainText('first 2.0 KB shown');
      await expect(detail.getByTestId('row-data-preview')).toContainText('{"rows":[{"i":0,"sku":"sku-0"}');
      await expect(detail.getByRole('region', { name: 'Error' })).toContainText('No error.');
      await expect(detail.getByTestId('timeline-finished')).toContainText('Finished');

      // The search results' rows open the same way.
      await page.getByLabel('Search text').fill('name:~import');
      await page.getByRole('button', { name: 'Search', exact: true }).click();
      await expect(page.getByTestId('search-status')).toHaveText(/Done: .* 1 match/);
      const results = page.getByRole('region', { name: 'Search jobs' });
      await results.getByRole('button', { name: `Details of job ${big.id}`, exact: true }).click();
      await expect(results.getByTestId(`job-detail-${big.id}`).getByTestId('row-data-preview')).toContainText('"sku":"sku-0"');
    } finally {
      await worker.close();
      await queue.obliterate({ force: true });
      await queue.close();
    }
  });
});
