import { routeOf } from '@/lib/http/route';
import { alertOperations } from '@/lib/operations/alerts';

export const POST = routeOf(alertOperations.testAlertChannel);
