import type { Metadata } from 'next';
import { requirePageRole } from '@/lib/auth/guard';
import { getUser } from '@/lib/auth/users';
import { oidcDisplayName } from '@/lib/auth/options';
import { Fact } from '@/components/ui/fact';
import { ChangePasswordForm } from '@/components/users/change-password-form';

export const metadata: Metadata = { title: 'Your account' };

export default async function AccountPage() {
  const principal = await requirePageRole('viewer', '/account');
  const user = await getUser(principal.id);
  const local = user?.source === 'local';
  return (
    <div className="max-w-3xl space-y-8">
      <section className="space-y-3">
        <h1 className="text-lg font-semibold">Your account</h1>
        <dl className="grid gap-3 sm:grid-cols-3">
          <Fact label="Email">{principal.id}</Fact>
          <Fact label="Role">{principal.role}</Fact>
          <Fact label="Sign-in">{local ? 'password' : 'single sign-on'}</Fact>
        </dl>
      </section>
      <section className="space-y-3" id="your-password">
        <h2 className="text-base font-semibold">Change your password</h2>
        {local ? (
          <>
            <ChangePasswordForm email={principal.id} />
            <p className="text-xs text-zinc-500">
              Forgot your current password? An admin can reset it on the Users &amp; tokens page, or on the server with{' '}
              <code className="font-mono">npm run users -- passwd {principal.id}</code>.
            </p>
          </>
        ) : (
          <p className="text-sm text-zinc-500">You sign in with {oidcDisplayName()}: your password is managed there, not in Drover.</p>
        )}
      </section>
    </div>
  );
}
