// Live updates on both stores (one suite, parameterized): a watched queue's job and queue events reach
// the browser's listener in order, unknown queues are refused, and a connection holds one reader (on
// PostgreSQL: one LISTEN connection) however many queues are watched.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job } from 'bullmq';
import { STORE_KINDS, startConfiguredStore, type TestStore } from '../helpers/stores';
import { waitFor } from '../helpers/wait';
import { closeAllConnections, getConnection } from '@/lib/redis/connections';
import { subscribeToQueue } from '@/lib/events/queue-events-hub';
import { assertQueuesExist } from '@/lib/events/assert-queues-exist';
import { eventStreamReader } from '@/lib/events/event-stream-reader';
import type { LiveEvent } from '@/lib/events/live-event';

describe.each(STORE_KINDS)('live updates on %s', (kind) => {
  let store: TestStore;

  beforeAll(async () => {
    store = await startConfiguredStore(kind);
    // The queues exist before anyone watches them (a live stream may only watch existing queues).
    for (const name of ['live', 'quiet-1', 'quiet-2', 'quiet-3']) await store.queue(name).add('seed', {}, { delay: 3_600_000 });
  });

  afterAll(async () => {
    await closeAllConnections();
    await store?.stop();
  });

  it('delivers a job\'s events from added to completed, with progress, in order', async () => {
    const events: LiveEvent[] = [];
    const off = subscribeToQueue('main', 'live', (e) => events.push(e));
    const quiet = ['quiet-1', 'quiet-2', 'quiet-3'].map((q) => subscribeToQueue('main', q, () => {}));
    try {
      expect(eventStreamReader('main').size).toBe(4);
      // Watching starts after the current end of the stream, once the reader has read where that is:
      // probe jobs are added until one of their events arrives.
      const queue = store.queue('live');
      await waitFor(
        async () => {
          await queue.add('probe', {}, { delay: 3_600_000 });
          return events.length > 0;
        },
        { what: 'the first event of a watched queue', interval: 200 },
      );
      const job = await queue.add('render', { n: 1 });
      store.worker('live', async (j: Job) => {
        await j.updateProgress(50);
        return 'ok';
      });
      await waitFor(() => events.some((e) => e.type === 'job' && e.jobId === job.id && e.event === 'completed'), { what: 'the completed event', timeout: 20_000 });
      const mine = events.filter((e) => e.type === 'job' && e.jobId === job.id).map((e) => (e.type === 'job' ? e.event : ''));
      expect(mine[0]).toBe('added');
      expect(mine).toEqual(expect.arrayContaining(['added', 'active', 'progress', 'completed']));
      expect(mine.indexOf('active')).toBeLessThan(mine.indexOf('completed'));
      const progress = events.find((e) => e.type === 'job' && e.event === 'progress');
      expect(progress).toMatchObject({ progress: 50 });
      await queue.pause();
      await waitFor(() => events.some((e) => e.type === 'queue' && e.event === 'paused'), { what: 'the paused event' });
      if (kind === 'postgres') {
        const { rows } = await getConnection('main').pg.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'drover-events'`);
        expect(rows[0].n).toBe(1);
      }
    } finally {
      off();
      quiet.forEach((q) => q());
    }
  });

  it('refuses to watch a queue that does not exist', async () => {
    await expect(assertQueuesExist([{ connection: 'main', queue: 'live' }])).resolves.toBeUndefined();
    await expect(assertQueuesExist([{ connection: 'main', queue: 'no-such-queue' }])).rejects.toThrow('Queue "no-such-queue" not found on connection "main"');
  });
});
