import { execCommand, inNodeHome, kubeCall, kubernetesContextOf, listClusterNodes, type KubeClientProvider } from '@skyport/kube';
import { NODE_CONTAINER } from '@skyport/contracts';
import type { ClusterEntity } from '@skyport/persistence';
import type { Logger } from '@skyport/service-kit';
import { killJobScript } from './node-scripts';
import { PodStartWatch } from './pod-job-watch';

/**
 * A node the driver runs phases on: a pod (exec through the Kubernetes API) or a cloud VM (exec over SSH).
 * `exec` runs from the node's base directory, where the job files live: the container user's home on a pod
 * (`inNodeHome`), the login directory on a VM.
 */
export interface ClusterNode {
  rank: number;
  /** The pod, or the VM's instance id. */
  pod: string;
  /** For SKYPILOT_NODE_IPS only: Skyport never connects to it. */
  ip: string;
  phase: string;
  exec(argv: string[], opts: { stdin?: string | Buffer; timeoutMs?: number; signal?: AbortSignal; purpose?: string }): Promise<{ exitCode: number; stdout: string; stderr: string }>;
  /** The job this pod's command started itself (SKYPORT_JOB_START=pod), on the pods a launch just saw Running. */
  startedJob?: number;
  /** Follows what the in-pod start says in the container log (pod-job-watch.ts). */
  watchStart?(jobId: number): PodStartWatch;
  /** Adds annotations to the pod (what the in-pod start reads through its downward API volume). */
  annotate?(annotations: Record<string, string>): Promise<void>;
}

/**
 * The pods a launch has just seen Running, handed over in-process with the cluster: the first job starts on
 * them without listing the pods again. Used once; anything later (another job, a retry) lists the pods.
 */
export interface LaunchedPods {
  context: string;
  namespace: string;
  nodes: Array<{ rank: number; pod: string; ip: string; startJob?: string }>;
}

/** The nodes of a cluster that is not on Kubernetes (cloud VMs); undefined for a Kubernetes cluster. */
export type CloudNodesOf = (cluster: ClusterEntity) => Promise<ClusterNode[] | undefined>;

/** How the job driver reaches a cluster's nodes, and stops a job's processes on them. */
export class ClusterNodes {
  private launched?: LaunchedPods;

  constructor(private readonly deps: { kube: KubeClientProvider; logger: Logger; killGraceSeconds: number; execTimeoutMs: number; cloudNodes?: CloudNodesOf }) {}

  /** The pods the launch that brought the cluster up saw Running (see LaunchedPods). */
  offerLaunchedPods(pods: LaunchedPods): void {
    this.launched = pods;
  }

  async of(cluster: ClusterEntity): Promise<ClusterNode[]> {
    const cloud = await this.deps.cloudNodes?.(cluster);
    if (cloud) return cloud;
    const launched = this.takeLaunchedPods(cluster);
    if (launched) return launched;
    const pods = await listClusterNodes(this.deps.kube, cluster);
    return pods.map((n) => ({ rank: n.rank, pod: n.pod, ip: n.ip, phase: n.phase, exec: (argv, opts) => execCommand(n.target, inNodeHome(argv), opts) }));
  }

  /** The launch's pods, when they are this placement's (a relaunch elsewhere since makes them stale). */
  private takeLaunchedPods(cluster: ClusterEntity): ClusterNode[] | undefined {
    const launched = this.launched;
    this.launched = undefined;
    const context = kubernetesContextOf(cluster.infra);
    if (!launched || launched.context !== context || launched.namespace !== cluster.namespace) return undefined;
    const clients = this.deps.kube.forContext(context);
    return launched.nodes.map((n) => {
      const target = { clients, namespace: launched.namespace, pod: n.pod, container: NODE_CONTAINER };
      return {
        rank: n.rank,
        pod: n.pod,
        ip: n.ip,
        phase: 'Running',
        exec: (argv, opts) => execCommand(target, inNodeHome(argv), opts),
        startedJob: n.startJob ? Number(n.startJob) : undefined,
        watchStart: (jobId: number) => new PodStartWatch(target, jobId),
        annotate: async (annotations: Record<string, string>) => {
          const body = Object.entries(annotations).map(([k, value]) => ({ op: 'add', path: `/metadata/annotations/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`, value }));
          await kubeCall({ verb: 'patch', resource: 'pods', name: n.pod, namespace: launched.namespace, context }, () => clients.core.patchNamespacedPod({ name: n.pod, namespace: launched.namespace, body }));
        },
      };
    });
  }

  /** Stops the job's process groups on the given nodes (best effort: a node that does not answer is logged). */
  async kill(nodes: ClusterNode[], jobId: number): Promise<void> {
    const { killGraceSeconds, execTimeoutMs } = this.deps;
    await Promise.all(
      nodes.map((node) =>
        node
          .exec(['sh', '-c', killJobScript(jobId, killGraceSeconds)], { timeoutMs: execTimeoutMs + killGraceSeconds * 1000 })
          .catch((e: unknown) => this.deps.logger.warn({ pod: node.pod, err: String(e) }, 'could not stop a job process')),
      ),
    );
  }

  async killEverywhere(cluster: ClusterEntity, jobId: number): Promise<void> {
    await this.kill(await this.of(cluster), jobId);
  }
}
