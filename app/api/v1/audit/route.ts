import { routeOf } from '@/lib/http/route';
import { consoleOperations } from '@/lib/operations/console';

export const GET = routeOf(consoleOperations.audit);
