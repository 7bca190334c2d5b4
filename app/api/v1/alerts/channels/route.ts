import { routeOf } from '@/lib/http/route';
import { alertOperations } from '@/lib/operations/alerts';

export const GET = routeOf(alertOperations.listAlertChannels);
export const POST = routeOf(alertOperations.createAlertChannel);
