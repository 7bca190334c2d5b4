// Team scopes end to end (README › Team scopes): an admin creates a user with operator on `billing-*` and
// viewer on `email`; that user sees only those queues in the overview and the sidebar, retries a job in
// billing-invoices, sees no action buttons in email, and gets "not found" for another team's job URL.
import { test, expect, type Page } from '@playwright/test';
import { Queue, Worker } from 'bullmq';
import { addScopedUser, gotoHydrated, redisUrl, signIn } from './support';

const stamp = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;

async function failedJob(name: string): Promise<{ queue: Queue; id: string }> {
  const queue = new Queue(name, { connection: { url: redisUrl() } });
  const job = await queue.add('charge', { team: name, stamp });
  const worker = new Worker(name, async (j) => {
    if (j.id === job.id) throw new Error('card declined');
  }, { connection: { url: redisUrl() } });
  await expect.poll(async () => queue.getJobState(job.id!), { timeout: 20_000 }).toBe('failed');
  await worker.close();
  return { queue, id: job.id! };
}

/** The queue names the overview lists, after asking it to look for queues again (discovery is cached 15 s). */
async function overviewQueues(page: Page, mustInclude: string[]): Promise<string[]> {
  const table = page.getByTestId('overview-table');
  await expect(async () => {
    await gotoHydrated(page, '/');
    await page.getByRole('button', { name: 'Rediscover' }).click();
    for (const name of mustInclude) await expect(table.getByRole('link', { name, exact: true })).toBeVisible({ timeout: 3_000 });
  }).toPass({ timeout: 60_000 });
  // Each row's name link carries the queue's name as its title (the other links are its counts).
  return table.locator('tbody tr a[href^="/connections/"][title]').evaluateAll((links) => links.map((a) => a.getAttribute('title') ?? ''));
}

test('an operator of billing-* and viewer of email sees only those queues, retries in billing, reads email, and another team’s job does not exist', async ({ page, browser }) => {
  const billing = await failedJob('billing-invoices');
  const email = await failedJob('email');
  const hr = await failedJob('hr-exports');

  // The admin creates the user on the Users & tokens page.
  const user = `billing-op-${stamp}@e2e.test`;
  const password = `scoped password ${stamp}`;
  await addScopedUser(browser, user, password, 'operator@*/billing-* viewer@*/email');

  await signIn(page, user, password);
  await expect(page.getByTestId('current-user')).toHaveText(user);

  // Overview: only billing-* and email, although hr-exports (and every other spec's queue) exists.
  const listed = await overviewQueues(page, ['billing-invoices', 'email']);
  expect(listed.length).toBeGreaterThanOrEqual(2);
  for (const name of listed) expect(name, 'a queue outside the user’s grants is listed').toMatch(/^(billing-.*|email)$/);
  expect(listed).not.toContain('hr-exports');

  // Sidebar: the same queues.
  const sidebar = page.getByRole('navigation', { name: 'Main' });
  await expect(sidebar.getByRole('link', { name: 'billing-invoices', exact: true })).toBeVisible();
  await expect(sidebar.getByRole('link', { name: 'email', exact: true })).toBeVisible();
  await expect(sidebar.getByRole('link', { name: 'hr-exports', exact: true })).toHaveCount(0);
  await expect(sidebar.getByRole('link', { name: 'Users & tokens' })).toHaveCount(0);

  // billing-invoices: operator there — the failed job can be retried.
  await gotoHydrated(page, `/connections/default/queues/billing-invoices/jobs/${billing.id}`);
  await page.getByRole('button', { name: 'Retry', exact: true }).click();
  await expect(page.getByTestId('toast-success').last()).toHaveText(`Job ${billing.id} moved from failed back to waiting`);
  expect(await billing.queue.getJobState(billing.id)).toBe('waiting');

  // email: viewer there — the job reads, and no action is offered on the job or the queue.
  await page.goto(`/connections/default/queues/email/jobs/${email.id}`);
  await expect(page.getByTestId('job-name')).toHaveText('charge');
  for (const label of ['Retry', 'Remove', 'Edit data', 'Duplicate']) await expect(page.getByRole('button', { name: label, exact: true })).toHaveCount(0);
  await page.goto('/connections/default/queues/email?state=failed');
  await expect(page.getByTestId('jobs-table')).toBeVisible();
  for (const label of ['Pause', 'Add job', 'Clean…', 'Drain…', 'Obliterate…']) await expect(page.getByRole('button', { name: label, exact: true })).toHaveCount(0);
  await expect(page.getByTestId('jobs-table').getByRole('checkbox')).toHaveCount(0);

  // hr-exports: another team's — its job URL and its queue answer "not found", as if they did not exist.
  await page.goto(`/connections/default/queues/hr-exports/jobs/${hr.id}`);
  await expect(page.getByText(`Job ${hr.id} not found in queue "hr-exports"`)).toBeVisible();
  await page.goto('/connections/default/queues/hr-exports');
  await expect(page.getByText('Queue "hr-exports" not found on connection "default"')).toBeVisible();
  const api = await page.request.get(`/api/v1/connections/default/queues/hr-exports/jobs/${hr.id}`);
  expect(api.status()).toBe(404);
  expect(await api.text()).not.toContain(stamp);
  // Nothing of it changed.
  expect(await hr.queue.getJobState(hr.id)).toBe('failed');

  for (const q of [billing.queue, email.queue, hr.queue]) await q.close();
});
