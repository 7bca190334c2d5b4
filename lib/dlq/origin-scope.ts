// Team scopes on a dead-letter queue (README › Team scopes): which origin queues a caller may see or act
// on. A DLQ holds dead letters of every queue of its connection; a caller whose grants name only some of
// them sees and touches only the dead letters of those. Unscoped callers (and callers holding the role on
// the whole connection) get `undefined`: no list is read and the store does exactly what it did before.
import type { Access } from '@/lib/auth/scope';
import { canAt, isUnscoped, wholeConnectionRole } from '@/lib/auth/scope';
import { hasRole, type Role } from '@/lib/auth/roles';
import type { DeadLetterStore } from '@/lib/store/dead-letter-store';
import type { DeadLetterFilter } from './schemas';

/** Origin queues of one DLQ a scoped caller's check reads at most (README: 10,000; queues past it stay hidden). */
export const MAX_SCOPED_ORIGINS = 10_000;

/**
 * The origin queues (with their dead-letter counts, biggest first) on which `access` holds `role`, or
 * undefined when it holds it on every queue of the connection (no filtering).
 */
export async function originsInScope(store: DeadLetterStore, conn: string, access: Access | undefined, role: Role): Promise<Array<{ queue: string; count: number }> | undefined> {
  if (!access || isUnscoped(access)) return undefined;
  const whole = wholeConnectionRole(access, conn);
  if (whole && hasRole(whole, role)) return undefined;
  const origins = await store.originQueues(MAX_SCOPED_ORIGINS);
  return origins.filter((o) => canAt(access, conn, o.queue, role));
}

/**
 * The dead letters a requeue or purge asks for: the ids given, or the ids the filter matches (at most
 * `max`), the walk matching only origin queues where `access` holds `role`.
 */
export async function requestedDeadLetters(store: DeadLetterStore, conn: string, access: Access | undefined, role: Role, input: { ids?: string[]; filter?: DeadLetterFilter }, max: number): Promise<{ requested: string[]; more: boolean }> {
  if (input.ids) return { requested: input.ids, more: false };
  const origins = await originsInScope(store, conn, access, role);
  const filter = input.filter ?? {};
  const { ids, more } = await store.matchingIds(origins ? { ...filter, origins: origins.map((o) => o.queue) } : filter, max);
  return { requested: ids, more };
}

/** True when `access` holds `role` on the origin queue (always, for an unscoped caller). */
export function mayOnOrigin(access: Access | undefined, conn: string, queue: string, role: Role): boolean {
  return !access || isUnscoped(access) ? true : canAt(access, conn, queue, role);
}

/**
 * Dead letters asked for by id, sorted by what `access` may do with them: `allowed` (it holds `role` on
 * their origin queue; and ids already gone, which the caller's path answers as it always did), `hidden`
 * (of an origin queue it may not see: to be answered exactly as a gone one) and `refused` (it sees the
 * origin queue but holds a lower role there). Unscoped: every id allowed, nothing read.
 */
export async function sortByOrigin(
  store: DeadLetterStore,
  conn: string,
  access: Access | undefined,
  role: Role,
  ids: string[],
): Promise<{ allowed: string[]; hidden: string[]; refused: Array<{ id: string; queue: string }> }> {
  if (!access || isUnscoped(access)) return { allowed: ids, hidden: [], refused: [] };
  const whole = wholeConnectionRole(access, conn);
  if (whole && hasRole(whole, role)) return { allowed: ids, hidden: [], refused: [] };
  const origins = await store.originsOf(ids);
  const out = { allowed: [] as string[], hidden: [] as string[], refused: [] as Array<{ id: string; queue: string }> };
  ids.forEach((id, i) => {
    const queue = origins[i];
    if (queue === null) out.allowed.push(id);
    else if (!canAt(access, conn, queue, 'viewer')) out.hidden.push(id);
    else if (!canAt(access, conn, queue, role)) out.refused.push({ id, queue });
    else out.allowed.push(id);
  });
  return out;
}
