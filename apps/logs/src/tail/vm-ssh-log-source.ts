import { Writable } from 'node:stream';
import type { OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { JobPhase } from '@skyport/contracts';
import { kubernetesContextOf, type ClusterPlacement } from '@skyport/kube';
import type { CloudInstanceEntity } from '@skyport/persistence';
import { SERVICE_CONFIG } from '@skyport/service-kit';
import { VmSshAccess, vmSshSettings, type VmConnection } from '@skyport/ssh';
import type { LogsConfig } from '../config';
import { fileChunkOf, followCommand, followEndOf, readCommand } from './log-scripts';
import type { FileChunk, FollowEnd, FollowRequest, NodeLogSource, NodeLogSourceProvider } from './node-log-source';

/** A VM's connection is closed after this long without a read or follow (the job ended, or the cluster went). */
const IDLE_CLOSE_MS = 60_000;
/** What a follow keeps of its stderr: only the last `size` line matters. */
const STDERR_KEPT = 4096;

/**
 * The nodes of clusters burst to a cloud, as log sources: each VM (from its stored `cloud_instances` row) is read
 * over SSH with the same scripts as a pod, so offsets, ordering and completion work the same.
 */
export class VmSshLogSources implements NodeLogSourceProvider, OnApplicationShutdown {
  private readonly sources = new Map<string, VmSshLogSource>();
  private shutDown = false;

  constructor(
    private readonly access: VmSshAccess,
    private readonly idleCloseMs = IDLE_CLOSE_MS,
  ) {}

  handles(infra: string | null): boolean {
    return !!infra && !kubernetesContextOf(infra);
  }

  async nodesOf(cluster: ClusterPlacement): Promise<NodeLogSource[]> {
    const vms = await this.access.liveVms(cluster.name);
    return vms.map((vm) => {
      // One source (and so one connection) per VM, shared by every job of the cluster being tailed.
      const key = `${vm.provider}/${vm.region}/${vm.instanceId}`;
      let source = this.sources.get(key);
      if (!source) {
        source = new VmSshLogSource(this.access, vm, { idleCloseMs: this.idleCloseMs, shutDown: () => this.shutDown, onClosed: () => this.sources.delete(key) });
        this.sources.set(key, source);
      }
      return source;
    });
  }

  /** Closes every VM connection (an open SSH socket would keep the process alive). */
  onApplicationShutdown(): void {
    this.shutDown = true;
    for (const s of [...this.sources.values()]) s.close();
    this.sources.clear();
  }
}

/** The Nest provider: VMs from the stored rows, the key and override from the logs service's config. */
export const vmSshLogSourcesProvider = {
  provide: VmSshLogSources,
  useFactory: (db: DataSource, config: LogsConfig) => new VmSshLogSources(new VmSshAccess(db, vmSshSettings(config, 'skyport-logs'))),
  inject: [DataSource, SERVICE_CONFIG],
};

class VmSshLogSource implements NodeLogSource {
  readonly rank: number;
  readonly name: string;
  private conn?: Promise<VmConnection>;
  private active = 0;
  private idleTimer?: NodeJS.Timeout;

  constructor(
    private readonly access: VmSshAccess,
    private readonly vm: CloudInstanceEntity,
    private readonly life: { idleCloseMs: number; shutDown: () => boolean; onClosed: () => void },
  ) {
    this.rank = vm.nodeRank;
    this.name = `${vm.provider} ${vm.instanceId}`;
  }

  async follow(request: FollowRequest): Promise<FollowEnd> {
    return await this.using(async (conn) => {
      let stderr = '';
      const res = await conn.exec(
        followCommand(request.jobId, request.phase, request.offset),
        { stdout: sink((chunk) => request.onData(chunk)), stderr: sink((chunk) => (stderr = (stderr + chunk.toString('utf8')).slice(-STDERR_KEPT))) },
        { signal: request.signal },
      );
      const end = followEndOf(res.exitCode, stderr);
      if (!end) throw new Error(`following the output on ${this.name} failed (exit ${res.exitCode}: ${stderr.trim().split('\n').pop() ?? ''})`);
      return end;
    });
  }

  async read(jobId: number, phase: JobPhase, offset: number, max: number): Promise<FileChunk> {
    return await this.using(async (conn) => {
      const chunks: Buffer[] = [];
      let size = 0;
      await conn.exec(
        readCommand(jobId, phase, offset, max),
        {
          stdout: sink((chunk) => {
            // The script bounds the output; this guards memory against a misbehaving shell.
            if (size <= max + 1) {
              chunks.push(Buffer.from(chunk));
              size += chunk.length;
            }
          }),
        },
        { timeoutMs: 30_000 },
      );
      return fileChunkOf(Buffer.concat(chunks), max);
    });
  }

  close(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.forget();
    this.life.onClosed();
  }

  /** The open (or opening) connection; concurrent callers share one. */
  private connection(): Promise<VmConnection> {
    if (this.life.shutDown()) return Promise.reject(new Error(`not connecting to ${this.name}: the logs service is shutting down`));
    if (!this.conn) {
      const pending = this.access.connect(this.vm);
      this.conn = pending;
      pending.catch(() => {
        if (this.conn === pending) this.conn = undefined;
      });
    }
    return this.conn;
  }

  /** Closes the connection (`dropped`: one found closed) so the next use opens a new one. */
  private forget(dropped?: VmConnection): void {
    const pending = this.conn;
    this.conn = undefined;
    if (dropped) dropped.close();
    else void pending?.then((c) => c.close(), () => undefined);
  }

  /** Runs `fn` on the VM's connection, (re)connecting when there is none or it dropped. */
  private async using<T>(fn: (conn: VmConnection) => Promise<T>): Promise<T> {
    this.active++;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    try {
      let conn = await this.connection();
      if (conn.isClosed) {
        this.forget(conn);
        conn = await this.connection();
      }
      return await fn(conn);
    } finally {
      if (--this.active === 0) {
        this.idleTimer = setTimeout(() => this.close(), this.life.idleCloseMs);
        this.idleTimer.unref();
      }
    }
  }
}

function sink(onChunk: (chunk: Buffer) => void): Writable {
  return new Writable({
    write(chunk: Buffer, _enc, cb) {
      onChunk(chunk);
      cb();
    },
  });
}
