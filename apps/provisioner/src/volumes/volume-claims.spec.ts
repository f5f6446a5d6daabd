import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isSkyportError } from '@skyport/contracts';
import type { KubeClientProvider, KubeClients } from '@skyport/kube';
import { buildVolumeClaim, LABEL_VOLUME, volumePlacement } from './volume-claims';

/** Only what placement reads of the provider: the context's name and default namespace (no Kubernetes call). */
const kube = {
  defaultContext: () => 'ctx-a',
  forContext: (name?: string) => ({ context: { name: name ?? 'ctx-a', namespace: 'kube-default' } }) as unknown as KubeClients,
} as unknown as KubeClientProvider;
const config = { kubernetes: { context_configs: { 'ctx-b': { namespace: 'b-settings' } } } } as never;
const req = { context: '', namespace: '', team: 'a', placement: [] as Array<{ context: string; namespace: string }> };

describe('a volume claim', () => {
  it("carries Skyport's labels and the volume's, never the cluster label", () => {
    const claim = buildVolumeClaim({ name: 'data', size: '10Gi', storageClassName: 'fast', accessMode: 'ReadWriteMany', team: 'team-a', user: 'ann@example.com' }, 'ns');
    assert.deepEqual(claim.metadata?.labels, { 'app.kubernetes.io/managed-by': 'skyport', [LABEL_VOLUME]: 'data', 'skyport.dev/user': 'ann_example.com', 'skyport.dev/team': 'team-a' });
    assert.deepEqual(claim.spec, { accessModes: ['ReadWriteMany'], resources: { requests: { storage: '10Gi' } }, storageClassName: 'fast' });
    assert.equal(buildVolumeClaim({ name: 'd', size: '1Gi', storageClassName: '', accessMode: '', team: '', user: 'u' }, 'ns').spec?.storageClassName, undefined);
  });
});

describe('where a volume goes', () => {
  it("an admin's: the namespace asked for, the context's settings, or the kubeconfig's", () => {
    assert.equal(volumePlacement({ ...req, team: '', namespace: 'mine' }, { kube, config }).namespace, 'mine');
    assert.equal(volumePlacement({ ...req, team: '', context: 'ctx-b' }, { kube, config }).namespace, 'b-settings');
    assert.equal(volumePlacement({ ...req, team: '' }, { kube, config }).namespace, 'kube-default');
  });

  it("a team's: one of its namespaces on the context, never another", () => {
    const placement = [{ context: 'ctx-b', namespace: 'a-1' }, { context: 'ctx-b', namespace: 'a-2' }];
    const first = volumePlacement({ ...req, placement }, { kube, config });
    assert.equal(first.clients.context.name, 'ctx-b');
    assert.equal(first.namespace, 'a-1');
    assert.equal(volumePlacement({ ...req, placement, namespace: 'a-2' }, { kube, config }).namespace, 'a-2');
    const refused = (r: typeof req, pattern: RegExp) =>
      assert.throws(() => volumePlacement(r, { kube, config }), (err: unknown) => isSkyportError(err) && err.code === 'FORBIDDEN' && pattern.test(err.userMessage));
    refused({ ...req, placement, namespace: 'b-1' }, /may not put a volume in namespace 'b-1' on context 'ctx-b'; its namespaces there: a-1, a-2/);
    refused({ ...req, placement, context: 'ctx-a' }, /team 'a' has no namespace on context 'ctx-a'; its contexts: ctx-b/);
  });
});
