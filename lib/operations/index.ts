// The operation table: every operation of the console, by noun. Read the noun files like a routing
// table — name (= audit name), role, method and path, schemas, the verb it runs. Route handlers
// (lib/http/route.ts), server actions (lib/http/action.ts), /api/v1/openapi.json (lib/http/openapi.ts)
// and the abuse-test inventories are all derived from this list.
import type { Operation } from './define';
import { jobOperations } from './jobs';
import { queueOperations } from './queues';
import { workerOperations } from './workers';
import { scheduleOperations } from './schedules';
import { deadLetterOperations } from './dead-letters';
import { alertOperations } from './alerts';
import { viewOperations } from './views';
import { linksOperations } from './links';
import { consoleOperations } from './console';
import { userOperations } from './users';
import { permissionOperations } from './permissions';

/** Table name → its operations; the name is each operation's tag (the OpenAPI document groups by it). */
export const OPERATION_TABLES = {
  jobs: jobOperations,
  queues: queueOperations,
  workers: workerOperations,
  schedules: scheduleOperations,
  'dead letters': deadLetterOperations,
  alerts: alertOperations,
  views: viewOperations,
  links: linksOperations,
  users: userOperations,
  permissions: permissionOperations,
  console: consoleOperations,
} as const;

export const OPERATIONS: readonly Operation[] = Object.entries(OPERATION_TABLES).flatMap(([tag, table]) =>
  (Object.values(table) as Operation[]).map((op) => Object.assign(op, { tag })),
);

/** The API prefix every operation path is under. */
export const API_PREFIX = '/api/v1';
