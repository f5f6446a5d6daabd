import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { PassThrough, Writable } from 'node:stream';
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { ClusterStatus, ErrorCode, HTTP_STATUS_BY_CODE, SSH_CHANNEL, SkyportError, isSkyportError, type SshServerControl } from '@skyport/contracts';
import { LazyKubeProvider, kubernetesContextOf, listClusterNodes, type ExecSession } from '@skyport/kube';
import { notifyClusterActivity } from '@skyport/persistence';
import { SERVICE_CONFIG, SERVICE_LOGGER, type Logger } from '@skyport/service-kit';
import { VmSshAccess, vmSshSettings } from '@skyport/ssh';
import { IdentityService } from '../auth/identity.service';
import { ANONYMOUS_ADMIN, type Principal } from '../auth/principal';
import type { ApiConfig } from '../config';
import { findAccessibleCluster, type AccessibleCluster } from '../clusters/cluster-access';
import { podShell, vmShell, type NodeShell } from './node-shell';
import { readSshRequest, sshArgv, sshClusterOf, type SshRequest } from './ssh-target';

const HEARTBEAT_MS = 30_000;

/**
 * `GET /v1/clusters/:name/ssh` as a WebSocket bridged to the exec of a cluster's pod, or to an SSH session on
 * its VM for a cluster burst to a cloud (protocol in
 * `@skyport/contracts` ssh-protocol). The upgrade is authenticated with the same bearer tokens as every other
 * call. An open session is a row in `ssh_sessions`, heart-beaten while open, so autodown keeps the cluster up.
 */
