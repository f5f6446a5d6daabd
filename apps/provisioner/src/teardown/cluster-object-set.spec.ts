import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ANY_CLUSTER_SELECTOR, CLUSTER_OBJECT_KINDS, clusterObjectSelector, clusterSelector, type ClusterObjectKind } from '@skyport/kube';
import { buildClusterObjects, buildSecret, type ClusterSpec } from '../pods/cluster-objects.builder';
import { buildEphemeralClaims } from '../pods/ephemeral-claims';

const spec: ClusterSpec = {
  clusterName: 'c1',
  namespace: 'team-a',
  numNodes: 2,
  user: 'alice@example.com',
  cpus: 1,
  memoryGb: 2,
  labels: { team: 'ml' },
  podConfigLayers: [],
  imagePullSecrets: [],
  ports: [8888],
  portsMode: 'ingress',
  ephemeralVolumes: [{ claim: 'c1-vol-0', mountPath: '/scratch', sizeGb: 1, accessMode: 'ReadWriteOnce' }],
};

/** Whether labels satisfy a selector of `key=value` and `key` (exists) terms, as the API server reads it. */
function selects(selector: string, labels: Record<string, string> = {}): boolean {
  return selector.split(',').every((term) => {
    const [key, value] = term.split('=');
    return value === undefined ? key in labels : labels[key] === value;
  });
}

/** Every object a launch creates with the cluster (kube-launcher's createObjects), by its kind. */
function launchObjects(s: ClusterSpec): Array<{ kind: string; name?: string; labels?: Record<string, string> }> {
  const objects = buildClusterObjects(s);
  const all = [
    ...objects.pods,
    ...(objects.headlessService ? [objects.headlessService] : []),
    ...objects.portServices,
    ...(objects.ingress ? [objects.ingress] : []),
    buildSecret(s, { TOKEN: 'x' }),
    ...buildEphemeralClaims(s),
  ];
  return all.map((o) => ({ kind: (o.kind ?? '').toLowerCase(), name: o.metadata?.name, labels: o.metadata?.labels }));
}

test('everything a launch creates is of a kind teardown and the reaper delete, and both select it', () => {
  for (const s of [spec, { ...spec, portsMode: 'loadbalancer' as const }, { ...spec, portsMode: 'podip' as const }]) {
    const objects = launchObjects(s);
    assert.ok(objects.length >= 5, `${objects.length} objects`);
    for (const o of objects) {
      assert.ok((CLUSTER_OBJECT_KINDS as readonly string[]).includes(o.kind), `${o.kind} ${o.name} is not in CLUSTER_OBJECT_KINDS`);
      const kind = o.kind as ClusterObjectKind;
      assert.ok(selects(clusterObjectSelector(kind, clusterSelector('c1')), o.labels), `teardown would leave ${o.kind} ${o.name}`);
      assert.ok(selects(clusterObjectSelector(kind, ANY_CLUSTER_SELECTOR), o.labels), `the reaper would never see ${o.kind} ${o.name}`);
      assert.ok(!selects(clusterObjectSelector(kind, clusterSelector('c2')), o.labels), `another cluster's teardown would take ${o.kind} ${o.name}`);
    }
  }
  assert.deepEqual([...new Set(launchObjects(spec).map((o) => o.kind))].sort(), ['ingress', 'persistentvolumeclaim', 'pod', 'secret', 'service']);
});

test("a claim with the cluster's labels that Skyport did not create (no created-volume) is neither teardown's nor the reaper's", () => {
  const labels = { 'skyport.dev/cluster': 'c1', 'app.kubernetes.io/managed-by': 'skyport' };
  assert.equal(selects(clusterObjectSelector('persistentvolumeclaim', clusterSelector('c1')), labels), false);
  assert.equal(selects(clusterObjectSelector('persistentvolumeclaim', ANY_CLUSTER_SELECTOR), labels), false);
});
