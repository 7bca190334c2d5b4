// Issue 16 in a real browser: an operator types a compound query with the search box's completions, the
// results stream in, a malformed query says where it is wrong, and a rate-limited bulk retry on every
// match is counted first, confirmed, followed to its end and its report; a viewer gets no bulk action.
import { test, expect } from '@playwright/test';
import { Queue, Worker } from 'bullmq';
import { gotoHydrated, redisUrl, storageStatePath } from './support';
import { expectTextWhileChanging } from './console-process';

/** Failed send-email jobs: `business` of them refused by the SMTP server, `free` too but for free users, 3 timeouts. */
async function seedQueue(name: string, business: number, free: number): Promise<Queue> {
  const queue = new Queue(name, { connection: { url: redisUrl() } });
  const job = (plan: string, error: string, i: number) => ({ name: 'send-email', data: { user: { plan, id: i }, error }, opts: { attempts: 1 } });
  await queue.addBulk([
    ...Array.from({ length: business }, (_, i) => job('business', 'connect ECONNREFUSED 10.1.2.3:25', i)),
    ...Array.from({ length: free }, (_, i) => job('free', 'connect ECONNREFUSED 10.1.2.3:25', 100 + i)),
    ...Array.from({ length: 3 }, (_, i) => job('business', 'socket timeout', 200 + i)),
  ]);
  const total = business + free + 3;
  const worker = new Worker(
    name,
    async (j) => {
      throw new Error(String(j.data.error));
    },
    { connection: { url: redisUrl() }, concurrency: 50 },
  );
  await expect.poll(() => queue.getFailedCount(), { timeout: 30_000 }).toBe(total);
  await worker.close();
  return queue;
}

const QUERY = 'state:failed name:send-email error:~ECONNREFUSED data.user.plan:business';

test.describe('operator', () => {
  test.use({ storageState: storageStatePath('operator') });

  test('types a compound query with completions, sees the matches stream in, shares it as a view a viewer opens from the sidebar, and retries all matches at a set rate', async ({ page, browser }) => {
    const name = `query-${Date.now()}`;
    const queue = await seedQueue(name, 24, 6);
    try {
      await gotoHydrated(page, `/connections/default/queues/${name}`);
      const box = page.getByRole('combobox', { name: 'Search text' });
      // The "/" shortcut works once the page has hydrated: on a busy machine a press before that is lost.
      await expect(async () => {
        await page.keyboard.press('/');
        await expect(box).toBeFocused({ timeout: 1_000 });
      }).toPass({ timeout: 60_000 });
      await expect(box).toHaveValue('');
      // Completions: "sta" offers state:, Tab takes it, then the states are offered.
      await page.keyboard.type('sta');
      const completions = page.getByRole('listbox', { name: 'Completions' });
      await expect(completions.getByRole('option', { name: /^state:/ })).toBeVisible();
      await page.keyboard.press('Tab');
      await expect(box).toHaveValue('state:');
      await expect(completions.getByRole('option', { name: /^failed/ })).toBeVisible();
      await page.keyboard.type('failed name:send-email error:~ECONNREFUSED data.user.plan:business');
      await expect(box).toHaveValue(QUERY);
      await page.getByRole('button', { name: 'Search', exact: true }).click();
      await expect(page).toHaveURL(/q=state%3Afailed/);
      await expect(page.getByTestId('search-status')).toHaveText(/Done: scanned \d+ of \d+ jobs, 24 matches/);
      const results = page.getByRole('region', { name: 'Search jobs' }).getByTestId('jobs-table');
      await expect(results.locator('tbody tr')).toHaveCount(24);

      // Saved as a shared view: its stable URL opens the same search, under its name.
      const viewName = `Refused by SMTP (${name})`;
      await page.getByRole('button', { name: 'Save as view' }).click();
      const save = page.getByRole('dialog', { name: 'Save as view' });
      await save.getByLabel('Name').fill(viewName);
      await save.getByLabel('Who sees it').selectOption('shared');
      await save.getByRole('button', { name: 'Save view' }).click();
      await expect(page).toHaveURL(/view=/);
      const heading = page.getByTestId('view-heading');
      await expect(heading).toContainText(viewName);
      await expect(heading).toContainText('shared');
      await expect(heading.getByRole('button', { name: 'Make private' })).toBeVisible();
      await expect(page.getByTestId('search-status')).toHaveText(/Done: .* 24 matches/);

      // A viewer finds it in the sidebar under the queue and sees the same matches.
      const viewerContext = await browser.newContext({ storageState: storageStatePath('viewer') });
      const viewer = await viewerContext.newPage();
      // The sidebar lists queues the console has discovered (a new queue within its discovery cache's 15 s):
      // the page is loaded again until the view's link is there.
      const link = viewer.getByRole('list', { name: `Saved views of ${name}` }).getByRole('link', { name: viewName });
      await expect(async () => {
        await gotoHydrated(viewer, '/');
        await expect(link).toBeVisible({ timeout: 2000 });
      }).toPass({ timeout: 40_000 });
      await link.click();
      await expect(viewer).toHaveURL(new RegExp(`/connections/default/queues/${name}\\?q=`));
      await expect(viewer.getByTestId('search-status')).toHaveText(/Done: .* 24 matches/);
      await expect(viewer.getByTestId('query-bulk-open')).toHaveCount(0);
      await viewerContext.close();

      // Everything the query matches, counted first, then retried at 8 jobs per second.
      await page.getByTestId('query-bulk-open').click();
      const dialog = page.getByRole('dialog', { name: 'Act on every job the query matches' });
      await expect(dialog.getByTestId('query-bulk-count')).toHaveText('24 jobs match: 24 failed');
      await dialog.getByLabel('Jobs per second at most').fill('8');
      await expect(dialog.getByRole('button', { name: 'Retry 24 jobs at 8/s' })).toBeEnabled();
      await dialog.getByRole('button', { name: 'Retry 24 jobs at 8/s' }).click();
      const progress = page.getByTestId('query-bulk-progress');
      await expect(progress.getByTestId('query-bulk-phase')).toHaveText(/running|collecting/);
      await expect(progress.getByRole('progressbar', { name: 'Jobs handled' })).toBeVisible();
      await expect(progress.getByTestId('query-bulk-phase')).toHaveText('done', { timeout: 30_000 });
      await expect(progress.getByTestId('query-bulk-report')).toContainText('Matched 24: 24 done, 0 skipped (changed meanwhile), 0 failed.');
      expect(await queue.getWaitingCount()).toBe(24);
      expect(await queue.getFailedCount()).toBe(9);
    } finally {
      await queue.obliterate({ force: true });
      await queue.close();
    }
  });

  test('a malformed query says what and where, and the list stays as it was', async ({ page }) => {
    const name = `query-bad-${Date.now()}`;
    const queue = await seedQueue(name, 2, 0);
    try {
      await gotoHydrated(page, `/connections/default/queues/${name}?state=failed`);
      await page.getByRole('combobox', { name: 'Search text' }).fill('stat:failed');
      await page.getByRole('button', { name: 'Search', exact: true }).click();
      await expect(page.getByRole('region', { name: 'Search jobs' }).getByRole('alert')).toHaveText(
        'unknown qualifier `stat` at 1 — did you mean `state`? (quote it to search the text: "stat:failed")',
      );
      await expect(page.getByRole('combobox', { name: 'Search text' })).toHaveAttribute('aria-invalid', 'true');
      expect(await queue.getFailedCount()).toBe(5);
    } finally {
      await queue.obliterate({ force: true });
      await queue.close();
    }
  });
});

