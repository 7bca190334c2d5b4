// "Retry all failed" A/B, one for both stores: Drover's bulk retry of a whole state against Bull Board's
// retry of the queue's failed jobs, each answer checked against the store, the data set put back
// (by the store's own means) and checked between samples.
import { measureAb, type AbResult } from './ab';
import type { HttpClient } from './http';

export type RetryCounts = { failed: number; waiting: number; completed: number };

export async function measureRetryAllAb(o: {
  name: string;
  /** "Redis" or "PostgreSQL", for the messages */
  store: string;
  drover: HttpClient;
  peer: HttpClient;
  /** Drover's queue path ("/api/v1/connections/<conn>/queues/<queue>") and Bull Board's queue name */
  droverQueue: string;
  peerQueue: string;
  expected: RetryCounts;
  counts: () => Promise<RetryCounts>;
  /** puts the failed jobs back as they were before the first retry (not timed) */
  putBack: () => Promise<void>;
  warmup: number;
  samples: number;
  log: (line: string) => void;
  probe?: () => Promise<number>;
}): Promise<AbResult> {
  const { expected } = o;
  const restore = async () => {
    await o.putBack();
    const c = await o.counts();
    if (c.failed !== expected.failed || c.waiting !== expected.waiting || c.completed !== expected.completed) {
      throw new Error(`restore left ${c.failed} failed, ${c.waiting} waiting, ${c.completed} completed`);
    }
  };
  const expectRetried = async (who: string, reported: number) => {
    const c = await o.counts();
    if (reported !== expected.failed || c.failed !== 0 || c.waiting !== expected.waiting + expected.failed) {
      throw new Error(`${who} reported ${reported} retried; ${o.store} has ${c.failed} failed, ${c.waiting} waiting`);
    }
  };
  return measureAb(
    o.name,
    {
      drover: {
        run: async () => {
          const res = await o.drover.timed<{ succeeded: number }>('POST', `${o.droverQueue}/jobs/bulk`, { action: 'retry', state: 'failed' });
          await expectRetried('Drover', res.body.succeeded);
          return res.ms;
        },
        reset: restore,
      },
      peer: {
        run: async () => {
          const res = await o.peer.timed<{ retried: number }>('PUT', `/api/queues/${o.peerQueue}/retry/failed`);
          await expectRetried('Bull Board', res.body.retried);
          return res.ms;
        },
        reset: restore,
      },
    },
    { warmup: o.warmup, samples: o.samples, log: o.log, probe: o.probe },
  );
}
