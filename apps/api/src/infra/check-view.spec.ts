import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ProvisionerRpc } from '@skyport/contracts';
import { gpuCheck, permissionsCheck, withCloudStatus } from './check-view';

const perm = (verb: string, resource: string, namespace: string, allowed: boolean, neededFor = 'x'): ProvisionerRpc.PermissionCheck => ({ verb, resource, namespace, allowed, reason: '', neededFor });

describe('check view', () => {
  it('names each missing permission with what fails', () => {
    const view = permissionsCheck(
      { context: 'c', namespace: 'team-a', reachable: true, error: '', permissions: [perm('create', 'pods', 'team-a', true), perm('create', 'pods/exec', 'team-a', false, 'exec, ssh and job start will fail'), perm('list', 'nodes', '', false, 'capacity unknown')] },
      undefined,
      'default',
    );
    assert.equal(view.checked, true);
    assert.equal(view.allowed, 1);
    assert.equal(view.total, 3);
    assert.deepEqual(view.missing.map((m) => m.message), ['cannot create pods/exec in namespace team-a: exec, ssh and job start will fail', 'cannot list nodes cluster-wide: capacity unknown']);
  });

  it('says why permissions were not checked', () => {
    assert.deepEqual(permissionsCheck(undefined, 'the provisioner did not answer', 'ns'), { checked: false, error: 'the provisioner did not answer', namespace: 'ns', allowed: 0, total: 0, missing: [] });
    assert.equal(permissionsCheck({ context: 'c', namespace: '', reachable: false, error: 'refused', permissions: [] }, undefined, 'ns').error, 'refused');
  });

  it('GPU support says why there are none', () => {
    const g = gpuCheck({ context: 'c', namespace: 'n', reachable: true, error: '', snapshotAgeMs: 0, nodes: [] });
    assert.equal(g.gpuNodes, 0);
    assert.match(g.hint, /no node has nvidia\.com\/gpu/);
  });

  it('clouds carry the provisioner verdict when it answered', () => {
    const base = [{ cloud: 'aws', catalog: true, instanceTypes: 3, regions: 2 }];
    assert.deepEqual(withCloudStatus(base, undefined), base);
    assert.deepEqual(withCloudStatus(base, [{ cloud: 'aws', enabled: true, reason: 'credentials: env' }])[0], { ...base[0], enabled: true, reason: 'credentials: env' });
  });
});
