import { routeOf } from '@/lib/http/route';
import { alertOperations } from '@/lib/operations/alerts';

export const PATCH = routeOf(alertOperations.updateAlertRule);
export const DELETE = routeOf(alertOperations.deleteAlertRule);
