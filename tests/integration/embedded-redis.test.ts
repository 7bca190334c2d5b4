// The embedded default: AOF everysec + noeviction in a data dir, data kept across a restart.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startTestRedis } from '../helpers/redis';
import { configureRedisUrl } from '../helpers/console-env';
import { createUser, verifyCredentials } from '@/lib/auth/users';
import { closeAllConnections } from '@/lib/redis/connections';

describe('embedded redis-server', () => {
  it('runs with AOF everysec and noeviction, and keeps users across a restart', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drover-embedded-'));
    const first = await startTestRedis({ dir, persistent: true });
    const client = first.client();
    expect(await client.config('GET', 'appendonly')).toEqual(['appendonly', 'yes']);
    expect(await client.config('GET', 'appendfsync')).toEqual(['appendfsync', 'everysec']);
    expect(await client.config('GET', 'maxmemory-policy')).toEqual(['maxmemory-policy', 'noeviction']);
    await configureRedisUrl(first.url);
    await createUser({ email: 'kept@x', password: 'survives restarts', role: 'operator' });
    await closeAllConnections();
    await first.stop();

    const second = await startTestRedis({ dir, persistent: true });
    expect(second.port).not.toBe(0);
    await configureRedisUrl(second.url);
    expect((await verifyCredentials('kept@x', 'survives restarts'))?.role).toBe('operator');
    await closeAllConnections();
    await second.stop();
    expect(fs.existsSync(path.join(dir, 'appendonlydir'))).toBe(true);
  });
});
