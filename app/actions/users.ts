'use server';
// Server actions of the Users & tokens page and the user menu: each is an operation of the table (lib/operations/users.ts).
import { actionOf } from '@/lib/http/action';
import { userOperations as ops } from '@/lib/operations/users';

export const addUserAction = actionOf(ops.addUser);
export const updateUserAction = actionOf(ops.updateUser);
export const removeUserAction = actionOf(ops.removeUser);
export const createTokenAction = actionOf(ops.createToken);
export const revokeTokenAction = actionOf(ops.revokeToken);
export const signOutEverywhereAction = actionOf(ops.signOutEverywhere);
