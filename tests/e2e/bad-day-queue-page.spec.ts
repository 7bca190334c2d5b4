// Issue 20, the queue page on an operator's bad day: the jobs come first (above the fold at 1440×900
// and 800×900, metrics collapsed and remembered), only actions that fit the jobs' state are offered,
// every destructive bulk action confirms in proportion to how many jobs it touches (above 100: type the
// count, or the queue name for a whole-queue action), the selection bar floats while rows are ticked,
// and a search replaces the list instead of stacking above it.
import fs from 'node:fs';
import { test, expect, type Page } from '@playwright/test';
import { Queue, Worker } from 'bullmq';
import { apiAs, gotoHydrated, redisUrl, storageStatePath } from './support';

/** `failed` jobs named "charge" that fail and `completed` jobs named "charge-ok" that succeed. */
async function seedQueue(name: string, failed: number, completed = 0): Promise<Queue> {
  const queue = new Queue(name, { connection: { url: redisUrl() } });
  await queue.addBulk([
    ...Array.from({ length: failed }, (_, i) => ({ name: 'charge', data: { order: i } })),
    ...Array.from({ length: completed }, (_, i) => ({ name: 'charge-ok', data: { order: i } })),
  ]);
  const worker = new Worker(
    name,
    async (job) => {
      if (job.name === 'charge') throw new Error('card declined');
      return 'ok';
    },
    { connection: { url: redisUrl() }, concurrency: 50 },
  );
  await expect.poll(async () => (await queue.getFailedCount()) + (await queue.getCompletedCount()), { timeout: 30_000 }).toBe(failed + completed);
  await worker.close();
  return queue;
}

function toast(page: Page) {
  return page.getByTestId('toast-success').last();
}

function rows(page: Page) {
  return page.getByTestId('jobs-table').locator('tbody tr');
}

/**
 * The element lies inside the viewport: all of its height, and all of its width — or, for a table row
 * (wider than the screen, the table scrolls sideways), its start.
 */
async function expectFullyInViewport(page: Page, locator: ReturnType<Page['locator']>, width: 'whole' | 'start' = 'whole') {
  await expect(locator).toBeVisible();
  const viewport = page.viewportSize()!;
  await expect
    .poll(async () => {
      const box = await locator.boundingBox();
      if (box === null || box.y < 0 || box.y + box.height > viewport.height || box.x < 0) return false;
      return width === 'start' ? box.x < viewport.width : box.x + box.width <= viewport.width;
    })
    .toBe(true);
}

