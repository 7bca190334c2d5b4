// Linux /proc readings about a server process tree: resident memory, and which TCP connections to
// Redis it owns (matched by socket inode, so other clients on the same Redis are never counted).
import fs from 'node:fs';

/** The pid and every descendant (the console may fork workers). */
export function processTree(rootPid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      // "pid (comm) state ppid …" — comm may contain spaces or parentheses: split after the last ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(entry));
      children.set(ppid, list);
    } catch {
      /* process went away */
    }
  }
  const out: number[] = [];
  const walk = (pid: number) => {
    out.push(pid);
    for (const c of children.get(pid) ?? []) walk(c);
  };
  walk(rootPid);
  return out;
}

export function rssBytes(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1] ?? 0);
  return kb * 1024;
}

export function treeRssBytes(rootPid: number): number {
  return processTree(rootPid).reduce((sum, pid) => {
    try {
      return sum + rssBytes(pid);
    } catch {
      return sum;
    }
  }, 0);
}

function socketInodes(pids: number[]): Set<string> {
  const inodes = new Set<string>();
  for (const pid of pids) {
    let fds: string[] = [];
    try {
      fds = fs.readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (m) inodes.add(m[1]);
      } catch {
        /* fd closed meanwhile */
      }
    }
  }
  return inodes;
}

/** Local ports of the tree's established TCP connections to 127.0.0.1:<remotePort>. */
export function connectionsTo(rootPid: number, remotePort: number): number[] {
  return connectionsOf(processTree(rootPid), remotePort);
}

/** Local ports of these processes' own established TCP connections to 127.0.0.1:<remotePort> (no children). */
export function connectionsOf(pids: number[], remotePort: number): number[] {
  const inodes = socketInodes(pids);
  const ports: number[] = [];
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 10) continue;
      const [, local, remote, state] = cols;
      const inode = cols[9];
      // state 01 = ESTABLISHED
      if (state !== '01' || !inodes.has(inode)) continue;
      if (parseInt(remote.split(':')[1], 16) === remotePort) ports.push(parseInt(local.split(':')[1], 16));
    }
  }
  return ports;
}
