import { routeOf } from '@/lib/http/route';
import { alertOperations } from '@/lib/operations/alerts';

export const PATCH = routeOf(alertOperations.updateAlertChannel);
export const DELETE = routeOf(alertOperations.deleteAlertChannel);
