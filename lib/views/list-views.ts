// The views a principal sees (shared ones and their own private ones, of queues in their scope), for GET /views.
import 'server-only';
import type { Principal } from '@/lib/auth/principal';
import type { View } from './view';
import { readVisibleViews } from './store';
import { viewInScope } from './view-commands';

export async function listViews(actor: Principal, filter: { conn?: string; queue?: string } = {}): Promise<{ views: View[] }> {
  // A view's queue outside the caller's scope (README › Team scopes): the view is not listed.
  return { views: (await readVisibleViews(actor.id, filter)).filter((v) => viewInScope(actor, v)) };
}
