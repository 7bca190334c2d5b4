// The console's configuration: named connections (Redis or PostgreSQL) and console-wide settings.
import { z } from 'zod';
import { permissionsConfigSchema } from '@/lib/auth/permissions-schema';
import { ssoConfigSchema } from '@/lib/auth/sso-schema';
import { linkTemplatesSchema } from '@/lib/links/link-template';
import { OBJECTIVE_LIMITS, queueObjectivesSchema } from '@/lib/objectives/objective';

/** The store a connection's URL names: postgres:// and postgresql:// are PostgreSQL, the rest Redis. */
export type StoreKind = 'redis' | 'postgres';
export function storeKindOf(url: string): StoreKind {
  return /^postgres(ql)?:\/\//i.test(url) ? 'postgres' : 'redis';
}

/** A Redis Cluster connection: `cluster: true` or a redis+cluster:// URL. */
export function isClusterConfig(config: { url: string; cluster?: boolean }): boolean {
  return Boolean(config.cluster) || config.url.startsWith('redis+cluster://');
}

/** BullMQ queue names may not contain ':' (it separates key parts). */
export const queueNameSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(200, 'must be at most 200 characters')
  .refine((s) => !s.includes(':'), 'must not contain ":"');

export const connectionNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, "-" or "_"');

const redisUrlSchema = z
  .string()
  .refine((s) => /^(rediss?|redis\+cluster):\/\/[^\s]+$/.test(s), 'must be a redis://, rediss:// or redis+cluster:// URL');

const storeUrlSchema = z
  .string()
  .refine(
    (s) => /^(rediss?|redis\+cluster|postgres|postgresql):\/\/[^\s]+$/i.test(s),
    'must be a redis://, rediss://, redis+cluster://, postgres:// or postgresql:// URL',
  );

/** A PostgreSQL schema name BullMQ accepts (quoted by BullMQ; kept to plain identifiers here). */
const pgSchemaNameSchema = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,62}$/, 'must be a plain identifier (letters, digits, "_")');

