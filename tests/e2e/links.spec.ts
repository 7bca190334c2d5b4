// Links out on the job page, in the browser: an admin's templates render as buttons that open in a new
// tab with every value encoded, a template naming a fact the job lacks is a disabled button, and the
// trace id the job carries is shown with a copy button.
import { test, expect } from '@playwright/test';
import { Queue } from 'bullmq';
import { apiAs, gotoHydrated, redisUrl, storageStatePath } from './support';

const QUEUE = 'links-e2e';
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';

test('job page: links out as encoded new-tab buttons, a disabled one naming what is missing, the trace id', async ({ browser }) => {
  const queue = new Queue(QUEUE, { connection: { url: redisUrl() } });
  const id = 'order 7/x?y#z&w';
  await queue.add('send <b>mail</b>', {}, { jobId: id, telemetry: { metadata: JSON.stringify({ traceparent: `00-${TRACE_ID}-00f067aa0ba902b7-01` }) } });
  const admin = await apiAs('admin');
  const viewer = await apiAs('viewer');
  const templates = [
    { label: 'Logs', url: 'https://logs.example.com/search?q=job:{queue}/{id}' },
    { label: 'Trace', url: 'https://jaeger.example.com/trace/{traceId}' },
    { label: 'Finished', url: 'https://logs.example.com/?to={finishedOn}' },
  ];
  try {
    expect((await viewer.put(`/api/v1/connections/default/queues/${QUEUE}/links`, { data: { templates } })).status()).toBe(403);
    const bad = await admin.put(`/api/v1/connections/default/queues/${QUEUE}/links`, { data: { templates: [{ label: 'Evil', url: 'javascript:alert(1)' }] } });
    expect(bad.status()).toBe(400);
    expect((await admin.put(`/api/v1/connections/default/queues/${QUEUE}/links`, { data: { templates } })).status()).toBe(200);

    const page = await (await browser.newContext({ storageState: storageStatePath('viewer') })).newPage();
    await page.goto(`/connections/default/queues/${QUEUE}/jobs/${encodeURIComponent(id)}`);
    const links = page.getByRole('navigation', { name: 'Links out' });
    const logs = links.getByRole('link', { name: /Logs/ });
    await expect(logs).toHaveAttribute('href', `https://logs.example.com/search?q=job:${QUEUE}/${encodeURIComponent(id)}`);
    await expect(logs).toHaveAttribute('target', '_blank');
    await expect(logs).toHaveAttribute('rel', 'noopener noreferrer');
    await expect(links.getByRole('link', { name: /Trace/ })).toHaveAttribute('href', `https://jaeger.example.com/trace/${TRACE_ID}`);
    // Not finished: no link, a disabled button saying why.
    await expect(links.getByRole('link', { name: /Finished/ })).toHaveCount(0);
    await expect(links.getByText('Finished')).toHaveAttribute('title', 'This job has no {finishedOn} yet');
    await expect(page.getByTestId('trace-id')).toHaveText(TRACE_ID);
    // The job name stays text.
    await expect(page.getByTestId('job-name')).toHaveText('send <b>mail</b>');
  } finally {
    await admin.put(`/api/v1/connections/default/queues/${QUEUE}/links`, { data: { templates: [] } });
    await Promise.all([admin.dispose(), viewer.dispose()]);
    await queue.obliterate({ force: true });
    await queue.close();
  }
});

test('an admin edits a queue’s links from the queue page; a bad template is refused with the reason', async ({ browser }) => {
  const queue = new Queue(`${QUEUE}-ui`, { connection: { url: redisUrl() } });
  await queue.add('ping', {}, { jobId: 'ui-1' });
  const admin = await apiAs('admin');
  try {
    const page = await (await browser.newContext({ storageState: storageStatePath('admin') })).newPage();
    await gotoHydrated(page, `/connections/default/queues/${QUEUE}-ui`);
    await page.getByRole('button', { name: 'Links…' }).click();
    const queueSection = page.getByRole('region', { name: `Links of ${QUEUE}-ui` });
    await queueSection.getByRole('button', { name: 'Add link' }).click();
    await queueSection.getByLabel('Label').fill('Evil');
    await queueSection.getByLabel('URL template').fill('https://{queue}.example.com/');
    await queueSection.getByRole('button', { name: 'Save queue links' }).click();
    await expect(page.getByText(/variables are allowed only after the host/).first()).toBeVisible();
    await queueSection.getByLabel('URL template').fill('https://logs.example.com/?job={id}');
    await queueSection.getByRole('button', { name: 'Save queue links' }).click();
    await expect(page.getByText(`${QUEUE}-ui: 1 link`).first()).toBeVisible();
    const read = await (await admin.get(`/api/v1/connections/default/queues/${QUEUE}-ui/links`)).json();
    expect(read.queue.console).toEqual([{ label: 'Evil', url: 'https://logs.example.com/?job={id}' }]);
    await page.goto(`/connections/default/queues/${QUEUE}-ui/jobs/ui-1`);
    await expect(page.getByRole('navigation', { name: 'Links out' }).getByRole('link', { name: /Evil/ })).toHaveAttribute('href', 'https://logs.example.com/?job=ui-1');
  } finally {
    await admin.put(`/api/v1/connections/default/queues/${QUEUE}-ui/links`, { data: { templates: [] } });
    await admin.dispose();
    await queue.obliterate({ force: true });
    await queue.close();
  }
});
