import { PassThrough, Writable } from 'node:stream';
import type { JobPhase } from '@skyport/contracts';
import { execStream, inNodeHome, isKubeNotFound, kubernetesContextOf, listClusterNodes, namedClusterNodes, type ClusterNode, type ClusterPlacement, type KubeClientProvider } from '@skyport/kube';
import { fileChunkOf, followCommand, followEndOf, readCommand } from './log-scripts';
import type { FileChunk, FollowEnd, FollowRequest, NodeLogSource, NodeLogSourceProvider } from './node-log-source';

const READ_TIMEOUT_MS = 30_000;

/**
 * A pod of a cluster placed on Kubernetes, reached through the exec API (one exec per stream or read). The job
 * files are under the container user's home, where the provisioner wrote them, whatever the exec's cwd.
 */
export class KubeNodeLogSource implements NodeLogSource {
  readonly rank: number;
  readonly name: string;

  constructor(private readonly node: ClusterNode) {
    this.rank = node.rank;
    this.name = node.pod;
  }

  async follow(request: FollowRequest): Promise<FollowEnd> {
    const stdout = new Writable({
      write(chunk: Buffer, _enc, cb) {
        request.onData(chunk);
        cb();
      },
    });
    const stderr = boundedSink(4096);
    // Held open while this stream is read: its end on the node (the connection closed) stops the follow there.
    const stdin = new PassThrough();
    const streamed = await execStream(this.node.target, inNodeHome(followCommand(request.jobId, request.phase, request.offset, true)), { stdout, stderr: stderr.sink, stdin }, { signal: request.signal, purpose: 'log-follow' })
      .catch(absentWhenPodGone)
      .finally(() => stdin.end());
    if (streamed === ABSENT) return { kind: 'absent' };
    const { exitCode } = streamed;
    const end = followEndOf(exitCode, stderr.data().toString('utf8'));
    if (!end) throw new Error(`following the output on ${this.name} stopped (exit code ${exitCode}): ${stderr.data().toString('utf8').trim().slice(0, 200)}`);
    return end;
  }

  async read(jobId: number, phase: JobPhase, offset: number, max: number): Promise<FileChunk> {
    // One byte of header, then at most `max` bytes: the script bounds the output, the sink guards memory.
    const out = boundedSink(max + 1);
    const read = await execStream(this.node.target, inNodeHome(readCommand(jobId, phase, offset, max)), { stdout: out.sink }, { timeoutMs: READ_TIMEOUT_MS, purpose: 'log-read' }).catch(absentWhenPodGone);
    if (read === ABSENT) return { exists: false, data: Buffer.alloc(0) };
    return fileChunkOf(out.data(), max);
  }
}

export class KubeNodeLogSources implements NodeLogSourceProvider {
  constructor(private readonly kube: KubeClientProvider) {}

  handles(infra: string | null): boolean {
    return kubernetesContextOf(infra) !== undefined;
  }

  async nodesOf(cluster: ClusterPlacement): Promise<NodeLogSource[]> {
    // With the node count known the pods are named, not listed (one apiserver request less per job); a pod that
    // is gone reads as a node whose log is absent, which is what an empty listing meant.
    const nodes = cluster.numNodes ? namedClusterNodes(this.kube, { ...cluster, numNodes: cluster.numNodes }) : await listClusterNodes(this.kube, cluster);
    return nodes.map((n) => new KubeNodeLogSource(n));
  }
}

const ABSENT = Symbol('pod gone');

function absentWhenPodGone(error: unknown): typeof ABSENT {
  if (isKubeNotFound(error)) return ABSENT;
  throw error;
}

function boundedSink(limit: number): { sink: Writable; data: () => Buffer } {
  const chunks: Buffer[] = [];
  let size = 0;
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      if (size < limit) {
        chunks.push(chunk.subarray(0, limit - size));
        size += Math.min(chunk.length, limit - size);
      }
      cb();
    },
  });
  return { sink, data: () => Buffer.concat(chunks) };
}
