// The production build the benchmark runs: NEXT_DIST_DIR (default .next), rebuilt when stale with
// the same helpers `npm start` uses.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

type SetupModule = {
  root: string;
  buildIsStale: () => boolean;
  buildApp: (log?: (line: string) => void) => void;
};

export const root = path.resolve(import.meta.dirname, '..', '..');

export async function ensureBuild(log: (line: string) => void): Promise<{ distDir: string; built: boolean; seconds: number }> {
  // scripts/lib/setup.mjs ships no type declarations: import it by URL and type what we use.
  const setup = (await import(pathToFileURL(path.join(root, 'scripts', 'lib', 'setup.mjs')).href)) as SetupModule;
  const distDir = process.env.NEXT_DIST_DIR || '.next';
  // DROVER_SKIP_BUILD (as for `npm start`): measure the existing build even if sources changed since.
  if (process.env.DROVER_SKIP_BUILD || !setup.buildIsStale()) return { distDir, built: false, seconds: 0 };
  const started = performance.now();
  log(`production build in ${distDir} is missing or stale: building (next build)…`);
  // `next build` with a custom distDir adds "<distDir>/types/**/*.ts" to tsconfig.json's include (and
  // reformats it): put the shared file back as it was, with its old mtime so the build is not stale.
  const tsconfig = path.join(root, 'tsconfig.json');
  const before = fs.readFileSync(tsconfig, 'utf8');
  const stat = fs.statSync(tsconfig);
  try {
    setup.buildApp((line) => log(line));
  } finally {
    if (fs.readFileSync(tsconfig, 'utf8') !== before) {
      fs.writeFileSync(tsconfig, before);
      fs.utimesSync(tsconfig, stat.atime, stat.mtime);
    }
  }
  return { distDir, built: true, seconds: (performance.now() - started) / 1000 };
}
