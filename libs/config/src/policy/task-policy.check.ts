import { ErrorCode, SkyportError } from '@skyport/contracts';
import type { PolicyViolation, TaskPolicy, TaskPolicyConfig } from './task-policy.types';

type Obj = Record<string, unknown>;

/** What a task asks of Kubernetes: its `config.kubernetes` section as written (snake_case or normalised) and its node count. */
export interface TaskPolicyInput {
  kubernetes?: Obj | null;
  numNodes?: number;
  /** The team's own namespaces: naming one of them is choosing among what was granted, not an override. */
  ownNamespaces?: readonly string[];
}

/** Keys a task's `config.kubernetes` may carry at all; the rest (allowed_contexts, context_configs) is the server's. */
const TASK_KEYS = new Set([
  'pod_config',
  'podConfig',
  'custom_metadata',
  'provision_timeout',
  'provisionTimeout',
  'ports',
  'autoscaler',
  'pricing',
  'image_pull_secrets',
  'namespace',
]);

const RESERVED_PREFIX = 'skyport.dev/';
const CONTAINER_LISTS = ['containers', 'initContainers', 'ephemeralContainers'] as const;

/** Skyport's S3 mount driver (apps/provisioner storage/bucket-mounts.ts): reserved for the provisioner's own volumes. */
const S3_MOUNT_DRIVER = 's3.csi.skyport.dev';

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/**
 * Checks a task's Kubernetes settings against the admin's policy and returns every refusal (empty: allowed).
 * Only the task's own layer is checked: the admin's global and per-context settings are trusted and never pass
 * through here. Pure and synchronous, so the api (before anything is written) and the provisioner (defence in
 * depth against a hand-made queue payload) run the very same rules.
 */
export function checkTaskPolicy(input: TaskPolicyInput, policy: TaskPolicy): PolicyViolation[] {
  const out: PolicyViolation[] = [];
  const deny = (path: string, what: string, rule: keyof TaskPolicyConfig) =>
    out.push({ path, rule, message: `${path}: ${what} not allowed by the server's policy (an admin can allow it: policy.${rule})` });
  const reserved = (path: string, what: string) => out.push({ path, message: `${path}: ${what}` });

  if (input.numNodes !== undefined && input.numNodes > policy.max_num_nodes) {
    out.push({
      path: 'num_nodes',
      rule: 'max_num_nodes',
      message: `num_nodes: ${input.numNodes} is above the server's limit of ${policy.max_num_nodes} nodes (an admin can raise it: policy.max_num_nodes)`,
    });
  }
  const kube = input.kubernetes;
  if (!isObj(kube)) return out;
  const at = 'config.kubernetes';
  for (const key of Object.keys(kube)) {
    if (!TASK_KEYS.has(key)) reserved(`${at}.${key}`, `'${key}' is the server's configuration; a task may not set it`);
  }
  const own = new Set(input.ownNamespaces ?? []);
  const overrides = (ns: unknown) => ns !== undefined && !(typeof ns === 'string' && own.has(ns)) && !policy.allow_namespace_override;
  if (overrides(kube.namespace)) deny(`${at}.namespace`, 'choosing the namespace is', 'allow_namespace_override');
  if (kube.ports !== undefined && !policy.allow_ports_override) deny(`${at}.ports`, 'choosing how ports are exposed is', 'allow_ports_override');
  if (kube.image_pull_secrets !== undefined && !policy.allow_image_pull_secrets) deny(`${at}.image_pull_secrets`, 'image pull secrets are', 'allow_image_pull_secrets');
  if (kube.autoscaler !== undefined && !policy.allow_autoscaler_override) deny(`${at}.autoscaler`, 'setting the autoscaler is', 'allow_autoscaler_override');
  const timeout = kube.provision_timeout ?? kube.provisionTimeout;
  if (typeof timeout === 'number' && timeout > policy.max_provision_timeout) {
    out.push({
      path: `${at}.provision_timeout`,
      rule: 'max_provision_timeout',
      message: `${at}.provision_timeout: ${timeout} s is above the server's cap of ${policy.max_provision_timeout} s (an admin can raise it: policy.max_provision_timeout)`,
    });
  }
  const meta = kube.custom_metadata;
  if (isObj(meta)) checkMetadataKeys(meta, `${at}.custom_metadata`, reserved, policy, deny);
  const pod = kube.pod_config ?? kube.podConfig;
  if (isObj(pod)) checkPodConfig(pod, `${at}.pod_config`, policy, deny, reserved, overrides);
  return out;
}

