// The route handler of an operation: `export const POST = routeOf(jobOperations.retryJob)` is all a
// route.ts under app/api/v1 says. The handler carries its operation, so tests can check that every
// handler belongs to the table and every table entry with a path is served.
import 'server-only';
import { scopeOf, type Operation } from '@/lib/operations/define';
import { apiRoute } from './api-route';

export type OperationRoute = ReturnType<typeof apiRoute> & { operation: Operation };

export function routeOf(op: Operation): OperationRoute {
  if (!op.http) throw new Error(`operation ${op.name} has no HTTP method and path`);
  const handler = apiRoute<unknown, unknown, unknown>(
    { role: op.role, scope: scopeOf(op), audit: op.name, params: op.params, query: op.query, body: op.body, maxBodyBytes: op.maxBodyBytes, expensive: op.expensive, status: op.http.status },
    async ({ principal, request, params, query, body }) => op.run({ actor: principal, via: 'api', operation: op, request }, { params, query, body }),
  );
  return Object.assign(handler, { operation: op });
}
