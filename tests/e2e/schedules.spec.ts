// Schedules through the real UI: an operator creates a cron schedule with a time zone (seeing the live
// validation and the next-run preview), pauses, resumes and runs it; a viewer can change nothing.
import { test, expect, type Page } from '@playwright/test';
import { Queue } from 'bullmq';
import { formatInZoneWithOffset } from '../../lib/schedules/zone-format';
import { apiAs, gotoHydrated, redisUrl, storageStatePath } from './support';

function toast(page: Page) {
  return page.getByTestId('toast-success').last();
}

test.describe('operator', () => {
  test.use({ storageState: storageStatePath('operator') });

  test('Create waits until the schedule is checked: a click cannot save an unchecked pattern or land as the preview moves the form', async ({ page }) => {
    const name = `sched-check-${Date.now()}`;
    const queue = new Queue(name, { connection: { url: redisUrl() } });
    await queue.add('seed', {});
    // The preview answer is held back, as on a slow server.
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route('**/api/v1/cron/preview', async (route) => {
      await held;
      await route.continue();
    });
    try {
      await gotoHydrated(page, `/schedules?queue=default/${name}`);
      await page.getByRole('button', { name: 'New schedule' }).click();
      const form = page.getByRole('form', { name: 'New schedule' });
      await expect(form.getByLabel('Queue')).toHaveValue(name);
      await form.getByLabel('Schedule id').fill('checked');
      await form.getByLabel('Job name').fill('report');
      await form.getByLabel(/^Cron pattern/).fill('15 6 * * *');
      const create = form.getByRole('button', { name: 'Create schedule' });
      await expect(create).toBeDisabled();
      await expect(form.getByText('Computing the next runs…')).toBeVisible();
      await expect(create).toBeDisabled();
      release();
      await expect(form.getByTestId('cron-preview').getByTestId('preview-runs').locator('li')).toHaveCount(10);
      await expect(create).toBeEnabled();
      await create.click();
      await expect(toast(page)).toHaveText(/^Schedule "checked" created on /);
      expect(await queue.getJobScheduler('checked')).toMatchObject({ pattern: '15 6 * * *' });
    } finally {
      release();
      await queue.obliterate({ force: true }).catch(() => {});
      await queue.close();
    }
  });

  test('creates a cron schedule with a time zone, previews it, pauses, resumes and runs it now', async ({ page }) => {
    const name = `sched-${Date.now()}`;
    const queue = new Queue(name, { connection: { url: redisUrl() } });
    await queue.add('seed', {});

    // From the queue page, the scheduler count leads to the queue's schedules.
    await gotoHydrated(page, `/connections/default/queues/${name}`);
    await page.getByTestId('queue-schedules-link').click();
    await expect(page).toHaveURL(new RegExp(`/schedules\\?queue=default%2F${name}$`));
    await expect(page.getByText('No schedules')).toBeVisible();

    await page.getByRole('button', { name: 'New schedule' }).click();
    const form = page.getByRole('form', { name: 'New schedule' });
    await expect(form.getByLabel('Queue')).toHaveValue(name);
    await form.getByLabel('Schedule id').fill('nightly');
    const pattern = form.getByLabel(/^Cron pattern/);
    await pattern.fill('61 * * * *');
    await expect(form.getByText('Invalid cron pattern "61 * * * *": minute field: 61 is out of range 0-59')).toBeVisible();
    await expect(form.getByRole('button', { name: 'Create schedule' })).toBeDisabled();
    await pattern.fill('30 2 * * *');
    await form.getByLabel('Time zone (IANA)').fill('Mars/Base');
    await expect(form.getByText('Unknown time zone "Mars/Base"')).toBeVisible();
    await form.getByLabel('Time zone (IANA)').fill('Europe/Berlin');

    const preview = form.getByTestId('cron-preview');
    await expect(preview.getByTestId('cron-description')).toHaveText('At 02:30');
    await expect(preview.getByTestId('preview-runs').locator('li')).toHaveCount(10);
    await expect(preview).toContainText('in Europe/Berlin');
    // Starting just before Berlin's spring-forward day shows the DST transition (02:30 does not exist that night).
    await form.getByLabel('Start (your local time, optional)').fill('2030-03-25T00:00');
    await expect(preview.getByText('DST +01:00 → +02:00')).toBeVisible();
    await expect(preview).toContainText('Sun 2030-03-31 03:30:00 +02:00');
    await form.getByLabel('Start (your local time, optional)').fill('');
    await expect(preview.getByText(/^DST/)).toHaveCount(0);

    await form.getByLabel('Job name').fill('nightly-report');
    await form.getByLabel('Data (JSON)').fill('{"scope": "all"}');
    await form.getByRole('button', { name: 'Create schedule' }).click();
    await expect(toast(page)).toHaveText(new RegExp(`^Schedule "nightly" created on ${name}: next run \\w{3} \\d{4}-\\d{2}-\\d{2} 02:30:00 \\+0[12]:00 Europe/Berlin\\.$`));

    const row = page.locator('[data-testid="schedule-row"][data-schedule$="/nightly"]');
    await expect(row).toHaveAttribute('data-state', 'active');
    await expect(row.getByTestId('schedule-description')).toHaveText('At 02:30');
    await expect(row.getByTestId('schedule-next')).toContainText('Europe/Berlin');
    await expect(row.getByTestId('schedule-next')).toContainText(/02:30:00 \+0[12]:00/);
    const created = await queue.getJobScheduler('nightly');
    expect(created).toMatchObject({ pattern: '30 2 * * *', tz: 'Europe/Berlin', name: 'nightly-report', template: { data: { scope: 'all' } } });

    await row.getByRole('button', { name: 'Pause' }).click();
    await expect(toast(page)).toHaveText('Schedule "nightly" paused: it produces no job until resumed');
    await expect(row).toHaveAttribute('data-state', 'paused');
    expect(await queue.getJobScheduler('nightly')).toBeUndefined();

    await row.getByRole('button', { name: 'Resume' }).click();
    await expect(toast(page)).toHaveText(`Schedule "nightly" resumed: next run ${formatInZoneWithOffset(created!.next!, 'Europe/Berlin')} Europe/Berlin`);
    await expect(row).toHaveAttribute('data-state', 'active');
    expect(await queue.getJobScheduler('nightly')).toEqual(created);

    const waitingBefore = await queue.getWaitingCount();
    await row.getByRole('button', { name: 'Run now' }).click();
    await expect(toast(page)).toHaveText(/^Enqueued job \d+ from schedule "nightly"; the schedule is unchanged$/);
    expect(await queue.getWaitingCount()).toBe(waitingBefore + 1);
    await row.getByTestId('run-now-job').click();
    await expect(page.getByTestId('job-name')).toHaveText('nightly-report');
    await expect(page.getByTestId('panel-data')).toContainText('"scope"');
    expect(await queue.getJobScheduler('nightly')).toEqual(created);

    await gotoHydrated(page, `/schedules?queue=default/${name}`);
    await row.getByRole('button', { name: 'Delete…' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete schedule' }).click();
    await expect(toast(page)).toHaveText(`Schedule "nightly" deleted from ${name}.`);
    await expect(row).toHaveCount(0);
    expect(await queue.getJobScheduler('nightly')).toBeUndefined();
    await queue.obliterate({ force: true });
    await queue.close();
  });
});

test.describe('viewer', () => {
  test.use({ storageState: storageStatePath('viewer') });

  test('sees schedules but no way to change them, and the server refuses', async ({ page }) => {
    const name = `sched-view-${Date.now()}`;
    const queue = new Queue(name, { connection: { url: redisUrl() } });
    await queue.upsertJobScheduler('hourly', { pattern: '0 * * * *', tz: 'UTC' }, { name: 'sync', data: { full: false } });
    const before = await queue.getJobScheduler('hourly');

    await page.goto(`/schedules?queue=default/${name}`);
    const row = page.locator('[data-testid="schedule-row"][data-schedule$="/hourly"]');
    await expect(row.getByTestId('schedule-description')).toHaveText('Every hour');
    for (const label of ['New schedule', 'Edit', 'Pause', 'Resume', 'Run now', 'Delete…']) {
      await expect(page.getByRole('button', { name: label, exact: true })).toHaveCount(0);
    }

    const api = await apiAs('viewer');
    const base = `/api/v1/connections/default/queues/${name}/schedulers/hourly`;
    const put = await api.put(base, { data: { pattern: '* * * * *', template: { name: 'sync' } } });
    expect(put.status()).toBe(403);
    for (const verb of ['pause', 'run']) expect((await api.post(`${base}/${verb}`)).status()).toBe(403);
    expect((await api.delete(base)).status()).toBe(403);
    expect((await api.get(base)).status()).toBe(200);
    await api.dispose();
    expect(await queue.getJobScheduler('hourly')).toEqual(before);
    expect(await queue.getWaitingCount()).toBe(0);
    await queue.obliterate({ force: true });
    await queue.close();
  });
});
