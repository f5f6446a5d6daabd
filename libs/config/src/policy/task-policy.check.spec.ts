import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode } from '@skyport/contracts';
import { parseSkyportConfig } from '../load-config';
import { checkTaskPolicy, enforceTaskPolicy } from './task-policy.check';
import { DEFAULT_TASK_POLICY, resolveTaskPolicy } from './task-policy.defaults';
import { readTaskPolicyConfig } from './task-policy.schema';

const pod = (spec: Record<string, unknown>, metadata?: Record<string, unknown>) => ({ pod_config: { ...(metadata ? { metadata } : {}), spec } });
const container = (extra: Record<string, unknown>) => pod({ containers: [{ name: 'c', ...extra }] });
const sc = (securityContext: Record<string, unknown>) => container({ securityContext });

/** Each denied field → the path and rule the refusal must name. */
const DENIED: Array<[string, Record<string, unknown>, string, string | undefined]> = [
  ['privileged container', sc({ privileged: true }), 'config.kubernetes.pod_config.spec.containers[0].securityContext.privileged', 'allow_privileged'],
  ['privilege escalation', sc({ allowPrivilegeEscalation: true }), 'config.kubernetes.pod_config.spec.containers[0].securityContext.allowPrivilegeEscalation', 'allow_privilege_escalation'],
  ['added capability', sc({ capabilities: { add: ['SYS_ADMIN'] } }), 'config.kubernetes.pod_config.spec.containers[0].securityContext.capabilities.add[0]', 'allowed_capabilities'],
  ['procMount', sc({ procMount: 'Unmasked' }), 'config.kubernetes.pod_config.spec.containers[0].securityContext.procMount', 'allow_unconfined_security'],
  ['seLinuxOptions', sc({ seLinuxOptions: { type: 'spc_t' } }), 'config.kubernetes.pod_config.spec.containers[0].securityContext.seLinuxOptions', 'allow_unconfined_security'],
  ['unconfined seccomp', sc({ seccompProfile: { type: 'Unconfined' } }), 'config.kubernetes.pod_config.spec.containers[0].securityContext.seccompProfile.type', 'allow_unconfined_security'],
  ['host port', container({ ports: [{ containerPort: 80, hostPort: 80 }] }), 'config.kubernetes.pod_config.spec.containers[0].ports[0].hostPort', 'allow_host_ports'],
  ['privileged init container', pod({ initContainers: [{ name: 'i', securityContext: { privileged: true } }] }), 'config.kubernetes.pod_config.spec.initContainers[0].securityContext.privileged', 'allow_privileged'],
  ['privileged ephemeral container', pod({ ephemeralContainers: [{ name: 'e', securityContext: { privileged: true } }] }), 'config.kubernetes.pod_config.spec.ephemeralContainers[0].securityContext.privileged', 'allow_privileged'],
  ['hostPath volume', pod({ volumes: [{ name: 'root', hostPath: { path: '/' } }] }), 'config.kubernetes.pod_config.spec.volumes[0].hostPath', 'allow_host_path'],
  ['nfs volume', pod({ volumes: [{ name: 'n', nfs: { server: 'x', path: '/' } }] }), 'config.kubernetes.pod_config.spec.volumes[0].nfs', 'allowed_volume_types'],
  ['projected volume', pod({ volumes: [{ name: 'p', projected: { sources: [{ serviceAccountToken: { path: 't' } }] } }] }), 'config.kubernetes.pod_config.spec.volumes[0].projected', 'allowed_volume_types'],
  ['hostNetwork', pod({ hostNetwork: true }), 'config.kubernetes.pod_config.spec.hostNetwork', 'allow_host_namespaces'],
  ['hostPID', pod({ hostPID: true }), 'config.kubernetes.pod_config.spec.hostPID', 'allow_host_namespaces'],
  ['hostIPC', pod({ hostIPC: true }), 'config.kubernetes.pod_config.spec.hostIPC', 'allow_host_namespaces'],
  ['serviceAccountName', pod({ serviceAccountName: 'admin' }), 'config.kubernetes.pod_config.spec.serviceAccountName', 'allow_service_account'],
  ['serviceAccount', pod({ serviceAccount: 'admin' }), 'config.kubernetes.pod_config.spec.serviceAccount', 'allow_service_account'],
  ['automounted token', pod({ automountServiceAccountToken: true }), 'config.kubernetes.pod_config.spec.automountServiceAccountToken', 'allow_service_account'],
  ['nodeName', pod({ nodeName: 'n1' }), 'config.kubernetes.pod_config.spec.nodeName', 'allow_node_name'],
  ['runtimeClassName', pod({ runtimeClassName: 'kata' }), 'config.kubernetes.pod_config.spec.runtimeClassName', 'allow_runtime_class'],
  ['priorityClassName', pod({ priorityClassName: 'system-node-critical' }), 'config.kubernetes.pod_config.spec.priorityClassName', 'allow_priority_class'],
  ['pod sysctls', pod({ securityContext: { sysctls: [{ name: 'kernel.x', value: '1' }] } }), 'config.kubernetes.pod_config.spec.securityContext.sysctls', 'allow_unconfined_security'],
  ['pod pull secrets', pod({ imagePullSecrets: [{ name: 'theirs' }] }), 'config.kubernetes.pod_config.spec.imagePullSecrets', 'allow_image_pull_secrets'],
  ['pod namespace', pod({}, { namespace: 'kube-system' }), 'config.kubernetes.pod_config.metadata.namespace', 'allow_namespace_override'],
  ['unconfined AppArmor annotation', pod({}, { annotations: { 'container.apparmor.security.beta.kubernetes.io/main': 'unconfined' } }), 'config.kubernetes.pod_config.metadata.annotations.container.apparmor.security.beta.kubernetes.io/main', 'allow_unconfined_security'],
  ['unconfined seccomp annotation (custom_metadata)', { custom_metadata: { annotations: { 'seccomp.security.alpha.kubernetes.io/pod': 'unconfined' } } }, 'config.kubernetes.custom_metadata.annotations.seccomp.security.alpha.kubernetes.io/pod', 'allow_unconfined_security'],
  ['reserved label', pod({}, { labels: { 'skyport.dev/cluster': 'other' } }), 'config.kubernetes.pod_config.metadata.labels.skyport.dev/cluster', undefined],
  ['namespace override', { namespace: 'team-b' }, 'config.kubernetes.namespace', 'allow_namespace_override'],
  ['ports mode', { ports: 'loadbalancer' }, 'config.kubernetes.ports', 'allow_ports_override'],
  ['pull secrets', { image_pull_secrets: ['theirs'] }, 'config.kubernetes.image_pull_secrets', 'allow_image_pull_secrets'],
  ['autoscaler', { autoscaler: 'karpenter' }, 'config.kubernetes.autoscaler', 'allow_autoscaler_override'],
  ['provision_timeout above the cap', { provision_timeout: 100_000 }, 'config.kubernetes.provision_timeout', 'max_provision_timeout'],
  ['server-only key', { context_configs: {} }, 'config.kubernetes.context_configs', undefined],
];

