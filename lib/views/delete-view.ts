// Delete a saved view: its owner, or an admin for any view.
import 'server-only';
import { audited, type AuditContext } from '@/lib/audit/audited';
import { viewOperations as ops } from '@/lib/operations/views';
import { removeView } from './store';
import { changeableView } from './view-commands';

export async function deleteView(ctx: AuditContext, input: { id: string }): Promise<{ deleted: string }> {
  return audited(ctx, ops.deleteView, { writes: 'console', params: { viewId: input.id } }, async () => {
    const { view } = await changeableView(ctx.actor, input.id);
    await removeView(view);
    return { result: { deleted: view.id }, details: { name: view.name, conn: view.conn, queue: view.queue, visibility: view.visibility } };
  });
}
