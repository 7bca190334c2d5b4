import { routeOf } from '@/lib/http/route';
import { userOperations } from '@/lib/operations/users';

export const DELETE = routeOf(userOperations.revokeToken);
