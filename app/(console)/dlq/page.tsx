import { redirect } from 'next/navigation';
import { requirePageRole } from '@/lib/auth/guard';
import { getConsoleConnection } from '@/lib/redis/connections';

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

/** /dlq → the dead letters of the console connection (the page switches connections). */
export default async function DeadLettersIndex({ searchParams }: Props) {
  await requirePageRole('viewer', '/dlq');
  const sp = await searchParams;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(sp)) if (typeof v === 'string') params.set(k, v);
  const qs = params.toString();
  redirect(`/dlq/${encodeURIComponent(getConsoleConnection().name)}${qs ? `?${qs}` : ''}`);
}
