// Part "permissions" of Drover's own data: the operations an admin withheld from a role on the Users &
// tokens page or through PUT /api/v1/permissions (the config file's `permissions.withhold` is not stored:
// lib/auth/permissions.ts joins both). Redis: one set of "role operation" members; PostgreSQL: table
// drover.withheld_operation (migration 5).
import 'server-only';
import { consolePart } from './part';
import { RedisPermissions } from '@/lib/store/redis/console/permissions';
import { PostgresPermissions } from '@/lib/store/postgres/console/permissions';
import type { Role } from '@/lib/auth/roles';

/** One operation withheld from one role. */
export type WithheldEntry = { role: Role; operation: string };

export interface PermissionsStore {
  /** Every stored entry (at most 3 roles × the operation table: a few hundred). */
  read(): Promise<WithheldEntry[]>;
  /** Replaces every stored entry with `entries`, at once. */
  replace(entries: WithheldEntry[]): Promise<void>;
}

export const permissionsStore = consolePart<PermissionsStore>({
  redis: (conn) => new RedisPermissions(conn),
  postgres: (conn) => new PostgresPermissions(conn.drover),
});
