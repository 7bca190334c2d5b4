// Runs a mutation and records its outcome in the audit log, success or failure.
import 'server-only';
import type { Principal } from '@/lib/auth/principal';
import { DroverError, toDroverError } from '@/lib/errors';
import type { AuditOutcome } from './audit-entry';
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
    outcome = await fn();
  } catch (err) {
    const error = toDroverError(err, meta.connection);
    await recordAudit({ ...base, jobIds: meta.jobIds, params: meta.params, outcome: outcomeOf(error), message: error.message }).catch(() => {});
    throw error;
  }
  await recordAudit({
    ...base,
    jobIds: outcome.jobIds ?? meta.jobIds,
    count: outcome.count,
    params: { ...meta.params, ...outcome.details },
    outcome: 'ok',
  });
  return outcome.result;
}
