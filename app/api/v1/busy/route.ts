import { routeOf } from '@/lib/http/route';
import { queueOperations } from '@/lib/operations/queues';

export const GET = routeOf(queueOperations.busy);
