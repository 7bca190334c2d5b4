// Issue 20, a large payload on an operator's bad day: a ~1 MB job's data opens formatted on many lines
// (the first 256 KB, cut mid-value, says "… truncated"), folds, and keeps only the lines in view in the
// DOM; the whole value formats the same way; hostile text in it stays text.
import { test, expect, type Locator, type Page } from '@playwright/test';
import { Queue } from 'bullmq';
import { gotoHydrated, redisUrl, storageStatePath } from './support';

const XSS = '<img src=x onerror=alert(1)>';

/** ~1 MB: the hostile string first, then 6,000 orders of 10 lines each when formatted. */
function largeData() {
  return {
    html: XSS,
    orders: Array.from({ length: 6000 }, (_, i) => ({
      id: i,
      customer: `customer-${i}@example.com`,
      items: [{ sku: `SKU-${i}`, qty: i % 7 }],
      note: 'n'.repeat(100),
    })),
  };
}

/** The formatted text of line `n` (without its number and fold button), when it is in the DOM. */
function code(panel: Locator, n: number): Locator {
  return panel.locator(`[data-line="${n}"] [data-testid="json-text"]`);
}

function lineCount(page: Page): Promise<number> {
  return page
    .getByTestId('panel-data')
    .getByTestId('json-line-count')
    .textContent()
    .then((text) => Number(text!.replace(/[^\d]/g, '')));
}

