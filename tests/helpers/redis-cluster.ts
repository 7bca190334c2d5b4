// A real 3-master Redis Cluster on loopback ports (redis-server --cluster-enabled yes ×3 +
// redis-cli --cluster create), torn down by stop().
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import IORedis from 'ioredis';
import { startRedisServer, type RedisServerHandle } from '../../lib/embedded/redis-server.mjs';
import { waitFor } from './wait';

export type TestCluster = { ports: number[]; url: string; stop: () => Promise<void> };

export async function startTestCluster(masters = 3): Promise<TestCluster> {
  // A node that cannot bind its bus port, or a create that never sees the nodes meet, is retried on
  // other ports: a port chosen free can be taken a moment later by another test's process.
  let lastError: unknown;
  for (let attempt = 1; attempt <= 3; attempt++) {
    try {
      return await tryStartCluster(masters);
    } catch (err) {
      lastError = err;
    }
  }
  throw lastError;
}

async function tryStartCluster(masters: number): Promise<TestCluster> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'drover-cluster-'));
  const servers: RedisServerHandle[] = [];
  const cleanUp = async () => {
    await Promise.all(servers.map((s) => s.stop('SIGKILL').catch(() => {})));
    fs.rmSync(root, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < masters; i++) {
      const port = await clusterPort();
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
      timeout: 45_000,
    });
    if (create.status !== 0) throw new Error(`redis-cli --cluster create failed (${create.error?.message ?? create.status}): ${create.stdout}\n${create.stderr}`);
    for (const port of ports) {
      const probe = new IORedis(port, '127.0.0.1', { maxRetriesPerRequest: 1 });
      try {
        await waitFor(async () => (await probe.cluster('INFO')).includes('cluster_state:ok'), { timeout: 30_000, what: `cluster state ok on ${port}` });
      } finally {
        probe.disconnect();
      }
    }
  } catch (err) {
    await cleanUp();
    throw err;
  }
  const ports = servers.map((s) => s.port);
  return {
    ports,
    url: `redis+cluster://${ports.map((p) => `127.0.0.1:${p}`).join(',')}`,
    stop: cleanUp,
  };
}

/**
 * A node listens on its port and on port + 10000 for the cluster bus. Both are checked, and the bus
 * port stays below Linux's ephemeral range (32768+), where the kernel hands out the source ports of
 * outgoing connections: 20000-22767 gives buses 30000-32767.
 */
async function clusterPort(): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = 20000 + Math.floor(Math.random() * 2768);
    if ((await canListen(port)) && (await canListen(port + 10000))) return port;
  }
  throw new Error('no free pair of ports (port, port + 10000) for a cluster node');
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', () => resolve(false));
    srv.listen({ port, host: '127.0.0.1', exclusive: true }, () => srv.close(() => resolve(true)));
  });
}
