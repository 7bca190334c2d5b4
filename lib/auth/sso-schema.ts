// Single sign-on group mapping's configuration (README › Team scopes › Single sign-on groups): the
// config file's `sso` key. Pure zod: the config loader and the mapping (lib/auth/oidc-groups.ts) share it.
import { z } from 'zod';
import { accessRoleSchema } from './scope';
import { grantsInput } from '@/lib/users/schemas';

/** At most this many groups are mapped (each sign-in walks them against the claim). */
export const MAX_SSO_GROUPS = 200;

const groupMappingSchema = z
  .object({
    /** the global role members of the group get (the highest among their groups wins) */
    role: accessRoleSchema.optional(),
    /** grants members of the group get (the union of their groups' grants) */
    grants: grantsInput.optional(),
  })
  .strict();

export const ssoConfigSchema = z
  .object({
    /** the ID token or userinfo claim listing the user's groups: an array of names, or one name */
    groupsClaim: z.string().trim().min(1).max(100).default('groups'),
    /** group name (exactly as the provider sends it) → what its members get */
    groups: z
      .record(z.string().min(1).max(200), groupMappingSchema)
      .default({})
      .refine((g) => Object.keys(g).length <= MAX_SSO_GROUPS, `at most ${MAX_SSO_GROUPS} groups`),
    /** the global role of a user none of whose mapped groups gives one ("none": only what the grants give) */
    defaultRole: accessRoleSchema.default('none'),
  })
  .strict();
export type SsoConfig = z.infer<typeof ssoConfigSchema>;
