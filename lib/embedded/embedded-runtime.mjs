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

/** What start.mjs recorded, or null (no file, unreadable). */
export function readRuntime(dataDir) {
  try {
    return JSON.parse(fs.readFileSync(runtimeFile(dataDir), 'utf8'));
  } catch {
    return null;
  }
}

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

/**
 * The embedded Redis another `npm start` (or one it left behind when killed) runs on this data dir:
 * its recorded redis-server process is alive and answers PING. Two servers on one AOF corrupt it.
 */
export async function runningEmbeddedRedis(dataDir) {
  const info = readRuntime(dataDir);
  if (!info?.redisPid || !isAlive(info.redisPid)) return null;
  try {
    await waitForPing(info.port, 1000);
    return info;
  } catch {
    return null;
  }
}

/** The running embedded Redis, or a temporary one on the same data dir (stop() it when done). */
export async function reachEmbeddedRedis(dataDir) {
  const info = await runningEmbeddedRedis(dataDir);
  if (info) return { url: info.url, stop: async () => {} };
  const redis = await startRedisServer({ dir: path.join(dataDir, 'redis'), persistent: true });
  return { url: redis.url, stop: () => redis.stop() };
}
