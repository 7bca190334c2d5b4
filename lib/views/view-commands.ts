// What the view verbs share: who sees a view (404 for anyone else, as if it did not exist), who may
// change it, who may share it, the query check with the parser's own message, and the audit parameters.
import 'server-only';
import type { Principal } from '@/lib/auth/principal';
import { assertRole } from '@/lib/auth/assert-role';
import { hasRole } from '@/lib/auth/roles';
import { ConflictError, ForbiddenError, InvalidError, NotFoundError } from '@/lib/errors';
import { listConnections } from '@/lib/redis/connections';
import { parseJobQuery } from '@/lib/jobs/query/parse-query';
import type { SaveViewOutcome } from '@/lib/store/console/views';
import { VIEW_LIMITS, type View, type ViewVisibility } from './view';
import { readView, type ReadView } from './store';

export function canSeeView(actor: Principal, view: Pick<View, 'owner' | 'visibility'>): boolean {
  return view.visibility === 'shared' || view.owner === actor.id;
}

/** The owner, or an admin for any view. */
export function canChangeView(actor: Principal, view: Pick<View, 'owner'>): boolean {
  return view.owner === actor.id || hasRole(actor.role, 'admin');
}

/** The view as `actor` may see it; 404 when it does not exist or is someone else's private view. */
export async function visibleView(actor: Principal, id: string): Promise<ReadView> {
  const found = await readView(id);
  if (!found || !canSeeView(actor, found.view)) throw new NotFoundError(`No view with id ${id}`);
  return found;
}

/**
 * The view `actor` is about to change or delete: 404 when they cannot see it (an admin can reach any
 * view by id, though lists never show them another user's private one), 403 when they see it but it is
 * someone else's.
 */
export async function changeableView(actor: Principal, id: string): Promise<ReadView> {
  const found = await readView(id);
  if (!found || !(canSeeView(actor, found.view) || hasRole(actor.role, 'admin'))) throw new NotFoundError(`No view with id ${id}`);
  if (!canChangeView(actor, found.view)) throw new ForbiddenError(`Only its owner or an admin can change or delete the view "${found.view.name}"`);
  return found;
}

/** Sharing a view (everyone signed in sees it) needs operator; a private view any signed-in user may keep. */
export function assertCanUseVisibility(actor: Principal, visibility: ViewVisibility): void {
  if (visibility === 'shared') assertRole(actor, 'operator');
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
