import { routeOf } from '@/lib/http/route';
import { queueOperations } from '@/lib/operations/queues';

export const GET = routeOf(queueOperations.getObjectives);
export const PUT = routeOf(queueOperations.setObjectives);
export const DELETE = routeOf(queueOperations.clearObjectives);
