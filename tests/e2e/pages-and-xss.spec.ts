// Every console page from the source tree: signed out → sign-in redirect, below its role → 403.
// And hostile job text in schedule templates, dead-letter error groups and audit parameters shows as
// text, never as HTML (no dialog opens, the literal text is visible).
import fs from 'node:fs';
import path from 'node:path';
import { test, expect } from '@playwright/test';
import { Queue, Worker } from 'bullmq';
import { apiAs, redisUrl, storageStatePath, type Role } from './support';

const FILL: Record<string, string> = { conn: 'default', queue: 'page-probe', id: 'probe-id' };

function pages(): Array<{ url: string; role: Role }> {
  const root = path.resolve('app/(console)');
  const walk = (dir: string): string[] =>
    fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : e.name === 'page.tsx' ? [path.join(dir, e.name)] : []));
  return walk(root).map((file) => {
    const rel = path.relative(root, path.dirname(file));
    const url = '/' + rel.split(path.sep).filter(Boolean).map((seg) => seg.replace(/^\[(\w+)\]$/, (_m, n: string) => FILL[n] ?? 'x')).join('/');
    const role = (/requirePageRole\('(viewer|operator|admin)'/.exec(fs.readFileSync(file, 'utf8'))?.[1] ?? 'missing') as Role;
    return { url: url === '/' ? '/' : url.replace(/\/$/, ''), role };
  });
}

test('every console page checks the session and its role', async () => {
  const list = pages();
  expect(list.length).toBeGreaterThanOrEqual(10);
  expect(list.filter((p) => (p.role as string) === 'missing')).toEqual([]);
  const anonymous = await apiAs('anonymous');
  for (const p of list) {
    const res = await anonymous.get(p.url, { maxRedirects: 0 });
    expect(res.status(), p.url).toBe(307);
    expect(res.headers()['location'], p.url).toMatch(/\/signin\?callbackUrl=/);
  }
  await anonymous.dispose();
  const order: Role[] = ['viewer', 'operator', 'admin'];
  for (const who of ['viewer', 'operator'] as const) {
    const api = await apiAs(who);
    for (const p of list) {
      const res = await api.get(p.url, { maxRedirects: 0 });
      if (order.indexOf(who) < order.indexOf(p.role)) expect(res.status(), `${who} → ${p.url}`).toBe(403);
      else expect(res.status(), `${who} → ${p.url}`).toBeLessThan(500);
    }
    await api.dispose();
  }
});

const XSS = '<img src=x onerror=alert(1)><script>alert(2)</script>';

test.describe('hostile text', () => {
  test.use({ storageState: storageStatePath('admin') });

  test('in schedule templates, dead-letter groups and audit parameters renders as text', async ({ page }) => {
    const dialogs: string[] = [];
    page.on('dialog', async (d) => {
      dialogs.push(d.message());
      await d.dismiss();
    });
    const api = await apiAs('admin');
    const queueName = `xss-${Date.now()}`;
    // A schedule whose template name and data are hostile.
    const put = await api.put(`/api/v1/connections/default/queues/${queueName}/schedulers/xss-schedule`, {
      data: { every: 3_600_000, template: { name: `tmpl ${XSS}`, data: { html: XSS } } },
    });
    expect(put.status()).toBeLessThan(300);
    // A failed job with a hostile error, sent to the dead-letter queue (its error group shows the text).
    const queue = new Queue(queueName, { connection: { url: redisUrl() } });
    const worker = new Worker(queueName, async () => {
      throw new Error(`boom ${XSS}`);
    }, { connection: { url: redisUrl() } });
    await queue.add(`job ${XSS}`, { html: XSS });
    // (The interval schedule above also produced a first job at once: it fails the same way.)
    await expect.poll(() => queue.getFailedCount(), { timeout: 15_000 }).toBeGreaterThanOrEqual(1);
    await worker.close();
    const bulk = await api.post(`/api/v1/connections/default/queues/${queueName}/jobs/bulk`, { data: { action: 'dead-letter', state: 'failed' } });
    expect(bulk.status()).toBe(200);
    // An audit entry whose parameters carry the hostile text (a job added with that name).
    expect((await api.post(`/api/v1/connections/default/queues/${queueName}/jobs`, { data: { name: `added ${XSS}`, data: { x: XSS } } })).status()).toBe(201);

    // Wide enough for the schedules table's Template column (shown by priority as the box has room).
    await page.setViewportSize({ width: 1920, height: 1080 });
    await page.goto(`/schedules?queue=default/${queueName}`);
    await expect(page.getByText(`tmpl ${XSS}`).first()).toBeVisible();
    await page.goto('/dlq/default');
    await expect(page.getByText(XSS, { exact: false }).first()).toBeVisible();
    await page.goto(`/audit?queue=${queueName}&action=job.add`);
    await expect(page.getByTestId('audit-table')).toContainText(`added ${XSS}`);
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    expect(dialogs).toEqual([]);

    await api.delete(`/api/v1/connections/default/queues/${queueName}/schedulers/xss-schedule`);
    await queue.obliterate({ force: true }).catch(() => {});
    await queue.close();
    await api.dispose();
  });
});
