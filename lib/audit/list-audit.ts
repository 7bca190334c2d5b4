// Reads the audit log newest first with filters, scanning in bounded chunks (a cursor continues).
import 'server-only';
import { z } from 'zod';
import { auditStore } from '@/lib/store/console/audit';
import { auditEntrySchema, auditOutcomeSchema, type AuditEntry } from './audit-entry';
import { isUnscoped, roleAt, wholeConnectionRole, type Access } from '@/lib/auth/scope';
import { capOnDeadLetterQueue } from '@/lib/auth/dead-letter-queue-scope';

export const auditQuerySchema = z.object({
  user: z.string().trim().max(254).optional(),
  action: z.string().trim().max(100).optional(),
  queue: z.string().trim().max(200).optional(),
  outcome: auditOutcomeSchema.optional(),
  /** ms since epoch */
  from: z.coerce.number().int().min(0).optional(),
  to: z.coerce.number().int().min(0).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  /** entry id to continue before (exclusive): "<ms>-<n>", both parts within PostgreSQL's bigint */
  cursor: z.string().regex(/^\d{1,16}-\d{1,18}$/, 'cursor must be an audit entry id').optional(),
});
export type AuditQuery = z.infer<typeof auditQuerySchema>;

const CHUNK = 1000;
/** Entries one request examines at most (README: 50,000); past it the answer carries a cursor to go on. */
export const MAX_SCAN = 50_000;

/**
 * Team scopes (README › Team scopes): which entries a caller with grants may read. An entry about a
 * queue needs the admin role on that queue; one about a whole connection (no queue) the admin role on
 * every queue of it; one about no connection (users, tokens, sign-ins, the console) the global admin role.
 */
function visibleTo(access: Access, e: AuditEntry): boolean {
  if (e.connection === undefined) return access.global === 'admin';
  if (e.queue === undefined) return wholeConnectionRole(access, e.connection) === 'admin';
  // The DLQ queue's entries (requeue, purge) concern every queue of the connection: admin on all of them.
  return capOnDeadLetterQueue(access, e.connection, e.queue, roleAt(access, e.connection, e.queue)) === 'admin';
}

function matches(e: AuditEntry, q: AuditQuery): boolean {
  if (q.user && !e.actor.toLowerCase().includes(q.user.toLowerCase())) return false;
  if (q.action && !e.action.startsWith(q.action)) return false;
  if (q.queue && e.queue !== q.queue) return false;
  if (q.outcome && e.outcome !== q.outcome) return false;
  return true;
}

/**
 * `access`: the caller's (absent or without grants: every entry, as before team scopes). A scoped caller
 * pages through the same log with the same cursor and bound, keeping only the entries it may read, and
 * is not told the log's size (`total` null).
 */
export async function listAudit(q: AuditQuery, access?: Access, maxScan = MAX_SCAN): Promise<{ entries: AuditEntry[]; cursor: string | null; scanned: number; total: number | null }> {
  const store = auditStore();
  const scope = access && !isUnscoped(access) ? access : null;
  const entries: AuditEntry[] = [];
  let cursor = q.cursor;
  let scanned = 0;
  let lastId: string | null = null;
  let exhausted = false;
  while (entries.length < q.limit && scanned < maxScan) {
    const asked = Math.min(CHUNK, maxScan - scanned);
    const batch = await store.readBefore({ cursor, from: q.from, to: q.to, count: asked });
    if (batch.length === 0) {
      exhausted = true;
      break;
    }
    for (const { id, json } of batch) {
      scanned++;
      lastId = id;
      let parsed;
      try {
        parsed = auditEntrySchema.safeParse({ id, ...JSON.parse(json) });
      } catch {
        continue;
      }
      if (parsed.success && matches(parsed.data, q) && (!scope || visibleTo(scope, parsed.data))) {
        entries.push(parsed.data);
        if (entries.length >= q.limit) break;
      }
    }
    if (batch.length < asked && entries.length < q.limit) {
      exhausted = true;
      break;
    }
    cursor = lastId!;
  }
  const aggregated = entries.filter((e) => e.outcome !== 'ok');
  const [total, repeats] = await Promise.all([scope ? null : store.size(), store.repeats(aggregated.map((e) => e.id))]);
  aggregated.forEach((e, i) => {
    const r = repeats[i];
    if (r && r.count > 1) e.repeats = r;
  });
  return { entries, cursor: exhausted || !lastId ? null : lastId, scanned, total };
}
