import { routeOf } from '@/lib/http/route';
import { alertOperations } from '@/lib/operations/alerts';

export const GET = routeOf(alertOperations.firingAlerts);
