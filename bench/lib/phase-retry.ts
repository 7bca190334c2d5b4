// Retry all 30,000 failed jobs of `big`, A/B, with the data set restored before the next sample.
import { measureRetryAllAb } from './retry-ab';
import type { BenchContext } from './context';
import { abRow, DROVER_QUEUE } from './phase-reads';
import type { Row } from './report';
import { BIG, COMPLETED, FAILED, WAITING } from './seed';
import { restoreSnapshot, retryKeys, takeSnapshot } from './snapshot';

export async function measureRetryAll(ctx: BenchContext, samples: number): Promise<Row> {
  const { redis, drover: d, peer: p, log } = ctx;
  log(`retry all ${FAILED.toLocaleString('en')} failed (snapshot of the affected keys first)…`);
  const snapshot = await takeSnapshot(redis, await retryKeys(redis, BIG));
  const r = await measureRetryAllAb({
    name: `retry all ${FAILED} failed`,
    store: 'Redis',
    drover: d,
    peer: p,
    droverQueue: DROVER_QUEUE,
    peerQueue: BIG,
    expected: { failed: FAILED, waiting: WAITING, completed: COMPLETED },
    counts: async () => {
      const [failed, waiting, completed] = await Promise.all([redis.zcard(`bull:${BIG}:failed`), redis.llen(`bull:${BIG}:wait`), redis.zcard(`bull:${BIG}:completed`)]);
      return { failed, waiting, completed };
    },
    putBack: () => restoreSnapshot(redis, snapshot),
    warmup: ctx.warmup,
    samples,
    log,
    probe: ctx.redisCpuMs,
  });
  return abRow(`retry all ${FAILED.toLocaleString('en')} failed jobs`, r, 0.15);
}
