// Paging channels in the console store (lib/store/console/alert-channels.ts), parsed; and the check that
// the channels a rule names exist.
import 'server-only';
import { InvalidError } from '@/lib/errors';
import { alertChannelStore } from '@/lib/store/console/alert-channels';
import { parseChannel, type Channel } from './channel';

export async function readChannels(): Promise<Channel[]> {
  return (await alertChannelStore().channels())
    .map(parseChannel)
    .filter((c): c is Channel => c !== null)
    .sort((a, b) => a.createdAt - b.createdAt);
}

export async function readChannel(id: string): Promise<Channel | null> {
  const raw = await alertChannelStore().channel(id);
  return raw ? parseChannel(raw) : null;
}

/** Refuses a rule naming a channel that does not exist (400, with the field). */
export async function assertChannelsExist(ids: string[] | undefined): Promise<void> {
  if (!ids?.length) return;
  const known = new Set((await readChannels()).map((c) => c.id));
  const missing = ids.filter((id) => !known.has(id));
  if (missing.length) throw new InvalidError(`Unknown channel ${missing.join(', ')}`, { channelIds: ['no such channel'] });
}
