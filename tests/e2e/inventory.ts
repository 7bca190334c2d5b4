// The inventory the abuse tests iterate: every operation of the table, read from the running console's
// /api/v1/openapi.json (which is generated from lib/operations), so a new operation is covered the
// moment it is declared — no reading of source text.
import { request } from '@playwright/test';
import { baseURL, storageStatePath, type Role } from './support';

export type Escalation = { role: Role; when: string; example: { params?: Record<string, string>; query?: Record<string, unknown>; body?: unknown } };

export type OperationCase = {
  /** the operation's name (its audit name) */
  name: string;
  method: string;
  /** the path with parameters filled in, on a probe queue nobody uses */
  url: string;
  /** the path template, e.g. /api/v1/connections/{conn}/queues/{queue} */
  path: string;
  role: Role;
  /** which queues it is about, for team scopes (lib/operations/define.ts OperationScope) */
  scope: 'queue' | 'connection' | 'whole-connection' | 'filtered' | 'self' | 'global';
  acceptsJson: boolean;
  action?: string;
  escalations: Escalation[];
  example?: { params?: Record<string, string>; query?: Record<string, unknown>; body?: unknown };
};

/** Parameter values where an example gives none; the queue is always a probe, so nothing real is touched. */
const FILL: Record<string, string> = {
  conn: 'default',
  queue: 'inventory-probe',
  id: '00000000-0000-4000-8000-000000000000',
  email: 'nobody@example.com',
  schedulerId: 'probe',
};

export function fillPath(path: string, params: Record<string, string> = {}): string {
  return path.replace(/\{(\w+)\}/g, (_m, name: string) => encodeURIComponent(name === 'queue' ? FILL.queue : (params[name] ?? FILL[name] ?? 'x')));
}

type OpenApiOperation = {
  operationId: string;
  requestBody?: unknown;
  'x-drover-role'?: Role;
  'x-drover-scope'?: OperationCase['scope'];
  'x-drover-server-action'?: string;
  'x-drover-escalations'?: Escalation[];
  'x-drover-example'?: OperationCase['example'];
};

let cached: OperationCase[] | null = null;

/** Every /api/v1 operation of the table. */
export async function operationInventory(): Promise<OperationCase[]> {
  if (cached) return cached;
  const api = await request.newContext({ baseURL, storageState: storageStatePath('viewer') });
  const res = await api.get('/api/v1/openapi.json');
  if (res.status() !== 200) throw new Error(`openapi.json answered ${res.status()}`);
  const doc = (await res.json()) as { paths: Record<string, Record<string, OpenApiOperation>> };
  await api.dispose();
  cached = Object.entries(doc.paths)
    .filter(([path]) => path.startsWith('/api/v1/'))
    .flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({
        name: op.operationId,
        method: method.toUpperCase(),
        path,
        url: fillPath(path, op['x-drover-example']?.params),
        role: op['x-drover-role'] ?? 'viewer',
        scope: op['x-drover-scope'] ?? 'global',
        acceptsJson: Boolean(op.requestBody),
        action: op['x-drover-server-action'],
        escalations: op['x-drover-escalations'] ?? [],
        example: op['x-drover-example'],
      })),
    );
  return cached;
}
