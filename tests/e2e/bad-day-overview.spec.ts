// Issue 20, an operator's bad day: the overview puts the queue in trouble first and says why, lifetime
// failed totals are not alarms, the layout holds at 1440 and 800 px (collapsible sidebar, tables that
// fit, Schedules' actions visible), and a firing alert shows on every page.
// Other specs add queues to the same console: only the relative order of this spec's queues is asserted.
import { test, expect, type Locator, type Page } from '@playwright/test';
import { Queue, Worker } from 'bullmq';
import { apiAs, gotoHydrated, redisUrl, storageStatePath, stretched } from './support';

const WIDE = { width: 1440, height: 900 };
const NARROW = { width: 800, height: 900 };
// The console samples every second in this suite and rediscovers queues on demand (?refresh=1).
const SAMPLED = 60_000;

const tag = `bd${Date.now().toString(36)}`;
/** Named so that the old default order (by name) would list them quiet → failing → backlog. */
const names = { quiet: `${tag}-a-quiet`, failing: `${tag}-m-failing`, backlog: `${tag}-z-backlog` };
const queues: Queue[] = [];

// Sign-ins, builds and other specs share two cores: give each test room, and wait on events, never sleeps.
test.describe.configure({ timeout: stretched(120_000) });

function open(name: string): Queue {
  const q = new Queue(name, { connection: { url: redisUrl() } });
  queues.push(q);
  return q;
}

/** Runs `count` jobs through a short-lived worker that fails them all (no BullMQ metrics recorded). */
async function failJobs(queue: Queue, count: number): Promise<void> {
  let failed = 0;
  const worker = new Worker(
    queue.name,
    async () => {
      throw new Error('upstream said no');
    },
    { connection: { url: redisUrl() }, concurrency: count },
  );
  worker.on('failed', () => failed++);
  await queue.addBulk(Array.from({ length: count }, (_, i) => ({ name: 'charge', data: { i } })));
  await expect.poll(() => failed, { timeout: 20_000 }).toBe(count);
  await worker.close();
}

function overviewRow(page: Page, name: string): Locator {
  return page.getByTestId('overview-table').locator('tbody tr', { has: page.getByRole('link', { name, exact: true }) });
}

async function rowTop(page: Page, name: string): Promise<number> {
  const box = await overviewRow(page, name).boundingBox();
  expect(box, name).not.toBeNull();
  return box!.y;
}

test.beforeAll(async () => {
  test.setTimeout(stretched(120_000));
  // A quiet queue whose failures are old news: they failed 20 minutes ago. BullMQ stamps a failure with
  // the worker's clock (the failed set is scored by it), so this worker runs with its clock set back.
  const realNow = Date.now;
  Date.now = () => realNow() - 20 * 60_000;
  try {
    await failJobs(open(names.quiet), 25);
  } finally {
    Date.now = realNow;
  }
  // A queue with a backlog and no worker at all.
  await open(names.backlog).addBulk(Array.from({ length: 12 }, (_, i) => ({ name: 'send', data: { i } })));
  // A queue the console samples first, then watches fail.
  const failing = open(names.failing);
  await failing.add('warm-up', {}, { delay: 3_600_000 });
  const viewer = await apiAs('viewer');
  expect((await viewer.get('/api/v1/queues?refresh=1')).status()).toBe(200);
  await expect
    .poll(async () => (await (await viewer.get(`/api/v1/connections/default/queues/${names.failing}/metrics?range=1h`)).json()).depth?.length ?? 0, { timeout: SAMPLED })
    .toBeGreaterThan(0);
  await viewer.dispose();
  await failJobs(failing, 37);
});

test.afterAll(async () => {
  for (const q of queues) {
    await q.obliterate({ force: true }).catch(() => {});
    await q.close();
  }
});

