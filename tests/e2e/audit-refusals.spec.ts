// Refusals that happen before an operation runs (cross-origin, bad path parameters) leave an audit entry.
import { expect, test } from '@playwright/test';
import { apiAs } from './support';

test('a cross-origin mutation and a bad path parameter by a signed-in user are audited as refusals', async () => {
  const operator = await apiAs('operator');
  const forged = await operator.post('/api/v1/connections/default/queues/audit-probe/pause', { headers: { origin: 'https://evil.example' } });
  expect(forged.status()).toBe(403);
  const badPath = await operator.post(`/api/v1/connections/default/queues/${encodeURIComponent('bad:name')}/pause`);
  expect(badPath.status()).toBe(400);
  await operator.dispose();

  const admin = await apiAs('admin');
  const audit = await (await admin.get('/api/v1/audit?user=operator@e2e.test&action=queue.pause')).json();
  const entries = audit.entries as Array<{ outcome: string; message?: string; queue?: string }>;
  expect(entries.find((e) => e.outcome === 'denied')).toMatchObject({ queue: 'audit-probe', message: expect.stringMatching(/Cross-origin request refused/) });
  expect(entries.find((e) => e.outcome === 'invalid')).toMatchObject({ message: expect.stringMatching(/^Invalid path/) });
  await admin.dispose();
});
