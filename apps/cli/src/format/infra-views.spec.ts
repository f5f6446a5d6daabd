import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pc from 'picocolors';
import type { CheckView, ContextCheck } from '@skyport/contracts';
import { renderCheck } from './infra-views';

const base: ContextCheck = { context: 'ctx', namespace: 'default', reachable: true, nodes: 2, readyNodes: 2, snapshotAgeMs: 1, cpus: { allocatable: 8, free: 6 }, memoryGb: { allocatable: 32, free: 30 } };
const view = (contexts: ContextCheck[], clouds: CheckView['clouds'] = []): CheckView => ({ kubernetes: { available: true, contexts }, clouds });
const c = pc.createColors(false);

describe('skyport check output', () => {
  it('names each missing permission and why there are no GPUs', () => {
    const out = renderCheck(
      view([
        {
          ...base,
          gpus: { gpuNodes: 0, models: [], hint: 'no node has nvidia.com/gpu or amd.com/gpu capacity' },
          permissions: { checked: true, namespace: 'team-a', allowed: 2, total: 3, missing: [{ verb: 'create', resource: 'pods/exec', namespace: 'team-a', neededFor: 'x', message: 'cannot create pods/exec in namespace team-a: exec, ssh and job start will fail' }] },
        },
      ]),
      c,
    );
    assert.match(out, /^ {6}GPUs: none — no node has nvidia\.com\/gpu/m);
    assert.match(out, /^ {6}Permissions: 1 of 3 missing \(namespace team-a\)\n {8}✗ cannot create pods\/exec in namespace team-a: exec, ssh and job start will fail$/m);
  });

  it('all verified, GPU models, an unreachable context, clouds with and without the provisioner', () => {
    const out = renderCheck(
      view(
        [
          { ...base, gpus: { gpuNodes: 1, models: [{ gpu: 'A100', nodes: 1, total: 8, free: 6 }], hint: '' }, permissions: { checked: true, namespace: 'default', allowed: 3, total: 3, missing: [] } },
          { ...base, context: 'dead', reachable: false, error: 'connection refused' },
        ],
        [
          { cloud: 'aws', catalog: true, instanceTypes: 4, regions: 2, enabled: false, reason: 'no credentials found' },
          { cloud: 'gcp', catalog: true, instanceTypes: 3, regions: 1 },
        ],
      ),
      c,
    );
    assert.match(out, /^ {6}GPUs: A100 6\/8 free on 1 node$/m);
    assert.match(out, /^ {6}Permissions: all 3 verified \(namespace default\)$/m);
    assert.match(out, /^ {2}✗ dead: unreachable: connection refused$/m);
    assert.match(out, /^AWS: disabled \(catalog: 4 instance types in 2 regions\)\n {2}no credentials found$/m);
    assert.match(out, /^GCP: catalog \(3 instance types in 1 regions\)$/m);
  });
});
