// The audit log on the console Redis: a capped stream (XADD MAXLEN ~), aggregation keys with the
// window as their expiry, and the repeat counts of aggregated entries in a hash (lib/audit/lua).
import 'server-only';
import type { Connection } from '@/lib/redis/connections';
import { KEYS } from '@/lib/keys';
import { withLuaScripts } from '@/lib/redis/lua-scripts';
import { auditAppendScript } from '@/lib/audit/lua/audit-append-4';
import type { AuditAppend, AuditRepeats, AuditStore, StoredAuditEntry } from '@/lib/store/console/audit';

/** One stream id before `id` (XREVRANGE end is inclusive). */
function before(id: string): string {
  const [ms, seq] = id.split('-').map(Number);
  return seq > 0 ? `${ms}-${seq - 1}` : `${ms - 1}-18446744073709551615`;
}

export class RedisAuditStore implements AuditStore {
  constructor(private readonly conn: Connection) {}

  private get redis() {
    return this.conn.redis;
  }

  async probeWrite(): Promise<void> {
    await this.redis.set(KEYS.consoleWriteProbe, Date.now(), 'PX', 10_000);
  }

  async append(a: AuditAppend): Promise<{ id: string; count: number }> {
    const redis = withLuaScripts(this.redis, [auditAppendScript]);
    const aggregate = a.aggregateDigest !== null;
    const [id, count] = await redis.droverAuditAppend(
      KEYS.audit, KEYS.auditAggregate(a.aggregateDigest ?? ''), KEYS.auditRepeats, KEYS.auditRepeatsIndex, a.json, a.ts, a.windowMs, a.maxEntries, aggregate ? '1' : '0',
    );
    return { id, count: Number(count) };
  }

  async readBefore(q: { cursor?: string; from?: number; to?: number; count: number }): Promise<StoredAuditEntry[]> {
    const end = q.cursor ? before(q.cursor) : q.to ? `${q.to}-18446744073709551615` : '+';
    const start = q.from ? `${q.from}-0` : '-';
    const batch = await this.redis.xrevrange(KEYS.audit, end, start, 'COUNT', q.count);
    return batch.map(([id, fields]) => ({ id, json: fields[fields.indexOf('e') + 1] }));
  }

  async repeats(ids: string[]): Promise<Array<AuditRepeats | null>> {
    if (ids.length === 0) return [];
    const raw = await this.redis.hmget(KEYS.auditRepeats, ...ids);
    return raw.map((v) => {
      const m = /^(\d+) (\d+) (\d+)$/.exec(v ?? '');
      return m ? { count: Number(m[1]), first: Number(m[2]), last: Number(m[3]) } : null;
    });
  }

  size(): Promise<number> {
    return this.redis.xlen(KEYS.audit);
  }
}
