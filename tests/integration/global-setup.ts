// Fails fast, with the package to install, when redis-server or PostgreSQL is missing (each test file starts its own).
import { ensurePostgresBinaries } from '../../lib/embedded/postgres-server.mjs';
import { ensureRedisServerBinary } from '../../lib/embedded/redis-server.mjs';

export default function setup() {
  ensureRedisServerBinary({ log: console.log });
  ensurePostgresBinaries({ log: console.log });
}
