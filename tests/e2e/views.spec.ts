// Saved views in the browser: the sidebar lists, under its queue, the views the signed-in user sees;
// a view's stable URL /views/<id> opens the queue page with its query; someone else's private view is
// neither listed nor reachable (404).
import { test, expect } from '@playwright/test';
import { Queue } from 'bullmq';
import { apiAs, redisUrl, storageStatePath } from './support';

const QUEUE = 'views-e2e';

test('the sidebar lists the views you see; a view’s URL opens its queue with its query', async ({ browser }) => {
  const queue = new Queue(QUEUE, { connection: { url: redisUrl() } });
  await queue.add('send-receipt', { customerId: 'c-1' });
  const viewer = await apiAs('viewer');
  const operator = await apiAs('operator');
  expect((await viewer.get('/api/v1/queues?refresh=1')).status()).toBe(200);

  const mine = await viewer.post('/api/v1/views', { data: { conn: 'default', queue: QUEUE, name: 'Receipts (mine)', query: 'name:send-*', within: 'waiting' } });
  expect(mine.status()).toBe(201);
  const privateView = (await mine.json()) as { id: string };
  const team = await operator.post('/api/v1/views', { data: { conn: 'default', queue: QUEUE, name: 'Receipts (team)', query: 'data.customerId:c-1', visibility: 'shared' } });
  expect(team.status()).toBe(201);
  const sharedView = (await team.json()) as { id: string };

  try {
    const viewerPage = await (await browser.newContext({ storageState: storageStatePath('viewer') })).newPage();
    await viewerPage.goto('/');
    const listed = viewerPage.getByRole('list', { name: `Saved views of ${QUEUE}` });
    // Each link is the view's name after a mark: ◇ private, ◆ shared.
    await expect(listed.getByRole('link')).toHaveText(['◇Receipts (mine)', '◆Receipts (team)']);
    await listed.getByRole('link', { name: 'Receipts (mine)' }).click();
    await expect(viewerPage).toHaveURL(new RegExp(`/connections/default/queues/${QUEUE}\\?q=name%3Asend-\\*&in=waiting&view=${privateView.id}$`));

    // The operator sees the shared view only; the viewer's private one is a 404 by its URL too.
    const operatorPage = await (await browser.newContext({ storageState: storageStatePath('operator') })).newPage();
    await operatorPage.goto('/');
    await expect(operatorPage.getByRole('list', { name: `Saved views of ${QUEUE}` }).getByRole('link')).toHaveText(['◆Receipts (team)']);
    await operatorPage.goto(`/views/${privateView.id}`);
    await expect(operatorPage.getByText('Not found')).toBeVisible();
    expect((await operator.get(`/api/v1/views/${privateView.id}`)).status()).toBe(404);
    await operatorPage.goto(`/views/${sharedView.id}`);
    await expect(operatorPage).toHaveURL(new RegExp(`/connections/default/queues/${QUEUE}\\?q=data.customerId%3Ac-1&in=all&view=${sharedView.id}$`));
  } finally {
    await viewer.delete(`/api/v1/views/${privateView.id}`);
    await operator.delete(`/api/v1/views/${sharedView.id}`);
    await Promise.all([viewer.dispose(), operator.dispose()]);
    await queue.obliterate({ force: true });
    await queue.close();
  }
});
