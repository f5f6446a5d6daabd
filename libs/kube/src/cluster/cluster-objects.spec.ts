import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ANY_CLUSTER_SELECTOR, clusterSelector } from './cluster-labels';
import { CLUSTER_OBJECT_KINDS, clusterObjectResource, clusterObjectSelector, countClusterObjects } from './cluster-objects';

test('a cluster is made of these kinds: teardown and the reaper both delete exactly them', () => {
  assert.deepEqual([...CLUSTER_OBJECT_KINDS], ['pod', 'service', 'ingress', 'secret', 'persistentvolumeclaim', 'configmap']);
  assert.deepEqual(
    CLUSTER_OBJECT_KINDS.map(clusterObjectResource),
    ['pods', 'services', 'ingresses', 'secrets', 'persistentvolumeclaims', 'configmaps'],
  );
});

test("one cluster's objects are selected by both labels; claims only when Skyport created them", () => {
  assert.equal(clusterSelector('c1'), 'skyport.dev/cluster=c1,app.kubernetes.io/managed-by=skyport');
  assert.equal(ANY_CLUSTER_SELECTOR, 'app.kubernetes.io/managed-by=skyport,skyport.dev/cluster');
  for (const kind of CLUSTER_OBJECT_KINDS) {
    const expected = kind === 'persistentvolumeclaim' ? `${clusterSelector('c1')},skyport.dev/created-volume=true` : clusterSelector('c1');
    assert.equal(clusterObjectSelector(kind, clusterSelector('c1')), expected, kind);
  }
  assert.equal(clusterObjectSelector('persistentvolumeclaim', ANY_CLUSTER_SELECTOR), `${ANY_CLUSTER_SELECTOR},skyport.dev/created-volume=true`);
});

test('counting what is left', () => {
  const none = { pod: [], service: [], ingress: [], secret: [], persistentvolumeclaim: [], configmap: [] };
  assert.equal(countClusterObjects(none), 0);
  assert.equal(countClusterObjects({ ...none, pod: ['a-head'], configmap: ['x'] }), 2);
});
