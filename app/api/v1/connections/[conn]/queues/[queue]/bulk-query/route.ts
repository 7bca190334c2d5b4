import { routeOf } from '@/lib/http/route';
import { jobOperations } from '@/lib/operations/jobs';

export const POST = routeOf(jobOperations.bulkQuery);
