// The views a principal sees (shared ones and their own private ones), for GET /views and the sidebar.
import 'server-only';
import type { Principal } from '@/lib/auth/principal';
import type { View } from './view';
import { readVisibleViews } from './store';

export async function listViews(actor: Principal, filter: { conn?: string; queue?: string } = {}): Promise<{ views: View[] }> {
  return { views: await readVisibleViews(actor.id, filter) };
}
