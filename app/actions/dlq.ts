'use server';
// Server actions of the dead-letter pages: each is an operation of the table (lib/operations/dead-letters.ts).
import { actionOf } from '@/lib/http/action';
import { deadLetterOperations as ops } from '@/lib/operations/dead-letters';

export const requeueDeadLettersAction = actionOf(ops.requeueDeadLetters);
export const purgeDeadLettersAction = actionOf(ops.purgeDeadLetters);
