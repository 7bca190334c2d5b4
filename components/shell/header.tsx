import type { Principal } from '@/lib/auth/principal';
import { describeGrant, isUnscoped } from '@/lib/auth/scope';
import { Badge } from '@/components/ui/badge';
import { ThemeToggle } from './theme-toggle';
import { SignOutButton } from './sign-out-button';
import { UserMenu } from './user-menu';
import { QueueSwitcher } from './queue-switcher';

const ROLE_TONE = { viewer: 'neutral', operator: 'blue', admin: 'purple' } as const;

/**
 * The role badge: the role itself for a user without grants; "scoped" for one whose role differs by
 * queue (README › Team scopes), its title listing the global role and every grant.
 */
function RoleBadge({ principal }: { principal: Principal }) {
  const access = principal.access;
  if (!access || isUnscoped(access)) {
    return (
      <Badge tone={ROLE_TONE[principal.role]} className="uppercase" title="Your role">
        <span data-testid="current-role">{principal.role}</span>
      </Badge>
    );
  }
  const title = [`Everywhere else: ${access.global ?? 'no access'}`, ...access.grants.map(describeGrant)].join('\n');
  return (
    <Badge tone="indigo" className="uppercase" title={title}>
      <span data-testid="current-role">scoped</span>
    </Badge>
  );
}

export function Header({ principal, banner }: { principal: Principal; banner?: React.ReactNode }) {
  return (
    <header className="sticky top-0 z-20 border-b border-zinc-200 bg-white/90 backdrop-blur dark:border-zinc-800 dark:bg-zinc-950/90">
      {banner}
      <div className="flex h-12 items-center justify-end gap-3 px-4">
        <QueueSwitcher />
        <UserMenu name={principal.name} />
        <RoleBadge principal={principal} />
        <ThemeToggle />
        <SignOutButton />
      </div>
    </header>
  );
}
