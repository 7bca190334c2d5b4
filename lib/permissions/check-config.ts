// The config file's `permissions.withhold` checked against the operation table: an unknown operation,
// or one kept for admin, stops the start naming the file and the entry (scripts/preflight.ts).
import { ConfigError } from '@/lib/config/load-config';
import type { Withhold } from '@/lib/auth/permissions-schema';
import { withholdIssues } from './matrix';

export function assertConfiguredWithhold(withhold: Withhold, source: string): void {
  const issues = withholdIssues(withhold);
  if (issues.length === 0) return;
  throw new ConfigError(`Invalid configuration in ${source}:\n${issues.map((i) => `  - permissions.withhold.${i.path}: ${i.message}`).join('\n')}`);
}
