// Lets CLI scripts reach the embedded Redis: start.mjs records its URL; scripts reuse it or start it briefly.
import fs from 'node:fs';
import path from 'node:path';
import { startRedisServer, waitForPing } from './redis-server.mjs';

export function runtimeFile(dataDir) {
  return path.join(dataDir, 'redis', 'embedded.json');
}

export function writeRuntime(dataDir, info) {
  fs.writeFileSync(runtimeFile(dataDir), JSON.stringify(info));
}

export function clearRuntime(dataDir) {
  fs.rmSync(runtimeFile(dataDir), { force: true });
}

/** The running embedded Redis, or a temporary one on the same data dir (stop() it when done). */
export async function reachEmbeddedRedis(dataDir) {
  try {
    const info = JSON.parse(fs.readFileSync(runtimeFile(dataDir), 'utf8'));
    await waitForPing(info.port, 1000);
    return { url: info.url, stop: async () => {} };
  } catch {
    const redis = await startRedisServer({ dir: path.join(dataDir, 'redis'), persistent: true });
    return { url: redis.url, stop: () => redis.stop() };
  }
}
