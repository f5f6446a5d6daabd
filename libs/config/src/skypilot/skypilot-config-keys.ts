/**
 * SkyPilot's config file keys (`get_config_schema` in SkyPilot's sky/utils/schemas.py, 0.14 and main) that Skyport
 * accepts without acting on them, each with the reason a user is told. A SkyPilot `~/.sky/config.yaml` must load
 * as it is: these are reported once as ignored, never refused. Keys Skyport does act on live in config.schema.ts.
 */

/** Per-context Kubernetes keys (under `kubernetes:` and each `kubernetes.context_configs.<ctx>`). */
export const IGNORED_KUBERNETES_KEYS: Readonly<Record<string, string>> = {
  remote_identity: "pods run with the namespace's service account; Skyport does not create or bind one",
  networking: "deprecated in SkyPilot; Skyport reaches pods through the API server's port-forward",
  allowed_nodes: 'use pod_config affinity or a node selector instead',
  rdma: 'not supported',
  high_availability: 'Skyport has no controller to make highly available',
  kueue: 'Kueue admission is not supported',
  quota: 'Skyport keeps its own team quotas',
  dws: 'not supported',
  post_provision_runcmd: 'put the commands in the task\'s setup',
  apt_mirrors: 'not used (Skyport installs nothing with apt on pods)',
  set_pod_resource_limits: 'not supported; set limits in pod_config',
  auto_mounts: 'volumes are not supported',
  enable_docker: 'not supported',
  max_inline_command_length: 'not needed (commands are streamed over exec)',
};

/** `kubernetes.ports` values SkyPilot accepts that Skyport has no mode for (the default is used instead). */
export const IGNORED_PORT_MODES: Readonly<Record<string, string>> = {
  nodeport: "NodePort services are not created by Skyport; ports use the default 'loadbalancer' mode",
};

/** Top-level sections of SkyPilot's config that Skyport reads nothing from. */
export const IGNORED_TOP_LEVEL_SECTIONS: Readonly<Record<string, string>> = {
  jobs: 'managed jobs (and their controller) are not part of Skyport',
  serve: 'SkyServe is not part of Skyport',
  admin_policy: "Skyport's admin policy is the server config's policy: section",
  docker: 'not used',
  nvidia_gpus: 'not used',
  workspace: 'workspaces are not supported (Skyport has teams)',
  active_workspace: 'workspaces are not supported (Skyport has teams)',
  workspaces: 'workspaces are not supported (Skyport has teams)',
  workspace_config: 'workspaces are not supported (Skyport has teams)',
  db: "Skyport's database is SKYPORT_DATABASE_URL",
  provision: 'not used',
  rbac: "Skyport's users, teams and tokens are managed through its api",
  logs: 'Skyport stores job logs itself',
  daemons: 'not used',
  data: 'not used',
  dashboard: "Skyport's dashboard is served by its api at /ui",
  metrics: "Skyport's metrics are at each service's /metrics",
  plugins: 'not supported',
  // Clouds: Skyport's AWS settings are the provisioner's SKYPORT_AWS_* environment; the rest are catalog-only.
  aws: "Skyport's AWS settings are the provisioner's SKYPORT_AWS_* environment",
  gcp: 'GCP is a catalog candidate only in Skyport',
  azure: 'Azure is a catalog candidate only in Skyport',
  ssh: 'SSH node pools are not supported',
  slurm: 'Slurm is not supported',
  oci: 'OCI is not supported',
  vast: 'Vast is not supported',
  nebius: 'Nebius is not supported',
  lambda: 'Lambda is a catalog candidate only in Skyport',
  ibm: 'IBM is a catalog candidate only in Skyport',
  runpod: 'RunPod is not supported',
  cudo: 'Cudo is not supported',
  paperspace: 'Paperspace is not supported',
  fluidstack: 'Fluidstack is not supported',
  do: 'DigitalOcean is not supported',
  scp: 'SCP is not supported',
  vsphere: 'vSphere is not supported',
  hyperbolic: 'Hyperbolic is not supported',
};

/** `api_server.*` keys other than `endpoint` (which Skyport reads as `api.endpoint`). */
export const IGNORED_API_SERVER_REASON = "SkyPilot API server settings; Skyport's api is configured by its environment";

/** `custom_metadata` keys other than labels and annotations (SkyPilot allows any; Skyport applies those two). */
export const IGNORED_CUSTOM_METADATA_REASON = 'only labels and annotations are applied';
