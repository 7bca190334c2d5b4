// What the view verbs share: who sees a view (404 for anyone else, as if it did not exist), who may
// change it, who may share it, the query check with the parser's own message, and the audit parameters.
import 'server-only';
import { accessOf, type Principal } from '@/lib/auth/principal';
import { assertRole } from '@/lib/auth/assert-role';
import { hasRole } from '@/lib/auth/roles';
import { isUnscoped, roleAt } from '@/lib/auth/scope';
import { queueNotFound } from '@/lib/auth/authorize';
import { ConflictError, ForbiddenError, InvalidError, NotFoundError, OutOfScopeError } from '@/lib/errors';
import { listConnections } from '@/lib/redis/connections';
import { parseJobQuery } from '@/lib/jobs/query/parse-query';
import type { SaveViewOutcome } from '@/lib/store/console/views';
import { VIEW_LIMITS, type View, type ViewVisibility } from './view';
import { readView, type ReadView } from './store';

/** Whether the view's queue is in the actor's scope (README › Team scopes): outside it, the view does not exist. */
export function viewInScope(actor: Principal, view: Pick<View, 'conn' | 'queue'>): boolean {
  const access = accessOf(actor);
  return isUnscoped(access) ? access.global !== null : roleAt(access, view.conn, view.queue) !== null;
}

export function canSeeView(actor: Principal, view: Pick<View, 'owner' | 'visibility' | 'conn' | 'queue'>): boolean {
  return (view.visibility === 'shared' || view.owner === actor.id) && viewInScope(actor, view);
}

/** The role the actor holds on the view's queue (for a principal without grants, its role). */
function roleOnView(actor: Principal, view: Pick<View, 'conn' | 'queue'>) {
  return actor.access ? roleAt(actor.access, view.conn, view.queue) : actor.role;
}

/** The owner, or an admin of the view's queue for any view. */
export function canChangeView(actor: Principal, view: Pick<View, 'owner' | 'conn' | 'queue'>): boolean {
  const role = roleOnView(actor, view);
  return view.owner === actor.id || (role !== null && hasRole(role, 'admin'));
}

/** No such view: the same answer for a view outside the caller's scope (audited as a denial). */
function noView(actor: Principal, id: string, found: ReadView | null): NotFoundError {
  const message = `No view with id ${id}`;
  return found && !viewInScope(actor, found.view) ? new OutOfScopeError(message) : new NotFoundError(message);
}

/** The view as `actor` may see it; 404 when it does not exist, is someone else's private view or is outside their scope. */
export async function visibleView(actor: Principal, id: string): Promise<ReadView> {
  const found = await readView(id);
  if (!found || !canSeeView(actor, found.view)) throw noView(actor, id, found);
  return found;
}

/**
 * The view `actor` is about to change or delete: 404 when they cannot see it (an admin can reach any
 * view by id, though lists never show them another user's private one), 403 when they see it but it is
 * someone else's.
 */
export async function changeableView(actor: Principal, id: string): Promise<ReadView> {
  const found = await readView(id);
  const role = found ? roleOnView(actor, found.view) : null;
  if (!found || !viewInScope(actor, found.view) || !(canSeeView(actor, found.view) || (role !== null && hasRole(role, 'admin')))) throw noView(actor, id, found);
  if (!canChangeView(actor, found.view)) throw new ForbiddenError(`Only its owner or an admin can change or delete the view "${found.view.name}"`);
  return found;
}

/**
 * Sharing a view (everyone signed in sees it) needs operator — on the view's queue when it is given
 * (README › Team scopes); a private view any signed-in user may keep.
 */
export function assertCanUseVisibility(actor: Principal, visibility: ViewVisibility, on?: Pick<View, 'conn' | 'queue'>): void {
  if (visibility !== 'shared') return;
  assertRole(actor, 'operator');
  if (on) {
    const role = roleOnView(actor, on);
    if (!role || !hasRole(role, 'operator')) throw new ForbiddenError(`Sharing a view needs the operator role on its queue; you are ${role ?? 'without a role'} on queue "${on.queue}"`);
  }
}

/** A view may be saved only under a queue the actor may see: any other answers like a queue that does not exist. */
export function assertViewQueueInScope(actor: Principal, view: Pick<View, 'conn' | 'queue'>): void {
  if (!viewInScope(actor, view)) throw queueNotFound(view.conn, view.queue);
}

/** The query must parse: 400 with the parser's message (and where it points). */
export function assertQueryParses(text: string): void {
  try {
    parseJobQuery(text);
  } catch (err) {
    if (err instanceof InvalidError) throw new InvalidError(err.message, { query: [err.message] });
    throw err;
  }
}

export function assertKnownConnection(conn: string): void {
  if (!listConnections().some((c) => c.name === conn)) throw new InvalidError(`Unknown connection "${conn}"`, { conn: ['no such connection in the configuration'] });
}

/** The store's refusals as the errors the API answers. */
export function assertSaved(outcome: SaveViewOutcome, view: View): void {
  if (outcome === 'full') {
    throw new ConflictError(
      view.visibility === 'shared'
        ? `This console already has ${VIEW_LIMITS.sharedPerConsole} shared views, the most it keeps: delete one first`
        : `You already have ${VIEW_LIMITS.privatePerOwner} private views, the most one user keeps: delete one first`,
    );
  }
  if (outcome === 'changed') throw new ConflictError(`The view "${view.name}" was changed or deleted meanwhile: reload it and try again`);
}

export function auditParams(view: Partial<Pick<View, 'name' | 'query' | 'within' | 'visibility'>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of ['name', 'query', 'within', 'visibility'] as const) if (view[k] !== undefined) out[k] = view[k];
  return out;
}
