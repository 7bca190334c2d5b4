/** A Redis URL fit for logs and pages: the password (and username) replaced by "***". */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z+]+:\/\/)([^@/]*)@/i, (_m, scheme: string, auth: string) => {
    if (!auth) return scheme;
    const [user] = auth.split(':');
    return `${scheme}${user && auth.includes(':') ? `${user}:***` : '***'}@`;
  });
}

/** host:port[,host:port] of a connection URL, without credentials. */
export function describeEndpoint(url: string): string {
  const afterScheme = url.replace(/^[a-z+]+:\/\//i, '');
  const hostPart = afterScheme.includes('@') ? afterScheme.slice(afterScheme.lastIndexOf('@') + 1) : afterScheme;
  return hostPart.split('/')[0].split('?')[0];
}
