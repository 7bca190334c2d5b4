// The queue page's jobs table on TanStack Table: its columns fit the box by what the failed tab needs
// first (id, name, error) at 1440 and 800 px, the checkbox and id stay pinned at the start, and the
// "Columns" menu hides a column (its room goes to the next), remembered per user, in the list and in
// search results alike.
import fs from 'node:fs';
import { test, expect, type Locator, type Page } from '@playwright/test';
import { Queue, Worker } from 'bullmq';
import { redisUrl, storageStatePath, stretched } from './support';

const WIDE = { width: 1440, height: 900 };
const NARROW = { width: 800, height: 900 };
const name = `jobcols-${Date.now().toString(36)}`;
const REASON = `card declined by the issuer after three attempts: ${'the bank said no. '.repeat(12)}`.trim();

test.describe.configure({ timeout: stretched(120_000) });

test.beforeAll(async () => {
  const queue = new Queue(name, { connection: { url: redisUrl() } });
  const worker = new Worker(
    name,
    async () => {
      throw new Error(REASON);
    },
    { connection: { url: redisUrl() }, concurrency: 5 },
  );
  await queue.addBulk(Array.from({ length: 3 }, (_, i) => ({ name: 'charge-a-customer-card-for-the-monthly-plan', data: { order: i } })));
  await expect.poll(() => queue.getFailedCount(), { timeout: 30_000 }).toBe(3);
  await worker.close();
  await queue.close();
});

test.afterAll(async () => {
  const queue = new Queue(name, { connection: { url: redisUrl() } });
  await queue.obliterate({ force: true }).catch(() => {});
  await queue.close();
});

async function openFailed(page: Page): Promise<Locator> {
  await page.goto(`/connections/default/queues/${name}?state=failed`);
  const table = page.getByTestId('jobs-table');
  await expect(table.locator('tbody tr')).toHaveCount(3);
  return table;
}

const header = (table: Locator, label: string) => table.getByRole('columnheader', { name: label, exact: true });

/** The table is no wider than its box (once the times read "3s ago", not the server's UTC stamp). */
async function expectFits(table: Locator) {
  await expect.poll(() => table.evaluate((el) => el.parentElement!.scrollWidth <= el.parentElement!.clientWidth)).toBe(true);
}

test.describe('jobs table columns', () => {
  test.use({ storageState: storageStatePath('operator'), viewport: WIDE });

  test('fit the box by priority, keep the checkbox and id pinned, and the Columns menu hides one per user', async ({ page, browser }) => {
    const table = await openFailed(page);
    // At 1440 px with the sidebar open everything but Progress (which a failed job no longer moves) fits.
    for (const label of ['Id', 'Name', 'Created', 'Started', 'Finished', 'Duration', 'Attempts', 'Failed reason']) await expect(header(table, label)).toBeVisible();
    await expect(header(table, 'Progress')).toBeHidden();
    await expectFits(table);
    await expect(table.locator('tbody tr').first().locator('td[data-col="failed-reason"]')).toHaveText(REASON);
    for (const col of ['select', 'id']) expect(await table.locator(`tbody td[data-col="${col}"]`).first().evaluate((el) => getComputedStyle(el).position)).toBe('sticky');

    // Hide the error: Progress gets its room.
    const menu = page.getByRole('group', { name: 'Columns' });
    await page.getByRole('button', { name: 'Columns', exact: true }).click();
    await expect(menu.getByRole('checkbox', { name: 'Id' })).toHaveCount(0);
    await menu.getByRole('checkbox', { name: 'Failed reason' }).uncheck();
    await expect(header(table, 'Failed reason')).toHaveCount(0);
    await expect(table.locator('td[data-col="failed-reason"]')).toHaveCount(0);
    await expect(header(table, 'Progress')).toBeVisible();
    await expectFits(table);
    await page.keyboard.press('Escape');
    await expect(menu).toBeHidden();
    await expect(page.getByRole('button', { name: 'Columns (1 hidden)' })).toBeVisible();

    // Rows still open in place, and the detail row spans the table.
    const [first] = await table.locator('tbody tr td:nth-child(2)').allInnerTexts();
    await page.getByRole('button', { name: `Details of job ${first}`, exact: true }).click();
    await expect(page.getByTestId(`job-detail-${first}`).getByTestId('row-failed-reason')).toContainText('card declined by the issuer');

    // Remembered in this browser, and in search results too.
    await page.reload();
    await expect(header(table, 'Name')).toBeVisible();
    await expect(header(table, 'Failed reason')).toHaveCount(0);
    await page.getByLabel('Search text').fill('name:~charge');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await expect(page.getByTestId('search-status')).toHaveText(/Done: .* 3 matches/);
    await expect(header(table, 'State')).toBeVisible();
    await expect(header(table, 'Failed reason')).toHaveCount(0);
    await expectFits(table);

    // …for this user only: another user signed in to the same browser (its localStorage copied) sees every column.
    const { origins } = await page.context().storageState();
    expect(JSON.stringify(origins)).toContain('drover.job-columns.');
    const viewer = JSON.parse(fs.readFileSync(storageStatePath('viewer'), 'utf8'));
    const other = await browser.newContext({ storageState: { cookies: viewer.cookies, origins }, viewport: WIDE });
    const otherPage = await other.newPage();
    const otherTable = await openFailed(otherPage);
    await expect(header(otherTable, 'Failed reason')).toBeVisible();
    // A viewer has no checkboxes: the id comes first.
    await expect(otherTable.getByRole('checkbox')).toHaveCount(0);
    await expect(otherTable.locator('tbody tr').first().locator('td').first()).toHaveAttribute('data-col', 'id');
    await other.close();

    // "Show all" brings it back.
    await page.getByRole('button', { name: 'Back to the list' }).click();
    await page.getByRole('button', { name: /^Columns/ }).click();
    await menu.getByRole('button', { name: 'Show all' }).click();
    await expect(header(table, 'Failed reason')).toBeVisible();
    await expect(menu.getByRole('checkbox', { name: 'Failed reason' })).toBeChecked();
    await expect(header(table, 'Progress')).toBeHidden();
  });

  test('at 800 px the failed tab shows the id, the name and the error, and fits its box', async ({ page }) => {
    await page.setViewportSize(NARROW);
    const table = await openFailed(page);
    for (const label of ['Id', 'Name', 'Failed reason']) await expect(header(table, label)).toBeVisible();
    for (const label of ['Created', 'Started', 'Finished', 'Duration', 'Attempts', 'Progress']) await expect(header(table, label)).toBeHidden();
    await expect(table.getByRole('checkbox', { name: 'Select all jobs on this page' })).toBeVisible();
    await expectFits(table);
  });
});
