// Change a saved view: its owner, or an admin for any view; sharing it needs operator.
import 'server-only';
import { audited, type AuditContext } from '@/lib/audit/audited';
import { viewOperations as ops } from '@/lib/operations/views';
import type { View, ViewPatch } from './view';
import { writeView } from './store';
import { changeableView, assertCanUseVisibility, assertQueryParses, assertSaved, auditParams } from './view-commands';

export async function updateView(ctx: AuditContext, input: { id: string; patch: ViewPatch }): Promise<View> {
  return audited(ctx, ops.updateView, { writes: 'console', params: { viewId: input.id, ...auditParams(input.patch) } }, async () => {
    // Before the lookup: a viewer asking to share is refused the same whether the view exists or not.
    if (input.patch.visibility) assertCanUseVisibility(ctx.actor, input.patch.visibility);
    const { view: before, json } = await changeableView(ctx.actor, input.id);
    if (input.patch.visibility) assertCanUseVisibility(ctx.actor, input.patch.visibility, before);
    if (input.patch.query !== undefined) assertQueryParses(input.patch.query);
    const view: View = { ...before, ...input.patch, updatedAt: Date.now() };
    assertSaved(await writeView(view, json), view);
    return { result: view, details: { conn: view.conn, queue: view.queue } };
  });
}
