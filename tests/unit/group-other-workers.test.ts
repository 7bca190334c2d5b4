// Other BullMQ workers grouped from CLIENT LIST: one entry per name, queues and addresses capped with
// totals, in time linear in the client list (thousands of queues × many clients).
import { describe, expect, it } from 'vitest';
import { groupOtherWorkers } from '@/lib/workers/group-other-workers';
import { parseClientList, type WorkerInfo } from '@/lib/queues/workers-by-queue';
import { BUSY_LIMITS } from '@/lib/workers/busy-schemas';

const NOW = Date.UTC(2026, 11, 6, 14, 0, 0);
const never = () => false;

/** A CLIENT LIST line as Redis writes it for a BullMQ worker's connection. */
const line = (id: number, queue: string, name: string, age = 10) => `id=${id} addr=10.0.${(id >> 8) & 255}.${id & 255}:${40000 + (id % 20000)} fd=8 name=bull:${Buffer.from(queue).toString('base64')}:w:${name} age=${age} idle=0 flags=b db=0 cmd=bzpopmin`;

describe('groupOtherWorkers', () => {
  it('groups a name across queues, an unnamed worker per queue, and keeps the earliest connection', () => {
    const list = [line(1, 'b', 'billing', 30), line(2, 'a', 'billing', 90), `id=3 addr=10.0.0.3:1 name=bull:${Buffer.from('c').toString('base64')} age=5`].join('\n');
    const groups = groupOtherWorkers(parseClientList(list, 'bull'), never, NOW);
    expect(groups.map((g) => [g.name, g.queues, g.queuesTotal, g.addresses.length, g.addressesTotal])).toEqual([
      ['(unnamed)', ['c'], 1, 1, 1],
      ['billing', ['a', 'b'], 2, 2, 2],
    ]);
    expect(groups[1].startedAt).toBe(NOW - 90_000);
  });

  it(`lists at most ${BUSY_LIMITS.queuesPerProcess} queues and ${BUSY_LIMITS.addressesPerProcess} addresses per name (by name), with totals`, () => {
    const lines = Array.from({ length: 120 }, (_, i) => line(i + 1, `q${String(i).padStart(3, '0')}`, 'fleet'));
    const [fleet] = groupOtherWorkers(parseClientList(lines.join('\n'), 'bull'), never, NOW);
    expect(fleet.queues).toHaveLength(BUSY_LIMITS.queuesPerProcess);
    expect(fleet.queues[0]).toBe('q000');
    expect(fleet.queuesTotal).toBe(120);
    expect(fleet.addresses).toHaveLength(BUSY_LIMITS.addressesPerProcess);
    expect(fleet.addressesTotal).toBe(120);
  });

  it('groups 5,000 queues × 12 clients of one name without quadratic work', () => {
    const byQueue = new Map<string, WorkerInfo[]>();
    let id = 0;
    for (let q = 0; q < 5_000; q += 1) {
      byQueue.set(`queue-${q}`, Array.from({ length: 12 }, () => ({ name: 'fleet', addr: `10.1.${(id >> 8) & 255}.${id & 255}:${(id += 1)}`, ageSeconds: 1, idleSeconds: 0 })));
    }
    const started = performance.now();
    const [fleet] = groupOtherWorkers(byQueue, never, NOW);
    const elapsed = performance.now() - started;
    expect(fleet.queuesTotal).toBe(5_000);
    expect(fleet.addressesTotal).toBe(60_000);
    // Linear: tens of ms; the quadratic version took seconds.
    expect(elapsed).toBeLessThan(1_500);
  });
});
