// The schedule watch on the console Redis: a hash of watch records per connection, a sorted set of runs
// (score: due time) per scheduler, trimmed to the newest N and expiring 30 days after its last write.
import 'server-only';
import type { Connection } from '@/lib/redis/connections';
import { KEYS, SCHEDULE_RUNS_TTL_MS } from '@/lib/keys';
import { splitWatchField, type RunRow, type ScheduleWatchStore } from '@/lib/store/console/schedule-watch';

export class RedisScheduleWatchStore implements ScheduleWatchStore {
  constructor(private readonly conn: Connection) {}

  private runsKey(conn: string, field: string): string {
    return KEYS.scheduleRuns(conn, ...splitWatchField(field));
  }

  async watched(conn: string): Promise<Map<string, string>> {
    return new Map(Object.entries(await this.conn.redis.hgetall(KEYS.scheduleWatch(conn))));
  }

  record(conn: string, field: string): Promise<string | null> {
    return this.conn.redis.hget(KEYS.scheduleWatch(conn), field);
  }

  async saveWatch(conn: string, records: Array<[string, string]>, removed: string[]): Promise<void> {
    if (records.length === 0 && removed.length === 0) return;
    const tx = this.conn.redis.multi();
    if (records.length) tx.hset(KEYS.scheduleWatch(conn), Object.fromEntries(records));
    if (removed.length) tx.hdel(KEYS.scheduleWatch(conn), ...removed).del(...removed.map((f) => this.runsKey(conn, f)));
    await tx.exec();
  }

  async putRuns(conn: string, field: string, runs: RunRow[], keep: number): Promise<void> {
    if (runs.length === 0) return;
    const key = this.runsKey(conn, field);
    const tx = this.conn.redis.multi();
    for (const r of runs) tx.zremrangebyscore(key, r.due, r.due).zadd(key, r.due, r.json);
    await tx.zremrangebyrank(key, 0, -(keep + 1)).pexpire(key, SCHEDULE_RUNS_TTL_MS).exec();
  }

  runs(conn: string, field: string, limit: number): Promise<string[]> {
    return this.conn.redis.zrevrange(this.runsKey(conn, field), 0, limit - 1);
  }

  async forget(conn: string, field: string): Promise<boolean> {
    const results = await this.conn.redis.multi().hdel(KEYS.scheduleWatch(conn), field).del(this.runsKey(conn, field)).exec();
    return Number(results?.[0]?.[1] ?? 0) === 1;
  }
}
