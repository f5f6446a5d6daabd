import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ClusterStatus } from '@skyport/contracts';
import { jobGroupServiceOrphanReason, orphanReason, type LabelledObject } from './orphans';

const now = new Date('2026-01-01T12:00:00Z');
const old = new Date('2026-01-01T11:00:00Z');
const fresh = new Date('2026-01-01T11:59:30Z');
const grace = 5 * 60_000;
const obj = (createdAt = old): LabelledObject => ({ kind: 'pod', context: 'ctx-a', namespace: 'ns', name: 'c1-head', clusterName: 'c1', createdAt });

describe('orphanReason', () => {
  it('reaps objects of a cluster that has no row', () => {
    assert.match(orphanReason(obj(), undefined, now, grace) ?? '', /does not exist/);
  });

  it('reaps objects of a cluster that ended longer ago than the grace', () => {
    assert.match(orphanReason(obj(), { status: ClusterStatus.Terminated, infra: null, updatedAt: old }, now, grace) ?? '', /TERMINATED/);
    assert.match(orphanReason(obj(), { status: ClusterStatus.Failed, infra: null, updatedAt: old }, now, grace) ?? '', /FAILED/);
    assert.equal(orphanReason(obj(), { status: ClusterStatus.Terminated, infra: null, updatedAt: fresh }, now, grace), undefined);
  });

  it('keeps young objects and objects of live clusters', () => {
    assert.equal(orphanReason(obj(fresh), undefined, now, grace), undefined);
    for (const status of [ClusterStatus.Init, ClusterStatus.Provisioning, ClusterStatus.Up, ClusterStatus.TearingDown]) {
      assert.equal(orphanReason(obj(), { status, infra: 'kubernetes/ctx-a', updatedAt: old }, now, grace), undefined, status);
    }
  });

  it('reaps leftovers in another context than the one the cluster is UP in', () => {
    assert.match(orphanReason(obj(), { status: ClusterStatus.Up, infra: 'kubernetes/ctx-b', updatedAt: old }, now, grace) ?? '', /runs in ctx-b/);
  });
});

describe('jobGroupServiceOrphanReason', () => {
  const svc = (createdAt = old) => ({ createdAt, managedJobId: 7 });
  it('reaps a group Service with no pod left once its job ended or is gone', () => {
    assert.match(jobGroupServiceOrphanReason(svc(), { ended: true }, false, now, grace) ?? '', /managed job 7 .* has ended/);
    assert.match(jobGroupServiceOrphanReason(svc(), undefined, false, now, grace) ?? '', /does not exist/);
  });

  it('keeps it while its job runs, while a pod of the group is left, and while it is young', () => {
    assert.equal(jobGroupServiceOrphanReason(svc(), { ended: false }, false, now, grace), undefined);
    assert.equal(jobGroupServiceOrphanReason(svc(), { ended: true }, true, now, grace), undefined);
    assert.equal(jobGroupServiceOrphanReason(svc(fresh), undefined, false, now, grace), undefined);
  });
});
