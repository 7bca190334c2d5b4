// Runs a mutation and records its outcome in the audit log, success or failure. The preamble runs
// first, before anything is written (not even the write probe): the operation's role, then — for a
// mutation on a connection — a known, writable connection that is not the dead-letter queue (whose
// indexes change only through its own requeue/purge), then the write probe, then the change.
import 'server-only';
import type { Principal } from '@/lib/auth/principal';
import { assertRole } from '@/lib/auth/assert-role';
import { DroverError, OutOfScopeError, toDroverError } from '@/lib/errors';
import type { AuditOutcome } from './audit-entry';
import { getConnection, getConsoleConnection, type Connection } from '@/lib/redis/connections';
import { auditStore } from '@/lib/store/console/audit';
import { assertNotDeadLetterQueue } from '@/lib/queues/not-dead-letter-queue';
import type { OperationRef } from '@/lib/operations/define';
import { recordAudit } from './record-audit';

export type AuditContext = {
  actor: Principal;
  via: 'ui' | 'api' | 'cli' | 'system';
};

/** What the audit entry names, and the target the preamble checks. */
export type AuditTarget = {
  connection?: string;
  queue?: string;
  jobIds?: string[];
  params?: Record<string, unknown>;
  /** the dead-letter queue's own operations (requeue, purge) act on it; every other one is refused there */
  deadLetterQueueAllowed?: boolean;
  /** what the operation writes: the named connection (default), or only Drover's own data (an alert rule naming a connection) */
  writes?: 'connection' | 'console';
};

export type Outcome<T> = { result: T; jobIds?: string[]; count?: number; details?: Record<string, unknown> };

/** Refuses early (nothing changed) when the target store or the audit's store cannot take writes (a Redis out of memory). */
async function probeWrites(target: Connection | null): Promise<void> {
  const consoleConn = getConsoleConnection();
  await Promise.all([
    auditStore().probeWrite(),
    target && target !== consoleConn ? target.probeWrite() : null,
  ]);
}

/** What the audit log says of a refusal: the message, and for a scope refusal that it was one. */
export function refusalMessage(err: Error): string {
  return err instanceof OutOfScopeError ? `${err.message} — outside the caller's scope` : err.message;
}

export function outcomeOf(err: DroverError): AuditOutcome {
  if (err instanceof OutOfScopeError) return 'denied';
  if (err.code === 'forbidden' || err.code === 'read_only' || err.code === 'unauthorized' || err.code === 'rate_limited') return 'denied';
  if (err.code === 'invalid' || err.code === 'payload_too_large') return 'invalid';
  if (err.code === 'not_found' || err.code === 'conflict') return 'refused';
  return 'error';
}

/** The connection a mutation changes, after the checks every mutation makes before it writes. */
export function writableTarget(target: AuditTarget): Connection | null {
  if (!target.connection || target.writes === 'console') return null;
  const conn = getConnection(target.connection);
  conn.assertWritable();
  if (target.queue !== undefined && !target.deadLetterQueueAllowed) assertNotDeadLetterQueue(conn, target.queue);
  return conn;
}

/**
 * Runs the operation `op` for `ctx`: role, writable target, write probe, then `fn` with the target's
 * connection; `fn` returns the result plus audit details learned while acting (the new job id, how
 * many jobs a bulk call touched). Every outcome is audited under the operation's name.
 */
export async function audited<T>(ctx: AuditContext, op: OperationRef, target: AuditTarget, fn: (conn: Connection) => Promise<Outcome<T>>): Promise<T> {
  const base = {
    actor: ctx.actor.name,
    role: ctx.actor.role,
    via: ctx.via,
    action: op.name,
    connection: target.connection,
    queue: target.queue,
  };
  let outcome: Outcome<T>;
  try {
    assertRole(ctx.actor, op.role);
    const conn = writableTarget(target);
    await probeWrites(conn);
    outcome = await fn(conn ?? getConsoleConnection());
  } catch (err) {
    const error = toDroverError(err, target.connection);
    await recordAudit({ ...base, jobIds: target.jobIds, params: target.params, outcome: outcomeOf(error), message: error.message }).catch(() => {});
    throw error;
  }
  try {
    await recordAudit({
      ...base,
      jobIds: outcome.jobIds ?? target.jobIds,
      count: outcome.count,
      params: { ...target.params, ...outcome.details },
      outcome: 'ok',
    });
  } catch (err) {
    // The change happened; only its record is missing (recordAudit logged the full entry). Say both.
    const cause = toDroverError(err, target.connection);
    throw new DroverError(cause.code === 'internal' ? 'unavailable' : cause.code, 503, `${op.name} was applied, but its audit entry could not be written (${cause.message}); the entry is in the server log`);
  }
  return outcome.result;
}
