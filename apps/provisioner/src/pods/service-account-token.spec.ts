import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildPod, type ClusterSpec } from './cluster-objects.builder';

const spec = (extra: Partial<ClusterSpec> = {}): ClusterSpec => ({
  clusterName: 'c',
  namespace: 'ns',
  numNodes: 1,
  user: 'u',
  cpus: 1,
  memoryGb: 1,
  labels: {},
  podConfigLayers: [],
  imagePullSecrets: [],
  ports: [],
  portsMode: 'loadbalancer',
  ...extra,
});

describe("pods get no service-account token unless the admin allows it", () => {
  it('defaults to automountServiceAccountToken: false', () => {
    assert.equal(buildPod(spec(), 0).spec?.automountServiceAccountToken, false);
  });

  it("follows policy.automount_service_account_token and the admin's own pod_config", () => {
    assert.equal(buildPod(spec({ automountServiceAccountToken: true }), 0).spec?.automountServiceAccountToken, true);
    assert.equal(buildPod(spec({ podConfigLayers: [{ spec: { automountServiceAccountToken: true } }] }), 0).spec?.automountServiceAccountToken, true);
  });
});
