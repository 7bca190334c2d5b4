// Operations on the permission matrix (README › Team scopes › Permissions): operations withheld from a
// role on top of the role rules. Global admins only; never withheld from admin themselves.
import { permissionsOutput, setPermissionsInput } from '@/lib/permissions/schemas';
import { operation } from './define';

export const permissionOperations = {
  getPermissions: operation({
    name: 'permissions.get', role: 'admin', scope: 'global', http: { method: 'GET', path: '/permissions' },
    summary: 'The permission matrix: operations withheld from each role (stored, and locked ones from the config file) and every operation with the roles that hold it',
    output: permissionsOutput,
    run: async () => (await import('@/lib/permissions/get-permissions')).getPermissions(),
  }),
  setPermissions: operation({
    name: 'permissions.set', role: 'admin', scope: 'global', http: { method: 'PUT', path: '/permissions' }, action: 'setPermissionsAction',
    summary: 'Replace the stored permission matrix: the operations withheld from viewer, operator and admin',
    description:
      'Applies on this replica at once and on every replica within 2 s. An unknown operation, one the role does not hold, or an ' +
      'operation on users, tokens or permissions withheld from admin is refused (400, naming the entry). The config file’s ' +
      '`permissions.withhold` applies besides and is changed only in the file. Audited with what was withheld and given back.',
    body: setPermissionsInput, output: permissionsOutput, example: { body: { withhold: { operator: ['job.retry'] } } },
    run: async (ctx, { body }) => (await import('@/lib/permissions/set-permissions')).setPermissions(ctx, body),
  }),
};
