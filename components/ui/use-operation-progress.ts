'use client';
import { useEffect, useState } from 'react';
import { fetchJson } from '@/components/explorer/api-client';

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
