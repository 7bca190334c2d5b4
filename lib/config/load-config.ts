// Reads the connection configuration from drover.config.json / DROVER_CONFIG, or REDIS_URL and DATABASE_URL.
import fs from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import { droverConfigSchema, type DroverConfig } from './schema';
import { fieldErrorsOf } from '@/lib/zod-issues';

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** "connections[1].url: must be a redis://… URL" — names the field that is wrong, one line each. */
export function formatZodIssues(error: z.ZodError, source: string): string {
  const lines = Object.entries(fieldErrorsOf(error)).flatMap(([field, messages]) => messages.map((m) => `  - ${field}: ${m}`));
  return `Invalid configuration in ${source}:\n${lines.join('\n')}`;
}

export type ConfigSource = { config: DroverConfig; source: 'file' | 'env' | 'none'; file?: string };

export function parseConfig(raw: unknown, source: string): DroverConfig {
  const parsed = droverConfigSchema.safeParse(raw);
  if (!parsed.success) throw new ConfigError(formatZodIssues(parsed.error, source));
  return parsed.data;
}

/**
 * Config file first (DROVER_CONFIG or ./drover.config.json), then REDIS_URL as one connection
 * named "default". Returns source "none" when nothing is configured (npm start then embeds Redis).
 */
export type Env = Record<string, string | undefined>;

export function readConfig(env: Env = process.env, cwd = process.cwd()): ConfigSource {
  const explicit = env.DROVER_CONFIG;
  const file = path.resolve(/*turbopackIgnore: true*/ cwd, explicit || 'drover.config.json');
  if (fs.existsSync(/*turbopackIgnore: true*/ file)) {
    let raw: unknown;
    try {
      raw = JSON.parse(fs.readFileSync(/*turbopackIgnore: true*/ file, 'utf8'));
    } catch (err) {
      throw new ConfigError(`Invalid configuration in ${file}: not valid JSON (${(err as Error).message})`);
    }
    return { config: parseConfig(raw, file), source: 'file', file };
  }
  if (explicit) throw new ConfigError(`DROVER_CONFIG points to ${file}, which does not exist`);
  if (env.REDIS_URL || env.DATABASE_URL) {
    // REDIS_URL is the connection "default" (and the console's); DATABASE_URL (PostgreSQL) the
    // connection "postgres" beside it, or alone the only one (a deployment on PostgreSQL only).
    // DROVER_PG_MIGRATE=1 is that connection's "migrate": true (BullMQ's schema made on first use).
    const migrate = /^(1|true|yes)$/i.test(env.DROVER_PG_MIGRATE ?? '');
    const connections = [
      ...(env.REDIS_URL ? [{ name: 'default', url: env.REDIS_URL }] : []),
      ...(env.DATABASE_URL ? [{ name: 'postgres', url: env.DATABASE_URL, ...(migrate ? { migrate: true } : {}) }] : []),
    ];
    const source = [env.REDIS_URL && 'REDIS_URL', env.DATABASE_URL && 'DATABASE_URL'].filter(Boolean).join(' + ');
    return { config: parseConfig({ connections }, source), source: 'env' };
  }
  return { config: { connections: [] } as unknown as DroverConfig, source: 'none' };
}
