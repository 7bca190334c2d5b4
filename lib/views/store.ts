// Saved views in the console store (lib/store/console/views.ts): records parsed (a damaged one is
// skipped), the bound each save counts against, lists sorted by connection, queue and name.
import 'server-only';
import { viewStore, type SaveViewOutcome } from '@/lib/store/console/views';
import { VIEW_LIMITS, VISIBLE_VIEWS_MAX, viewSchema, type View } from './view';

function parseView(raw: string): View | null {
  try {
    const parsed = viewSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** A view as stored and the exact JSON read (what a change compares against). */
export type ReadView = { view: View; json: string };

export async function readView(id: string): Promise<ReadView | null> {
  const json = await viewStore().view(id);
  const view = json === null ? null : parseView(json);
  return view && json !== null ? { view, json } : null;
}

/** Shared views and `owner`'s private ones, narrowed to a connection and queue when given. */
export async function readVisibleViews(owner: string, filter: { conn?: string; queue?: string } = {}): Promise<View[]> {
  return (await viewStore().visible(owner, filter, VISIBLE_VIEWS_MAX))
    .map(parseView)
    .filter((v): v is View => v !== null && (v.visibility === 'shared' || v.owner === owner))
    .filter((v) => (filter.conn === undefined || v.conn === filter.conn) && (filter.queue === undefined || v.queue === filter.queue))
    .sort((a, b) => a.conn.localeCompare(b.conn) || a.queue.localeCompare(b.queue) || a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
}

export function viewLimitOf(view: Pick<View, 'visibility'>): number {
  return view.visibility === 'shared' ? VIEW_LIMITS.sharedPerConsole : VIEW_LIMITS.privatePerOwner;
}

/** Saves a new view (`before` null) or a change of the view read as `before`. */
export function writeView(view: View, before: string | null): Promise<SaveViewOutcome> {
  const { id, conn, queue, owner, visibility, name } = view;
  return viewStore().save({ id, conn, queue, owner, visibility, name, json: JSON.stringify(view) }, before, viewLimitOf(view));
}

export function removeView(view: Pick<View, 'id' | 'owner'>): Promise<boolean> {
  return viewStore().remove(view);
}
