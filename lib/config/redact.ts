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
  const beforeQuery = afterScheme.split('?')[0].split('#')[0];
  const hostPart = beforeQuery.includes('@') ? beforeQuery.slice(beforeQuery.lastIndexOf('@') + 1) : beforeQuery;
  const [host, database] = hostPart.split('/');
  return isPostgres && database ? `${host}/${database}` : host;
}
