// PATCH /api/v1/users/{email} — change role and/or reset password; DELETE — remove the user.
import { z } from 'zod';
import { apiRoute } from '@/lib/http/api-route';
import { roleSchema } from '@/lib/auth/roles';
import { emailSchema, passwordSchema } from '@/lib/auth/user-schema';
import { changeUserRole, deleteUser, resetUserPassword } from '@/lib/users/commands';
import { InvalidError } from '@/lib/errors';

// Route-handler params arrive decoded (page params do not): no second decodeURIComponent here.
const params = z.object({ email: emailSchema });
const patchBody = z.object({ role: roleSchema.optional(), password: passwordSchema.optional(), resetPassword: z.boolean().optional() }).strict();

export const PATCH = apiRoute({ role: 'admin', audit: 'user.update', params, body: patchBody }, async ({ params, body, audit }) => {
  if (!body.role && !body.password && !body.resetPassword) throw new InvalidError('Nothing to change: give role, password or resetPassword');
  let user;
  let password: string | undefined;
  if (body.role) user = await changeUserRole(audit, { email: params.email, role: body.role });
  if (body.password || body.resetPassword) {
    const reset = await resetUserPassword(audit, { email: params.email, password: body.password });
    user = reset.user;
    password = reset.password;
  }
  return { user, ...(password ? { password } : {}) };
});

export const DELETE = apiRoute({ role: 'admin', audit: 'user.remove', params }, async ({ params, audit }) => {
  await deleteUser(audit, { email: params.email });
  return { removed: params.email };
});
