import { Badge, type BadgeTone } from '@/components/ui/badge';

const TONE: Record<string, BadgeTone> = {
  waiting: 'blue',
  active: 'indigo',
  delayed: 'amber',
  prioritized: 'purple',
  'waiting-children': 'neutral',
  completed: 'green',
  failed: 'red',
};

export function StateBadge({ state }: { state: string }) {
  return (
    <Badge tone={TONE[state] ?? 'neutral'} className="whitespace-nowrap">
      {state}
    </Badge>
  );
}
