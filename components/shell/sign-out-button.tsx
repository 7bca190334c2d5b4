'use client';
import { useState, useSyncExternalStore } from 'react';
import { Button } from '@/components/ui/button';
import { signOutAndReload } from './sign-out';

const noSubscription = () => () => {};

export function SignOutButton() {
  const [busy, setBusy] = useState(false);
  // Disabled until hydrated: a click on the server-rendered button would otherwise do nothing.
  const ready = useSyncExternalStore(noSubscription, () => true, () => false);
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
