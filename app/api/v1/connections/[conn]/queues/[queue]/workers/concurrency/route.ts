import { routeOf } from '@/lib/http/route';
import { workerOperations } from '@/lib/operations/workers';

export const PUT = routeOf(workerOperations.setWorkerConcurrency);
