// Fails fast, with the package to install, when redis-server is missing (each test file starts its own).
import { ensureRedisServerBinary } from '../../lib/embedded/redis-server.mjs';

export default function setup() {
  ensureRedisServerBinary({ log: console.log });
}
