// Missed schedule runs in the browser: a job scheduler whose jobs nobody takes (no worker serves its
// queue) is marked on the schedules page once its pending run is past the grace period — the e2e
// console watches with the defaults (a round every 30 s, 60 s grace) — as "missed N runs since HH:MM"
// with the exact instant on hover, sorted first, and its run history lists the missed due time.
import { test, expect } from '@playwright/test';
import { Queue } from 'bullmq';
import { apiAs, gotoHydrated, redisUrl, storageStatePath } from './support';

test.use({ storageState: storageStatePath('viewer') });

test('a scheduler nobody runs is marked "missed N runs since HH:MM", sorted first, and its run history lists the missed run', async ({ page }) => {
  const stretch = Number(process.env.E2E_LOAD_FACTOR) || 1;
  // Up to one grace period plus two watch rounds (stretched on a loaded machine) on top of the usual.
  const wait = 150_000 * stretch;
  test.setTimeout(test.info().timeout + wait);
  const name = `missed-${Date.now()}`;
  const queue = new Queue(name, { connection: { url: redisUrl() } });
  try {
    await queue.upsertJobScheduler('every-2s', { every: 2000 }, { name: 'tick', data: {} });
    // A healthy neighbour: far in the future, so never due during the test.
    await queue.upsertJobScheduler('yearly', { pattern: '0 0 1 1 *', tz: 'UTC' }, { name: 'tick', data: {} });
    const next = (await queue.getJobScheduler('every-2s'))!.next!;
    await gotoHydrated(page, `/schedules?queue=${encodeURIComponent(`default/${name}`)}`);

    const health = page.getByTestId('schedule-health');
    await expect(async () => {
      await page.reload();
      await expect(health).toHaveCount(1, { timeout: 2_000 });
    }).toPass({ timeout: wait });
    await expect(health).toHaveText(/^missed \d+ runs? since \d\d:\d\d( UTC)?$/);
    // The first missed due time is the pending run's: exact on hover (the <time> element's instant).
    await expect(health.locator('time')).toHaveAttribute('datetime', new Date(next).toISOString());
    await expect(health.locator('time')).toHaveAttribute('title', /\d/);

    // Problems first: the missed scheduler's row comes before the healthy one.
    const rows = page.getByRole('row').filter({ hasText: /every-2s|yearly/ });
    await expect(rows).toHaveCount(2);
    await expect(rows.first()).toContainText('every-2s');
    await expect(rows.nth(1)).toContainText('yearly');
    await expect(rows.nth(1).getByTestId('schedule-health')).toHaveCount(0);

    // Its history, fetched when opened, lists the missed run (no job started for that due time).
    await rows.first().getByText('Run history').click();
    const history = page.getByTestId('schedule-runs');
    await expect(history).toBeVisible();
    await expect(history.getByText('missed').first()).toBeVisible();
  } finally {
    // Deleted through Drover, so the watch forgets them (removed behind its back they would read as gone).
    const operator = await apiAs('operator');
    for (const id of ['every-2s', 'yearly']) await operator.delete(`/api/v1/connections/default/queues/${name}/schedulers/${id}`);
    await operator.dispose();
    await queue.close();
  }
});