export const connectionConfigSchema = z
  .object({
    name: connectionNameSchema,
    url: storeUrlSchema,
    /** BullMQ key prefix; default "bull", or "{bull}" on a Redis Cluster (a hash tag keeps a queue's keys in one slot). */
    prefix: z.string().min(1).refine((s) => !s.includes(' '), 'must not contain spaces').optional(),
    readOnly: z.boolean().default(false),
    /** Treat the URL's host list (or `nodes`) as Redis Cluster seed nodes. */
    cluster: z.boolean().default(false),
    nodes: z.array(redisUrlSchema).optional(),
    /** PostgreSQL only: the schema BullMQ's tables live in (BullMQ's default "bullmq"). */
    schema: pgSchemaNameSchema.optional(),
    /**
     * PostgreSQL only: let Drover create or upgrade BullMQ's schema (BullMQ's own migrations) on first
     * use. Off by default: Drover never changes another program's schema unless told to.
     */
    migrate: z.boolean().default(false),
    /** Queues always listed even before they exist in Redis. */
    queues: z.array(queueNameSchema).default([]),
    /** Name of this connection's dead-letter queue. */
    deadLetterQueue: queueNameSchema.default('dead-letter'),
    /**
     * How long dead letters are kept and how many at most (oldest go first). Enforced in bounded
     * batches by the worker runtime's periodic sweep and after each capture from the console (lib/dlq).
     */
    deadLetterRetention: z
      .object({
        maxAgeDays: z.number().positive('must be > 0').max(3650, 'must be at most 3650 days').default(30),
        maxCount: z.number().int().min(1, 'must be ≥ 1').max(10_000_000, 'must be at most 10,000,000').default(100_000),
      })
      .strict()
      .default({ maxAgeDays: 30, maxCount: 100_000 }),
    /** Links out on the job page of every queue of this connection (README › Links out); read-only in the console. */
    links: linkTemplatesSchema.default([]),
    /** Links out of single queues: queue name → templates, shown after the connection's. */
    queueLinks: z
      .record(queueNameSchema, linkTemplatesSchema)
      .refine((r) => Object.keys(r).length <= 1000, 'at most 1,000 queues with links')
      .default({}),
    /** Queue objectives (README › Queue objectives): queue name → objectives; a queue named here is read-only in the console. */
    objectives: z
      .record(queueNameSchema, queueObjectivesSchema)
      .refine((r) => Object.keys(r).length <= OBJECTIVE_LIMITS.configQueuesPerConnection, `at most ${OBJECTIVE_LIMITS.configQueuesPerConnection.toLocaleString('en-US')} queues with objectives`)
      .default({}),
  })
  .strict()
  .superRefine((c, ctx) => {
    const kind = storeKindOf(c.url);
    if (kind === 'redis' && c.schema !== undefined) ctx.addIssue({ code: 'custom', path: ['schema'], message: 'applies to PostgreSQL connections only (postgres:// URLs)' });
    if (kind === 'redis' && c.migrate) ctx.addIssue({ code: 'custom', path: ['migrate'], message: 'applies to PostgreSQL connections only (postgres:// URLs)' });
    // "{pg:<name>}" is where an earlier Drover kept a PostgreSQL connection's own data on the console's
    // Redis (moved out on upgrade: lib/schedules/legacy-paused.ts); a queue prefix there would collide.
    if (kind === 'redis' && c.prefix?.startsWith('{pg:')) ctx.addIssue({ code: 'custom', path: ['prefix'], message: 'must not start with "{pg:" (Drover keeps PostgreSQL connections\' data there)' });
    if (kind === 'postgres') {
      if (c.cluster || c.nodes) ctx.addIssue({ code: 'custom', path: ['cluster'], message: 'applies to Redis connections only' });
      if (c.prefix !== undefined) ctx.addIssue({ code: 'custom', path: ['prefix'], message: 'applies to Redis connections only (a PostgreSQL connection names a schema instead)' });
    }
  })
  .transform((c) => {
    const store = storeKindOf(c.url);
    return {
      ...c,
      store,
      schema: store === 'postgres' ? (c.schema ?? 'bullmq') : undefined,
      prefix: c.prefix ?? (isClusterConfig(c) ? '{bull}' : 'bull'),
    };
  });

export const droverConfigSchema = z
  .object({
    connections: z.array(connectionConfigSchema).min(1, 'must declare at least one connection'),
    /** Connection whose Redis holds the console's own `drover:` keys (users, audit…). Default: the first. */
    consoleConnection: connectionNameSchema.optional(),
    /** Operations withheld from a role (README › Team scopes › Permissions). */
    permissions: permissionsConfigSchema.optional(),
    /** OIDC groups mapped to a global role and grants at every sign-in (README › Team scopes › Single sign-on groups). */
    sso: ssoConfigSchema.optional(),
  })
  .strict()
  .superRefine((cfg, ctx) => {
    const seen = new Set<string>();
    cfg.connections.forEach((c, i) => {
      if (seen.has(c.name)) {
        ctx.addIssue({ code: 'custom', path: ['connections', i, 'name'], message: `duplicate connection name "${c.name}"` });
      }
      seen.add(c.name);
    });
    cfg.connections.forEach((c, i) => {
      const cluster = isClusterConfig(c);
      // BullMQ's multi-key scripts need every key of a queue in one slot: a {hash tag} prefix does that.
      if (cluster && !/\{[^}]+\}/.test(c.prefix)) {
        ctx.addIssue({ code: 'custom', path: ['connections', i, 'prefix'], message: `on a Redis Cluster the prefix needs a hash tag, e.g. "{${c.prefix}}"` });
      }
    });
    if (cfg.consoleConnection && !seen.has(cfg.consoleConnection)) {
      ctx.addIssue({ code: 'custom', path: ['consoleConnection'], message: `names no declared connection ("${cfg.consoleConnection}")` });
    }
  });

export type ConnectionConfig = z.infer<typeof connectionConfigSchema>;
export type DroverConfig = z.infer<typeof droverConfigSchema>;
