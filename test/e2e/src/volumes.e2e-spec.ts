import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { VolumeView } from '@skyport/contracts';
import { type KubeClients } from '@skyport/kube';
import { createTestNamespace, testProvider } from '@skyport/kube/testing';
import { skyport, startE2eStack, type E2eStack } from './e2e-stack';

/** `skyport volumes apply|ls|delete` with the built binary against the whole system (claims on the local cluster). */
describe('skyport volumes end to end', () => {
  let stack: E2eStack;
  let clients: KubeClients;
  let ns: { name: string; drop: () => Promise<void> };
  const dir = mkdtempSync(join(tmpdir(), 'skyport-volumes-e2e-'));
  const file = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };

  before(async () => {
    stack = await startE2eStack('e2e_volumes');
    clients = testProvider(stack.kube).forContext(stack.kube.context);
    ns = await createTestNamespace(clients, 'e2e-volumes');
  });
  after(async () => {
    await stack?.stop();
    await ns?.drop();
  });

  it('a bad volume file exits 2 with the field at fault, before any call', async () => {
    const res = await skyport(stack, ['volumes', 'apply', file('runpod.yaml', 'name: data\ntype: runpod-network-volume\nsize: 10\n')]);
    assert.equal(res.code, 2, res.stderr);
    assert.match(res.stderr, /runpod.yaml is not a valid volume: volume type 'runpod-network-volume' is not supported by Skyport: only 'k8s-pvc'/);
  });

  it('apply makes the claim; ls shows it; delete removes it; deleting it again says there is none', async () => {
    const yaml = file('volume.yaml', `name: e2e-data\ntype: k8s-pvc\ninfra: kubernetes/${stack.kube.context}\nsize: 2Gi\nconfig:\n  namespace: ${ns.name}\n  access_mode: ReadWriteOnce\n`);
    const applied = await skyport(stack, ['volumes', 'apply', yaml, '-y']);
    assert.equal(applied.code, 0, applied.stderr);
    assert.match(applied.stdout, new RegExp(`✓ volume 'e2e-data': PersistentVolumeClaim ${ns.name}/e2e-data in kubernetes/${stack.kube.context} \\(2Gi, Pending\\)`));
    const claim = await clients.core.readNamespacedPersistentVolumeClaim({ name: 'e2e-data', namespace: ns.name });
    assert.equal(claim.spec?.resources?.requests?.storage, '2Gi');

    const table = await skyport(stack, ['volumes', 'ls']);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /^ ?NAME +TYPE +INFRA +NAMESPACE +SIZE +ACCESS +STATUS +USED BY +OWNER +CREATED/m);
    assert.match(table.stdout, new RegExp(`^ ?e2e-data +k8s-pvc +kubernetes/${stack.kube.context} +${ns.name} +2Gi +ReadWriteOnce +PENDING +- +admin`, 'm'));
    const json = await skyport(stack, ['volumes', 'ls', '-o', 'json']);
    assert.deepEqual((JSON.parse(json.stdout) as VolumeView[]).map((v) => [v.name, v.usedBy]), [['e2e-data', []]]);

    const deleted = await skyport(stack, ['volumes', 'delete', 'e2e-data', '-y']);
    assert.equal(deleted.code, 0, deleted.stderr);
    assert.match(deleted.stdout, /✓ deleted volume 'e2e-data'/);
    const again = await skyport(stack, ['volumes', 'delete', 'e2e-data']);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /✗ no volume 'e2e-data'/);
    assert.match((await skyport(stack, ['volumes', 'ls'])).stdout, /No volumes/);
  });
});
