'use client';
import { useState, useSyncExternalStore } from 'react';
import { Button } from '@/components/ui/button';

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
        const { csrfToken } = (await (await fetch('/api/auth/csrf', { cache: 'no-store' })).json()) as { csrfToken: string };
        await fetch('/api/auth/signout', {
          method: 'POST',
          headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ csrfToken, json: 'true', callbackUrl: '/signin' }),
        });
        // A full page load drops every cached query of the signed-out user.
        // eslint-disable-next-line @next/next/no-location-assign-relative-destination
        window.location.assign('/signin');
      }}
    >
      Sign out
    </Button>
  );
}
