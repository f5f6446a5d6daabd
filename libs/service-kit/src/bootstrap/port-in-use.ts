import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/**
 * A server could not bind its port because something else holds it. Its message is the one line a service prints
 * before exiting 2: which port, who holds it if /proc tells, and which variable moves it.
 */
export class PortInUseError extends Error {
  constructor(
    readonly host: string,
    readonly port: number,
    readonly envVar: string,
    holder = portHolder(port),
  ) {
    super(`port ${port} on ${host} is in use by ${holder ?? 'another process'}; set ${envVar} to move it`);
    this.name = 'PortInUseError';
  }
}

/** True for Node's and grpc-js's "address already in use" errors. */
export function isAddressInUse(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return (error as NodeJS.ErrnoException).code === 'EADDRINUSE' || /EADDRINUSE|address already in use/i.test(error.message);
}

/** `error` as a PortInUseError when it is an "address in use" error, else unchanged. */
export function asPortInUse(error: unknown, host: string, port: number, envVar: string): unknown {
  return isAddressInUse(error) ? new PortInUseError(host, port, envVar) : error;
}

interface SocketEntry {
  inode: string;
  listening: boolean;
}

/** Sockets whose local port is `port`, from /proc/net/tcp and tcp6 (Linux; empty elsewhere). */
function socketsOnPort(port: number): SocketEntry[] {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const out: SocketEntry[] = [];
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields.length < 10 || !fields[1]!.endsWith(`:${hexPort}`)) continue;
      out.push({ inode: fields[9]!, listening: fields[3] === '0A' });
    }
  }
  return out;
}

/** The process owning a socket inode (needs permission to read its /proc/<pid>/fd; undefined otherwise). */
function ownerOf(inode: string): string | undefined {
  if (inode === '0') return undefined;
  const target = `socket:[${inode}]`;
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p));
  } catch {
    return undefined;
  }
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        if (readlinkSync(`/proc/${pid}/fd/${fd}`) === target) {
          let name = '';
          try {
            name = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
          } catch {
            // exited meanwhile
          }
          return name ? `pid ${pid} (${name})` : `pid ${pid}`;
        }
      } catch {
        // closed meanwhile
      }
    }
  }
  return undefined;
}

/**
 * Who holds `port`, as a phrase: "pid 812 (postgres)", or "pid 77 (kube-apiserver), as the source port of one of
 * its connections" when nothing listens there but an outgoing connection took it. Undefined when /proc does not say.
 */
export function portHolder(port: number): string | undefined {
  const sockets = socketsOnPort(port);
  const listener = sockets.find((s) => s.listening);
  if (listener) return ownerOf(listener.inode) ?? 'a listening process (pid not visible)';
  for (const s of sockets) {
    const owner = ownerOf(s.inode);
    if (owner) return `${owner}, as the source port of one of its connections`;
  }
  return sockets.length > 0 ? 'a connection of another process (pid not visible)' : undefined;
}
