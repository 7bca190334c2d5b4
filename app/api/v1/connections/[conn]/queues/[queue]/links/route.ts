import { routeOf } from '@/lib/http/route';
import { linksOperations } from '@/lib/operations/links';

export const GET = routeOf(linksOperations.getQueueLinks);
export const PUT = routeOf(linksOperations.setQueueLinks);
