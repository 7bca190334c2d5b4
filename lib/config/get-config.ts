import 'server-only';
import { readConfig } from './load-config';
import type { DroverConfig } from './schema';
import { ConfigError } from './load-config';

const CACHE = Symbol.for('drover.config');
type Holder = { [CACHE]?: DroverConfig };

/** The validated configuration of this process, read once. */
export function getConfig(): DroverConfig {
  const holder = globalThis as Holder;
  if (!holder[CACHE]) {
    const { config, source } = readConfig();
    if (source === 'none') {
      throw new ConfigError('No Redis connection configured: set REDIS_URL, create drover.config.json, or use `npm start` (embedded Redis)');
    }
    holder[CACHE] = config;
  }
  return holder[CACHE];
}

/** Tests switch configuration between files. */
export function resetConfigCache(): void {
  delete (globalThis as Holder)[CACHE];
}
