import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { named, ofKind, renderChart, type KubeManifest } from './support/chart';
import { BUILD_TIMEOUT_MS, ensureTools } from './support/tools';

interface Deployment extends KubeManifest {
  spec: {
    strategy?: { type: string; rollingUpdate?: { maxSurge?: number; maxUnavailable?: number } };
    template: { spec: { containers: Array<{ command?: string[]; volumeMounts?: Array<{ name: string; mountPath: string }> }>; volumes?: Array<{ name: string; persistentVolumeClaim?: { claimName: string }; emptyDir?: unknown }> } };
  };
}

describe('Helm chart: singletons, migrations once per upgrade, the trial Redis persisted', () => {
  before(() => ensureTools(['helm']), { timeout: BUILD_TIMEOUT_MS });

  it('the trial Redis keeps an append-only file on a PVC (one writer: Recreate); off, an emptyDir without AOF', () => {
    const objects = renderChart({ namespace: 'su', valueSets: ['trial'] });
    const pvc = named(objects, 'PersistentVolumeClaim', 'skyport-redis') as KubeManifest & { spec: { accessModes: string[]; resources: { requests: { storage: string } } } };
    assert.deepEqual(pvc.spec.accessModes, ['ReadWriteOnce']);
    assert.equal(pvc.spec.resources.requests.storage, '1Gi');
    const redis = named(objects, 'Deployment', 'skyport-redis') as Deployment;
    assert.equal(redis.spec.strategy?.type, 'Recreate');
    const command = redis.spec.template.spec.containers[0]!.command ?? [];
    assert.equal(command[command.indexOf('--appendonly') + 1], 'yes');
    assert.equal(command[command.indexOf('--maxmemory-policy') + 1], 'noeviction');
    assert.deepEqual(redis.spec.template.spec.volumes?.find((v) => v.name === 'data')?.persistentVolumeClaim, { claimName: 'skyport-redis' });
    assert.ok(redis.spec.template.spec.containers[0]!.volumeMounts?.some((m) => m.name === 'data' && m.mountPath === '/data'));

    const off = renderChart({ namespace: 'su', valueSets: ['trial'], set: ['redis.persistence.enabled=false'] });
    assert.equal(ofKind(off, 'PersistentVolumeClaim').length, 0);
    const ephemeral = named(off, 'Deployment', 'skyport-redis') as Deployment;
    const offCommand = ephemeral.spec.template.spec.containers[0]!.command ?? [];
    assert.equal(offCommand[offCommand.indexOf('--appendonly') + 1], 'no');
    assert.deepEqual(ephemeral.spec.template.spec.volumes?.find((v) => v.name === 'data')?.emptyDir, {});
    // External Redis: nothing of the trial's.
    assert.ok(!renderChart({ namespace: 'su', valueSets: ['external'] }).some((o) => o.metadata?.name === 'skyport-redis'));
  });

  it("autodown rolls out new-before-old (its lease, not the rollout, keeps the reaper single) and may run standbys", () => {
    const objects = renderChart({ namespace: 'su', valueSets: ['external'], set: ['autodown.replicas=2'] });
    const autodown = named(objects, 'Deployment', 'skyport-autodown') as Deployment & { spec: { replicas: number } };
    assert.deepEqual(autodown.spec.strategy, { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } });
    assert.equal(autodown.spec.replicas, 2);
  });

  it('the migration Job is a hook re-created for each revision, after the previous one is deleted', () => {
    const job = named(renderChart({ namespace: 'su', valueSets: ['external'] }), 'Job', 'skyport-migrate');
    assert.equal(job.metadata?.annotations?.['helm.sh/hook'], 'pre-install,pre-upgrade');
    assert.equal(job.metadata?.annotations?.['helm.sh/hook-delete-policy'], 'before-hook-creation');
    assert.equal(job.metadata?.labels?.['skyport.dev/release-revision'], '1', 'helm template renders revision 1');
  });
});
