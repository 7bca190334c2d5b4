// GET /api/v1/alerts/channels: a global admin reads every channel with its config masked; a scoped admin
// (who picks channels for its rules) reads names and types only.
import 'server-only';
import type { Access } from '@/lib/auth/scope';
import { toPublicChannel, type PublicChannel } from './channel';
import { readChannels } from './channel-store';
import { isGlobalAdmin } from './channel-commands';

export async function listChannels(access: Access): Promise<PublicChannel[]> {
  const full = isGlobalAdmin(access);
  return (await readChannels()).map((c) => toPublicChannel(c, full));
}
