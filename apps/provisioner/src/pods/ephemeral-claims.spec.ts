import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseTaskYaml } from '@skyport/task-spec';
import { buildPod, type ClusterSpec } from './cluster-objects.builder';
import { buildEphemeralClaims, ephemeralClaimsFor } from './ephemeral-claims';

const task = parseTaskYaml('num_nodes: 2\nvolumes:\n  /scratch: {size: 10Gi, config: {access_mode: ReadWriteMany, storage_class_name: nfs}}\n  /cache: {size: 512Mi, config: {access_mode: ReadWriteMany}}\n  /data: shared\nrun: x\n').tasks[0]!;
const spec: ClusterSpec = {
  clusterName: 'c1',
  namespace: 'ns',
  numNodes: 2,
  user: 'ann',
  cpus: 1,
  memoryGb: 2,
  labels: {},
  podConfigLayers: [],
  imagePullSecrets: [],
  ports: [],
  portsMode: 'loadbalancer',
  volumes: task.volumes,
  ephemeralVolumes: ephemeralClaimsFor(task, 'c1'),
};

describe('ephemeral volumes: claims made with the cluster', () => {
  it('are named after the cluster, by mount path', () => {
    assert.deepEqual(spec.ephemeralVolumes, [
      { claim: 'c1-vol-0', mountPath: '/cache', sizeGb: 0.5, accessMode: 'ReadWriteMany' },
      { claim: 'c1-vol-1', mountPath: '/scratch', sizeGb: 10, accessMode: 'ReadWriteMany', storageClassName: 'nfs' },
    ]);
  });

  it("carry the cluster's labels and created-volume, so teardown and the reaper delete them", () => {
    const [cache, scratch] = buildEphemeralClaims(spec);
    assert.equal(cache?.metadata?.labels?.['skyport.dev/cluster'], 'c1');
    assert.equal(cache?.metadata?.labels?.['skyport.dev/created-volume'], 'true');
    assert.equal(cache?.metadata?.labels?.['app.kubernetes.io/managed-by'], 'skyport');
    assert.deepEqual(cache?.spec, { accessModes: ['ReadWriteMany'], resources: { requests: { storage: '512Mi' } } });
    assert.equal(scratch?.spec?.storageClassName, 'nfs');
  });

  it('are mounted by every node, beside named volumes', () => {
    for (const rank of [0, 1]) {
      const pod = buildPod(spec, rank);
      const claims = Object.fromEntries((pod.spec?.volumes ?? []).filter((v) => v.persistentVolumeClaim).map((v) => [v.name, v.persistentVolumeClaim?.claimName]));
      const mounts = Object.fromEntries((pod.spec?.containers[0]?.volumeMounts ?? []).filter((m) => m.name !== 'dshm').map((m) => [m.mountPath, claims[m.name]]));
      assert.deepEqual(mounts, { '/cache': 'c1-vol-0', '/data': 'shared', '/scratch': 'c1-vol-1' });
    }
  });
});
