import type { V1Ingress, V1Pod, V1Secret, V1Service } from '@skyport/kube';
import { ErrorCode, SkyportError, type JobGroupLaunch } from '@skyport/contracts';
import { LABEL_JOB_GROUP, clusterPodName, literalContainerArgs } from '@skyport/kube';
import { mergePodConfigs } from '@skyport/config';
import {
  ANNOTATION_AUTOSTOP,
  ANNOTATION_DISPLAY_NAME,
  ANNOTATION_REQUEST,
  LABEL_CLUSTER,
  LABEL_MANAGED_BY,
  LABEL_NODE_RANK,
  LABEL_USER,
  MAIN_CONTAINER,
  MANAGED_BY,
  labelProblem,
} from './cluster-labels';
import { validatePod } from './pod.validator';
import { S3_MOUNT_DRIVER, type BucketVolume } from '../storage/bucket-mounts';
import { podStartParts, type PodJobStart } from '../jobs/pod-start';

/**
 * A Debian-based image with bash and tar (what setup, jobs and the tar-over-exec copy need) — but no python3:
 * admins set SKYPORT_DEFAULT_IMAGE to a fuller task image (the local stack uses its registry's skyport/task).
 */
export const DEFAULT_IMAGE = 'docker.io/library/debian:bookworm-slim';

export type PortsMode = 'loadbalancer' | 'ingress' | 'podip';

export interface GpuPlacement {
  /** `nvidia.com/gpu` or `amd.com/gpu`. */
  resourceKey: string;
  count: number;
  /** Node label terms naming the model, ORed (a cluster may mix label formats). Empty: any GPU node. */
  nodeLabels: Array<{ key: string; values: string[] }>;
}

export interface ClusterSpec {
  clusterName: string;
  namespace: string;
  numNodes: number;
  user: string;
  requestId?: string;
  displayName?: string;
  /** Container image; DEFAULT_IMAGE when absent. */
  image?: string;
  cpus: number;
  memoryGb: number;
  gpu?: GpuPlacement;
  /** The task's `resources.labels`. */
  labels: Record<string, string>;
  autostop?: { idleMinutes: number; down: boolean };
  /** pod_config layers: global, per context, task. */
  podConfigLayers: Array<Record<string, unknown> | undefined>;
  imagePullSecrets: string[];
  /** Name of the Secret holding the task's secrets (envFrom), when it has any. */
  secretName?: string;
  /** Plain environment for the container (values, never secrets). */
  env?: Record<string, string>;
  ports: number[];
  portsMode: PortsMode;
  /** The admin's `policy.automount_service_account_token` (default false: jobs get no Kubernetes credentials). */
  automountServiceAccountToken?: boolean;
  /** The task's `volumes`: mount path → name of an existing PersistentVolumeClaim in the namespace. */
  volumes?: Record<string, string>;
  /** Claims made with the cluster and deleted with it (the task's ephemeral volumes), mounted by every node. */
  ephemeralVolumes?: EphemeralClaim[];
  /** The task's MOUNT/MOUNT_CACHED buckets: inline volumes of Skyport's S3 mount driver (storage/bucket-mounts.ts). */
  bucketVolumes?: BucketVolume[];
  /** SKYPORT_JOB_START=pod: the container command starts the launch's first job (jobs/pod-start.ts). */
  jobStart?: PodJobStart;
  /** A managed job group's task: node `rank` is host `<task>-<rank>.<group>` (launch/job-group-service.ts). */
  jobGroup?: JobGroupLaunch;
}

export interface EphemeralClaim {
  claim: string;
  mountPath: string;
  sizeGb: number;
  storageClassName?: string;
  accessMode: string;
}

export interface ClusterObjects {
  pods: V1Pod[];
  /** Multi-node clusters only: peers resolve `<pod>.<cluster>`; a lone pod's own name is in its /etc/hosts. */
  headlessService?: V1Service;
  portServices: V1Service[];
  ingress?: V1Ingress;
}

export function baseLabels(spec: Pick<ClusterSpec, 'clusterName' | 'user' | 'labels'>): Record<string, string> {
  return {
    ...spec.labels,
    [LABEL_CLUSTER]: spec.clusterName,
    [LABEL_USER]: sanitiseLabelValue(spec.user),
    [LABEL_MANAGED_BY]: MANAGED_BY,
  };
}

/** User ids may hold characters labels forbid (`@`); keep what is allowed, bounded. */
export function sanitiseLabelValue(v: string): string {
  return v.replace(/[^A-Za-z0-9_.-]/g, '_').replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '').slice(0, 63) || 'unknown';
}

function checkLabels(labels: Record<string, string>): void {
  const problems = Object.entries(labels)
    .map(([k, v]) => labelProblem(k, v))
    .filter((p): p is string => p !== null);
  if (problems.length > 0) {
    throw new SkyportError(ErrorCode.InvalidTask, `resources.labels: ${problems.join('; ')}.`, { problems });
  }
}

function formatGb(gb: number): string {
  const mi = Math.round(gb * 1024);
  return mi % 1024 === 0 ? `${mi / 1024}Gi` : `${mi}Mi`;
}

