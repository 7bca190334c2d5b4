import { routeOf } from '@/lib/http/route';
import { permissionOperations } from '@/lib/operations/permissions';

export const GET = routeOf(permissionOperations.getPermissions);
export const PUT = routeOf(permissionOperations.setPermissions);