type Deny = (path: string, what: string, rule: keyof TaskPolicyConfig) => void;

/** The annotation forms of seccomp and AppArmor profiles (older clusters still honour them). */
const CONFINEMENT_ANNOTATIONS = ['seccomp.security.alpha.kubernetes.io/', 'container.seccomp.security.alpha.kubernetes.io/', 'container.apparmor.security.beta.kubernetes.io/'];

function checkMetadataKeys(meta: Obj, at: string, reserved: (path: string, what: string) => void, policy: TaskPolicy, deny: Deny): void {
  for (const kind of ['labels', 'annotations']) {
    const map = meta[kind];
    if (!isObj(map)) continue;
    for (const [key, value] of Object.entries(map)) {
      if (key.startsWith(RESERVED_PREFIX)) reserved(`${at}.${kind}.${key}`, `keys under '${RESERVED_PREFIX}' are reserved for Skyport (they decide which cluster owns an object)`);
      const confinement = kind === 'annotations' && CONFINEMENT_ANNOTATIONS.some((p) => key === p.slice(0, -1) || key.startsWith(p));
      if (confinement && String(value) !== 'runtime/default' && !String(value).startsWith('localhost/') && !policy.allow_unconfined_security) {
        deny(`${at}.${kind}.${key}`, `an '${String(value)}' profile annotation is`, 'allow_unconfined_security');
      }
    }
  }
}

function checkPodConfig(pod: Obj, at: string, policy: TaskPolicy, deny: Deny, reserved: (path: string, what: string) => void, overrides: (ns: unknown) => boolean): void {
  const meta = pod.metadata;
  if (isObj(meta)) {
    if (overrides(meta.namespace)) deny(`${at}.metadata.namespace`, 'choosing the namespace is', 'allow_namespace_override');
    for (const key of ['ownerReferences', 'finalizers']) {
      if (meta[key] !== undefined) reserved(`${at}.metadata.${key}`, `'${key}' is managed by Skyport; a task may not set it`);
    }
    checkMetadataKeys(meta, `${at}.metadata`, reserved, policy, deny);
  }
  const spec = pod.spec;
  if (!isObj(spec)) return;
  const s = `${at}.spec`;
  if (!policy.allow_host_namespaces) {
    for (const key of ['hostNetwork', 'hostPID', 'hostIPC']) if (spec[key] === true) deny(`${s}.${key}`, `${key} is`, 'allow_host_namespaces');
  }
  if (!policy.allow_service_account) {
    for (const key of ['serviceAccountName', 'serviceAccount']) if (spec[key] !== undefined && spec[key] !== null && spec[key] !== '') deny(`${s}.${key}`, 'running as a service account is', 'allow_service_account');
    if (spec.automountServiceAccountToken === true) deny(`${s}.automountServiceAccountToken`, 'mounting a service account token is', 'allow_service_account');
  }
  if (spec.nodeName !== undefined && !policy.allow_node_name) deny(`${s}.nodeName`, 'pinning a pod to a node (nodeName) is', 'allow_node_name');
  if (spec.runtimeClassName !== undefined && !policy.allow_runtime_class) deny(`${s}.runtimeClassName`, 'choosing a runtime class is', 'allow_runtime_class');
  if (!policy.allow_priority_class) {
    for (const key of ['priorityClassName', 'priority', 'preemptionPolicy']) if (spec[key] !== undefined) deny(`${s}.${key}`, `setting ${key} is`, 'allow_priority_class');
  }
  if (spec.imagePullSecrets !== undefined && !policy.allow_image_pull_secrets) deny(`${s}.imagePullSecrets`, 'image pull secrets are', 'allow_image_pull_secrets');
  if (isObj(spec.securityContext) && !policy.allow_unconfined_security) checkUnconfined(spec.securityContext, `${s}.securityContext`, deny, true);
  list(spec.volumes).forEach((v, i) => {
    if (!isObj(v)) return;
    const path = `${s}.volumes[${i}]`;
    // The driver mounts any bucket with the server's S3 keys: only the provisioner names it (file_mounts MOUNT),
    // where the caller's right to the bucket was checked. Whatever the admin allows, a task's pod_config may not.
    if (isObj(v.csi) && String(v.csi.driver ?? '').trim().toLowerCase() === S3_MOUNT_DRIVER) {
      reserved(`${path}.csi.driver`, `the CSI driver '${S3_MOUNT_DRIVER}' is reserved for Skyport's bucket mounts; write the bucket in file_mounts with mode: MOUNT or MOUNT_CACHED`);
    }
    for (const kind of Object.keys(v).filter((k) => k !== 'name')) {
      if (kind === 'hostPath') {
        if (!policy.allow_host_path) deny(`${path}.hostPath`, 'hostPath volumes are', 'allow_host_path');
      } else if (!policy.allowed_volume_types.includes(kind)) {
        deny(`${path}.${kind}`, `'${kind}' volumes are`, 'allowed_volume_types');
      }
    }
  });
  for (const kind of CONTAINER_LISTS) {
    list(spec[kind]).forEach((c, i) => {
      if (isObj(c)) checkContainer(c, `${s}.${kind}[${i}]`, policy, deny);
    });
  }
}

