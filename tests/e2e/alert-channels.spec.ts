// Paging channels in the browser: an admin creates a PagerDuty channel pointing at a local receiver,
// presses Test, and sees each step's answer; the receiver got a trigger and its resolve with the routing
// key and one dedup key; the routing key never comes back to the page; names render as text.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { test, expect } from '@playwright/test';
import { apiAs, gotoHydrated, storageStatePath } from './support';

const ROUTING_KEY = 'E2Ee2e0123456789abcdef0123456789';

test('a PagerDuty channel: created in the dialog, Test shows trigger and resolve answered, the key stays on the server', async ({ browser }) => {
  const received: Array<{ url: string; body: Record<string, unknown> }> = [];
  const receiver = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      received.push({ url: req.url ?? '', body: JSON.parse(raw || 'null') });
      res.writeHead(202, { 'content-type': 'application/json' }).end('{"status":"success"}');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const port = (receiver.address() as AddressInfo).port;
  const name = `On-call <b>${Date.now()}</b>`;
  const admin = await apiAs('admin');
  const context = await browser.newContext({ storageState: storageStatePath('admin') });
  try {
    const page = await context.newPage();
    await gotoHydrated(page, '/alerts');
    await page.getByRole('button', { name: 'New channel' }).click();
    const dialog = page.getByRole('form', { name: 'New channel' });
    await dialog.getByLabel('Type').selectOption('pagerduty');
    await dialog.getByLabel('Name').fill(name);
    await dialog.getByLabel('Integration (routing) key (secret)').fill(ROUTING_KEY);
    await dialog.getByLabel('Severity').selectOption('critical');
    await dialog.getByLabel('Events API URL').fill(`http://127.0.0.1:${port}/v2/enqueue`);
    await dialog.getByRole('button', { name: 'Create channel' }).click();

    const row = page.getByTestId('alert-channel').filter({ has: page.getByText(name, { exact: true }) });
    await expect(row).toBeVisible();
    await expect(row).toContainText('routing key set');
    await expect(row).toContainText(`http://127.0.0.1:${port}/…`);
    await row.getByRole('button', { name: 'Test' }).click();
    const result = row.getByTestId('channel-test-result');
    await expect(result).toContainText('Test delivered');
    await expect(result).toContainText('trigger: HTTP 202');
    await expect(result).toContainText('resolve: HTTP 202');

    expect(received.map((r) => [r.url, r.body.event_action, r.body.routing_key])).toEqual([
      ['/v2/enqueue', 'trigger', ROUTING_KEY],
      ['/v2/enqueue', 'resolve', ROUTING_KEY],
    ]);
    expect(received[1].body.dedup_key).toBe(received[0].body.dedup_key);
    expect(await page.content()).not.toContain(ROUTING_KEY);
    // The name is text, not markup.
    await expect(page.locator('b', { hasText: String(name.match(/\d+/)![0]) })).toHaveCount(0);
  } finally {
    const { channels } = (await (await admin.get('/api/v1/alerts/channels')).json()) as { channels: Array<{ id: string; name: string }> };
    for (const c of channels.filter((x) => x.name === name)) await admin.delete(`/api/v1/alerts/channels/${c.id}`);
    await context.close();
    await new Promise((resolve) => receiver.close(resolve));
  }
});
