// Calling an operation of the table the way its HTTP wrapper does, for tests of team scopes.
import { authorize } from '@/lib/auth/authorize';
import type { Principal } from '@/lib/auth/principal';
import { scopeOf, type Operation, type OperationContext } from '@/lib/operations/define';

/** Runs an operation the way the HTTP wrapper does: authorize (404/403), then run as the narrowed principal. */
export async function callOperation<R>(op: Operation, actor: Principal, input: { params?: unknown; query?: unknown; body?: unknown } = {}): Promise<R> {
  const narrowed = await authorize(actor, { name: op.name, role: op.role, scope: scopeOf(op) }, input.params);
  const ctx: OperationContext = { actor: narrowed, via: 'api', operation: op };
  return (await op.run(ctx, { params: input.params, query: input.query ?? {}, body: input.body })) as R;
}

/** The error a promise rejects with (fails the test when it resolves). */
export async function refusal(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a refusal');
}
