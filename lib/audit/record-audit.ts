// Appends to the capped audit stream (drover:audit, ~100k entries).
import 'server-only';
import { getConsoleConnection } from '@/lib/redis/connections';
import { KEYS } from '@/lib/keys';
import { logger } from '@/lib/log';
import type { NewAuditEntry } from './audit-entry';

export const AUDIT_MAX_ENTRIES = 100_000;
const MAX_JOB_IDS = 100;
const SECRET_PARAM = /pass(word)?|secret|token|authorization|cookie/i;

/** Parameters without secrets, each value capped so a huge payload cannot bloat the log. */
export function sanitizeParams(params: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!params) return undefined;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined) continue;
    if (SECRET_PARAM.test(key)) {
      out[key] = '[redacted]';
      continue;
    }
    const json = JSON.stringify(value) ?? 'null';
    out[key] = json.length > 2000 ? `${json.slice(0, 2000)}… (${json.length} chars)` : value;
  }
  return out;
}

export async function recordAudit(entry: NewAuditEntry): Promise<void> {
  const jobIds = entry.jobIds && entry.jobIds.length > MAX_JOB_IDS ? entry.jobIds.slice(0, MAX_JOB_IDS) : entry.jobIds;
  const full = {
    ...entry,
    ts: Date.now(),
    jobIds,
    count: entry.count ?? entry.jobIds?.length,
    params: sanitizeParams(entry.params),
  };
  try {
    await getConsoleConnection().redis.xadd(KEYS.audit, 'MAXLEN', '~', String(AUDIT_MAX_ENTRIES), '*', 'e', JSON.stringify(full));
  } catch (err) {
    // Never lose the record silently: it goes to the process log when Redis refuses it.
    logger.error({ event: 'audit.write_failed', audit: full, err: (err as Error).message }, 'audit entry could not be written');
    throw err;
  }
}
