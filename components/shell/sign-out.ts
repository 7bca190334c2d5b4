// Ends this browser's session through next-auth (which also drops it server-side), then reloads /signin.
export async function signOutAndReload(): Promise<void> {
  try {
    const { csrfToken } = (await (await fetch('/api/auth/csrf', { cache: 'no-store' })).json()) as { csrfToken: string };
    await fetch('/api/auth/signout', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ csrfToken, json: 'true', callbackUrl: '/signin' }),
    });
  } finally {
    // A full page load drops every cached query of the signed-out user.
    // eslint-disable-next-line @next/next/no-location-assign-relative-destination
    window.location.assign('/signin');
  }
}
