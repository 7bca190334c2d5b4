import { routeOf } from '@/lib/http/route';
import { workerOperations } from '@/lib/operations/workers';

export const GET = routeOf(workerOperations.listCircuits);
