import { routeOf } from '@/lib/http/route';
import { deadLetterOperations } from '@/lib/operations/dead-letters';

export const GET = routeOf(deadLetterOperations.errorGroups);
