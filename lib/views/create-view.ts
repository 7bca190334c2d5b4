// Save a view of a queue: private for any signed-in user, shared (everyone sees it) for operators and up.
import 'server-only';
import { randomUUID } from 'node:crypto';
import { audited, type AuditContext } from '@/lib/audit/audited';
import { viewOperations as ops } from '@/lib/operations/views';
import type { View, ViewInput } from './view';
import { writeView } from './store';
import { assertCanUseVisibility, assertKnownConnection, assertViewQueueInScope, assertQueryParses, assertSaved, auditParams } from './view-commands';

export async function createView(ctx: AuditContext, input: ViewInput): Promise<View> {
  return audited(ctx, ops.createView, { writes: 'console', connection: input.conn, queue: input.queue, params: auditParams(input) }, async () => {
    // Scope first: for a caller with grants an unknown connection answers like one outside its scope (404).
    assertViewQueueInScope(ctx.actor, input);
    assertKnownConnection(input.conn);
    assertCanUseVisibility(ctx.actor, input.visibility, input);
    assertQueryParses(input.query);
    const now = Date.now();
    const view: View = { ...input, id: randomUUID(), owner: ctx.actor.id, createdAt: now, updatedAt: now };
    assertSaved(await writeView(view, null), view);
    return { result: view, details: { viewId: view.id } };
  });
}
