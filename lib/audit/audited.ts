// Runs a mutation and records its outcome in the audit log, success or failure.
import 'server-only';
import type { Principal } from '@/lib/auth/principal';
import { DroverError, toDroverError } from '@/lib/errors';
import type { AuditOutcome } from './audit-entry';
import { getConnection, getConsoleConnection } from '@/lib/redis/connections';
import { KEYS } from '@/lib/keys';
import { recordAudit } from './record-audit';

export type AuditContext = {
  actor: Principal;
  via: 'ui' | 'api' | 'cli' | 'system';
};

export type AuditMeta = {
  action: string;
  connection?: string;
  queue?: string;
  jobIds?: string[];
  params?: Record<string, unknown>;
};

/** Refuses early (nothing changed) when the target Redis or the audit's Redis is out of memory. */
async function probeWrites(connection: string | undefined): Promise<void> {
  const consoleConn = getConsoleConnection();
  const target = connection ? (() => { try { return getConnection(connection); } catch { return null; } })() : null;
  await Promise.all([
    consoleConn.redis.set(KEYS.consoleWriteProbe, Date.now(), 'PX', 10_000),
    target && target !== consoleConn && !target.readOnly ? target.probeWrite() : null,
  ]);
}

export function outcomeOf(err: DroverError): AuditOutcome {
  if (err.code === 'forbidden' || err.code === 'read_only' || err.code === 'unauthorized') return 'denied';
  if (err.code === 'invalid' || err.code === 'payload_too_large') return 'invalid';
  return 'error';
}

/**
 * `fn` returns the result plus optional audit details learned while acting (e.g. the new job id or
 * how many jobs a bulk call touched).
 */
export async function audited<T>(
  ctx: AuditContext,
  meta: AuditMeta,
  fn: () => Promise<{ result: T; jobIds?: string[]; count?: number; details?: Record<string, unknown> }>,
): Promise<T> {
  const base = {
    actor: ctx.actor.name,
    role: ctx.actor.role,
    via: ctx.via,
    action: meta.action,
    connection: meta.connection,
    queue: meta.queue,
  };
  let outcome;
  try {
    await probeWrites(meta.connection);
    outcome = await fn();
  } catch (err) {
    const error = toDroverError(err, meta.connection);
    await recordAudit({ ...base, jobIds: meta.jobIds, params: meta.params, outcome: outcomeOf(error), message: error.message }).catch(() => {});
    throw error;
  }
  try {
    await recordAudit({
      ...base,
      jobIds: outcome.jobIds ?? meta.jobIds,
      count: outcome.count,
      params: { ...meta.params, ...outcome.details },
      outcome: 'ok',
    });
  } catch (err) {
    // The change happened; only its record is missing (recordAudit logged the full entry). Say both.
    const cause = toDroverError(err, meta.connection);
    throw new DroverError(cause.code === 'internal' ? 'unavailable' : cause.code, 503, `${meta.action} was applied, but its audit entry could not be written (${cause.message}); the entry is in the server log`);
  }
  return outcome.result;
}
