import { routeOf } from '@/lib/http/route';
import { userOperations } from '@/lib/operations/users';

export const PATCH = routeOf(userOperations.updateUser);
export const DELETE = routeOf(userOperations.removeUser);
