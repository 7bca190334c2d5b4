import { routeOf } from '@/lib/http/route';
import { scheduleOperations } from '@/lib/operations/schedules';

export const GET = routeOf(scheduleOperations.scheduleRuns);
