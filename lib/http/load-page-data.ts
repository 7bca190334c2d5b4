import 'server-only';
import { toDroverError, type DroverError } from '@/lib/errors';
import type { Principal } from '@/lib/auth/principal';
import { authorize } from '@/lib/auth/authorize';
import { withExpensiveRead } from '@/lib/limits/expensive-reads';
import { scopeOf, type Operation, type OperationResult } from '@/lib/operations/define';

/** Page data or a domain error to show (unknown queue, job gone, Redis down); unexpected errors rethrow. */
export async function loadPageData<T>(load: () => Promise<T>, connection?: string): Promise<{ ok: true; data: T } | { ok: false; error: DroverError }> {
  try {
    return { ok: true, data: await load() };
  } catch (err) {
    const error = toDroverError(err, connection);
    if (error.code === 'internal') throw err;
    return { ok: false, error };
  }
}

/**
 * A read operation run for a page the way its route runs it: the operation's role, and the same
 * concurrency limit for costly reads (a search page, a filtered list) as GET /api/v1 applies.
 */
export async function readOperation<O extends Operation>(principal: Principal, op: O, input: { params?: unknown; query?: unknown }): Promise<OperationResult<O>> {
  const actor = await authorize(principal, { name: op.name, role: op.role, scope: scopeOf(op) }, input.params);
  const kind = typeof op.expensive === 'function' ? op.expensive(input.query) : op.expensive;
  const run = async () => (await op.run({ actor, via: 'ui', operation: op }, { params: input.params, query: input.query, body: undefined })) as OperationResult<O>;
  return kind ? withExpensiveRead(actor, kind, run) : run();
}