test.describe('viewer', () => {
  test.use({ storageState: storageStatePath('viewer') });

  test('searches with the language but is offered no bulk action', async ({ page }) => {
    const name = `query-viewer-${Date.now()}`;
    const queue = await seedQueue(name, 3, 2);
    try {
      await page.goto(`/connections/default/queues/${name}?q=${encodeURIComponent('error:~ECONNREFUSED -data.user.plan:free')}&in=all`);
      await expect(page.getByTestId('search-status')).toHaveText(/Done: .* 3 matches/);
      await expect(page.getByTestId('query-bulk-open')).toHaveCount(0);
    } finally {
      await queue.obliterate({ force: true });
      await queue.close();
    }
  });
});

test.describe('the page holds a bounded number of matches', () => {
  test.use({ storageState: storageStatePath('viewer') });

  test('stops showing at 2,000 matches and says how to see the rest', async ({ page }) => {
    const name = `query-cap-${Date.now()}`;
    const queue = new Queue(name, { connection: { url: redisUrl() } });
    try {
      for (let i = 0; i < 3; i++) await queue.addBulk(Array.from({ length: 1000 }, (_, k) => ({ name: 'bulk', data: { i: i * 1000 + k } })));
      await page.goto(`/connections/default/queues/${name}?q=name%3Abulk&in=all`);
      // The search counts up as it scans (slowly on a loaded machine): waited for while it moves.
      await expectTextWhileChanging(page.getByTestId('search-status'), /^Stopped: scanned [\d,]+ of 3,000 jobs, 2,000 matches — the first 2,000 shown; narrow the query/);
      await expect(page.getByRole('region', { name: 'Search jobs' }).getByTestId('jobs-table').locator('tbody tr')).toHaveCount(2000);
    } finally {
      await queue.obliterate({ force: true });
      await queue.close();
    }
  });
});
