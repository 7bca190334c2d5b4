// The DLQ's failures grouped by error (normalized failedReason), biggest first, with first/last seen.
import 'server-only';
import { z } from 'zod';
import type { Connection } from '@/lib/redis/connections';
import type { ErrorGroupFacts } from '@/lib/store/dead-letter-store';
import type { Access } from '@/lib/auth/scope';
import { originsInScope } from './origin-scope';

/** How long one read of the groups may spend re-grouping dead letters captured under earlier rules. */
export const REGROUP_READ_BUDGET_MS = 2000;

export const listErrorGroupsQuerySchema = z.object({ limit: z.coerce.number().int().min(1).max(500).default(50) }).strict();

export type ErrorGroup = ErrorGroupFacts;

export type ErrorGroups = {
  connection: string;
  deadLetterQueue: string;
  /** dead letters in the DLQ */
  total: number;
  /** error groups in all (the list holds the biggest `limit`) */
  groupCount: number;
  groups: ErrorGroup[];
  /**
   * true while dead letters captured under earlier grouping rules are still being moved to their
   * groups (a large DLQ after an upgrade, or a read-only connection no Drover runtime regroups yet)
   */
  regrouping: boolean;
  /** a scoped caller's counts cover only the newest SCOPED_GROUPS_EXAMINED of their dead letters */
  partial?: boolean;
};

/** The groups as the store keeps them (Redis: aggregates kept by the capture scripts; PostgreSQL: counts kept by triggers). */
export async function listErrorGroups(conn: Connection, query: z.infer<typeof listErrorGroupsQuerySchema> = { limit: 50 }, access?: Access): Promise<ErrorGroups> {
  const store = conn.store.deadLetters;
  const { done } = await ensureCurrentGroups(conn);
  // A scoped caller: counted over its origin queues' dead letters only (bounded: see the store).
  const origins = await originsInScope(store, conn.name, access, 'viewer');
  const found = await store.groups(query.limit, origins);
  return { connection: conn.name, deadLetterQueue: store.deadLetterQueue, ...found, regrouping: !done };
}

/**
 * Before groups are read: moves dead letters captured under earlier grouping rules to their current
 * groups, within a bounded time (the walk resumes on the next read or runtime sweep). A read-only
 * connection is not written to: it reports whether its groups are current.
 */
export async function ensureCurrentGroups(conn: Connection): Promise<{ done: boolean }> {
  const store = conn.store.deadLetters;
  if (conn.readOnly) return { done: await store.isRegrouped() };
  return store.regroup({ budgetMs: REGROUP_READ_BUDGET_MS });
}