function formatCpus(cpus: number): string {
  const m = Math.round(cpus * 1000);
  return m % 1000 === 0 ? String(m / 1000) : `${m}m`;
}

/** One pod volume per claim (a claim mounted at two paths is one volume with two mounts); ephemeral claims too. */
function claimVolumes(spec: Pick<ClusterSpec, 'volumes' | 'ephemeralVolumes'>): Array<{ name: string; claim: string; mountPath: string }> {
  const byPath: Record<string, string> = { ...spec.volumes, ...Object.fromEntries((spec.ephemeralVolumes ?? []).map((v) => [v.mountPath, v.claim])) };
  const claims = [...new Set(Object.values(byPath))].sort();
  return Object.entries(byPath)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([mountPath, claim]) => ({ name: `vol-${claims.indexOf(claim)}`, claim, mountPath }));
}

/** An ephemeral inline CSI volume of the S3 mount driver: the node mounts the bucket, the container needs no privilege. */
function bucketVolume(name: string, v: BucketVolume): Record<string, unknown> {
  const volumeAttributes: Record<string, string> = { bucket: v.bucket, prefix: v.prefix, mode: v.mode };
  if (v.readOnly) volumeAttributes.readOnly = 'true';
  return { name, csi: { driver: S3_MOUNT_DRIVER, readOnly: v.readOnly, volumeAttributes } };
}

/** The pod of one node, before and after pod_config; validated. */
export function buildPod(spec: ClusterSpec, rank: number): V1Pod {
  checkLabels(spec.labels);
  const name = clusterPodName(spec.clusterName, rank);
  const labels = { ...baseLabels(spec), [LABEL_NODE_RANK]: String(rank), ...(spec.jobGroup ? { [LABEL_JOB_GROUP]: String(spec.jobGroup.managedJobId) } : {}) };
  const annotations: Record<string, string> = {};
  if (spec.displayName) annotations[ANNOTATION_DISPLAY_NAME] = spec.displayName;
  if (spec.autostop) annotations[ANNOTATION_AUTOSTOP] = JSON.stringify(spec.autostop);
  if (spec.requestId) annotations[ANNOTATION_REQUEST] = spec.requestId;

  const requests: Record<string, string> = { cpu: formatCpus(spec.cpus), memory: formatGb(spec.memoryGb) };
  const limits: Record<string, string> = {};
  const env = Object.entries(spec.env ?? {}).map(([k, v]) => ({ name: k, value: v }));
  if (spec.gpu && spec.gpu.count > 0) {
    requests[spec.gpu.resourceKey] = String(spec.gpu.count);
    limits[spec.gpu.resourceKey] = String(spec.gpu.count);
  } else {
    // Without this an NVIDIA runtime exposes every GPU of the host to a pod that asked for none.
    env.push({ name: 'NVIDIA_VISIBLE_DEVICES', value: 'none' });
  }

  const podSpec: Record<string, unknown> = {
    restartPolicy: 'Never',
    // One name per pod: a group task's is SkyPilot's `<task>-<rank>.<group>`, served by the group's Service.
    hostname: spec.jobGroup ? `${spec.jobGroup.task}-${rank}` : name,
    subdomain: spec.jobGroup ? spec.jobGroup.name : spec.clusterName,
    terminationGracePeriodSeconds: 10,
    // Jobs get no Kubernetes credentials unless the admin allows them (policy, or the admin's own pod_config).
    automountServiceAccountToken: spec.automountServiceAccountToken ?? false,
    containers: [
      {
        name: MAIN_CONTAINER,
        image: spec.image ?? DEFAULT_IMAGE,
        imagePullPolicy: 'IfNotPresent',
        // The node lives as long as this process; setup and jobs are exec'd next to it. POSIX sh, so an image
        // without bash (busybox, alpine) still starts; jobs use bash where the image has it. `wait $!` passes on
        // how the sleep ended (137 when killed), so a node killed out of band says so in its exit code.
        command: literalContainerArgs(['/bin/sh', '-c', 'trap "exit 0" TERM INT; sleep infinity & wait $!']),
        env,
        ...(spec.secretName ? { envFrom: [{ secretRef: { name: spec.secretName } }] } : {}),
        resources: Object.keys(limits).length > 0 ? { requests, limits } : { requests },
        ports: spec.ports.map((p) => ({ containerPort: p, name: `port-${p}` })),
        volumeMounts: [
          { name: 'dshm', mountPath: '/dev/shm' },
          ...claimVolumes(spec).map((v) => ({ name: v.name, mountPath: v.mountPath })),
          ...(spec.bucketVolumes ?? []).map((v, i) => ({ name: `bucket-${i}`, mountPath: v.mountPath, ...(v.readOnly ? { readOnly: true } : {}) })),
        ],
      },
    ],
    volumes: [
      { name: 'dshm', emptyDir: { medium: 'Memory' } },
      ...[...new Map(claimVolumes(spec).map((v) => [v.name, v.claim])).entries()].map(([name, claimName]) => ({ name, persistentVolumeClaim: { claimName } })),
      ...(spec.bucketVolumes ?? []).map((v, i) => bucketVolume(`bucket-${i}`, v)),
    ],
  };
  if (spec.jobStart) {
    const start = podStartParts(spec.jobStart, rank);
    const [container] = podSpec.containers as Array<Record<string, unknown[]>>;
    Object.assign(annotations, start.annotations);
    Object.assign(container, { command: start.command, env: [...container.env, ...start.env], volumeMounts: [...container.volumeMounts, ...start.volumeMounts] });
    podSpec.volumes = [...(podSpec.volumes as unknown[]), ...start.volumes];
  }
  if (spec.imagePullSecrets.length > 0) podSpec.imagePullSecrets = spec.imagePullSecrets.map((n) => ({ name: n }));

  const affinity: Record<string, unknown> = {};
  if (spec.gpu && spec.gpu.count > 0) {
    const terms = spec.gpu.nodeLabels.filter((t) => t.values.length > 0);
    if (terms.length > 0) {
      affinity.nodeAffinity = {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: terms.map((t) => ({ matchExpressions: [{ key: t.key, operator: 'In', values: t.values }] })),
        },
      };
    }
    podSpec.tolerations = [{ key: spec.gpu.resourceKey, operator: 'Exists', effect: 'NoSchedule' }];
  }
  if (spec.numNodes > 1) {
    affinity.podAntiAffinity = {
      preferredDuringSchedulingIgnoredDuringExecution: [
        {
          weight: 100,
          podAffinityTerm: { labelSelector: { matchLabels: { [LABEL_CLUSTER]: spec.clusterName } }, topologyKey: 'kubernetes.io/hostname' },
        },
      ],
    };
  }
  if (Object.keys(affinity).length > 0) podSpec.affinity = affinity;

  const base = { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: spec.namespace, labels, annotations }, spec: podSpec };
  const merged = mergePodConfigs(base, spec.podConfigLayers) as unknown as V1Pod;
  // pod_config may add labels but never take the ones teardown relies on, nor rename the pod.
  merged.metadata = { ...merged.metadata, name, namespace: spec.namespace, labels: { ...merged.metadata?.labels, ...labels } };
  validatePod(merged);
  return merged;
}