test.describe('operator', () => {
  test.use({ storageState: storageStatePath('operator') });

  test('a bulk action on more than 100 jobs asks for the count to be typed; 100 or fewer is one click', async ({ page }) => {
    const name = `bad-confirm-${Date.now()}`;
    const queue = await seedQueue(name, 150);
    try {
      await gotoHydrated(page, `/connections/default/queues/${name}?state=failed`);
      await page.getByRole('button', { name: 'Remove all 150' }).click();
      let dialog = page.getByRole('dialog');
      const removeAll = dialog.getByRole('button', { name: 'Remove 150 jobs' });
      await expect(removeAll).toBeDisabled();
      const typed = dialog.getByLabel('Type 150 to confirm');
      await typed.fill('15');
      await expect(removeAll).toBeDisabled();
      await typed.fill('150');
      await expect(removeAll).toBeEnabled();
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      await expect(page.getByRole('dialog')).toHaveCount(0);

      // Two selected rows: one confirm click, nothing to type.
      await rows(page).nth(0).getByRole('checkbox').check();
      await rows(page).nth(1).getByRole('checkbox').check();
      await page.getByTestId('bulk-selected').getByRole('button', { name: 'Retry', exact: true }).click();
      dialog = page.getByRole('dialog');
      await expect(dialog).toContainText('2 jobs in');
      await expect(dialog.getByRole('textbox')).toHaveCount(0);
      await dialog.getByRole('button', { name: 'Retry 2 jobs' }).click();
      await expect(toast(page)).toHaveText('2 of 2 jobs retried');
      await expect.poll(() => queue.getFailedCount()).toBe(148);

      // The whole state, after typing its count.
      await expect(page.getByTestId('count-failed')).toHaveText('148');
      await page.getByRole('button', { name: 'Remove all 148' }).click();
      dialog = page.getByRole('dialog');
      await dialog.getByLabel('Type 148 to confirm').fill('148');
      await dialog.getByRole('button', { name: 'Remove 148 jobs' }).click();
      await expect(toast(page)).toHaveText('148 failed jobs removed');
      await expect.poll(() => queue.getFailedCount()).toBe(0);
    } finally {
      await queue.obliterate({ force: true });
      await queue.close();
    }
  });

  test('only actions that fit the jobs’ state are offered, and the primary button fits the state', async ({ page }) => {
    const name = `bad-valid-${Date.now()}`;
    const queue = await seedQueue(name, 3, 2);
    try {
      await gotoHydrated(page, `/connections/default/queues/${name}?state=failed`);
      await rows(page).nth(0).getByRole('checkbox').check();
      let bar = page.getByTestId('bulk-selected');
      await expect(bar).toContainText('1 selected');
      for (const label of ['Retry', 'Send to DLQ', 'Remove']) await expect(bar.getByRole('button', { name: label, exact: true })).toBeVisible();
      for (const label of ['Promote', 'Fail permanently']) await expect(bar.getByRole('button', { name: label, exact: true })).toHaveCount(0);

      await gotoHydrated(page, `/connections/default/queues/${name}?state=completed`);
      await rows(page).nth(0).getByRole('checkbox').check();
      bar = page.getByTestId('bulk-selected');
      await expect(bar).toContainText('1 selected');
      for (const label of ['Retry', 'Remove']) await expect(bar.getByRole('button', { name: label, exact: true })).toBeVisible();
      for (const label of ['Promote', 'Fail permanently', 'Send to DLQ']) await expect(bar.getByRole('button', { name: label, exact: true })).toHaveCount(0);

      // One job: a failed job's primary button is Retry; a completed job's is not.
      const [failedJob] = await queue.getFailed(0, 0);
      await page.goto(`/connections/default/queues/${name}/jobs/${failedJob.id}`);
      await expect(page.getByRole('button', { name: 'Retry', exact: true })).toHaveAttribute('data-variant', 'primary');
      await expect(page.getByRole('button', { name: 'Promote', exact: true })).toHaveCount(0);
      await expect(page.getByRole('button', { name: 'Fail permanently', exact: true })).toHaveCount(0);
      const [completedJob] = await queue.getCompleted(0, 0);
      await page.goto(`/connections/default/queues/${name}/jobs/${completedJob.id}`);
      await expect(page.getByTestId('job-name')).toHaveText('charge-ok');
      await expect(page.getByRole('button', { name: 'Duplicate', exact: true })).toBeVisible();
      await expect(page.getByRole('button', { name: 'Retry', exact: true })).not.toHaveAttribute('data-variant', 'primary');
    } finally {
      await queue.obliterate({ force: true });
      await queue.close();
    }
  });

  for (const [width, height] of [
    [1440, 900],
    [800, 900],
  ] as const) {
    test(`at ${width}×${height} the first failed jobs are above the fold`, async ({ page }) => {
      await page.setViewportSize({ width, height });
      const name = `bad-fold-${width}-${Date.now()}`;
      const queue = await seedQueue(name, 40);
      try {
        await page.goto(`/connections/default/queues/${name}?state=failed`);
        await expect(rows(page)).toHaveCount(25);
        // Once whatever sits above the table has loaded (charts and latency, when shown), nothing moves.
        await expect(page.getByRole('region', { name: 'Metrics' })).not.toContainText('Loading');
        for (let i = 0; i < 5; i++) await expectFullyInViewport(page, rows(page).nth(i), 'start');
        // The bulk "… all" buttons are there too, but they no longer push the jobs away.
        await expect(page.getByRole('button', { name: 'Retry all 40' })).toBeVisible();
      } finally {
        await queue.obliterate({ force: true });
        await queue.close();
      }
    });
  }

  test('the Metrics section is remembered open or collapsed across reloads, and says in one line why a chart has no data', async ({ page }) => {
    const name = `bad-metrics-${Date.now()}`;
    const queue = await seedQueue(name, 2);
    try {
      await gotoHydrated(page, `/connections/default/queues/${name}?state=failed`);
      const metrics = page.getByRole('region', { name: 'Metrics' });
      const toggle = metrics.getByRole('button', { name: 'Metrics' });
      await expect(toggle).toHaveAttribute('aria-expanded', 'false');
      await toggle.click();
      await expect(toggle).toHaveAttribute('aria-expanded', 'true');
      // These jobs ran on a worker without the metrics option: one line instead of empty charts.
      await expect(page.getByTestId('metrics-missing')).toContainText('No BullMQ metrics');
      await expect(page.getByTestId('throughput-chart')).toHaveCount(0);
      await expect(page.getByTestId('failure-rate-chart')).toHaveCount(0);

      await page.reload();
      await expect(toggle).toHaveAttribute('aria-expanded', 'true');
      await toggle.click();
      await expect(toggle).toHaveAttribute('aria-expanded', 'false');
      await page.reload();
      await expect(rows(page)).toHaveCount(2);
      await expect(toggle).toHaveAttribute('aria-expanded', 'false');
      await expect(page.getByTestId('latency-panel')).toHaveCount(0);
    } finally {
      await queue.obliterate({ force: true });
      await queue.close();
    }
  });

  test('the Metrics preference belongs to the signed-in user: another user in the same browser starts collapsed', async ({ page, context }) => {
    const name = `bad-metrics-user-${Date.now()}`;
    const queue = await seedQueue(name, 1);
    const cookiesOf = (role: 'operator' | 'viewer') => JSON.parse(fs.readFileSync(storageStatePath(role), 'utf8')).cookies;
    const signInAs = async (role: 'operator' | 'viewer') => {
      await context.clearCookies();
      await context.addCookies(cookiesOf(role));
    };
    try {
      await gotoHydrated(page, `/connections/default/queues/${name}?state=failed`);
      const toggle = page.getByRole('region', { name: 'Metrics' }).getByRole('button', { name: 'Metrics' });
      await expect(toggle).toHaveAttribute('aria-expanded', 'false');
      await toggle.click();
      await expect(toggle).toHaveAttribute('aria-expanded', 'true');

      // Same browser, same localStorage, another user: that user's own (default) choice.
      await signInAs('viewer');
      await page.reload();
      await expect(page.getByTestId('current-role')).toHaveText('viewer');
      await expect(toggle).toHaveAttribute('aria-expanded', 'false');

      // Back to the operator: still open.
      await signInAs('operator');
      await page.reload();
      await expect(page.getByTestId('current-role')).toHaveText('operator');
      await expect(toggle).toHaveAttribute('aria-expanded', 'true');
    } finally {
      await queue.obliterate({ force: true });
      await queue.close();
    }
  });

  test('a list of jobs does not prefetch a page per job link (nor the sidebar’s pages)', async ({ page }) => {
    const name = `bad-prefetch-${Date.now()}`;
    const queue = await seedQueue(name, 30);
    try {
      const rendered: string[] = [];
      page.on('request', (r) => {
        if (new URL(r.url()).searchParams.has('_rsc')) rendered.push(new URL(r.url()).pathname);
      });
      await page.goto(`/connections/default/queues/${name}?state=failed&size=25`);
      await expect(rows(page)).toHaveCount(25);
      await page.waitForLoadState('networkidle');
      // Prefetching starts once links are in view; every link is in the DOM and most in view now.
      await page.mouse.wheel(0, 2000);
      await page.waitForLoadState('networkidle');
      expect(rendered).toEqual([]);
      // A click still opens the job.
      await rows(page).first().getByRole('link').first().click();
      await expect(page.getByTestId('job-name')).toHaveText('charge');
    } finally {
      await queue.obliterate({ force: true });
      await queue.close();
    }
  });

  test('the selection bar stays in view while rows far down the page are ticked', async ({ page }) => {
    await page.setViewportSize({ width: 1440, height: 900 });
    const name = `bad-float-${Date.now()}`;
    const queue = await seedQueue(name, 120);
    try {
      await gotoHydrated(page, `/connections/default/queues/${name}?state=failed&size=100`);
      await expect(rows(page)).toHaveCount(100);
      await rows(page).nth(0).getByRole('checkbox').check();
      const far = rows(page).nth(90).getByRole('checkbox');
      await far.scrollIntoViewIfNeeded();
      await far.check();
      const bar = page.getByTestId('bulk-selected');
      await expect(bar).toContainText('2 selected');
      await expectFullyInViewport(page, bar);
      await bar.getByRole('button', { name: 'Retry', exact: true }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Retry 2 jobs' }).click();
      await expect(toast(page)).toHaveText('2 of 2 jobs retried');
      await expect.poll(() => queue.getFailedCount()).toBe(118);
      // Nothing selected: no bar.
      await expect(page.getByTestId('bulk-selected')).toHaveCount(0);
    } finally {
      await queue.obliterate({ force: true });
      await queue.close();
    }
  });

  test('a search replaces the list, its rows are selectable, and clearing it brings the list back', async ({ page }) => {
    const name = `bad-search-${Date.now()}`;
    const queue = await seedQueue(name, 4, 2);
    try {
      await gotoHydrated(page, `/connections/default/queues/${name}?state=failed`);
      await expect(rows(page)).toHaveCount(4);
      await page.getByLabel('Search text').fill('name:~charge');
      await page.getByRole('button', { name: 'Search', exact: true }).click();
      await expect(page.getByTestId('search-status')).toHaveText(/Done: scanned \d+ of \d+ jobs, 6 matches/);

      // One table on the page: the results. No job id appears twice.
      await expect(page.getByTestId('jobs-table')).toHaveCount(1);
      await expect(rows(page)).toHaveCount(6);
      const ids = await page.getByTestId('jobs-table').locator('tbody tr td:nth-child(2)').allInnerTexts();
      expect(ids).toHaveLength(6);
      expect(new Set(ids).size).toBe(6);

      // A failed and a completed match: only what fits both is offered.
      await rows(page).filter({ hasText: 'failed' }).first().getByRole('checkbox').check();
      await rows(page).filter({ hasText: 'completed' }).first().getByRole('checkbox').check();
      const bar = page.getByTestId('bulk-selected');
      await expect(bar).toContainText('2 selected');
      await expect(bar.getByRole('button', { name: 'Retry', exact: true })).toBeVisible();
      for (const label of ['Promote', 'Fail permanently', 'Send to DLQ']) await expect(bar.getByRole('button', { name: label, exact: true })).toHaveCount(0);
      await bar.getByRole('button', { name: 'Retry', exact: true }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Retry 2 jobs' }).click();
      await expect(toast(page)).toHaveText('2 of 2 jobs retried');
      await expect.poll(() => queue.getWaitingCount()).toBe(2);

      await page.getByRole('button', { name: 'Back to the list' }).click();
      await expect(page).not.toHaveURL(/[?&]q=/);
      await expect(page.getByTestId('search-status')).toHaveCount(0);
      await expect(page.getByTestId('jobs-table')).toHaveCount(1);
      await expect(rows(page)).toHaveCount(3);
    } finally {
      await queue.obliterate({ force: true });
      await queue.close();
    }
  });

  test('a waiting job without progress shows an empty progress bar, not a dash', async ({ page }) => {
    const name = `bad-progress-${Date.now()}`;
    const queue = new Queue(name, { connection: { url: redisUrl() } });
    try {
      const job = await queue.add('later', {});
      await page.goto(`/connections/default/queues/${name}?state=waiting`);
      const progress = page.getByTestId(`progress-${job.id}`);
      await expect(progress.getByRole('progressbar')).toHaveAttribute('aria-valuenow', '0');
      await expect(progress).toHaveText('0%');
    } finally {
      await queue.obliterate({ force: true });
      await queue.close();
    }
  });
});

test.describe('admin', () => {
  test.use({ storageState: storageStatePath('admin') });

  test('clean, drain and the dead-letter purge follow the same confirmation rule', async ({ page }) => {
    const name = `bad-admin-${Date.now()}`;
    const queue = await seedQueue(name, 150);
    try {
      // Clean 150 failed jobs: type the count.
      await gotoHydrated(page, `/connections/default/queues/${name}?state=failed`);
      await page.getByRole('button', { name: 'Clean…' }).click();
      let dialog = page.getByRole('dialog');
      await dialog.getByLabel('State').selectOption('failed');
      await dialog.getByLabel('Age').selectOption({ label: 'any age' });
      const clean = dialog.getByRole('button', { name: 'Remove jobs' });
      await expect(clean).toBeDisabled();
      await dialog.getByLabel('Type 150 to confirm').fill('150');
      await clean.click();
      await expect(toast(page)).toHaveText(`Removed 150 failed jobs from ${name}`);
      await expect.poll(() => queue.getFailedCount()).toBe(0);

      // Drain 3 waiting jobs: one click.
      await queue.addBulk([1, 2, 3].map((i) => ({ name: 'later', data: { i } })));
      await page.reload();
      await expect(page.getByTestId('count-waiting')).toHaveText('3');
      await page.getByRole('button', { name: 'Drain…' }).click();
      dialog = page.getByRole('dialog');
      await expect(dialog.getByRole('textbox')).toHaveCount(0);
      await dialog.getByRole('button', { name: 'Remove 3 jobs' }).click();
      await expect.poll(() => queue.getWaitingCount()).toBe(0);
    } finally {
      await queue.obliterate({ force: true });
      await queue.close();
    }

    // Purge 3 dead letters matching a filter: one click, nothing to type.
    const dlName = `bad-dlq-${Date.now()}`;
    const origin = await seedQueue(dlName, 3);
    try {
      const api = await apiAs('operator');
      const sent = await api.post(`/api/v1/connections/default/queues/${dlName}/jobs/bulk`, { data: { action: 'dead-letter', state: 'failed' } });
      expect(await sent.json()).toMatchObject({ succeeded: 3 });
      await api.dispose();
      await gotoHydrated(page, `/dlq/default?queue=${dlName}`);
      await expect(page.getByTestId('dlq-table').locator('tbody tr')).toHaveCount(3);
      await page.getByRole('button', { name: 'Purge 3 matching…' }).click();
      const dialog = page.getByRole('dialog');
      await expect(dialog).toContainText('deleted for good');
      await expect(dialog.getByRole('textbox')).toHaveCount(0);
      await dialog.getByRole('button', { name: 'Purge 3 dead letters' }).click();
      await expect(toast(page)).toHaveText('Purged 3 dead letters');
    } finally {
      await origin.obliterate({ force: true });
      await origin.close();
    }
  });
});
