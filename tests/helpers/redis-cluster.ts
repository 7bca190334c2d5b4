// A real 3-master Redis Cluster on loopback ports (redis-server --cluster-enabled yes ×3 +
// redis-cli --cluster create), torn down by stop().
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import IORedis from 'ioredis';
import { startRedisServer, freePort, type RedisServerHandle } from '../../lib/embedded/redis-server.mjs';
import { waitFor } from './wait';

export type TestCluster = { ports: number[]; url: string; stop: () => Promise<void> };

export async function startTestCluster(masters = 3): Promise<TestCluster> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'drover-cluster-'));
  const servers: RedisServerHandle[] = [];
  for (let i = 0; i < masters; i++) {
    // Cluster nodes also listen on port + 10000 for the bus: pick ports that leave room for it.
    let port = await freePort();
    while (port > 55000) port = await freePort();
    const dir = path.join(root, `node-${i}`);
    servers.push(
      await startRedisServer({
        dir,
        port,
        extraArgs: ['--cluster-enabled', 'yes', '--cluster-config-file', path.join(dir, 'nodes.conf'), '--cluster-node-timeout', '2000'],
      }),
    );
  }
  const ports = servers.map((s) => s.port);
  const create = spawnSync('redis-cli', ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes'], {
    encoding: 'utf8',
    timeout: 30_000,
  });
  if (create.status !== 0) throw new Error(`redis-cli --cluster create failed: ${create.stdout}\n${create.stderr}`);
  for (const port of ports) {
    const probe = new IORedis(port, '127.0.0.1', { maxRetriesPerRequest: 1 });
    await waitFor(async () => (await probe.cluster('INFO')).includes('cluster_state:ok'), { timeout: 20_000, what: `cluster state ok on ${port}` });
    probe.disconnect();
  }
  return {
    ports,
    url: `redis+cluster://${ports.map((p) => `127.0.0.1:${p}`).join(',')}`,
    stop: async () => {
      await Promise.all(servers.map((s) => s.stop('SIGKILL')));
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}
