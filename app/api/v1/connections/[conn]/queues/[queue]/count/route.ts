import { routeOf } from '@/lib/http/route';
import { jobOperations } from '@/lib/operations/jobs';

export const GET = routeOf(jobOperations.countQuery);
