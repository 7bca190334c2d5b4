import { routeOf } from '@/lib/http/route';
import { scheduleOperations } from '@/lib/operations/schedules';

export const DELETE = routeOf(scheduleOperations.forgetSchedule);
