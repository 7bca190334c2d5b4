import type { Metadata } from 'next';
import { EmptyState } from '@/components/ui/empty-state';

export const metadata: Metadata = { title: 'Overview' };

export default function OverviewPage() {
  return (
    <div className="space-y-4">
      <h1 className="text-lg font-semibold">Overview</h1>
      <EmptyState title="No queues to show yet">Queues appear here once producers or workers use them.</EmptyState>
    </div>
  );
}
