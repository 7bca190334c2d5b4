import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { SignInForm } from '@/components/auth/sign-in-form';
import { currentSessionPrincipal } from '@/lib/auth/guard';
import { oidcConfigured, oidcDisplayName } from '@/lib/auth/options';
import { safeCallbackPath } from '@/lib/auth/safe-callback';

export const metadata: Metadata = { title: 'Sign in' };

const ERRORS: Record<string, string> = {
  CredentialsSignin: 'Wrong email or password.',
  OidcNoEmail: 'Your identity provider did not share an email address.',
  OidcUnverifiedEmail: 'Your identity provider did not confirm that your email address is verified.',
  OidcLocalAccount: 'This email belongs to a password account: sign in with the password, or ask an admin.',
  OAuthSignin: 'Single sign-on failed to start.',
  OAuthCallback: 'Single sign-on failed.',
  SessionRequired: 'Sign in to continue.',
};

export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const callbackPath = safeCallbackPath(params.callbackUrl);
  const principal = await currentSessionPrincipal().catch(() => null);
  if (principal) redirect(callbackPath);
  const errorKey = typeof params.error === 'string' ? params.error : undefined;
  return (
    <main className="flex min-h-screen items-center justify-center px-4">
      <div className="w-full max-w-sm rounded-lg border border-zinc-200 bg-white p-6 shadow-sm dark:border-zinc-800 dark:bg-zinc-900">
        <div className="mb-6">
          <h1 className="text-lg font-semibold">Drover</h1>
          <p className="text-sm text-zinc-500">Sign in to the queue console</p>
        </div>
        <SignInForm
          callbackPath={callbackPath}
          oidcName={oidcConfigured() ? oidcDisplayName() : undefined}
          initialError={errorKey ? (ERRORS[errorKey] ?? 'Sign-in failed.') : undefined}
        />
      </div>
    </main>
  );
}
