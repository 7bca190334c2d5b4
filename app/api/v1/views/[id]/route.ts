import { routeOf } from '@/lib/http/route';
import { viewOperations } from '@/lib/operations/views';

export const GET = routeOf(viewOperations.getView);
export const PATCH = routeOf(viewOperations.updateView);
export const DELETE = routeOf(viewOperations.deleteView);
