/** A Redis URL fit for logs and pages: the password (and username) replaced by "***". */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z+]+:\/\/)([^@/]*)@/i, (_m, scheme: string, auth: string) => {
    if (!auth) return scheme;
    const [user] = auth.split(':');
    return `${scheme}${user && auth.includes(':') ? `${user}:***` : '***'}@`;
  });
}

/**
 * host:port[,host:port] of a connection URL, without credentials; for PostgreSQL host:port/database
 * (never the password, user or query parameters such as sslpassword).
 */
export function describeEndpoint(url: string): string {
  const isPostgres = /^postgres(ql)?:\/\//i.test(url);
  const afterScheme = url.replace(/^[a-z+]+:\/\//i, '');
  // The credentials end at the last "@" (a password may hold "?", "#" or "/"): only what follows is shown.
  const at = afterScheme.lastIndexOf('@');
  const hostPart = (at >= 0 ? afterScheme.slice(at + 1) : afterScheme).split(/[?#]/)[0];
  const [host, database] = hostPart.split('/');
  return isPostgres && database ? `${host}/${database}` : host;
}
