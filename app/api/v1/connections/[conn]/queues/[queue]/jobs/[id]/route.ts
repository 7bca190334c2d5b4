import { routeOf } from '@/lib/http/route';
import { jobOperations } from '@/lib/operations/jobs';

export const GET = routeOf(jobOperations.getJob);
export const PATCH = routeOf(jobOperations.updateJob);
export const DELETE = routeOf(jobOperations.removeJob);
