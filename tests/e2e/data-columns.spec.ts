// Columns from data (issue 16, part 5): a search's results show a column per JSON path in the URL
// (`cols=`), each value as text (never HTML) on one line with the whole value on hover; the "Add column"
// control adds and removes paths, offering the ones seen in recent jobs, and the URL follows.
import { test, expect } from '@playwright/test';
import { Queue, Worker } from 'bullmq';
import { redisUrl, storageStatePath, stretched } from './support';

const name = `datacols-${Date.now().toString(36)}`;
const LONG_NOTE = `a long note ${'that goes on and on '.repeat(8)}`.trim();
const HOSTILE = '<img src=x onerror="window.__pwned=1">';

test.describe.configure({ timeout: stretched(120_000) });

test.beforeAll(async () => {
  const queue = new Queue(name, { connection: { url: redisUrl() } });
  const worker = new Worker(name, async (job) => ({ receipt: `R-${job.data.n}` }), { connection: { url: redisUrl() } });
  await queue.add('ship', { n: 1, customerId: 'cus_1', note: LONG_NOTE });
  await queue.add('ship', { n: 2, customerId: HOSTILE, note: 'short' });
  await expect.poll(() => queue.getCompletedCount(), { timeout: 30_000 }).toBe(2);
  await worker.close();
  await queue.close();
});

test.afterAll(async () => {
  const queue = new Queue(name, { connection: { url: redisUrl() } });
  await queue.obliterate({ force: true }).catch(() => {});
  await queue.close();
});

test.use({ storageState: storageStatePath('viewer'), viewport: { width: 1440, height: 900 } });

test('a search shows data columns from the URL as text, and Add column edits them', async ({ page }) => {
  await page.goto(`/connections/default/queues/${name}?q=${encodeURIComponent('state:completed')}&cols=data.customerId,data.note`);
  const table = page.getByTestId('jobs-table');
  await expect(table.locator('tbody tr')).toHaveCount(2);
  await expect(table.getByRole('columnheader', { name: 'data.customerId', exact: true })).toBeVisible();
  await expect(table.getByRole('columnheader', { name: 'data.note', exact: true })).toBeVisible();
  // Text, never HTML; a long value is cut to one line with the whole on hover.
  await expect(table.getByText(HOSTILE, { exact: true })).toBeVisible();
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  const note = table.locator('td div[title]', { hasText: 'a long note' });
  await expect(note).toHaveAttribute('title', LONG_NOTE);
  expect(await note.evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(true);

  await page.getByRole('button', { name: /^Add column/ }).click();
  const path = page.getByLabel('JSON path of the new column');
  await path.fill('data..x');
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'empty path segment' })).toBeVisible();
  await path.fill('returnvalue.receipt');
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  await expect(page).toHaveURL(/cols=data\.customerId%2Cdata\.note%2Creturnvalue\.receipt/);
  await expect(table.getByRole('columnheader', { name: 'returnvalue.receipt', exact: true })).toBeVisible();
  await expect(table.getByText('R-2', { exact: true })).toBeVisible();

  await page.getByRole('button', { name: 'Remove column data.note' }).click();
  await expect(page).toHaveURL(/cols=data\.customerId%2Creturnvalue\.receipt/);
  await expect(table.getByRole('columnheader', { name: 'data.note', exact: true })).toHaveCount(0);
});
