'use client';
import { useEffect, useState } from 'react';
import { fetchJson } from '@/components/explorer/api-client';
import { formatExact } from '@/components/explorer/format';

export type Progress = { done: number; total: number; phase: string; finished: boolean };

/** Polls /api/v1/operations/{id} while a long bulk action runs (the action reports after each batch). */
export function useOperationProgress(operationId: string | null): Progress | null {
  const [progress, setProgress] = useState<Progress | null>(null);
  useEffect(() => {
    if (!operationId) return;
    let stopped = false;
    const tick = async () => {
      try {
        const next = await fetchJson<Progress>(`/api/v1/operations/${operationId}`);
        if (!stopped) setProgress(next);
      } catch {
        /* not registered yet, or a network blip: ask again */
      }
      if (!stopped) timer = setTimeout(tick, 400);
    };
    let timer = setTimeout(tick, 300);
    return () => {
      stopped = true;
      clearTimeout(timer);
      setProgress(null);
    };
  }, [operationId]);
  return progress;
}

/** "phase: done / total" while a bulk operation runs (nothing once it finished). */
export function ProgressStatus({ progress }: { progress: Progress | null }) {
  if (!progress || progress.finished) return null;
  return (
    <span role="status" className="text-xs text-zinc-500">
      {progress.phase}: {formatExact(progress.done)} / {formatExact(progress.total)}
    </span>
  );
}
