import { auditQuerySchema, listAudit } from '@/lib/audit/list-audit';

/**
 * The newest audit entry of the configured console connection, as the audit page reads it (either
 * store). The argument (a client the suites used to pass) is ignored: the audit is read through lib/.
 */
export async function lastAudit(_client?: unknown): Promise<Record<string, unknown>> {
  const [entry] = (await listAudit(auditQuerySchema.parse({ limit: 1 }))).entries;
  if (!entry) throw new Error('lastAudit: the audit log is empty');
  return entry;
}
