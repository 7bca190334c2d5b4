'use client';
import { useTransition } from 'react';
import { useRouter } from 'next/navigation';
import { useQueryClient } from '@tanstack/react-query';
import type { ActionResult } from '@/lib/http/action';
import { useToast } from '@/components/ui/toast';

/**
 * The one way the UI runs a server action: toast with the outcome (or the network failure: the console
 * could not be reached), then refresh the page's data (queries and server components). `onDone` gets
 * the result so dialogs can show field errors; `quiet` leaves the toasts to `onDone`.
 */
export function useRunAction() {
  const toast = useToast();
  const router = useRouter();
  const queryClient = useQueryClient();
  const [pending, startTransition] = useTransition();
  function run<T>(action: () => Promise<ActionResult<T>>, opts: { success?: (data: T) => string; quiet?: boolean; onDone?: (r: ActionResult<T>) => void } = {}) {
    startTransition(async () => {
      let result: ActionResult<T>;
      try {
        result = await action();
      } catch {
        result = { ok: false, error: { code: 'internal', message: 'The console could not be reached: nothing was changed. Try again.' } };
      }
      if (result.ok) {
        const data = result.data as T & { message?: string };
        if (!opts.quiet) toast.success(opts.success ? opts.success(result.data) : (data?.message ?? 'Done'));
        await queryClient.invalidateQueries();
        router.refresh();
      } else if (!opts.quiet) {
        toast.error(result.error.message);
      }
      opts.onDone?.(result);
    });
  }
  return { run, pending };
}
