import { routeOf } from '@/lib/http/route';
import { deadLetterOperations } from '@/lib/operations/dead-letters';

export const POST = routeOf(deadLetterOperations.requeueDeadLetters);
