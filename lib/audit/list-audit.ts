// Reads the audit stream newest first with filters, scanning in bounded chunks (a cursor continues).
import 'server-only';
import { z } from 'zod';
import { getConsoleConnection } from '@/lib/redis/connections';
import { KEYS } from '@/lib/keys';
import { auditEntrySchema, auditOutcomeSchema, type AuditEntry } from './audit-entry';

export const auditQuerySchema = z.object({
  user: z.string().trim().max(254).optional(),
  action: z.string().trim().max(100).optional(),
  queue: z.string().trim().max(200).optional(),
  outcome: auditOutcomeSchema.optional(),
  /** ms since epoch */
  from: z.coerce.number().int().min(0).optional(),
  to: z.coerce.number().int().min(0).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  /** stream id to continue before (exclusive) */
  cursor: z.string().regex(/^\d+-\d+$/, 'cursor must be a stream id').optional(),
});
export type AuditQuery = z.infer<typeof auditQuerySchema>;

const CHUNK = 1000;
const MAX_SCAN = 50_000;

function matches(e: AuditEntry, q: AuditQuery): boolean {
  if (q.user && !e.actor.toLowerCase().includes(q.user.toLowerCase())) return false;
  if (q.action && !e.action.startsWith(q.action)) return false;
  if (q.queue && e.queue !== q.queue) return false;
  if (q.outcome && e.outcome !== q.outcome) return false;
  return true;
}

/** One stream id before `id` (XREVRANGE end is inclusive). */
function before(id: string): string {
  const [ms, seq] = id.split('-').map(Number);
  return seq > 0 ? `${ms}-${seq - 1}` : `${ms - 1}-18446744073709551615`;
}

export async function listAudit(q: AuditQuery): Promise<{ entries: AuditEntry[]; cursor: string | null; scanned: number; total: number }> {
  const redis = getConsoleConnection().redis;
  const entries: AuditEntry[] = [];
  let end = q.cursor ? before(q.cursor) : q.to ? `${q.to}-18446744073709551615` : '+';
  const start = q.from ? `${q.from}-0` : '-';
  let scanned = 0;
  let lastId: string | null = null;
  let exhausted = false;
  while (entries.length < q.limit && scanned < MAX_SCAN) {
    const batch = await redis.xrevrange(KEYS.audit, end, start, 'COUNT', CHUNK);
    if (batch.length === 0) {
      exhausted = true;
      break;
    }
    for (const [id, fields] of batch) {
      scanned++;
      lastId = id;
      const raw = fields[fields.indexOf('e') + 1];
      let parsed;
      try {
        parsed = auditEntrySchema.safeParse({ id, ...JSON.parse(raw) });
      } catch {
        continue;
      }
      if (parsed.success && matches(parsed.data, q)) {
        entries.push(parsed.data);
        if (entries.length >= q.limit) break;
      }
    }
    if (batch.length < CHUNK && entries.length < q.limit) {
      exhausted = true;
      break;
    }
    end = before(lastId!);
  }
  const aggregated = entries.filter((e) => e.outcome !== 'ok');
  const [total, repeats] = await Promise.all([
    redis.xlen(KEYS.audit),
    aggregated.length ? redis.hmget(KEYS.auditRepeats, ...aggregated.map((e) => e.id)) : Promise.resolve([] as Array<string | null>),
  ]);
  aggregated.forEach((e, i) => {
    const m = /^(\d+) (\d+) (\d+)$/.exec(repeats[i] ?? '');
    if (m && Number(m[1]) > 1) e.repeats = { count: Number(m[1]), first: Number(m[2]), last: Number(m[3]) };
  });
  return { entries, cursor: exhausted || !lastId ? null : lastId, scanned, total };
}
