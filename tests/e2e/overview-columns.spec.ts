// The overview's "Columns" menu: a hidden column leaves the table and gives its room to the next one by
// priority; the choice is remembered per user in this browser, and "Show all" brings the columns back.
import fs from 'node:fs';
import { test, expect, type Page } from '@playwright/test';
import { Queue } from 'bullmq';
import { gotoHydrated, redisUrl, storageStatePath, stretched } from './support';

const WIDE = { width: 1440, height: 900 };
const name = `cols-${Date.now().toString(36)}`;

test.describe.configure({ timeout: stretched(120_000) });

test.beforeAll(async () => {
  const queue = new Queue(name, { connection: { url: redisUrl() } });
  await queue.add('probe', {});
  await queue.close();
});

test.afterAll(async () => {
  const queue = new Queue(name, { connection: { url: redisUrl() } });
  await queue.obliterate({ force: true }).catch(() => {});
  await queue.close();
});

async function openOverview(page: Page) {
  await gotoHydrated(page, '/');
  await page.getByRole('button', { name: 'Rediscover' }).click();
  await expect(page.getByTestId('overview-table').getByRole('link', { name, exact: true })).toBeVisible();
}

test.describe('columns menu', () => {
  test.use({ storageState: storageStatePath('viewer'), viewport: WIDE });

  test('hides a column, gives its room to the next, remembers it per user, and shows all again', async ({ page, browser }) => {
    await openOverview(page);
    const table = page.getByTestId('overview-table');
    const header = (label: string) => table.getByRole('columnheader', { name: label, exact: true });
    // At 1440 px with the sidebar open, Delayed fits and Done/1h (the next by priority) does not.
    await expect(header('Delayed')).toBeVisible();
    await expect(header('Done/1h')).toBeHidden();

    const menu = page.getByRole('group', { name: 'Columns' });
    await page.getByRole('button', { name: 'Columns' }).click();
    await menu.getByRole('checkbox', { name: 'Delayed' }).uncheck();
    await expect(header('Delayed')).toHaveCount(0);
    await expect(table.locator('td[data-col="delayed"]')).toHaveCount(0);
    await expect(header('Done/1h')).toBeVisible();
    // The table still fits its box.
    expect(await table.evaluate((el) => el.parentElement!.scrollWidth <= el.parentElement!.clientWidth)).toBe(true);
    await page.keyboard.press('Escape');
    await expect(menu).toBeHidden();
    await expect(page.getByRole('button', { name: 'Columns (1 hidden)' })).toBeVisible();

    // Remembered in this browser…
    await page.reload();
    await expect(header('Workers')).toBeVisible();
    await expect(header('Delayed')).toHaveCount(0);

    // …for this user only: another user signed in to the same browser (its localStorage copied) sees the default columns.
    const { origins } = await page.context().storageState();
    expect(JSON.stringify(origins)).toContain('drover.overview-columns.');
    const operator = JSON.parse(fs.readFileSync(storageStatePath('operator'), 'utf8'));
    const other = await browser.newContext({ storageState: { cookies: operator.cookies, origins }, viewport: WIDE });
    const otherPage = await other.newPage();
    await openOverview(otherPage);
    await expect(otherPage.getByTestId('overview-table').getByRole('columnheader', { name: 'Delayed', exact: true })).toBeVisible();
    await other.close();

    await page.getByRole('button', { name: /^Columns/ }).click();
    await menu.getByRole('button', { name: 'Show all' }).click();
    await expect(header('Delayed')).toBeVisible();
    await expect(menu.getByRole('checkbox', { name: 'Delayed' })).toBeChecked();
    await expect(header('Done/1h')).toBeHidden();
  });
});
