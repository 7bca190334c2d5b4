// Issue 20, point 4 and its smaller points: relative times that keep ticking (one shared clock), never
// a past event "in N s", absolute times inline on the job's timeline, schedule toasts in the schedule's
// zone, the job id at the end of the breadcrumb, a theme toggle whose first click shows, and a 404 for
// the jobs list of a queue that does not exist.
import { test, expect, type Locator, type Page } from '@playwright/test';
import { Queue, Worker, type Job } from 'bullmq';
import { apiAs, gotoHydrated, redisUrl, storageStatePath } from './support';

const iso = (ms: number) => new Date(ms).toISOString();

/** "Ns ago" → N, "in Ns" → -N, "just now" → 0; anything else (minutes, "—") → null. */
function secondsOf(text: string): number | null {
  if (text === 'just now') return 0;
  const ago = /^(\d+)s ago$/.exec(text);
  if (ago) return Number(ago[1]);
  const ahead = /^in (\d+)s$/.exec(text);
  return ahead ? -Number(ahead[1]) : null;
}

/** Reads the element's text until `done(seen)` holds; every text read is kept, in order, for the checks. */
async function watchText(el: Locator, done: (seen: string[]) => boolean, timeout: number): Promise<string[]> {
  const seen: string[] = [];
  await expect
    .poll(
      async () => {
        const text = (await el.textContent())?.trim() ?? '';
        if (seen.at(-1) !== text) seen.push(text);
        return done(seen);
      },
      { timeout, intervals: [200] },
    )
    .toBe(true);
  return seen;
}

