'use client';
// The signed-in user's name in the header, opening a small menu: "Change password" (the account page)
// and "Sign out everywhere".
import { useState } from 'react';
import { Link } from '@/components/ui/link';
import { signOutEverywhereAction } from '@/app/actions';
import { Button } from '@/components/ui/button';
import { useToast } from '@/components/ui/toast';
import { signOutAndReload } from './sign-out';
import { useHydrated } from '@/components/ui/use-hydrated';


export function UserMenu({ name }: { name: string }) {
  const toast = useToast();
  const [busy, setBusy] = useState(false);
  const ready = useHydrated();
  return (
    <details className="relative">
      <summary
        className="cursor-pointer list-none rounded px-1 text-sm text-zinc-700 hover:bg-zinc-100 dark:text-zinc-300 dark:hover:bg-zinc-800"
        title="Account"
        data-testid="current-user"
      >
        {name}
      </summary>
      <div className="absolute right-0 z-30 mt-1 w-72 rounded-md border border-zinc-200 bg-white p-3 text-sm shadow-lg dark:border-zinc-800 dark:bg-zinc-900">
        <Link
          href="/account"
          className="-mx-1 mb-3 block rounded px-1 py-0.5 text-zinc-800 hover:bg-zinc-100 dark:text-zinc-100 dark:hover:bg-zinc-800"
          // The menu stays open across a client-side navigation otherwise.
          onClick={(e) => e.currentTarget.closest('details')?.removeAttribute('open')}
        >
          Change password
        </Link>
        <p className="mb-2 border-t border-zinc-200 pt-3 text-xs text-zinc-500 dark:border-zinc-800">Ends your sessions in every browser and device, this one included. API tokens are not affected.</p>
        <Button
          size="sm"
          variant="danger"
          disabled={busy || !ready}
          onClick={async () => {
            setBusy(true);
            // Not the shared action runner: on success the page is left at once (no toast, no refresh).
            const res = await signOutEverywhereAction({}).catch(() => ({ ok: false as const, error: { code: 'internal' as const, message: 'The console could not be reached: nothing was changed. Try again.' } }));
            if (!res.ok) {
              toast.error(res.error.message);
              setBusy(false);
              return;
            }
            await signOutAndReload();
          }}
        >
          Sign out everywhere
        </Button>
      </div>
    </details>
  );
}