test.describe('overview', () => {
  test.use({ storageState: storageStatePath('viewer'), viewport: WIDE });

  test('the default order is "needs attention", with a health column that says why', async ({ page }) => {
    await gotoHydrated(page, '/');
    await page.getByRole('button', { name: 'Rediscover' }).click();
    const health = (name: string) => overviewRow(page, name).getByTestId('queue-health');
    await expect(health(names.backlog)).toHaveText('No workers, 12 waiting');
    await expect(health(names.failing)).toHaveText('37 failed in 15 m', { timeout: SAMPLED });
    await expect(health(names.quiet)).toHaveText('OK');

    // Backlog without workers first, then the queue failing now, then the quiet one with old failures.
    expect(await rowTop(page, names.backlog)).toBeLessThan(await rowTop(page, names.failing));
    expect(await rowTop(page, names.failing)).toBeLessThan(await rowTop(page, names.quiet));
    await expect(overviewRow(page, names.backlog).getByText('No workers', { exact: true })).toBeVisible();

    // A lifetime failed total is plain text, like any other count; only recent failures are red.
    const color = (l: Locator) => l.evaluate((el) => getComputedStyle(el).color);
    const plain = await color(overviewRow(page, names.backlog).locator('td[data-col="waiting"]'));
    expect(await color(overviewRow(page, names.quiet).locator('td[data-col="failed"]'))).toBe(plain);
    await expect(overviewRow(page, names.quiet).locator('td[data-col="failed"]')).toHaveText('25');
    // …and stand out from a fine queue's "OK" as much as from plain counts.
    const failingNow = await color(health(names.failing));
    expect(failingNow).not.toBe(plain);
    expect(failingNow).not.toBe(await color(health(names.quiet)));

    // Other orders stay available and live in the URL.
    await page.getByRole('button', { name: 'Queue', exact: true }).click();
    await expect(page).toHaveURL(/[?&]sort=name/);
    await page.reload();
    await expect(overviewRow(page, names.quiet)).toBeVisible();
    expect(await rowTop(page, names.quiet)).toBeLessThan(await rowTop(page, names.failing));
    expect(await rowTop(page, names.failing)).toBeLessThan(await rowTop(page, names.backlog));
    await page.getByRole('button', { name: 'Health', exact: true }).click();
    await expect(page).toHaveURL(/[?&]sort=attention/);
    expect(await rowTop(page, names.backlog)).toBeLessThan(await rowTop(page, names.quiet));
  });

  test('the filter matches queue names, not the connection name', async ({ page }) => {
    await gotoHydrated(page, '/');
    await page.getByRole('button', { name: 'Rediscover' }).click();
    await expect(overviewRow(page, names.backlog)).toBeVisible();
    await page.getByLabel('Filter queues').fill('default');
    await expect(page).toHaveURL(/[?&]q=default/);
    await expect(overviewRow(page, names.backlog)).toHaveCount(0);
    await page.getByLabel('Filter queues').fill(`${tag}-z`);
    await expect(overviewRow(page, names.backlog)).toBeVisible();
    await expect(overviewRow(page, names.quiet)).toHaveCount(0);
  });

  test('at 1440 px the table fits its box and every signal is on screen; state bars show the mix', async ({ page }) => {
    await gotoHydrated(page, '/');
    await page.getByRole('button', { name: 'Rediscover' }).click();
    await expect(overviewRow(page, names.backlog)).toBeVisible();
    const table = page.getByTestId('overview-table');
    const fits = await table.evaluate((el) => el.parentElement!.scrollWidth <= el.parentElement!.clientWidth);
    expect(fits).toBe(true);
    for (const label of ['Health', 'Waiting', 'Failed', 'Workers', 'Oldest wait']) {
      const header = table.getByRole('columnheader', { name: label, exact: true });
      await expect(header, label).toBeVisible();
      const box = await header.boundingBox();
      expect(box, label).not.toBeNull();
      expect(box!.x + box!.width, label).toBeLessThanOrEqual(WIDE.width);
    }
    // The state bar: waiting only for the backlog queue, failed only for the quiet one.
    await expect(overviewRow(page, names.backlog).getByTestId('state-bar')).toHaveAttribute('aria-label', '12 waiting');
    await expect(overviewRow(page, names.quiet).getByTestId('state-bar')).toHaveAttribute('aria-label', '25 failed');
  });

  test('at 800 px the failed count is still visible and the queue column stays put when the table scrolls', async ({ page }) => {
    await page.setViewportSize(NARROW);
    await gotoHydrated(page, '/');
    await page.getByRole('button', { name: 'Rediscover' }).click();
    await expect(overviewRow(page, names.quiet)).toBeVisible();
    const table = page.getByTestId('overview-table');
    for (const label of ['Health', 'Failed', 'Workers']) {
      const header = table.getByRole('columnheader', { name: label, exact: true });
      await expect(header, label).toBeVisible();
      const box = await header.boundingBox();
      expect(box, label).not.toBeNull();
      expect(box!.x + box!.width, label).toBeLessThanOrEqual(NARROW.width);
    }
    const nameHeader = table.getByRole('columnheader', { name: 'Queue', exact: true });
    await expect(nameHeader).toHaveCSS('position', 'sticky');
    const before = (await nameHeader.boundingBox())!.x;
    await table.evaluate((el) => el.parentElement!.scrollTo({ left: el.parentElement!.scrollWidth }));
    expect((await nameHeader.boundingBox())!.x).toBe(before);
  });
});

