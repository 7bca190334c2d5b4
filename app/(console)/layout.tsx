import type { ReactNode } from 'react';
import { headers } from 'next/headers';
import { requirePageRole } from '@/lib/auth/guard';
import { Header } from '@/components/shell/header';
import { Link } from '@/components/ui/link';
import { Sidebar } from '@/components/shell/sidebar';
import { SidebarToggle } from '@/components/shell/sidebar-toggle';
import { getSidebarConnections } from '@/lib/queues/sidebar-connections';
import { RedisBanner } from '@/components/explorer/redis-banner';
import { FiringAlertsBanner } from '@/components/alerts/firing-alerts-banner';
import { hasRole } from '@/lib/auth/roles';
import { readOperation } from '@/lib/http/load-page-data';
import { alertOperations } from '@/lib/operations/alerts';

export const dynamic = 'force-dynamic';

export default async function ConsoleLayout({ children }: { children: ReactNode }) {
  const path = (await headers()).get('x-drover-path') ?? '/';
  const principal = await requirePageRole('viewer', path);
  // The banner's first state comes with the page (what GET /api/v1/alerts/firing answers, viewer role,
  // computed once per process per 5 s): no request at hydration; the browser polls from there.
  const [connections, firing] = await Promise.all([getSidebarConnections(principal), readOperation(principal, alertOperations.firingAlerts, {}).catch(() => null)]);
  return (
    <div className="flex min-h-screen">
      <aside className="sticky top-0 flex h-screen w-60 shrink-0 flex-col border-r border-zinc-200 bg-white sidebar-collapsed:w-12 dark:border-zinc-800 dark:bg-zinc-950">
        <div className="flex items-center gap-1 px-2 pt-2">
          <SidebarToggle />
          <Link href="/" className="text-base font-semibold tracking-tight sidebar-collapsed:hidden">
            Drover
          </Link>
        </div>
        <Sidebar principal={principal} connections={connections} />
      </aside>
      <div className="flex min-w-0 flex-1 flex-col">
        <Header
          principal={principal}
          banner={
            <>
              <RedisBanner />
              <FiringAlertsBanner canOpenAlerts={hasRole(principal.role, 'admin')} initial={firing} />
            </>
          }
        />
        <main className="min-w-0 flex-1 p-4 md:p-6">{children}</main>
      </div>
    </div>
  );
}
