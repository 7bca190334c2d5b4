import { Link } from '@/components/ui/link';
import type { Principal } from '@/lib/auth/principal';
import { hasRole } from '@/lib/auth/roles';
import { SidebarConnections } from './sidebar-connections';
import type { SidebarConnection } from '@/lib/queues/sidebar-connection';

function NavLink({ href, children }: { href: string; children: React.ReactNode }) {
  return (
    <Link href={href} className="block rounded px-2 py-1 text-sm text-zinc-700 hover:bg-zinc-100 dark:text-zinc-300 dark:hover:bg-zinc-800">
      {children}
    </Link>
  );
}

/** Users & tokens are about the whole console: only the global role counts. */
function isGlobalAdmin(principal: Principal): boolean {
  const role = principal.access ? principal.access.global : principal.role;
  return role !== null && hasRole(role, 'admin');
}

export function Sidebar({ principal, connections }: { principal: Principal; connections: SidebarConnection[] }) {
  return (
    <nav id="sidebar-nav" aria-label="Main" className="flex min-h-0 flex-1 flex-col gap-4 overflow-y-auto p-3 sidebar-collapsed:hidden">
      <div className="space-y-0.5">
        <NavLink href="/">Overview</NavLink>
        <NavLink href="/busy">Busy</NavLink>
        <NavLink href="/schedules">Schedules</NavLink>
        <NavLink href="/dlq">Dead letters</NavLink>
        {/* Admin somewhere (a grant counts): those pages show the admin's scope (README › Team scopes). */}
        {hasRole(principal.role, 'admin') && <NavLink href="/alerts">Alerts</NavLink>}
        {hasRole(principal.role, 'admin') && <NavLink href="/audit">Audit log</NavLink>}
        {isGlobalAdmin(principal) && <NavLink href="/users">Users &amp; tokens</NavLink>}
      </div>
      <SidebarConnections connections={connections} />
    </nav>
  );
}
