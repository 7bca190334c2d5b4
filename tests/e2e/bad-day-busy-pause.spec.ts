// Issue "An operator's bad day", Busy and Pause: the Busy page shows what each worker process runs now
// (a plain BullMQ worker's jobs, linked, with progress, capped with "N more"), and a live page can be
// paused: while paused a job added through BullMQ does not appear (another tab shows it); Resume
// reconnects and shows it.
import { test, expect } from '@playwright/test';
import { Queue, Worker, type Job as BullJob } from 'bullmq';
import { redisUrl, storageStatePath } from './support';

test.describe('Busy', () => {
  test.use({ storageState: storageStatePath('viewer') });

  test('lists a BullMQ worker with the jobs it runs: link, running time, progress, and "N more" past 25', async ({ page }) => {
    const name = `busy-e2e-${Date.now()}`;
    const workerName = `${name}-worker`;
    const queue = new Queue(name, { connection: { url: redisUrl() } });
    const releases: Array<() => void> = [];
    const worker = new Worker(
      name,
      async (job: BullJob) => {
        await job.updateProgress(30);
        await new Promise<void>((resolve) => releases.push(resolve));
      },
      { connection: { url: redisUrl() }, name: workerName, concurrency: 30 },
    );
    try {
      const jobs = await queue.addBulk(Array.from({ length: 30 }, (_, i) => ({ name: 'crunch', data: { i } })));
      await expect.poll(() => queue.getActiveCount(), { timeout: 15_000 }).toBe(30);

      await page.goto('/');
      // Exact: the sidebar may already list this test's queue, whose name starts with "busy".
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Busy', exact: true }).click();
      await expect(page).toHaveURL(/\/busy$/);
      const card = page.getByRole('article', { name: `Worker ${workerName}` });
      await expect(card).toBeVisible({ timeout: 15_000 });
      await expect(card).toContainText('BullMQ worker');
      await expect(card.getByTestId('busy-job')).toHaveCount(25);
      await expect(card.getByTestId('busy-more-jobs')).toHaveText('5 more jobs running (the longest-running are listed).');
      await expect(card.getByTestId('busy-process-load')).toHaveText('30 running');
      const first = card.getByTestId('busy-job').first();
      await expect(first.getByRole('progressbar')).toHaveAttribute('aria-valuenow', '30');
      await expect(first.locator('td').nth(3)).toHaveText(/^\d+(\.\d+)? s$|^\d+m \d+s$/);
      const firstId = (await first.getByRole('link').textContent())!;
      expect(jobs.map((j) => j.id)).toContain(firstId);
      await first.getByRole('link').click();
      await expect(page).toHaveURL(new RegExp(`/connections/default/queues/${name}/jobs/${firstId}$`));
      await expect(page.getByTestId('job-name')).toHaveText('crunch');
    } finally {
      releases.forEach((release) => release());
      await worker.close();
      await queue.obliterate({ force: true }).catch(() => {});
      await queue.close();
    }
  });
});

test.describe('Pause live updates', () => {
  test.use({ storageState: storageStatePath('viewer') });

  test('while paused a new job does not appear (another tab shows it); Resume reconnects and shows it', async ({ page, context }) => {
    const name = `pause-e2e-${Date.now()}`;
    const queue = new Queue(name, { connection: { url: redisUrl() } });
    try {
      await queue.add('first', {});
      const url = `/connections/default/queues/${name}?state=waiting`;
      await page.goto(url);
      const indicator = page.getByTestId('live-indicator');
      await expect(indicator).toHaveAttribute('data-status', 'live');
      const rows = page.getByTestId('jobs-table').locator('tbody tr');
      await expect(rows).toHaveCount(1);

      // Keyboard: focus the switch and press Enter.
      const streams: string[] = [];
      page.on('request', (r) => {
        if (r.url().includes('/api/v1/events')) streams.push(r.url());
      });
      await page.getByRole('button', { name: 'Pause live updates' }).focus();
      await page.keyboard.press('Enter');
      await expect(indicator).toHaveAttribute('data-status', 'paused');
      await expect(indicator).toHaveText('Paused — live updates stopped');

      // A second tab is live: when it shows the new job, the paused tab has had its chance to.
      const other = await context.newPage();
      await other.goto(url);
      await expect(other.getByTestId('live-indicator')).toHaveAttribute('data-status', 'live');
      await queue.add('second', {});
      await expect(other.getByTestId('jobs-table').locator('tbody tr')).toHaveCount(2);
      await expect(other.getByTestId('jobs-total')).toHaveText('2 waiting jobs');
      await expect(rows).toHaveCount(1);
      await expect(page.getByTestId('jobs-total')).toHaveText('1 waiting job');
      expect(streams).toEqual([]);
      await other.close();

      // Resume (Space this time): a new stream, and the page catches up.
      const resume = page.getByRole('button', { name: 'Resume live updates' });
      await resume.focus();
      await page.keyboard.press('Space');
      await expect(indicator).toHaveAttribute('data-status', 'live');
      await expect(rows).toHaveCount(2);
      await expect(page.getByTestId('jobs-total')).toHaveText('2 waiting jobs');
      expect(streams.length).toBeGreaterThanOrEqual(1);
      await expect(page.getByRole('button', { name: 'Pause live updates' })).toBeFocused();
    } finally {
      await queue.obliterate({ force: true }).catch(() => {});
      await queue.close();
    }
  });
});
