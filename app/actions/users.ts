'use server';
// Server actions for the Users page (admin). Each wraps the same command the /api/v1 routes call.
import { serverAction } from '@/lib/http/server-action';
import {
  addUser,
  addUserInput,
  changeUserRole,
  createTokenInput,
  deleteUser,
  issueApiToken,
  removeUserInput,
  resetPasswordInput,
  resetUserPassword,
  revokeToken,
  revokeTokenInput,
  setRoleInput,
} from '@/lib/users/commands';

export const addUserAction = serverAction({ role: 'admin', audit: 'user.add', input: addUserInput }, (i, ctx) => addUser(ctx, i));
export const setUserRoleAction = serverAction({ role: 'admin', audit: 'user.set-role', input: setRoleInput }, (i, ctx) => changeUserRole(ctx, i));
export const resetPasswordAction = serverAction({ role: 'admin', audit: 'user.reset-password', input: resetPasswordInput }, (i, ctx) => resetUserPassword(ctx, i));
export const removeUserAction = serverAction({ role: 'admin', audit: 'user.remove', input: removeUserInput }, (i, ctx) => deleteUser(ctx, i));
export const createTokenAction = serverAction({ role: 'admin', audit: 'token.create', input: createTokenInput }, (i, ctx) => issueApiToken(ctx, i));
export const revokeTokenAction = serverAction({ role: 'admin', audit: 'token.revoke', input: revokeTokenInput }, (i, ctx) => revokeToken(ctx, i));