describe('task policy (default: deny what reaches the host, the control plane or another team)', () => {
  for (const [name, kubernetes, path, rule] of DENIED) {
    it(`refuses ${name}, naming ${path}`, () => {
      const violations = checkTaskPolicy({ kubernetes }, DEFAULT_TASK_POLICY);
      assert.equal(violations.length, 1, JSON.stringify(violations));
      assert.equal(violations[0].path, path);
      assert.equal(violations[0].rule, rule);
      assert.ok(violations[0].message.startsWith(`${path}: `), violations[0].message);
      if (rule) assert.ok(violations[0].message.includes(`policy.${rule}`), violations[0].message);
      if (rule?.startsWith('allow_')) {
        // The rule named is the one that lets it through.
        assert.deepEqual(checkTaskPolicy({ kubernetes }, resolveTaskPolicy({ [rule]: true })), []);
      }
    });
  }

  it("reserves Skyport's S3 mount driver: a pod_config CSI volume naming it is refused whatever the policy allows", () => {
    const kubernetes = pod({ volumes: [{ name: 'b', csi: { driver: 'S3.csi.skyport.dev', volumeAttributes: { bucket: 'theirs', mode: 'MOUNT' } } }] });
    const open = resolveTaskPolicy({ allowed_volume_types: ['csi', 'emptyDir'], allow_host_path: true });
    const violations = checkTaskPolicy({ kubernetes }, open);
    assert.equal(violations.length, 1, JSON.stringify(violations));
    assert.equal(violations[0].path, 'config.kubernetes.pod_config.spec.volumes[0].csi.driver');
    assert.equal(violations[0].rule, undefined);
    assert.match(violations[0].message, /the CSI driver 's3\.csi\.skyport\.dev' is reserved for Skyport's bucket mounts; write the bucket in file_mounts with mode: MOUNT/);
    // Another CSI driver is the admin's to allow.
    assert.deepEqual(checkTaskPolicy({ kubernetes: pod({ volumes: [{ name: 'x', csi: { driver: 'secrets-store.csi.k8s.io' } }] }) }, open), []);
  });

  it('words a privileged container as the issue asks', () => {
    const [v] = checkTaskPolicy({ kubernetes: sc({ privileged: true }) }, DEFAULT_TASK_POLICY);
    assert.equal(
      v.message,
      "config.kubernetes.pod_config.spec.containers[0].securityContext.privileged: privileged containers are not allowed by the server's policy (an admin can allow it: policy.allow_privileged)",
    );
  });

  it('allows an ordinary pod_config: resources, env, emptyDir/PVC/configMap volumes, tolerations, labels', () => {
    const kubernetes = {
      provision_timeout: 60,
      custom_metadata: { labels: { app: 'train' } },
      pod_config: {
        metadata: { labels: { team: 'a' } },
        spec: {
          tolerations: [{ key: 'gpu', operator: 'Exists' }],
          securityContext: { runAsUser: 1000, fsGroup: 1000 },
          volumes: [{ name: 'cache', emptyDir: {} }, { name: 'data', persistentVolumeClaim: { claimName: 'd' } }, { name: 'cfg', configMap: { name: 'c' } }],
          containers: [{ resources: { limits: { memory: '1Gi' } }, env: [{ name: 'A', value: '1' }], securityContext: { allowPrivilegeEscalation: false, privileged: false, capabilities: { drop: ['ALL'] } } }],
        },
      },
    };
    assert.deepEqual(checkTaskPolicy({ kubernetes, numNodes: 4 }, DEFAULT_TASK_POLICY), []);
  });

  it("lets a task name one of its team's own namespaces (a choice among what was granted), not another", () => {
    assert.deepEqual(checkTaskPolicy({ kubernetes: { namespace: 'team-a' }, ownNamespaces: ['team-a'] }, DEFAULT_TASK_POLICY), []);
    assert.deepEqual(checkTaskPolicy({ kubernetes: pod({}, { namespace: 'team-a' }), ownNamespaces: ['team-a'] }, DEFAULT_TASK_POLICY), []);
    assert.equal(checkTaskPolicy({ kubernetes: { namespace: 'team-b' }, ownNamespaces: ['team-a'] }, DEFAULT_TASK_POLICY)[0].rule, 'allow_namespace_override');
  });

  it('caps num_nodes at policy.max_num_nodes', () => {
    const [v] = checkTaskPolicy({ numNodes: 1_000_000 }, DEFAULT_TASK_POLICY);
    assert.equal(v.path, 'num_nodes');
    assert.match(v.message, /above the server's limit of 512 nodes/);
    assert.deepEqual(checkTaskPolicy({ numNodes: 1000 }, resolveTaskPolicy({ max_num_nodes: 1000 })), []);
  });

  it('lists every violation in one 403 (reason POLICY_DENIED)', () => {
    assert.throws(
      () => enforceTaskPolicy({ kubernetes: pod({ hostPID: true, hostNetwork: true }) }, DEFAULT_TASK_POLICY),
      (e: { code: string; userMessage: string; details: { reason: string; violations: unknown[] } }) =>
        e.code === ErrorCode.Forbidden && e.details.reason === 'POLICY_DENIED' && e.details.violations.length === 2 && /2 things/.test(e.userMessage),
    );
  });

  it('accepts the normalised spelling (podConfig, provisionTimeout) as the provisioner sees it', () => {
    const violations = checkTaskPolicy({ kubernetes: { podConfig: { spec: { hostPID: true } }, provisionTimeout: 10_000 } }, DEFAULT_TASK_POLICY);
    assert.deepEqual(violations.map((v) => v.rule).sort(), ['allow_host_namespaces', 'max_provision_timeout']);
  });

  it('layers defaults < config file < team, and the config file validates policy:', () => {
    const config = parseSkyportConfig('policy:\n  allow_host_path: true\n  max_num_nodes: 64\n');
    const policy = resolveTaskPolicy(config.policy, { max_num_nodes: 8 });
    assert.equal(policy.allow_host_path, true);
    assert.equal(policy.max_num_nodes, 8);
    assert.equal(policy.allow_privileged, false);
    assert.throws(() => parseSkyportConfig('policy:\n  allow_privilegd: true\n'), /allow_privilegd/);
    assert.throws(() => readTaskPolicyConfig({ allow_host_path: 'yes' }), /policy\.allow_host_path/);
    assert.throws(() => readTaskPolicyConfig({ nope: true }), /unknown policy key/);
  });
});
