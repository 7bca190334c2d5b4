// Queue discovery on a keyspace too big for one scan step: each step stops after its budget and the
// next resumes where it stopped, so every queue is found however many keys the store holds (before,
// each step restarted at cursor 0 and a big enough keyspace was never walked to the end); and a
// finished scan is repeated no sooner than 50× its own duration. Against a real redis-server.
import { describe, expect, it } from 'vitest';
import { Queue } from 'bullmq';
import { redisForThisFile } from '../helpers/console-env';

// One millisecond per step: 200,000 keys take many steps. Read when the module loads: set first.
process.env.DROVER_DISCOVERY_SCAN_MS = '1';
const redis = redisForThisFile();

describe('queue discovery in bounded, resumable steps', () => {
  it('walks the whole keyspace over several steps and finds every queue, keeping the names known so far meanwhile', async () => {
    const { getConnection } = await import('@/lib/redis/connections');
    const { discoverQueues } = await import('@/lib/queues/discover-queues');
    const names = ['alpha', 'beta', 'gamma', 'delta'];
    for (const name of names) {
      const q = redis.track(new Queue(name, { connection: { url: redis.url } }));
      await q.add('x', { name });
    }
    const client = redis.client();
    // 200,000 other keys around the queues' meta keys.
    await client.eval("for i = 1, tonumber(ARGV[1]) do redis.call('SET', 'filler:' .. i, '1') end return 1", 0, 200_000);
    client.disconnect();

    const conn = getConnection('default');
    let steps = 0;
    let found = await discoverQueues(conn, { refresh: true });
    steps++;
    expect(found.complete).toBe(false);
    while (!found.complete && steps < 5000) {
      const before = found.queues;
      found = await discoverQueues(conn, { refresh: true });
      steps++;
      // A step never loses a queue an earlier step found.
      for (const name of before) expect(found.queues).toContain(name);
    }
    expect(found.complete).toBe(true);
    expect(steps).toBeGreaterThan(2);
    expect(found.queues.filter((n) => names.includes(n)).sort()).toEqual([...names].sort());
    // A full walk's duration is the sum of its steps, which spaces the next background walk.
    expect(found.scanMs).toBeGreaterThanOrEqual(steps - 1);
  });

  it('repeats a finished scan no sooner than 50× its duration (at least the interval), an unfinished one at once', async () => {
    const { discoveryIsDue } = await import('@/lib/queues/discover-queues');
    // 15 s interval (default): a 10 ms scan is due after 15 s.
    expect(discoveryIsDue(14_999, 10, true)).toBe(false);
    expect(discoveryIsDue(15_000, 10, true)).toBe(true);
    // A 2 s scan (millions of keys) is due after 100 s, not 15 s.
    expect(discoveryIsDue(60_000, 2000, true)).toBe(false);
    expect(discoveryIsDue(100_000, 2000, true)).toBe(true);
    expect(discoveryIsDue(0, 2000, false)).toBe(true);
  });
});