test.describe('sidebar', () => {
  test.use({ storageState: storageStatePath('viewer') });

  test('below 1024 px it starts collapsed; its toggle opens it and the choice survives a reload', async ({ page }) => {
    await page.setViewportSize(NARROW);
    await gotoHydrated(page, '/');
    const nav = page.getByRole('navigation', { name: 'Main' });
    const toggle = page.getByRole('button', { name: 'Sidebar' });
    await expect(toggle).toHaveAttribute('aria-expanded', 'false');
    await expect(nav.getByRole('link', { name: 'Schedules' })).toBeHidden();
    await toggle.click();
    await expect(toggle).toHaveAttribute('aria-expanded', 'true');
    await expect(nav.getByRole('link', { name: 'Schedules' })).toBeVisible();
    await page.reload();
    await expect(toggle).toHaveAttribute('aria-expanded', 'true');
    await expect(nav.getByRole('link', { name: 'Schedules' })).toBeVisible();
  });

  test('wide screens start with it open; collapsing gives the page the room and is remembered', async ({ page }) => {
    await page.setViewportSize(WIDE);
    await gotoHydrated(page, '/');
    const toggle = page.getByRole('button', { name: 'Sidebar' });
    await expect(toggle).toHaveAttribute('aria-expanded', 'true');
    await toggle.click();
    await expect(toggle).toHaveAttribute('aria-expanded', 'false');
    await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Schedules' })).toBeHidden();
    const main = await page.locator('main').boundingBox();
    expect(main!.x).toBeLessThan(100);
    await page.reload();
    await expect(toggle).toHaveAttribute('aria-expanded', 'false');
  });
});

test.describe('schedules', () => {
  test.use({ storageState: storageStatePath('operator') });

  test('a schedule row’s actions are fully visible at 1440 and 800 px', async ({ page }) => {
    const queue = open(`${tag}-sched`);
    await queue.upsertJobScheduler(
      `${tag}-nightly-report-for-every-tenant`,
      { pattern: '30 2 * * 1-5', tz: 'America/Argentina/Buenos_Aires', startDate: Date.now() + 86_400_000, endDate: Date.now() + 400 * 86_400_000 },
      { name: 'nightly-report', data: { scope: 'all', tenants: ['a', 'b', 'c'], note: 'x'.repeat(80) } },
    );
    for (const viewport of [WIDE, NARROW]) {
      await page.setViewportSize(viewport);
      await page.goto(`/schedules?queue=${encodeURIComponent(`default/${queue.name}`)}`);
      const row = page.getByTestId('schedule-row').first();
      const remove = row.getByRole('button', { name: 'Delete…' });
      await expect(remove).toBeVisible();
      const box = (await remove.boundingBox())!;
      const frame = (await page.getByTestId('schedules-table').evaluate((el) => el.parentElement!.getBoundingClientRect().toJSON())) as DOMRect;
      expect(box.x + box.width, `${viewport.width} px`).toBeLessThanOrEqual(Math.min(viewport.width, frame.x + frame.width));
      expect(box.x, `${viewport.width} px`).toBeGreaterThanOrEqual(frame.x);
    }
  });
});

test.describe('firing alerts', () => {
  test('show on every page: rule and queue for a viewer, with a link to Alerts for an admin', async ({ browser }) => {
    const admin = await apiAs('admin');
    const ruleName = `no workers on ${names.backlog}`;
    const created = await admin.post('/api/v1/alerts', {
      data: {
        name: ruleName,
        kind: 'no-workers',
        connection: 'default',
        queue: names.backlog,
        minutes: 0,
        webhookUrl: 'http://127.0.0.1:9/hooks/bad-day',
      },
    });
    expect(created.status()).toBe(201);
    const { id } = await created.json();
    try {
      await expect
        .poll(async () => ((await (await admin.get('/api/v1/alerts')).json()).rules as Array<{ id: string; status: string }>).find((r) => r.id === id)?.status, {
          timeout: SAMPLED,
        })
        .toBe('firing');

      const viewerContext = await browser.newContext({ storageState: storageStatePath('viewer'), viewport: WIDE });
      const viewerPage = await viewerContext.newPage();
      await viewerPage.goto('/schedules');
      const banner = viewerPage.getByTestId('alert-banner');
      await expect(banner).toContainText(ruleName);
      await expect(banner).toContainText(`default/${names.backlog}`);
      await expect(banner.getByRole('link', { name: /alerts/i })).toHaveCount(0);

      const adminContext = await browser.newContext({ storageState: storageStatePath('admin'), viewport: NARROW });
      const adminPage = await adminContext.newPage();
      await adminPage.goto('/audit');
      const adminBanner = adminPage.getByTestId('alert-banner');
      await expect(adminBanner).toContainText(ruleName);
      await adminBanner.getByRole('link', { name: /alerts/i }).click();
      await expect(adminPage).toHaveURL(/\/alerts$/);
      await Promise.all([viewerContext.close(), adminContext.close()]);
    } finally {
      await admin.delete(`/api/v1/alerts/${id}`);
      await admin.dispose();
    }
  });
});
