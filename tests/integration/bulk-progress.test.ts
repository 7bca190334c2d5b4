// A bulk operation's progress is kept under its id while it runs and an hour after its last update,
// then forgotten (404): on both stores of the console connection.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { consoleForThisFile, type TestConsole } from '../helpers/console-store';
import { STORE_KINDS } from '../helpers/stores';
import { KEYS } from '@/lib/keys';
import { getOperationProgress, progressReporter, readOperationProgress } from '@/lib/progress/bulk-progress';

/** How long the store still keeps the operation (ms), and ending it now (as an hour passing would). */
function peekProgress(c: TestConsole) {
  if (c.kind === 'redis') {
    return {
      keptForMs: (id: string) => c.redis().pttl(KEYS.operation(id)),
      expireNow: async (id: string) => void (await c.redis().pexpire(KEYS.operation(id), 1)),
      rows: async () => 0,
    };
  }
  return {
    keptForMs: async (id: string) => Number((await c.pool().query<{ ms: string }>('SELECT expires_at - $2::bigint AS ms FROM drover.operation WHERE id = $1', [id, Date.now()])).rows[0]?.ms ?? -2),
    expireNow: async (id: string) => void (await c.pool().query('UPDATE drover.operation SET expires_at = 0 WHERE id = $1', [id])),
    rows: async () => Number((await c.pool().query<{ n: string }>('SELECT count(*) AS n FROM drover.operation')).rows[0].n),
  };
}

describe.each(STORE_KINDS)('bulk operation progress on %s', (kind) => {
  const c = consoleForThisFile(kind);
  const peek = peekProgress(c);

  it('reports batches under the operation id, the last one read back, kept an hour after it', async () => {
    const id = randomUUID();
    expect(await getOperationProgress(id)).toBeNull();
    await expect(readOperationProgress(id)).rejects.toThrow(/No operation/);
    const report = progressReporter(id);
    await report({ done: 100, total: 1000, phase: 'retrying' });
    await report({ done: 1000, total: 1000, phase: 'done', finished: true });
    const progress = await readOperationProgress(id);
    expect(progress).toMatchObject({ done: 1000, total: 1000, phase: 'done', finished: true });
    expect(progress.updatedAt).toBeGreaterThan(Date.now() - 60_000);
    const kept = await peek.keptForMs(id);
    expect(kept).toBeGreaterThan(59 * 60_000);
    expect(kept).toBeLessThanOrEqual(60 * 60_000);
    // Another operation is its own record; no operation id reports nowhere.
    expect(await getOperationProgress(randomUUID())).toBeNull();
    await progressReporter(undefined)({ done: 1, total: 1, phase: 'x' });
  });

  it('an operation whose hour has passed is forgotten', async () => {
    const id = randomUUID();
    await progressReporter(id)({ done: 5, total: 10, phase: 'draining' });
    await peek.expireNow(id);
    if (kind === 'redis') await expect.poll(() => c.redis().exists(KEYS.operation(id))).toBe(0);
    expect(await getOperationProgress(id)).toBeNull();
    await expect(readOperationProgress(id)).rejects.toThrow(/finished over an hour ago/);
  });
});

describe('bulk operation progress on PostgreSQL: expired rows', () => {
  const c = consoleForThisFile('postgres');
  const peek = peekProgress(c);

  it('are deleted by later saves, at most 100 per save', async () => {
    const ids = Array.from({ length: 250 }, () => randomUUID());
    for (const id of ids) await progressReporter(id)({ done: 1, total: 1, phase: 'done', finished: true });
    expect(await peek.rows()).toBe(250);
    await c.pool().query('UPDATE drover.operation SET expires_at = 0');
    const live = randomUUID();
    await progressReporter(live)({ done: 0, total: 5, phase: 'starting' });
    expect(await peek.rows()).toBe(250 - 100 + 1);
    await progressReporter(live)({ done: 1, total: 5, phase: 'running' });
    await progressReporter(live)({ done: 2, total: 5, phase: 'running' });
    expect(await peek.rows()).toBe(1);
    expect(await getOperationProgress(live)).toMatchObject({ done: 2, phase: 'running' });
  });
});
