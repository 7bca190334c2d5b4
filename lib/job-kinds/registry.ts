// The job registry: one definition per job kind. Light on purpose — the Next.js server imports it to
// validate "add job" forms and show each queue's schema — so no processor, sharp or nodemailer here.
import type { DefaultJobOptions } from 'bullmq';
import { z } from 'zod';
import type { JobKindDefinition } from './kind';
import { webhookKind } from './webhook';
import { emailKind } from './email';
import { imageKind } from './image';
import { reportKind } from './report';

export type { JobKindDefinition, SchedulerDefinition } from './kind';

export const jobKinds = [webhookKind, emailKind, imageKind, reportKind] as const;

export type JobKind = (typeof jobKinds)[number];
export type JobKindName = JobKind['kind'];
export type JobKindOf<K extends JobKindName> = Extract<JobKind, { kind: K }>;
/** What producers pass (defaults may be omitted). */
export type JobDataInput<K extends JobKindName> = z.input<JobKindOf<K>['dataSchema']>;
/** What processors receive (defaults applied). */
export type JobData<K extends JobKindName> = z.output<JobKindOf<K>['dataSchema']>;

export function getJobKind<K extends JobKindName>(kind: K): JobKindOf<K> {
  const found = jobKinds.find((k) => k.kind === kind);
  if (!found) throw new Error(`Unknown job kind "${kind}"`);
  return found as JobKindOf<K>;
}

export function isJobKindName(name: string): name is JobKindName {
  return jobKinds.some((k) => k.kind === name);
}

/** The registry entry whose queue is `queueName` (bundled queues), or undefined for any other queue. */
export function findKindByQueue(queueName: string): JobKind | undefined {
  return jobKinds.find((k) => k.queue === queueName);
}

/**
 * A job's options with its kind's defaults underneath (explicit options win; an option given as
 * undefined counts as not given). BullMQ keeps defaults on producers, not in Redis, so every producer
 * of a bundled queue goes through this: enqueue, the console's "add job", schedule templates, seed.
 * Queues no kind runs get the options unchanged.
 */
export function withKindDefaults<Opts extends object>(queue: string | JobKindDefinition, opts?: Opts): Partial<DefaultJobOptions> & Opts {
  const defaults = typeof queue === 'string' ? findKindByQueue(queue)?.defaultJobOptions : queue.defaultJobOptions;
  const given = Object.fromEntries(Object.entries(opts ?? {}).filter(([, value]) => value !== undefined)) as Opts;
  return { ...defaults, ...given };
}

export type SchemaField = {
  name: string;
  /** "string", "integer", "boolean", "object", "array<string>", "string | array<string>", '"png" | "webp"' … */
  type: string;
  required: boolean;
  description?: string;
  default?: unknown;
  enum?: unknown[];
  format?: string;
};

export type JobKindSchemaSummary = {
  kind: string;
  queue: string;
  jobNames: string[];
  description: string;
  fields: SchemaField[];
  /** The full JSON Schema (draft 2020-12) of what producers send. */
  jsonSchema: Record<string, unknown>;
};

type JsonSchemaNode = {
  type?: string | string[];
  anyOf?: JsonSchemaNode[];
  oneOf?: JsonSchemaNode[];
  items?: JsonSchemaNode;
  enum?: unknown[];
  const?: unknown;
  format?: string;
  description?: string;
  default?: unknown;
  properties?: Record<string, JsonSchemaNode>;
  required?: string[];
};

function typeName(node: JsonSchemaNode): string {
  const alternatives = node.anyOf ?? node.oneOf;
  if (alternatives) return [...new Set(alternatives.map(typeName))].join(' | ');
  if (node.enum) return node.enum.map((v) => JSON.stringify(v)).join(' | ');
  if (node.const !== undefined) return JSON.stringify(node.const);
  if (node.type === 'array') return `array<${node.items ? typeName(node.items) : 'any'}>`;
  if (Array.isArray(node.type)) return node.type.join(' | ');
  return node.type ?? 'any';
}

const summaries = new WeakMap<JobKindDefinition, JobKindSchemaSummary>();

/** Field names, types and required flags of a kind's data, for the console's "this queue's schema". */
export function jsonSchemaSummary(kind: JobKindDefinition | JobKindName): JobKindSchemaSummary {
  const definition: JobKindDefinition = typeof kind === 'string' ? getJobKind(kind) : kind;
  const cached = summaries.get(definition);
  if (cached) return cached;
  // Input side: fields with defaults are optional for producers.
  const jsonSchema = z.toJSONSchema(definition.dataSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  const root = jsonSchema as JsonSchemaNode;
  const required = new Set(root.required ?? []);
  const fields = Object.entries(root.properties ?? {}).map(([name, node]): SchemaField => {
    const field: SchemaField = { name, type: typeName(node), required: required.has(name) };
    if (node.description) field.description = node.description;
    if (node.default !== undefined) field.default = node.default;
    if (node.enum) field.enum = node.enum;
    const format = node.format ?? node.anyOf?.find((n) => n.format)?.format;
    if (format) field.format = format;
    return field;
  });
  const summary = { kind: definition.kind, queue: definition.queue, jobNames: definition.jobNames, description: definition.description, fields, jsonSchema };
  summaries.set(definition, summary);
  return summary;
}
