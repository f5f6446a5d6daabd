import type { AccessQuestion } from '@skyport/kube';

/** One permission Skyport needs, and what stops working without it (told to the user as it is). */
export interface RequiredPermission extends Omit<AccessQuestion, 'namespace'> {
  /** Namespaced: asked in the namespace launches use. Cluster-scoped: asked without one. */
  scope: 'namespace' | 'cluster';
  neededFor: string;
}

const core = (verbs: string[], resource: string, neededFor: string, subresource?: string): RequiredPermission[] =>
  verbs.map((verb) => ({ verb, resource, subresource, scope: 'namespace', neededFor }));

/**
 * What the provisioner (and the api's `ssh`, the autodown reaper) do with a context's credentials: the objects of
 * pods/cluster-objects.builder.ts, the informers, exec, and teardown. The chart's Role grants exactly these
 * (deploy/helm/skyport/templates/rbac.yaml); keep the two in step.
 */
export const REQUIRED_PERMISSIONS: readonly RequiredPermission[] = [
  ...core(['create'], 'pods', 'launch will fail (no pods can be created)'),
  ...core(['get', 'list', 'watch'], 'pods', 'launch progress, job status and cluster health will not be seen'),
  ...core(['delete', 'deletecollection'], 'pods', 'down and failover will leave pods behind'),
  // client-node opens exec as a websocket upgrade of a GET: the API server authorizes it as `get` as well.
  ...core(['create', 'get'], 'pods', 'exec, ssh and job start will fail', 'exec'),
  ...core(['create'], 'services', 'multi-node clusters and ports will fail'),
  ...core(['get', 'list'], 'services', 'endpoints and multi-node clusters will not be found'),
  ...core(['delete', 'deletecollection'], 'services', 'down will leave services behind'),
  ...core(['create', 'update'], 'secrets', "a task's secrets and SSH keys cannot be stored (launch will fail)"),
  ...core(['get', 'list'], 'secrets', "a cluster's secrets and SSH keys cannot be read (exec and relaunch will fail)"),
  ...core(['delete', 'deletecollection'], 'secrets', 'down will leave secrets behind'),
  ...core(['get', 'list', 'watch'], 'events', 'launch progress will not show why pods wait (scheduling, image pulls)'),
  ...core(['get', 'list', 'create', 'delete'], 'persistentvolumeclaims', 'volumes will fail'),
  { verb: 'create', resource: 'ingresses', group: 'networking.k8s.io', scope: 'namespace', neededFor: "ports with 'ports: ingress' will fail" },
  { verb: 'get', resource: 'ingresses', group: 'networking.k8s.io', scope: 'namespace', neededFor: "endpoints with 'ports: ingress' will not be found" },
  { verb: 'deletecollection', resource: 'ingresses', group: 'networking.k8s.io', scope: 'namespace', neededFor: 'down will leave ingresses behind' },
  ...core(['list', 'delete'], 'configmaps', "down fails (teardown removes a cluster's config maps too) and orphaned objects will not be reaped"),
  { verb: 'list', resource: 'nodes', scope: 'cluster', neededFor: 'capacity and GPUs of this context will be unknown (it will not be planned on)' },
  { verb: 'watch', resource: 'nodes', scope: 'cluster', neededFor: 'capacity of this context will go stale' },
  // The capacity snapshot subtracts what every pod on a node requested, so it watches pods in all namespaces.
  { verb: 'list', resource: 'pods', scope: 'cluster', neededFor: 'the capacity snapshot is refused: the context reports as unreachable and is not planned on' },
  { verb: 'watch', resource: 'pods', scope: 'cluster', neededFor: 'the capacity snapshot will go stale' },
];
