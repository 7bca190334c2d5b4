// The /api/v1 route inventory, read from the source tree so new routes are covered by the abuse tests.
import fs from 'node:fs';
import path from 'node:path';
import type { Role } from './support';

export type RouteCase = { file: string; url: string; method: string; role: Role; acceptsJson: boolean };

const FILL: Record<string, string> = {
  conn: 'default',
  queue: 'inventory-probe',
  id: '00000000-0000-4000-8000-000000000000',
  email: 'nobody%40example.com',
  schedulerId: 'probe',
};

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : e.name === 'route.ts' ? [path.join(dir, e.name)] : []));
}

/** Each exported handler with the role its apiRoute(...) (or a known factory) requires, and whether it reads a JSON body. */
export function routeInventory(): RouteCase[] {
  const root = path.resolve('app/api/v1');
  const cases: RouteCase[] = [];
  for (const file of walk(root)) {
    const rel = path.relative(root, path.dirname(file));
    const url = ('/api/v1/' + rel.split(path.sep).map((seg) => seg.replace(/^\[(\w+)\]$/, (_m, name: string) => FILL[name] ?? 'x')).join('/')).replace(/\/$/, '');
    const source = fs.readFileSync(file, 'utf8');
    const exports = [...source.matchAll(/export const (GET|POST|PUT|PATCH|DELETE) = (\w+)\(/g)];
    exports.forEach((match, i) => {
      const [, method, factory] = match;
      const block = source.slice(match.index, exports[i + 1]?.index ?? source.length);
      const role = /role: '(viewer|operator|admin)'/.exec(block)?.[1] as Role | undefined;
      const resolved = role ?? (factory === 'jobActionRoute' ? 'operator' : factory === 'jobFieldRoute' ? 'viewer' : undefined);
      if (!resolved) throw new Error(`cannot tell the role of ${method} in ${file}`);
      const acceptsJson = /\bbody: \w/.test(block.split(/async \(/)[0]) || (factory === 'jobActionRoute' && !/jobActionRoute\('[^']+', undefined/.test(block));
      cases.push({ file: path.relative(process.cwd(), file), url, method, role: resolved, acceptsJson });
    });
  }
  return cases;
}
