'use client';
// The queue page's line naming the saved view it runs (`?view=<id>`): name, who sees it, and Delete
// for its owner or an admin, and Share / Make private (sharing needs operator). A view gone or not visible
// says so instead.
import { useState } from 'react';
import { useRouter } from 'next/navigation';
import { useQuery } from '@tanstack/react-query';
import { deleteViewAction, updateViewAction } from '@/app/actions';
import { hasRole } from '@/lib/auth/roles';
import type { Role } from '@/lib/auth/roles';
import type { View } from '@/lib/views/view';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { useRunAction } from '@/components/ui/use-run-action';
import { queryKeys } from '@/components/query-keys';
import { ApiError, fetchJson } from '@/components/explorer/api-client';

export function ViewHeading({ viewId, role, userKey }: { viewId: string; role: Role; userKey: string }) {
  const router = useRouter();
  const { run, pending } = useRunAction();
  const [confirming, setConfirming] = useState(false);
  const { data: view, error } = useQuery({
    queryKey: queryKeys.view(viewId),
    queryFn: () => fetchJson<View>(`/api/v1/views/${encodeURIComponent(viewId)}`),
    retry: (count, err) => !(err instanceof ApiError && err.status < 500) && count < 2,
  });

  if (error) {
    const gone = error instanceof ApiError && (error.status === 404 || error.status === 400);
    return (
      <p className="text-xs text-zinc-500" data-testid="view-heading">
        {gone ? 'This saved view no longer exists, or is not shared with you.' : `The saved view could not be read: ${error.message}`}
      </p>
    );
  }
  if (!view) return null;
  const canDelete = view.owner === userKey || role === 'admin';
  // Sharing needs operator; making a shared view private again is the owner's or an admin's call too.
  const canToggle = canDelete && (view.visibility === 'shared' || hasRole(role, 'operator'));
  const toggleTo = view.visibility === 'shared' ? 'private' : 'shared';
  const queuePath = `/connections/${encodeURIComponent(view.conn)}/queues/${encodeURIComponent(view.queue)}`;

  return (
    <div className="flex items-center gap-2 text-sm" data-testid="view-heading">
      <span className="text-xs text-zinc-500">View</span>
      <h2 className="truncate font-semibold">{view.name}</h2>
      <Badge tone={view.visibility === 'shared' ? 'indigo' : 'neutral'}>{view.visibility}</Badge>
      {canToggle && (
        <Button
          size="sm"
          variant="ghost"
          disabled={pending}
          onClick={() =>
            run(() => updateViewAction({ params: { id: view.id }, body: { visibility: toggleTo } }), {
              success: () => (toggleTo === 'shared' ? `${view.name} is shared with everyone` : `${view.name} is private now`),
            })
          }
        >
          {toggleTo === 'shared' ? 'Share' : 'Make private'}
        </Button>
      )}
      {canDelete && (
        <Button size="sm" variant="ghost" onClick={() => setConfirming(true)} disabled={pending}>
          Delete
        </Button>
      )}
      <ConfirmDialog
        open={confirming}
        onClose={() => setConfirming(false)}
        title={`Delete the view “${view.name}”?`}
        confirmLabel="Delete view"
        busy={pending}
        onConfirm={() =>
          run(() => deleteViewAction({ params: { id: view.id } }), {
            success: () => `Deleted view ${view.name}`,
            onDone: (res) => {
              setConfirming(false);
              if (res.ok) router.replace(queuePath);
            },
          })
        }
      >
        <p>
          {view.visibility === 'shared' ? 'Everyone loses this shared view' : 'This private view goes'}; the jobs it shows are not touched.
        </p>
      </ConfirmDialog>
    </div>
  );
}
