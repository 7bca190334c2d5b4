import { routeOf } from '@/lib/http/route';
import { scheduleOperations } from '@/lib/operations/schedules';

export const GET = routeOf(scheduleOperations.getSchedule);
export const PUT = routeOf(scheduleOperations.upsertSchedule);
export const DELETE = routeOf(scheduleOperations.deleteSchedule);
