// The JWT signing secret: AUTH_SECRET / NEXTAUTH_SECRET, else generated once and kept under the data dir.
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { dataDir } from '@/lib/data-dir';

export function getAuthSecret(): string {
  const fromEnv = process.env.AUTH_SECRET || process.env.NEXTAUTH_SECRET;
  if (fromEnv) return fromEnv;
  const file = dataDir('auth-secret');
  try {
    return fs.readFileSync(/*turbopackIgnore: true*/ file, 'utf8').trim();
  } catch {
    fs.mkdirSync(/*turbopackIgnore: true*/ path.dirname(file), { recursive: true });
    const secret = randomBytes(32).toString('base64url');
    try {
      fs.writeFileSync(/*turbopackIgnore: true*/ file, secret, { mode: 0o600, flag: 'wx' });
      return secret;
    } catch {
      // Another process created it first: use theirs.
      return fs.readFileSync(/*turbopackIgnore: true*/ file, 'utf8').trim();
    }
  }
}
