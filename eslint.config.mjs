import fs from 'node:fs';
import path from 'node:path';
import { defineConfig, globalIgnores } from 'eslint/config';
import nextVitals from 'eslint-config-next/core-web-vitals';
import nextTs from 'eslint-config-next/typescript';

const root = path.dirname(new URL(import.meta.url).pathname);

/** Import paths of a layer, in both spellings: the "@/" alias and relative climbs out of the folder. */
const layer = (name) => [`@/${name}`, `@/${name}/*`, `**/../${name}`, `**/../${name}/*`];

/**
 * components/ renders in the browser too: it may import a lib/ module only when that module does not
 * declare itself server-only (type imports are erased and always fine). Resolves "@/…" and relative
 * specifiers to files and reads their `import 'server-only'` line.
 */
const noServerOnlyImport = {
  meta: { type: 'problem', schema: [], messages: { serverOnly: '{{spec}} is a server-only module: components/ may import only its types (import type …)' } },
  create(context) {
    const resolve = (spec) => {
      const base = spec.startsWith('@/') ? path.join(root, spec.slice(2)) : spec.startsWith('.') ? path.resolve(path.dirname(context.filename), spec) : null;
      if (!base) return null;
      for (const candidate of [base, `${base}.ts`, `${base}.tsx`, `${base}.mjs`, path.join(base, 'index.ts')]) {
        if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) return candidate;
      }
      return null;
    };
    return {
      ImportDeclaration(node) {
        if (node.importKind === 'type' || node.specifiers.length > 0 && node.specifiers.every((s) => s.importKind === 'type')) return;
        const file = resolve(node.source.value);
        if (file && /^import ['"]server-only['"];?$/m.test(fs.readFileSync(file, 'utf8'))) {
          context.report({ node, messageId: 'serverOnly', data: { spec: node.source.value } });
        }
      },
    };
  },
};

// Every console page is rendered per request: links must not prefetch (components/ui/link.tsx).
const nextLink = { name: 'next/link', message: "use { Link } from '@/components/ui/link' (no prefetching of per-request pages)" };

export default defineConfig([
  ...nextVitals,
  ...nextTs,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Job data is hostile: everything renders as text. The one exception is the constant theme script.
      'react/no-danger': 'error',
    },
  },
  // The layers (docs/architecture.md): lib/ stands on its own; workers/ build on lib/ only.
  {
    files: ['lib/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: [...layer('app'), ...layer('components'), ...layer('workers'), ...layer('scripts')], message: 'lib/ imports nothing outside lib/' }] }],
    },
  },
  {
    files: ['workers/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: [...layer('app'), ...layer('components'), ...layer('scripts')], message: 'workers/ imports lib/, never app/, components/ or scripts/' }] }],
    },
  },
  {
    files: ['components/**'],
    plugins: { drover: { rules: { 'no-server-only-import': noServerOnlyImport } } },
    rules: {
      'drover/no-server-only-import': 'error',
      'no-restricted-imports': ['error', { paths: [nextLink], patterns: [{ group: [...layer('workers'), ...layer('scripts')], message: 'components/ imports lib/ (and app/actions), never workers/ or scripts/' }] }],
    },
  },
  {
    files: ['components/ui/link.tsx'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: [...layer('workers'), ...layer('scripts')], message: 'components/ imports lib/ (and app/actions), never workers/ or scripts/' }] }],
    },
  },
  {
    files: ['app/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: [nextLink] }],
    },
  },
  globalIgnores(['.next/**', '.next-*/**', 'out/**', 'build/**', 'next-env.d.ts', '.data/**', 'test-results/**', 'playwright-report/**', '.test-out/**']),
]);
