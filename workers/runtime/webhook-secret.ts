// The webhook signing secret: WEBHOOK_SECRET, else generated once into <data dir>/webhook-secret.
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { dataDir } from '@/lib/data-dir';

export function getWebhookSecret(env: Record<string, string | undefined> = process.env): { secret: string; source: 'env' | 'file' | 'generated'; file?: string } {
  if (env.WEBHOOK_SECRET) return { secret: env.WEBHOOK_SECRET, source: 'env' };
  const file = dataDir('webhook-secret');
  try {
    return { secret: fs.readFileSync(file, 'utf8').trim(), source: 'file', file };
  } catch {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const secret = randomBytes(32).toString('base64url');
    try {
      fs.writeFileSync(file, secret, { mode: 0o600, flag: 'wx' });
      return { secret, source: 'generated', file };
    } catch {
      // Another worker process created it first: use theirs.
      return { secret: fs.readFileSync(file, 'utf8').trim(), source: 'file', file };
    }
  }
}
