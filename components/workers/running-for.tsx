'use client';
// "1m 12s" since a job started, kept current by the page's one shared clock; "—" for a time no Date
// can hold (a hand-written record or job hash may carry 1e300: toISOString would throw and take the page down).
import { useNow } from '@/components/ui/use-now';
import { formatDuration } from '@/components/explorer/format';

export function RunningFor({ since }: { since: number | null }) {
  const valid = since !== null && Number.isFinite(new Date(since).getTime());
  const now = useNow(valid ? since : null);
  if (!valid) return <span className="text-zinc-400">—</span>;
  return <span title={new Date(since).toISOString()}>{now === null ? '…' : formatDuration(Math.max(0, now - since))}</span>;
}
