// One saved view, when the principal may see it (someone else's private view answers 404).
import 'server-only';
import type { Principal } from '@/lib/auth/principal';
import type { View } from './view';
import { visibleView } from './view-commands';

export async function getView(actor: Principal, id: string): Promise<View> {
  return (await visibleView(actor, id)).view;
}
