// /api/v1/openapi.json, generated from the operation table: paths, parameters and bodies from each
// operation's zod schemas (zod 4's JSON Schema output), its role, the errors it can answer and an
// example. The x-drover-* extensions name the operation (its audit name), the role, the server action
// that exposes it and the inputs that need a higher role; the e2e abuse tests read them.
import 'server-only';
import { z } from 'zod';
import { API_PREFIX, OPERATIONS } from '@/lib/operations';
import { isMutation, scopeOf, type Operation } from '@/lib/operations/define';

type JsonSchema = Record<string, unknown>;

function jsonSchema(schema: z.ZodType): JsonSchema {
  // io "input": what a client sends (defaults optional, coercions as their input); transforms and
  // preprocessors have no JSON Schema, they stand for "any value".
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' }) as JsonSchema;
  return rest;
}

function parameters(op: Operation): JsonSchema[] {
  const out: JsonSchema[] = [];
  for (const [where, schema] of [['path', op.params], ['query', op.query]] as const) {
    if (!schema) continue;
    const json = jsonSchema(schema);
    const props = (json.properties ?? {}) as Record<string, JsonSchema>;
    const required = new Set((json.required as string[] | undefined) ?? []);
    for (const [name, prop] of Object.entries(props)) {
      const { description, ...propSchema } = prop;
      out.push({ name, in: where, required: where === 'path' || required.has(name), schema: propSchema, ...(description ? { description } : {}) });
    }
  }
  return out;
}

const ERROR = { $ref: '#/components/schemas/Error' };
const error = (description: string) => ({ description, content: { 'application/json': { schema: ERROR } } });

function responses(op: Operation): JsonSchema {
  const status = String(op.http?.status ?? 200);
  const ok = op.produces
    ? { description: 'OK (streamed)', content: { [op.produces]: { schema: { type: 'string' } } } }
    : { description: 'OK', content: { 'application/json': { schema: op.output ? jsonSchema(op.output) : { type: 'object' } } } };
  return {
    [status]: ok,
    ...(op.params || op.query || op.body ? { '400': error('Invalid input: a field that fails validation, or malformed JSON') } : {}),
    '401': error('Not signed in, or an invalid, expired or revoked token'),
    '403': error(`Below the ${op.role} role${isMutation(op) ? ', a read-only connection, or a cross-origin request with a session cookie' : ''}`),
    ...(op.params ? { '404': error('Unknown connection, queue, job or other named resource') } : {}),
    ...(isMutation(op) ? { '409': error('The target is in a state the operation does not apply to (it may have moved meanwhile)') } : {}),
    ...(op.body ? { '413': error(`Body larger than ${op.maxBodyBytes ?? 1024 * 1024} bytes`) } : {}),
    ...(op.expensive || op.rateLimited ? { '429': error(op.rateLimited ?? 'Too many concurrent searches or downloads (see Retry-After)') } : {}),
    ...(isMutation(op) && op.params ? { '507': error('Redis is out of memory: nothing was changed') } : {}),
    ...(op.params ? { '501': error('Not available on a PostgreSQL connection in this version (the message names the connection)') } : {}),
    '503': error('The store is unreachable, or a PostgreSQL statement ran past its time limit (try again)'),
  };
}

function describe(op: Operation): JsonSchema {
  const roleLine = `Requires the **${op.role}** role (session cookie or bearer token).`;
  const escalations = (op.escalations ?? []).map((e) => `Needs **${e.role}** when ${e.when}.`);
  return {
    operationId: op.name,
    tags: [op.tag],
    summary: op.summary,
    description: [op.description, roleLine, ...escalations].filter(Boolean).join('\n\n'),
    ...(parameters(op).length ? { parameters: parameters(op) } : {}),
    ...(op.body
      ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(op.body), ...(op.example?.body !== undefined ? { example: op.example.body } : {}) } } } }
      : {}),
    responses: responses(op),
    'x-drover-operation': op.name,
    'x-drover-role': op.role,
    'x-drover-scope': scopeOf(op),
    ...(op.action ? { 'x-drover-server-action': op.action } : {}),
    ...(op.escalations?.length ? { 'x-drover-escalations': op.escalations } : {}),
    ...(op.example ? { 'x-drover-example': op.example } : {}),
  };
}

export function openApiDocument(): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {
    '/api/health': {
      get: {
        operationId: 'health',
        tags: ['console'],
        summary: 'Up or down: 200 when every connection answers, 503 otherwise; details only for a signed-in caller',
        security: [{}, { bearer: [] }, { session: [] }],
        responses: { '200': { description: 'All connections up' }, '503': { description: 'A connection is down' } },
      },
    },
  };
  for (const op of OPERATIONS) {
    if (!op.http) continue;
    const path = `${API_PREFIX}${op.http.path}`;
    (paths[path] ??= {})[op.http.method.toLowerCase()] = describe(op);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Drover API',
      version: '1',
      description: 'Admin API for BullMQ queues, generated from the operation table. Errors are `{ "error": { "code", "message", "fieldErrors"? } }`.',
    },
    servers: [{ url: '/' }],
    security: [{ bearer: [] }, { session: [] }],
    tags: [...new Set(OPERATIONS.map((op) => op.tag))].map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'API token created by an admin (`drv_…`)' },
        session: { type: 'apiKey', in: 'cookie', name: 'next-auth.session-token' },
      },
      schemas: {
        Error: {
          type: 'object',
          required: ['error'],
          properties: {
            error: {
              type: 'object',
              required: ['code', 'message'],
              properties: { code: { type: 'string' }, message: { type: 'string' }, fieldErrors: { type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } } },
            },
          },
        },
      },
    },
  };
}
