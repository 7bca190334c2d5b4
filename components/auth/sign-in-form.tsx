'use client';
import { useState, type FormEvent } from 'react';
import { Button } from '@/components/ui/button';
import { Input, Label } from '@/components/ui/input';

async function csrfToken(): Promise<string> {
  const res = await fetch('/api/auth/csrf', { cache: 'no-store' });
  const body = (await res.json()) as { csrfToken: string };
  return body.csrfToken;
}

export function SignInForm({ callbackPath, oidcName, initialError }: { callbackPath: string; oidcName?: string; initialError?: string }) {
  const [error, setError] = useState<string | undefined>(initialError);
  const [busy, setBusy] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    const form = new FormData(event.currentTarget);
    try {
      const body = new URLSearchParams({
        email: String(form.get('email') ?? ''),
        password: String(form.get('password') ?? ''),
        csrfToken: await csrfToken(),
        callbackUrl: callbackPath,
        json: 'true',
      });
      const res = await fetch('/api/auth/callback/credentials', {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body,
      });
      const payload = (await res.json().catch(() => ({}))) as { url?: string; error?: { message?: string } };
      // Our own refusals (429 limit, 503 busy, 400/413 bad request) say what happened; next-auth's say "error=…".
      if (payload.error?.message) {
        setError(payload.error.message);
      } else if (!res.ok || (payload.url && new URL(payload.url, window.location.href).searchParams.get('error'))) {
        setError('Wrong email or password.');
      } else {
        window.location.assign(callbackPath);
        return;
      }
    } catch {
      setError('Could not reach the console. Check your connection and try again.');
    }
    setBusy(false);
  }

  async function signInWithOidc() {
    const body = new URLSearchParams({ csrfToken: await csrfToken(), callbackUrl: callbackPath, json: 'true' });
    const res = await fetch('/api/auth/signin/oidc', { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body });
    const payload = (await res.json().catch(() => ({}))) as { url?: string };
    if (payload.url) window.location.assign(payload.url);
    else setError('Single sign-on is not available right now.');
  }

  return (
    <div className="space-y-4">
      <form onSubmit={onSubmit} className="space-y-4" noValidate>
        <div>
          <Label htmlFor="email">Email</Label>
          <Input id="email" name="email" type="email" autoComplete="username" required autoFocus />
        </div>
        <div>
          <Label htmlFor="password">Password</Label>
          <Input id="password" name="password" type="password" autoComplete="current-password" required />
        </div>
        {error && (
          <p role="alert" data-testid="signin-error" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800 dark:bg-red-950 dark:text-red-200">
            {error}
          </p>
        )}
        <Button type="submit" variant="primary" className="w-full" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </Button>
      </form>
      {oidcName && (
        <Button className="w-full" onClick={signInWithOidc}>
          Sign in with {oidcName}
        </Button>
      )}
    </div>
  );
}