test.describe('a large payload', () => {
  test.use({ storageState: storageStatePath('viewer') });

  test('opens formatted and foldable, truncated or whole, with only the lines in view in the DOM', async ({ page }) => {
    const dialogs: string[] = [];
    page.on('dialog', async (d) => {
      dialogs.push(d.message());
      await d.dismiss();
    });
    const name = `bad-payload-${Date.now()}`;
    const queue = new Queue(name, { connection: { url: redisUrl() } });
    const data = largeData();
    const formatted = JSON.stringify(data, null, 2).split('\n');
    const megabytes = `${(Buffer.byteLength(JSON.stringify(data)) / 1024 / 1024).toFixed(1)} MB`;
    try {
      const job = await queue.add('import', data);
      expect(Buffer.byteLength(JSON.stringify(data))).toBeGreaterThan(1_000_000);

      const started = Date.now();
      await page.goto(`/connections/default/queues/${name}/jobs/${job.id}`);
      const panel = page.getByTestId('panel-data');
      const lines = panel.getByTestId('json-line');
      await expect(code(panel, 1)).toHaveText('{');
      console.log(`first 256 KB of ${megabytes} formatted and shown ${Date.now() - started} ms after navigation`);
      await expect(panel).toContainText(`showing the first 256.0 KB of ${megabytes}`);

      // Formatted: one line per key or item, indented like JSON.stringify(value, null, 2).
      await expect(code(panel, 2)).toHaveText(`"html": ${JSON.stringify(XSS)},`);
      await expect(code(panel, 3)).toHaveText('"orders": [');
      await expect(code(panel, 5)).toHaveText('"id": 0,');
      expect(await page.locator('img[src="x"]').count()).toBe(0);

      // Thousands of lines, a few dozen of them in the DOM.
      const shownLines = await lineCount(page);
      expect(shownLines).toBeGreaterThan(10_000);
      expect(await lines.count()).toBeLessThan(150);

      // Fold the first order: it stands for its 4 keys, and the next line shown is the second order.
      await panel.getByRole('button', { name: 'Fold line 4', exact: true }).click();
      await expect(code(panel, 4)).toHaveText('{ 4 keys },');
      await expect(panel.locator('[data-line="5"]')).toHaveCount(0);
      await expect(panel.locator('[data-line="4"] + [data-line]')).toHaveAttribute('data-line', '15');
      await panel.getByRole('button', { name: 'Unfold line 4', exact: true }).click();
      await expect(code(panel, 5)).toHaveText('"id": 0,');

      // The end of the first 256 KB: the value was cut there, and says so.
      const scroller = panel.getByTestId('json-lines-scroller');
      await scroller.evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
      await expect(code(panel, shownLines)).toHaveText(`… truncated`);
      expect(await lines.count()).toBeLessThan(150);

      // The whole value: every line JSON.stringify(value, null, 2) prints, still only a few in the DOM.
      await panel.getByRole('button', { name: `Show up to ${megabytes}` }).click();
      await expect.poll(() => lineCount(page)).toBe(formatted.length);
      await expect(panel).not.toContainText('showing the first');
      await scroller.evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
      await expect(code(panel, formatted.length)).toHaveText(`}`);
      const last = formatted.length - 1;
      await expect(code(panel, last)).toHaveText(`${formatted[last - 1].trim()}`);
      expect(await lines.count()).toBeLessThan(150);
      const heap = await page.evaluate(() => (performance as Performance & { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ?? 0);
      console.log(`whole ${megabytes} value: ${formatted.length} lines, ${await lines.count()} in the DOM, JS heap ${(heap / 1024 / 1024).toFixed(1)} MB`);

      // Collapse all leaves the root; expand all brings every line back.
      await panel.getByRole('button', { name: 'Collapse all' }).click();
      await expect(lines).toHaveCount(1);
      await expect(code(panel, 1)).toHaveText('{ 2 keys }');
      await panel.getByRole('button', { name: 'Expand all' }).click();
      await expect(code(panel, 3)).toHaveText('"orders": [');

      // Raw is still one click away, and hostile text stays text there too.
      await panel.getByRole('button', { name: 'Raw', exact: true }).click();
      await expect(panel.getByTestId('raw-data')).toContainText(XSS);
      expect(await page.locator('img[src="x"]').count()).toBe(0);
      await panel.getByRole('button', { name: 'Formatted', exact: true }).click();
      await expect(panel.locator('[data-line="1"]')).toBeVisible();
      expect(dialogs).toEqual([]);
    } finally {
      await queue.obliterate({ force: true });
      await queue.close();
    }
  });

  test('a 5.7 MB job opens its first 256 KB and then 4 MB formatted, with a few dozen lines in the DOM (times printed)', async ({ page }) => {
    const name = `bad-payload-big-${Date.now()}`;
    const queue = new Queue(name, { connection: { url: redisUrl() } });
    const data = { orders: Array.from({ length: 29_900 }, (_, i) => ({ id: i, customer: `customer-${i}@example.com`, items: [{ sku: `SKU-${i}`, qty: i % 7 }], note: 'n'.repeat(100) })) };
    const megabytes = `${(Buffer.byteLength(JSON.stringify(data)) / 1024 / 1024).toFixed(1)} MB`;
    try {
      const job = await queue.add('import', data);
      let started = Date.now();
      await gotoHydrated(page, `/connections/default/queues/${name}/jobs/${job.id}`);
      const panel = page.getByTestId('panel-data');
      await expect(code(panel, 1)).toHaveText('{');
      const openHeap = await page.evaluate(() => (performance as Performance & { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ?? 0);
      console.log(`${megabytes} job: first 256 KB shown formatted ${Date.now() - started} ms after navigation, JS heap ${(openHeap / 1024 / 1024).toFixed(1)} MB`);

      started = Date.now();
      await panel.getByRole('button', { name: 'Show up to 4.0 MB' }).click();
      await expect(panel).toContainText(`showing the first 4.0 MB of ${megabytes}`);
      await expect(code(panel, 1)).toHaveText('{');
      const lines = await lineCount(page);
      const heap = await page.evaluate(() => (performance as Performance & { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ?? 0);
      console.log(`${megabytes} job: first 4 MB (${lines} lines) shown formatted ${Date.now() - started} ms after the click, JS heap ${(heap / 1024 / 1024).toFixed(1)} MB`);
      expect(lines).toBeGreaterThan(200_000);
      expect(await panel.getByTestId('json-line').count()).toBeLessThan(150);
      await panel.getByTestId('json-lines-scroller').evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
      await expect(code(panel, lines)).toHaveText('… truncated');
    } finally {
      await queue.obliterate({ force: true });
      await queue.close();
    }
  });
});