test.describe('relative times', () => {
  test.use({ storageState: storageStatePath('viewer'), timezoneId: 'Europe/Berlin' });

  let queueName: string;
  let queue: Queue;
  let worker: Worker | undefined;

  test.beforeAll(async () => {
    queueName = `times-${Date.now()}`;
    queue = new Queue(queueName, { connection: { url: redisUrl() } });
  });

  test.afterAll(async () => {
    await worker?.close();
    await queue.obliterate({ force: true }).catch(() => {});
    await queue.close();
  });

  test('a job that finishes while you watch reads "just now", then counts up every second; its timeline is exact', async ({ page }) => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    let running: Job | undefined;
    worker = new Worker(
      queueName,
      async (job) => {
        running = job;
        await gate;
        return 'ok';
      },
      { connection: { url: redisUrl() }, name: 'drover@e2e:times' },
    );
    const added = await queue.add('watched', { n: 1 });
    await expect.poll(() => running !== undefined, { timeout: 15_000 }).toBe(true);

    await page.goto(`/connections/default/queues/${queueName}/jobs/${added.id}`);
    await expect(page.getByTestId('live-indicator')).toHaveAttribute('data-status', 'live');
    release();
    await expect.poll(async () => (await queue.getJob(added.id!))?.finishedOn ?? 0, { timeout: 15_000 }).toBeGreaterThan(0);
    const job = (await queue.getJob(added.id!))!;

    // The finish arrives live; from then on the same element counts up by the second, never "in N s".
    const finished = page.locator(`time[datetime="${iso(job.finishedOn!)}"]`).first();
    await expect(finished).toBeVisible({ timeout: 15_000 });
    const seen = await watchText(
      finished,
      (texts) => texts.map(secondsOf).filter((n): n is number => n !== null && n >= 1 && n <= 12).length >= 2,
      20_000,
    );
    for (const text of seen) expect(text).not.toMatch(/^in /);
    // Exact instant on hover.
    await expect(finished).toHaveAttribute('title', /\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}/);

    // The incident timeline: added → started → finished, absolute in the viewer's zone, with durations.
    const berlin = (ms: number) => {
      const p = Object.fromEntries(
        new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Berlin', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' })
          .formatToParts(new Date(ms))
          .map((x) => [x.type, x.value]),
      );
      return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}.${String(ms % 1000).padStart(3, '0')}`;
    };
    const timeline = page.getByTestId('job-timeline');
    await expect(timeline.getByTestId('timeline-added')).toContainText(['Added', berlin(job.timestamp)].join(' '));
    await expect(timeline.getByTestId('timeline-started')).toContainText(['Started', berlin(job.processedOn!)].join(' '));
    await expect(timeline.getByTestId('timeline-finished')).toContainText(['Finished', berlin(job.finishedOn!)].join(' '));
    await expect(timeline.getByTestId('timeline-waited')).toHaveText(/^waited \d/);
    await expect(timeline.getByTestId('timeline-ran')).toHaveText(/^ran \d/);
  });

  test('a job stamped by a producer whose clock runs ahead reads "just now", not "in N s"', async ({ page }) => {
    // BullMQ takes the producer's clock: a machine a minute ahead of this browser stamps jobs "in the future".
    const ahead = await queue.add('from-a-fast-clock', {}, { timestamp: Date.now() + 60_000, delay: 3_600_000 });
    await page.goto(`/connections/default/queues/${queueName}/jobs/${ahead.id}`);
    const created = page.locator(`time[datetime="${iso(ahead.timestamp)}"]`).first();
    await expect(created).toHaveText('just now');
    await expect(created).toHaveAttribute('title', /\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3} \+0[12]:00 \(Europe\/Berlin\)/);
    // Delayed-until is a planned instant: that one may be ahead, and counts down.
    await expect(page.locator(`time[datetime="${iso(ahead.timestamp + 3_600_000)}"]`).first()).toHaveText(/^in (59m|1h)$/);
  });

  test("a schedule's next run counts down by the second", async ({ page }) => {
    // A cron with a seconds field due ~40 s from now (UTC), so the list shows seconds from the start.
    const at = new Date(Math.ceil((Date.now() + 40_000) / 1000) * 1000);
    const pattern = `${at.getUTCSeconds()} ${at.getUTCMinutes()} ${at.getUTCHours()} * * *`;
    const scheduled = new Queue(`${queueName}-sched`, { connection: { url: redisUrl() } });
    await scheduled.upsertJobScheduler('countdown', { pattern, tz: 'UTC' }, { name: 'tick' });
    try {
      await page.goto(`/schedules?queue=default/${scheduled.name}`);
      const next = page.locator('[data-testid="schedule-row"][data-schedule$="/countdown"]').getByTestId('schedule-next').locator('time');
      await expect(next).toHaveText(/^in \d+s$/);
      // Three distinct readings within five seconds of each other: it ticks by the second, not every 15 s.
      const seen = await watchText(
        next,
        (texts) => {
          const ns = texts.map(secondsOf).filter((n): n is number => n !== null && n < 0);
          return ns.length >= 3 && Math.max(...ns) - Math.min(...ns) <= 5;
        },
        12_000,
      );
      // Counting down: each reading is nearer than the one before.
      const ns = seen.map(secondsOf).filter((n): n is number => n !== null);
      for (let i = 1; i < ns.length; i++) expect(ns[i]).toBeGreaterThan(ns[i - 1]);
    } finally {
      await scheduled.obliterate({ force: true }).catch(() => {});
      await scheduled.close();
    }
  });
});

test.describe('job page breadcrumb', () => {
  test.use({ storageState: storageStatePath('viewer') });

  test('the job page breadcrumb ends in the job id; a long id is cut visually, whole in the title', async ({ page }) => {
    const name = `times-crumb-${Date.now()}`;
    const queue = new Queue(name, { connection: { url: redisUrl() } });
    const longId = `order-${'7'.repeat(120)}`;
    try {
      const short = await queue.add('crumb', {}, { delay: 3_600_000 });
      await queue.add('crumb', {}, { jobId: longId, delay: 3_600_000 });
      const crumb = (p: Page) => p.getByRole('navigation', { name: 'Breadcrumb' }).locator('[aria-current="page"]');

      await page.goto(`/connections/default/queues/${name}/jobs/${short.id}`);
      await expect(crumb(page)).toHaveText(short.id!);
      await expect(page.getByRole('navigation', { name: 'Breadcrumb' })).not.toContainText('/ job');

      await page.goto(`/connections/default/queues/${name}/jobs/${longId}`);
      await expect(crumb(page)).toHaveText(longId);
      await expect(crumb(page)).toHaveAttribute('title', longId);
      const box = await crumb(page).boundingBox();
      expect(box!.width).toBeLessThan(400);
    } finally {
      await queue.obliterate({ force: true }).catch(() => {});
      await queue.close();
    }
  });
});

test.describe('operator', () => {
  test.use({ storageState: storageStatePath('operator') });

  test("a schedule's toast gives its next run in the schedule's zone, labelled with the zone", async ({ page }) => {
    const name = `times-toast-${Date.now()}`;
    const queue = new Queue(name, { connection: { url: redisUrl() } });
    await queue.add('seed', {});
    try {
      await gotoHydrated(page, `/schedules?queue=default/${name}`);
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
    await gotoHydrated(page, '/');
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
