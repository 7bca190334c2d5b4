// Issue 20, point 4 and its smaller points: relative times that keep ticking (one shared clock), never
// a past event "in N s", absolute times inline on the job's timeline, schedule toasts in the schedule's
// zone, the job id at the end of the breadcrumb, a theme toggle whose first click shows, and a 404 for
// the jobs list of a queue that does not exist.
import { test, expect } from '@playwright/test';
import { Queue } from 'bullmq';
import { apiAs, redisUrl, storageStatePath } from './support';

test.describe('operator', () => {
  test.use({ storageState: storageStatePath('operator') });

  test("a schedule's toast gives its next run in the schedule's zone, labelled with the zone", async ({ page }) => {
    const name = `times-toast-${Date.now()}`;
    const queue = new Queue(name, { connection: { url: redisUrl() } });
    await queue.add('seed', {});
    try {
      await page.goto(`/schedules?queue=default/${name}`);
      await page.getByRole('button', { name: 'New schedule' }).click();
      const form = page.getByRole('form', { name: 'New schedule' });
      await form.getByLabel('Queue').fill(name);
      await form.getByLabel('Schedule id').fill('berlin-morning');
      await form.getByLabel(/^Cron pattern/).fill('30 7 * * *');
      await form.getByLabel('Time zone (IANA)').fill('Europe/Berlin');
      await form.getByLabel('Job name').fill('report');
      await form.getByRole('button', { name: 'Create schedule' }).click();
      const toast = page.getByTestId('toast-success').last();
      await expect(toast).toHaveText(
        new RegExp(`^Schedule "berlin-morning" created on ${name}: next run \\w{3} \\d{4}-\\d{2}-\\d{2} 07:30:00 \\+0[12]:00 Europe/Berlin\\.$`),
      );
      await expect(toast).not.toContainText('Z');
    } finally {
      await queue.obliterate({ force: true }).catch(() => {});
      await queue.close();
    }
  });
});

test.describe('theme', () => {
  test("the theme toggle's first click changes the theme on a light system", async ({ browser }) => {
    const context = await browser.newContext({ storageState: storageStatePath('viewer'), colorScheme: 'light' });
    const page = await context.newPage();
    await page.goto('/');
    await expect(page.locator('html')).not.toHaveClass(/dark/);
    const toggle = page.getByRole('button', { name: /^Theme:/ });
    await expect(toggle).toHaveAttribute('aria-label', 'Theme: system');
    await toggle.click();
    await expect(page.locator('html')).toHaveClass(/dark/);
    // Every further click shows too: back to light, which is the system's, then dark again.
    await toggle.click();
    await expect(page.locator('html')).not.toHaveClass(/dark/);
    await toggle.click();
    await expect(page.locator('html')).toHaveClass(/dark/);
    await context.close();
  });
});

test.describe('unknown queues', () => {
  test('the jobs list of a queue that does not exist answers 404 naming the queue and connection, like its summary', async () => {
    const api = await apiAs('viewer');
    try {
      const summary = await api.get('/api/v1/connections/default/queues/never-made-times');
      const list = await api.get('/api/v1/connections/default/queues/never-made-times/jobs?state=failed');
      const filtered = await api.get('/api/v1/connections/default/queues/never-made-times/jobs?state=waiting&name=x');
      const expected = { error: { code: 'not_found', message: 'Queue "never-made-times" not found on connection "default"' } };
      expect(summary.status()).toBe(404);
      expect(await summary.json()).toEqual(expected);
      expect(list.status()).toBe(404);
      expect(await list.json()).toEqual(expected);
      expect(filtered.status()).toBe(404);
      expect(await filtered.json()).toEqual(expected);
    } finally {
      await api.dispose();
    }
  });
});
