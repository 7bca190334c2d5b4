// The operation table is the one source of truth: every /api/v1 handler and every server action is an
// operation of it, every operation with a path is served and documented, and the generated OpenAPI
// document is valid OpenAPI 3.1.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Validator } from '@seriousme/openapi-schema-validator';
import { API_PREFIX, OPERATIONS } from '@/lib/operations';
import { openApiDocument } from '@/lib/http/openapi';
import type { Operation } from '@/lib/operations/define';

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

function routeFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? routeFiles(path.join(dir, e.name)) : e.name === 'route.ts' ? [path.join(dir, e.name)] : []));
}

/** app/api/v1/connections/[conn]/dlq/route.ts → /connections/{conn}/dlq */
function pathOf(file: string): string {
  const rel = path.relative(path.resolve('app/api/v1'), path.dirname(file));
  return `/${rel.split(path.sep).map((seg) => seg.replace(/^\[(\w+)\]$/, '{$1}')).join('/')}`.replace(/\/$/, '');
}

async function servedHandlers(): Promise<Array<{ file: string; method: string; path: string; operation: Operation | undefined }>> {
  const handlers = [];
  for (const file of routeFiles(path.resolve('app/api/v1'))) {
    const mod = (await import(file)) as Record<string, unknown>;
    for (const method of METHODS) {
      const handler = mod[method] as { operation?: Operation } | undefined;
      if (handler) handlers.push({ file: path.relative(process.cwd(), file), method, path: pathOf(file), operation: handler.operation });
    }
  }
  return handlers;
}

describe('the operation table', () => {
  it('names each operation once (its audit name)', () => {
    const names = OPERATIONS.map((op) => op.name);
    expect(names.length).toBeGreaterThan(60);
    expect(new Set(names).size).toBe(names.length);
  });

  it('every handler under app/api/v1 belongs to a table entry with the same method and path, and every entry with a path is served', async () => {
    const handlers = await servedHandlers();
    const strays = handlers.filter((h) => !h.operation).map((h) => `${h.method} ${h.file}`);
    expect(strays, 'handlers not made by routeOf(operation)').toEqual([]);
    for (const h of handlers) expect(`${h.operation!.http?.method} ${h.operation!.http?.path}`, h.file).toBe(`${h.method} ${h.path}`);
    const served = new Set(handlers.map((h) => h.operation!.name));
    const unserved = OPERATIONS.filter((op) => op.http && !served.has(op.name)).map((op) => op.name);
    expect(unserved, 'operations with a path but no route.ts').toEqual([]);
  });

  it('every server action is an operation of the table, under the name the table gives it', async () => {
    const exported = new Map<string, Operation>();
    const mod = (await import(path.resolve('app/actions.ts'))) as Record<string, { operation?: Operation }>;
    for (const [name, fn] of Object.entries(mod)) {
      expect(fn.operation, `${name} is not actionOf(operation)`).toBeDefined();
      exported.set(name, fn.operation!);
    }
    for (const op of OPERATIONS.filter((o) => o.action)) expect(exported.get(op.action!), `${op.name} names action ${op.action}`).toBe(op);
    for (const [name, op] of exported) expect(op.action, `${name} is exported but its operation names ${op.action}`).toBe(name);
  });

  it('documents every operation with a path in a valid OpenAPI 3.1 document, with its role, errors and an example', async () => {
    const doc = openApiDocument() as { paths: Record<string, Record<string, Record<string, unknown>>> };
    const result = await new Validator().validate(doc as never);
    expect(result.errors ?? [], JSON.stringify(result.errors, null, 1)?.slice(0, 2000)).toEqual([]);
    expect(result.valid).toBe(true);
    for (const op of OPERATIONS.filter((o) => o.http)) {
      const entry = doc.paths[`${API_PREFIX}${op.http!.path}`]?.[op.http!.method.toLowerCase()];
      expect(entry, `${op.name} documented`).toMatchObject({ operationId: op.name, 'x-drover-role': op.role, summary: op.summary });
      expect(Object.keys(entry.responses as object)).toEqual(expect.arrayContaining(['401', '403']));
      if (op.params || op.query || op.body) expect(entry['x-drover-example'], `${op.name} has an example`).toBeDefined();
    }
  });

  it('each example is a valid input of its operation', () => {
    for (const op of OPERATIONS) {
      for (const part of ['params', 'query', 'body'] as const) {
        const schema = op[part];
        if (!schema) continue;
        const example = op.example?.[part] ?? (part === 'query' ? {} : undefined);
        const parsed = schema.safeParse(example);
        expect(parsed.success, `${op.name} example ${part}: ${parsed.error?.message}`).toBe(true);
      }
    }
  });
});
