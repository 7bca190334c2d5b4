'use server';
// "Sign out everywhere" from the user menu: any signed-in user, for their own sessions only.
import { z } from 'zod';
import { serverAction } from '@/lib/api/server-action';
import { signOutEverywhere } from '@/lib/users/commands';

export const signOutEverywhereAction = serverAction({ role: 'viewer', audit: 'session.revoke-all', input: z.object({}).strict() }, (_input, ctx) => signOutEverywhere(ctx));