@Injectable()
export class SshGateway implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
  private vms?: VmSshAccess;
  private readonly open = new Set<WebSocket>();

  constructor(
    @Inject(HttpAdapterHost) private readonly http: HttpAdapterHost,
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(IdentityService) private readonly identity: IdentityService,
    @Inject(SERVICE_CONFIG) private readonly config: ApiConfig,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
    @Inject(LazyKubeProvider) private readonly kube: LazyKubeProvider,
  ) {}

  onApplicationBootstrap(): void {
    const server = this.http.httpAdapter.getHttpServer() as Server;
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      if (!sshClusterOf(req.url ?? '')) return;
      this.upgrade(req, socket, head).catch((error: unknown) => refuse(socket, error));
    });
  }

  async onApplicationShutdown(): Promise<void> {
    for (const ws of this.open) ws.close(1001, 'server shutting down');
    this.wss.close();
  }

  private async upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const request = readSshRequest(req.url ?? '');
    const principal = await this.authenticate(req);
    const cluster = await findAccessibleCluster(this.db, principal, request.clusterName);
    if (cluster.status !== ClusterStatus.Up) {
      throw new SkyportError(ErrorCode.Conflict, `cluster '${cluster.name}' is ${cluster.status}, not UP`, { status: cluster.status });
    }
    const shell = await this.nodeShell(cluster, request.node);
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      this.bridge(ws, request, principal, shell).catch((e: unknown) => this.logger.warn({ err: String(e) }, 'ssh session failed'));
    });
  }

  /** The node of that rank: a pod on Kubernetes, a VM (its stored row) on a cloud. */
  private async nodeShell(cluster: AccessibleCluster, rank: number): Promise<NodeShell> {
    if (cluster.infra && !kubernetesContextOf(cluster.infra)) {
      this.vms ??= new VmSshAccess(this.db, vmSshSettings(this.config, 'skyport-api'));
      return vmShell(this.vms, await this.vms.vmOfRank(cluster.name, rank));
    }
    const nodes = await listClusterNodes(this.kube.get(), cluster);
    const node = nodes.find((n) => n.rank === rank);
    if (!node) throw new SkyportError(ErrorCode.NotFound, `cluster '${cluster.name}' has no node ${rank} (it has ${nodes.length})`);
    return podShell(node.target);
  }

  private async authenticate(req: IncomingMessage): Promise<Principal> {
    if (this.config.SKYPORT_API_AUTH === 'off') return ANONYMOUS_ADMIN;
    const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
    const principal = match ? await this.identity.authenticate(match[1]) : null;
    if (!principal) throw new SkyportError(ErrorCode.Unauthenticated, 'ssh needs a valid bearer token (Authorization: Bearer <token>)');
    return principal;
  }

  private async bridge(ws: WebSocket, request: SshRequest, principal: Principal, shell: NodeShell): Promise<void> {
    this.open.add(ws);
    const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));
    // Input may arrive before the exec is open: it waits in `input`, which is piped in once it is.
    const input = new PassThrough();
    let size = { cols: request.cols, rows: request.rows };
    let session: ExecSession | undefined;
    ws.on('message', (data: RawData, isBinary: boolean) => {
      const buf = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
      if (isBinary) {
        if (buf[0] === SSH_CHANNEL.stdin) input.write(buf.subarray(1));
        return;
      }
      try {
        const msg = JSON.parse(buf.toString('utf8')) as { type?: string; cols?: unknown; rows?: unknown };
        if (msg.type === 'resize' && Number.isInteger(msg.cols) && Number.isInteger(msg.rows)) {
          size = { cols: msg.cols as number, rows: msg.rows as number };
          session?.resize(size.cols, size.rows);
        }
      } catch {
        // not a control message: ignored
      }
    });
    const sessionId = randomUUID();
    await this.db.transaction(async (tx) => {
      await tx.query(`INSERT INTO ssh_sessions (id, cluster_name, node_rank, owner, mode) VALUES ($1, $2, $3, $4, $5)`, [
        sessionId,
        request.clusterName,
        request.node,
        principal.userId,
        request.command === undefined ? 'shell' : 'command',
      ]);
      await notifyClusterActivity(tx, request.clusterName);
    });
    const heartbeat = setInterval(() => {
      this.db.query(`UPDATE ssh_sessions SET heartbeat_at = now() WHERE id = $1`, [sessionId]).catch(() => undefined);
    }, HEARTBEAT_MS);
    const channel = (id: number) =>
      new Writable({
        write(chunk: Buffer, _enc, cb) {
          if (ws.readyState !== ws.OPEN) return cb();
          ws.send(Buffer.concat([Buffer.from([id]), chunk]), { binary: true }, () => cb());
        },
      });
    const control = (msg: SshServerControl) => ws.readyState === ws.OPEN && ws.send(JSON.stringify(msg));
    try {
      session = await shell.open(sshArgv(request), {
        tty: request.tty,
        stdout: channel(SSH_CHANNEL.stdout),
        stderr: channel(SSH_CHANNEL.stderr),
        cols: size.cols,
        rows: size.rows,
      });
      input.pipe(session.stdin);
      const outcome = await Promise.race([session.done.then((code) => ({ code })), closed.then(() => undefined)]);
      if (outcome) {
        // Let the last output frames go out before the exit code.
        await new Promise((r) => setTimeout(r, 20));
        control({ type: 'exit', code: outcome.code });
        ws.close(1000);
      } else {
        session.close();
      }
    } catch (error) {
      const e = isSkyportError(error) ? error : new SkyportError(ErrorCode.Internal, 'the session failed');
      control({ type: 'error', code: e.code, message: e.userMessage });
      ws.close(1011);
    } finally {
      shell.release();
      clearInterval(heartbeat);
      this.open.delete(ws);
      await this.db.transaction(async (tx) => {
        await tx.query(`UPDATE ssh_sessions SET closed_at = now() WHERE id = $1`, [sessionId]);
        await notifyClusterActivity(tx, request.clusterName);
      });
    }
  }
}

/** Answers a refused upgrade with our error body and closes the socket. */
function refuse(socket: Duplex, error: unknown): void {
  const e = isSkyportError(error) ? error : new SkyportError(ErrorCode.Internal, 'internal error; the server log has the details');
  const status = HTTP_STATUS_BY_CODE[e.code];
  const body = JSON.stringify(e.toBody());
  const extra = status === 401 ? 'WWW-Authenticate: Bearer realm="skyport"\r\n' : '';
  socket.end(`HTTP/1.1 ${status} ${status === 401 ? 'Unauthorized' : 'Error'}\r\n${extra}Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}
