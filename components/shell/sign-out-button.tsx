'use client';
import { useState } from 'react';
import { Button } from '@/components/ui/button';
import { signOutAndReload } from './sign-out';
import { useHydrated } from '@/components/ui/use-hydrated';


export function SignOutButton() {
  const [busy, setBusy] = useState(false);
  // Disabled until hydrated: a click on the server-rendered button would otherwise do nothing.
  const ready = useHydrated();
  return (
    <Button
      size="sm"
      variant="ghost"
      disabled={busy || !ready}
      onClick={async () => {
        setBusy(true);
        await signOutAndReload();
      }}
    >
      Sign out
    </Button>
  );
}