export function buildClusterObjects(spec: ClusterSpec): ClusterObjects {
  const labels = baseLabels(spec);
  const meta = (name: string) => ({ name, namespace: spec.namespace, labels });
  const headlessService: V1Service | undefined = spec.numNodes < 2 ? undefined : {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: meta(spec.clusterName),
    spec: {
      clusterIP: 'None',
      // Peers resolve each other during setup, before readiness means anything.
      publishNotReadyAddresses: true,
      selector: { [LABEL_CLUSTER]: spec.clusterName, [LABEL_MANAGED_BY]: MANAGED_BY },
    },
  };
  const pods = Array.from({ length: spec.numNodes }, (_, rank) => buildPod(spec, rank));
  const headSelector = { [LABEL_CLUSTER]: spec.clusterName, [LABEL_NODE_RANK]: '0', [LABEL_MANAGED_BY]: MANAGED_BY };
  const portServices: V1Service[] = [];
  let ingress: V1Ingress | undefined;
  if (spec.ports.length > 0 && spec.portsMode === 'loadbalancer') {
    portServices.push({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta(`${spec.clusterName}-ports`),
      spec: { type: 'LoadBalancer', selector: headSelector, ports: spec.ports.map((p) => ({ name: `port-${p}`, port: p, targetPort: p, protocol: 'TCP' })) },
    });
  } else if (spec.ports.length > 0 && spec.portsMode === 'ingress') {
    for (const p of spec.ports) {
      portServices.push({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: meta(`${spec.clusterName}-port-${p}`),
        spec: { type: 'ClusterIP', selector: headSelector, ports: [{ name: `port-${p}`, port: p, targetPort: p, protocol: 'TCP' }] },
      });
    }
    ingress = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: {
        ...meta(`${spec.clusterName}-ingress`),
        annotations: { 'nginx.ingress.kubernetes.io/use-regex': 'true', 'nginx.ingress.kubernetes.io/rewrite-target': '/$2' },
      },
      spec: {
        ingressClassName: 'nginx',
        rules: [
          {
            http: {
              paths: spec.ports.map((p) => ({
                path: `${ingressPath(spec.namespace, spec.clusterName, p)}(/|$)(.*)`,
                pathType: 'ImplementationSpecific',
                backend: { service: { name: `${spec.clusterName}-port-${p}`, port: { number: p } } },
              })),
            },
          },
        ],
      },
    };
  }
  return { pods, headlessService, portServices, ingress };
}

export function ingressPath(namespace: string, clusterName: string, port: number): string {
  return `/skyport/${namespace}/${clusterName}/${port}`;
}

export function secretName(clusterName: string): string {
  return `${clusterName}-secrets`;
}

export function buildSecret(spec: Pick<ClusterSpec, 'clusterName' | 'namespace' | 'user' | 'labels'>, values: Record<string, string>): V1Secret {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: secretName(spec.clusterName), namespace: spec.namespace, labels: baseLabels(spec) },
    type: 'Opaque',
    stringData: values,
  };
}
