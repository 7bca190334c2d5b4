// The server action of an operation: `export const retryJobAction = actionOf(jobOperations.retryJob)`
// in app/actions.ts. Session → role → zod (the operation's own schemas) → run; it returns
// { ok, data } or { ok: false, error } and never throws, and audits every refusal under the
// operation's name.
import 'server-only';
import { currentSessionPrincipal } from '@/lib/auth/guard';
import { authorize } from '@/lib/auth/authorize';
import { hasRole } from '@/lib/auth/roles';
import { recordAudit } from '@/lib/audit/record-audit';
import { outcomeOf, refusalMessage } from '@/lib/audit/audited';
import { DroverError, UnauthorizedError, errorResponseBody, toDroverError, type ErrorBody } from '@/lib/errors';
import { logger } from '@/lib/log';
import { scopeOf, type ActionInput, type Operation, type OperationResult } from '@/lib/operations/define';
import { invalidFromZod } from '@/lib/zod-issues';
import { auditTargetOf } from './audit-target';

export type ActionResult<T> = { ok: true; data: T } | { ok: false; error: ErrorBody['error'] };

function parsePart(schema: Operation['params'], raw: unknown, what: string): unknown {
  if (!schema) return undefined;
  const parsed = schema.safeParse(raw ?? (what === 'params' ? undefined : {}));
  if (!parsed.success) throw invalidFromZod(parsed.error, what === 'params' ? 'target' : what);
  return parsed.data;
}

export function actionOf<O extends Operation>(op: O): ((input: ActionInput<O>) => Promise<ActionResult<OperationResult<O>>>) & { operation: O } {
  const action = async (raw: ActionInput<O>): Promise<ActionResult<OperationResult<O>>> => {
    try {
      const principal = await currentSessionPrincipal();
      if (!principal) throw new UnauthorizedError('Your session has ended: sign in again');
      const input = (raw ?? {}) as { params?: unknown; query?: unknown; body?: unknown };
      let parsed: { params: unknown; query: unknown; body: unknown };
      let actor = principal;
      try {
        if (!hasRole(principal.role, op.role)) await authorize(principal, { name: op.name, role: op.role, scope: 'self' }, {});
        const params = parsePart(op.params, input.params, 'params');
        // Scope before the rest of the input, as the route handler does: outside the caller's scope a
        // queue does not exist, whatever the body says.
        actor = await authorize(principal, { name: op.name, role: op.role, scope: scopeOf(op) }, params);
        parsed = { params, query: parsePart(op.query, input.query, 'query'), body: parsePart(op.body, input.body, 'input') };
      } catch (err) {
        if (err instanceof DroverError) {
          const outcome = outcomeOf(err);
          if (outcome !== 'error') {
            await recordAudit({ ...auditTargetOf(op.name, input.params, input.body), actor: principal.name, role: principal.role, via: 'ui', outcome, message: refusalMessage(err) }).catch(() => {});
          }
        }
        throw err;
      }
      const data = await op.run({ actor, via: 'ui', operation: op }, parsed as never);
      if (data instanceof Response) throw new Error(`operation ${op.name} answers a stream: it has no server action`);
      return { ok: true, data: data as OperationResult<O> };
    } catch (err) {
      const error = toDroverError(err);
      if (error.code === 'internal') logger.error({ err: (err as Error)?.stack ?? String(err), action: op.name }, 'server action failed');
      return { ok: false, error: errorResponseBody(error).error };
    }
  };
  return Object.assign(action, { operation: op });
}