function checkContainer(c: Obj, at: string, policy: TaskPolicy, deny: Deny): void {
  list(c.ports).forEach((p, j) => {
    if (!isObj(p) || policy.allow_host_ports) return;
    if (p.hostPort !== undefined && p.hostPort !== 0) deny(`${at}.ports[${j}].hostPort`, 'host ports are', 'allow_host_ports');
    if (p.hostIP !== undefined) deny(`${at}.ports[${j}].hostIP`, 'host ports are', 'allow_host_ports');
  });
  const sc = c.securityContext;
  if (!isObj(sc)) return;
  const s = `${at}.securityContext`;
  if (sc.privileged === true && !policy.allow_privileged) deny(`${s}.privileged`, 'privileged containers are', 'allow_privileged');
  if (sc.allowPrivilegeEscalation === true && !policy.allow_privilege_escalation) deny(`${s}.allowPrivilegeEscalation`, 'privilege escalation is', 'allow_privilege_escalation');
  const caps = isObj(sc.capabilities) ? list(sc.capabilities.add) : [];
  const allowed = new Set(policy.allowed_capabilities.map((x) => x.toUpperCase().replace(/^CAP_/, '')));
  caps.forEach((cap, j) => {
    const name = String(cap).toUpperCase().replace(/^CAP_/, '');
    if (!allowed.has('ALL') && !allowed.has(name)) deny(`${s}.capabilities.add[${j}]`, `adding the capability '${String(cap)}' is`, 'allowed_capabilities');
  });
  if (!policy.allow_unconfined_security) checkUnconfined(sc, s, deny, false);
}

/** The security-context fields that loosen the container's confinement (Pod Security "baseline" forbids them too). */
function checkUnconfined(sc: Obj, at: string, deny: Deny, podLevel: boolean): void {
  const rule = 'allow_unconfined_security';
  if (sc.seLinuxOptions !== undefined) deny(`${at}.seLinuxOptions`, 'custom SELinux options are', rule);
  for (const key of ['seccompProfile', 'appArmorProfile']) {
    const profile = sc[key];
    if (isObj(profile) && profile.type === 'Unconfined') deny(`${at}.${key}.type`, `an Unconfined ${key} is`, rule);
  }
  if (isObj(sc.windowsOptions) && sc.windowsOptions.hostProcess === true) deny(`${at}.windowsOptions.hostProcess`, 'Windows host processes are', rule);
  if (!podLevel && sc.procMount !== undefined && sc.procMount !== 'Default') deny(`${at}.procMount`, `procMount '${String(sc.procMount)}' is`, rule);
  if (podLevel && list(sc.sysctls).length > 0) deny(`${at}.sysctls`, 'sysctls are', rule);
}

/** The refusal as the api and the provisioner throw it: 403, every violation named, the first in the message. */
export function taskPolicyError(violations: PolicyViolation[]): SkyportError {
  const message =
    violations.length === 1
      ? violations[0].message
      : `the task asks for ${violations.length} things the server's policy does not allow:\n${violations.map((v) => `  - ${v.message}`).join('\n')}`;
  return new SkyportError(ErrorCode.Forbidden, message, { reason: 'POLICY_DENIED', violations });
}

/** Throws `taskPolicyError` when the task breaks the policy. */
export function enforceTaskPolicy(input: TaskPolicyInput, policy: TaskPolicy): void {
  const violations = checkTaskPolicy(input, policy);
  if (violations.length > 0) throw taskPolicyError(violations);
}
