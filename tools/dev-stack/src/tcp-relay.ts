import { connect, createServer, type Server, type Socket } from 'node:net';

export interface RelayTarget {
  host: string;
  port: number;
}

/**
 * A TCP relay on 127.0.0.1 for tests: clients connect to it, it forwards to one of its targets (round robin).
 * `cut()` is a fault: every open connection is reset and new ones are refused until `open()` again — what a
 * service sees when Postgres, Redis or an API server goes away — without stopping a shared server. With several
 * targets it is the Service in front of replicas (TLS passes through untouched).
 */
export class TcpRelay {
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  private next = 0;
  port = 0;
  host = '127.0.0.1';

  constructor(private readonly targets: RelayTarget[]) {
    if (targets.length === 0) throw new Error('a relay needs a target');
  }

  /**
   * Opens on `port` (0: a free one the first time, the same one after a cut) of `host` — 127.0.0.1 unless the
   * relay serves a local cluster's pods (its bridge address).
   */
  async open(port = this.port, host = this.host): Promise<this> {
    this.host = host;
    const server = createServer((client) => {
      const target = this.targets[this.next++ % this.targets.length];
      const upstream = connect(target.port, target.host);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => {
          this.sockets.delete(s);
          // One side gone: the other goes too, as a real peer's would.
          client.destroy();
          upstream.destroy();
        });
        s.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    this.port = (server.address() as { port: number }).port;
    return this;
  }

  get address(): string {
    return `${this.host}:${this.port}`;
  }

  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** The URL with its host and port replaced by the relay's (`postgres://…`, `redis://…`, `https://…`). */
  rewrite(url: string): string {
    const u = new URL(url);
    u.hostname = this.host;
    u.port = String(this.port);
    return u.toString();
  }

  static targetOf(url: string): RelayTarget {
    const u = new URL(url);
    const defaults: Record<string, number> = { 'postgres:': 5432, 'postgresql:': 5432, 'redis:': 6379, 'https:': 443, 'http:': 80 };
    return { host: u.hostname, port: Number(u.port || defaults[u.protocol] || 0) };
  }
}
