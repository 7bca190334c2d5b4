// The server-action wrapper: session → role → zod → call → a serializable result (never a thrown error).
import 'server-only';
import type { z } from 'zod';
import { currentSessionPrincipal } from '@/lib/auth/guard';
import { hasRole, type Role } from '@/lib/auth/roles';
import { recordAudit } from '@/lib/audit/record-audit';
import type { AuditContext } from '@/lib/audit/audited';
import { ForbiddenError, UnauthorizedError, errorResponseBody, toDroverError, type ErrorBody } from '@/lib/errors';
import { logger } from '@/lib/log';
import { invalidFromZod } from '@/lib/zod-issues';
import { auditTargetOf } from './audit-target';

export type ActionResult<T> = { ok: true; data: T } | { ok: false; error: ErrorBody['error'] };

export type ActionSpec<S extends z.ZodType> = {
  role: Role;
  /** Audit action name (every mutation has one). */
  audit: string;
  input: S;
};

export function serverAction<S extends z.ZodType, T>(
  spec: ActionSpec<S>,
  fn: (input: z.output<S>, ctx: AuditContext) => Promise<T>,
): (input: z.input<S>) => Promise<ActionResult<T>> {
  return async (raw) => {
    try {
      const principal = await currentSessionPrincipal();
      if (!principal) throw new UnauthorizedError('Your session has ended: sign in again');
      const refuse = async (outcome: 'denied' | 'invalid', message: string) =>
        recordAudit({ ...auditTargetOf(spec.audit, raw), actor: principal.name, role: principal.role, via: 'ui', outcome, message }).catch(() => {});
      if (!hasRole(principal.role, spec.role)) {
        const err = new ForbiddenError(`This needs the ${spec.role} role; you are ${principal.role}`);
        await refuse('denied', err.message);
        throw err;
      }
      const parsed = spec.input.safeParse(raw);
      if (!parsed.success) {
        const err = invalidFromZod(parsed.error, 'input');
        await refuse('invalid', err.message);
        throw err;
      }
      const data = await fn(parsed.data, { actor: principal, via: 'ui' });
      return { ok: true, data };
    } catch (err) {
      const error = toDroverError(err);
      if (error.code === 'internal') logger.error({ err: (err as Error)?.stack ?? String(err), action: spec.audit }, 'server action failed');
      return { ok: false, error: errorResponseBody(error).error };
    }
  };
}
