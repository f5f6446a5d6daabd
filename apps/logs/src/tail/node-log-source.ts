import type { JobPhase } from '@skyport/contracts';
import type { ClusterPlacement } from '@skyport/kube';

/**
 * How the log aggregator reaches one node of a cluster (a pod through the Kubernetes exec API, a cloud VM over
 * SSH, ...). A source only moves bytes of a job phase's output file (libs/contracts `phaseFile(job, phase,
 * 'log')`); offsets, line splitting and storing stay in the worker, so every kind of node gets the same
 * exactly-once semantics. Both operations run the shell scripts in `log-scripts.ts` on the node, so a new
 * kind of source only has to run a command there and report its output and exit code.
 */
export interface NodeLogSource {
  /** The node's rank in its cluster (0 = head): the key its offsets are stored under. */
  readonly rank: number;
  /** For messages: the pod or the VM. */
  readonly name: string;

  /**
   * One long-lived stream of the phase's output from `offset` on, as the file grows, through a single command
   * on the node. It ends by itself once the phase is over and the file was sent to its end. Rejects when the
   * stream breaks or `signal` aborts it; bytes already handed to `onData` are valid (in order, from `offset`).
   */
  follow(request: FollowRequest): Promise<FollowEnd>;

  /** One bounded pull of the file (at most `max` bytes from `offset`): for the catch-up after a stream ended. */
  read(jobId: number, phase: JobPhase, offset: number, max: number): Promise<FileChunk>;
}

export interface FollowRequest {
  jobId: number;
  phase: JobPhase;
  /** First byte to send. */
  offset: number;
  /** The output, in order, as it arrives. Called synchronously from the transport: must not block. */
  onData(chunk: Buffer): void;
  /** Stops the stream (the consumer fell behind, or is shutting down). */
  signal: AbortSignal;
}

/**
 * How a stream ended on its own:
 * - `ended`: the phase is over on the node and its log file then had `size` bytes; every byte up to `size` was
 *   sent, unless the transport lost the tail end of it — the consumer compares with what it received and
 *   reads the rest with `read`.
 * - `absent`: the phase has not started on this node (no log file). Whether it ever will, the job's state
 *   (read before the stream was opened) tells.
 */
export type FollowEnd = { kind: 'ended'; size: number } | { kind: 'absent' };

export interface FileChunk {
  exists: boolean;
  data: Buffer;
}

/** The nodes of clusters of one kind (e.g. placed on Kubernetes), as log sources. */
export interface NodeLogSourceProvider {
  /** True when this provider reaches the nodes of clusters placed on `infra` (`kubernetes/<context>`, ...). */
  handles(infra: string | null): boolean;
  /** The cluster's nodes, ordered by rank. */
  nodesOf(cluster: ClusterPlacement): Promise<NodeLogSource[]>;
}

/** Nest injection token for the list of `NodeLogSourceProvider`s the tailer chooses from. */
export const NODE_LOG_SOURCE_PROVIDERS = Symbol('NODE_LOG_SOURCE_PROVIDERS');
