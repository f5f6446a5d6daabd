import { createServer, type Server, type Socket } from 'node:net';
import { Writable } from 'node:stream';
import { PortForward } from '@kubernetes/client-node';
import { ErrorCode, SkyportError } from '@skyport/contracts';
import type { KubeClients } from '../client/kube-client.provider';
import { translateKubeError } from '../errors/kube-error.translator';

export interface PortForwardHandle {
  /** The local port on 127.0.0.1 that reaches the pod's port. */
  localPort: number;
  host: '127.0.0.1';
  close(): Promise<void>;
}

export interface PortForwardOptions {
  clients: KubeClients;
  namespace?: string;
  /** The pod, or a function naming one per connection (a Service's ready pods: each connection may land elsewhere). */
  pod: string | (() => Promise<string>);
  remotePort: number;
  /** 0 (default) picks a free port. */
  localPort?: number;
  /** Where errors from the pod side go (one line each); default: dropped. */
  onError?: (message: string) => void;
}

/**
 * Listens on 127.0.0.1 and forwards each accepted connection to the pod's port through the API server's
 * portforward subresource (never to the pod IP).
 */
export async function forwardPort(opts: PortForwardOptions): Promise<PortForwardHandle> {
  const namespace = opts.namespace ?? opts.clients.context.namespace;
  const pf = new PortForward(opts.clients.kc, true);
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    const errSink = new Writable({
      write(chunk: Buffer, _enc, cb) {
        // The error channel's first frame carries only the port number: empty once client-node strips it.
        if (chunk.length > 0) {
          opts.onError?.(chunk.toString('utf8').trim());
          socket.destroy();
        }
        cb();
      },
    });
    let pod = typeof opts.pod === 'string' ? opts.pod : '';
    const podName = typeof opts.pod === 'string' ? Promise.resolve(opts.pod) : opts.pod();
    podName
      .then((name) => {
        pod = name;
        return pf.portForward(namespace, name, [opts.remotePort], socket, errSink, socket);
      })
      .then((ws) => {
        const conn = typeof ws === 'function' ? ws() : ws;
        if (!conn) return socket.destroy();
        conn.on('close', () => socket.end());
        conn.on('error', () => socket.destroy());
        socket.on('close', () => conn.close());
        socket.on('error', () => conn.close());
      })
      .catch((e: unknown) => {
        const message = pod
          ? translateKubeError(e, { verb: 'create', resource: 'pods/portforward', name: pod, namespace, context: opts.clients.context.name }).userMessage
          : e instanceof SkyportError ? e.userMessage : e instanceof Error ? e.message : String(e);
        opts.onError?.(message);
        socket.destroy();
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e) =>
      reject(new SkyportError(ErrorCode.Internal, `Could not listen on 127.0.0.1:${opts.localPort ?? 0} for the port-forward: ${e.message}`, {}, { cause: e })),
    );
    server.listen(opts.localPort ?? 0, '127.0.0.1', () => resolve());
  });
  const addr = server.address();
  const localPort = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    localPort,
    host: '127.0.0.1',
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
