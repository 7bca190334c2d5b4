'use client';
import { useTransition } from 'react';
import { useRouter } from 'next/navigation';
import { useQueryClient } from '@tanstack/react-query';
import type { ActionResult } from '@/lib/api/server-action';
import { useToast } from '@/components/ui/toast';

/**
 * Runs a server action: toast with the outcome, then refresh the page's data (queries and server
 * components). Returns the result so dialogs can show field errors.
 */
export function useRunAction() {
  const toast = useToast();
  const router = useRouter();
  const queryClient = useQueryClient();
  const [pending, startTransition] = useTransition();
  function run<T>(action: () => Promise<ActionResult<T>>, opts: { success?: (data: T) => string; onDone?: (r: ActionResult<T>) => void } = {}) {
    startTransition(async () => {
      let result: ActionResult<T>;
      try {
        result = await action();
      } catch {
        result = { ok: false, error: { code: 'internal', message: 'The console could not be reached: nothing was changed. Try again.' } };
      }
      if (result.ok) {
        const data = result.data as T & { message?: string };
        toast.success(opts.success ? opts.success(result.data) : (data?.message ?? 'Done'));
        await queryClient.invalidateQueries();
        router.refresh();
      } else {
        toast.error(result.error.message);
      }
      opts.onDone?.(result);
    });
  }
  return { run, pending };
}
