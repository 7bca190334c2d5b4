// The External services panel on the Busy page (README › Circuit breakers) when a connection holds more
// open circuits than the list shows: the viewer reads "N more open or half-open circuits not listed";
// and a viewer of some queues only (circuits.list is whole-connection) reads a sentence, not a raw 403.
// The circuits are written the way the runtime stores them (hash + held index, lib/keys.ts): opening
// 205 by real failures would take a worker and 205 failing receivers for what is a rendering check.
import { test, expect } from '@playwright/test';
import { Redis } from 'ioredis';
import { gotoHydrated, redisUrl, signIn, storageStatePath } from './support';

const stamp = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;
const LISTED = 200;
const EXTRA = 5;

test('a viewer sees the open circuits beyond the list counted; a viewer of some queues only sees why there is no list', async ({ browser }) => {
  const redis = new Redis(redisUrl());
  const destinations = Array.from({ length: LISTED + EXTRA }, (_, i) => `https://e2e-${stamp}-${i}.example:443`);
  const [s] = await redis.time();
  const now = Number(s) * 1000;
  const record = { state: 'open', consecutive: 5, windowStart: now, windowFailures: 5, windowTotal: 5, openedAt: now, nextProbeAt: now + 600_000, cooldownMs: 600_000, probeToken: null, probeUntil: null, recent: [{ at: now, error: 'HTTP 503' }], opened: 1, changedAt: now };
  const write = redis.pipeline();
  for (const d of destinations) {
    write.hset(`drover:circuit:bull:${d}`, 'v', 1, 'r', JSON.stringify(record)).pexpire(`drover:circuit:bull:${d}`, 600_000);
    write.zadd('drover:circuits-held:bull', now, d);
  }
  await write.exec();
  try {
    const viewer = await browser.newContext({ storageState: storageStatePath('viewer') });
    const page = await viewer.newPage();
    await gotoHydrated(page, '/busy');
    const panel = page.getByTestId('circuits-default');
    await expect(panel.getByTestId('circuit-row')).toHaveCount(LISTED, { timeout: 30_000 });
    // Other specs may hold open circuits of their own on the shared console: at least these five beyond.
    await expect(panel.getByTestId('circuits-more-held')).toContainText(/^\d+ more open or half-open circuits not listed/);
    const more = Number((await panel.getByTestId('circuits-more-held').textContent())!.split(' ')[0]);
    expect(more).toBeGreaterThanOrEqual(EXTRA);
    await viewer.close();

    // A viewer of the webhook queue only: the panel says why, in a sentence.
    const user = `circuits-viewer-${stamp}@e2e.test`;
    const password = `scoped password ${stamp}`;
    const adminContext = await browser.newContext({ storageState: storageStatePath('admin') });
    const admin = await adminContext.newPage();
    await gotoHydrated(admin, '/users');
    const add = admin.getByRole('form', { name: 'Add user' });
    await add.getByLabel('Email').fill(user);
    await add.getByLabel('Role', { exact: true }).selectOption('none');
    await add.getByLabel(/^Grants/).fill('viewer@default/webhook');
    await add.getByLabel(/^Password/).fill(password);
    await add.getByRole('button', { name: 'Add user' }).click();
    await expect(admin.getByRole('status').filter({ hasText: `Added ${user} as none with 1 grant` })).toBeVisible();
    await adminContext.close();

    const scopedContext = await browser.newContext();
    const scoped = await scopedContext.newPage();
    await signIn(scoped, user, password);
    await expect(scoped.getByTestId('current-user')).toHaveText(user);
    await gotoHydrated(scoped, '/busy');
    const refused = scoped.getByTestId('circuits-default-unavailable');
    await expect(refused).toContainText('shown only to users who may view every queue of the connection', { timeout: 30_000 });
    await expect(refused).not.toContainText('403');
    await expect(scoped.getByTestId('circuit-row')).toHaveCount(0);
    await scopedContext.close();
  } finally {
    const clean = redis.pipeline();
    for (const d of destinations) clean.del(`drover:circuit:bull:${d}`).zrem('drover:circuits-held:bull', d);
    await clean.exec();
    await redis.quit();
  }
});
