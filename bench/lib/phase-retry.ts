// Retry all 30,000 failed jobs of `big`, A/B, with the data set restored before the next sample.
import { measureAb } from './ab';
import type { BenchContext } from './context';
import { abRow, DROVER_QUEUE } from './phase-reads';
import type { Row } from './report';
import { BIG, COMPLETED, FAILED, WAITING } from './seed';
import { restoreSnapshot, retryKeys, takeSnapshot } from './snapshot';

export async function measureRetryAll(ctx: BenchContext, samples: number): Promise<Row> {
  const { redis, drover: d, peer: p, log } = ctx;
  log(`retry all ${FAILED.toLocaleString('en')} failed (snapshot of the affected keys first)…`);
  const snapshot = await takeSnapshot(redis, await retryKeys(redis, BIG));
  const counts = async () => {
    const [failed, waiting, completed] = await Promise.all([redis.zcard(`bull:${BIG}:failed`), redis.llen(`bull:${BIG}:wait`), redis.zcard(`bull:${BIG}:completed`)]);
    return { failed, waiting, completed };
  };
  const restore = async () => {
    await restoreSnapshot(redis, snapshot);
    const c = await counts();
    if (c.failed !== FAILED || c.waiting !== WAITING || c.completed !== COMPLETED) throw new Error(`restore left ${c.failed} failed, ${c.waiting} waiting, ${c.completed} completed`);
  };
  const expectRetried = async (who: string, reported: number) => {
    const c = await counts();
    if (reported !== FAILED || c.failed !== 0 || c.waiting !== WAITING + FAILED) {
      throw new Error(`${who} reported ${reported} retried; Redis has ${c.failed} failed, ${c.waiting} waiting`);
    }
  };
  const r = await measureAb(
    `retry all ${FAILED} failed`,
    {
      drover: {
        run: async () => {
          const res = await d.timed<{ succeeded: number }>('POST', `${DROVER_QUEUE}/jobs/bulk`, { action: 'retry', state: 'failed' });
          await expectRetried('Drover', res.body.succeeded);
          return res.ms;
        },
        reset: restore,
      },
      peer: {
        run: async () => {
          const res = await p.timed<{ retried: number }>('PUT', `/api/queues/${BIG}/retry/failed`);
          await expectRetried('Bull Board', res.body.retried);
          return res.ms;
        },
        reset: restore,
      },
    },
    { warmup: ctx.warmup, samples, log, probe: ctx.redisCpuMs },
  );
  return abRow(`retry all ${FAILED.toLocaleString('en')} failed jobs`, r, 0.15);
}
