'use client';
// The signed-in user's own password change (on the account page and on Users & tokens): the current
// password, the new one twice. Other sessions end; this one stays signed in.
import { useId, useState, type FormEvent } from 'react';
import { changeOwnPasswordAction } from '@/app/actions';
import { Button } from '@/components/ui/button';
import { FieldError, Input, Label } from '@/components/ui/input';
import { useRunAction } from '@/components/ui/use-run-action';

const FIELDS = ['currentPassword', 'newPassword', 'confirmPassword'] as const;

function changedMessage(otherSessionsEnded: number): string {
  const others = otherSessionsEnded === 0 ? '' : ` ${otherSessionsEnded} other session${otherSessionsEnded === 1 ? ' was' : 's were'} signed out.`;
  return `Your password was changed. You are still signed in here.${others}`;
}

export function ChangePasswordForm({ email }: { email: string }) {
  const id = useId();
  const { run, pending } = useRunAction();
  const [fieldErrors, setFieldErrors] = useState<Record<string, string[]>>({});
  const [error, setError] = useState<string | null>(null);
  const [changed, setChanged] = useState<string | null>(null);

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const [currentPassword, newPassword, confirmPassword] = FIELDS.map((f) => String(data.get(f) ?? ''));
    setChanged(null);
    setError(null);
    if (newPassword !== confirmPassword) {
      setFieldErrors({ confirmPassword: ['the two new passwords differ'] });
      return;
    }
    run(() => changeOwnPasswordAction({ body: { currentPassword, newPassword } }), {
      // The outcome is shown beside the form, where the user is looking, and stays.
      quiet: true,
      onDone: (res) => {
        if (!res.ok) {
          const errors = res.error.fieldErrors ?? {};
          setFieldErrors(errors);
          if (!FIELDS.some((f) => errors[f])) setError(res.error.message);
          return;
        }
        setFieldErrors({});
        form.reset();
        setChanged(changedMessage(res.data.otherSessionsEnded));
      },
    });
  }

  const field = (name: (typeof FIELDS)[number], label: string, autoComplete: string) => (
    <div className="min-w-48 flex-1">
      <Label htmlFor={`${id}-${name}`}>{label}</Label>
      <Input id={`${id}-${name}`} name={name} type="password" required autoComplete={autoComplete} aria-invalid={Boolean(fieldErrors[name])} />
      <FieldError messages={fieldErrors[name]} />
    </div>
  );

  return (
    <form onSubmit={onSubmit} aria-label="Change your password" className="space-y-3 rounded-md border border-zinc-200 p-3 dark:border-zinc-800">
      {/* Lets password managers file the new password under the right account. */}
      <input type="text" name="username" autoComplete="username" value={email} readOnly hidden />
      <div className="flex flex-wrap items-start gap-3">
        {field('currentPassword', 'Current password', 'current-password')}
        {field('newPassword', 'New password', 'new-password')}
        {field('confirmPassword', 'Confirm new password', 'new-password')}
      </div>
      <div className="flex flex-wrap items-center gap-3">
        <Button type="submit" variant="primary" disabled={pending}>
          {pending ? 'Changing…' : 'Change password'}
        </Button>
        <p className="text-xs text-zinc-500">At least 10 characters. Your other sessions are signed out; this one stays signed in.</p>
      </div>
      {changed && (
        <p role="status" data-testid="password-changed" className="text-sm text-emerald-700 dark:text-emerald-400">
          {changed}
        </p>
      )}
      {error && (
        <p role="alert" className="text-sm text-red-600 dark:text-red-400">
          {error}
        </p>
      )}
    </form>
  );
}
