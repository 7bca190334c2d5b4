import { z } from 'zod';

/** viewer < operator < admin: each role can do everything the ones before it can. */
export const ROLES = ['viewer', 'operator', 'admin'] as const;
export const roleSchema = z.enum(ROLES);
export type Role = z.infer<typeof roleSchema>;

export function hasRole(actual: Role, required: Role): boolean {
  return ROLES.indexOf(actual) >= ROLES.indexOf(required);
}

export const ROLE_DESCRIPTIONS: Record<Role, string> = {
  viewer: 'Read everything: queues, jobs, schedules, dead letters, metrics.',
  operator: 'Viewer, plus job and queue actions: retry, remove, promote, pause, add jobs, schedules, requeue.',
  admin: 'Operator, plus users and API tokens, drain/obliterate, purging dead letters, alerts and the audit log.',
};
