import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { named, ofKind, renderChart, type KubeManifest } from './support/chart';
import { ensureTools } from './support/tools';

interface EnvVar {
  name: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string; optional?: boolean } };
}
type Pod = { containers: Array<{ env?: EnvVar[] }> };
const podOf = (o: KubeManifest): Pod => (o as unknown as { spec: { template: { spec: Pod } } }).spec.template.spec;
const keyEnv = (o: KubeManifest): EnvVar | undefined => podOf(o).containers[0]?.env?.find((e) => e.name === 'SKYPORT_SECRETS_KEY');

describe('Helm chart: the task-secrets key (SKYPORT_SECRETS_KEY) from a Kubernetes Secret', () => {
  before(() => ensureTools(['helm']));

  it('the chart makes a 32-byte key Secret it keeps, given only to the api, the provisioner and the migration', () => {
    const objects = renderChart({ namespace: 'sk', valueSets: ['trial'] });
    const secret = named(objects, 'Secret', 'skyport-secrets-key') as KubeManifest & { data: Record<string, string>; metadata: { annotations?: Record<string, string> } };
    assert.equal(Buffer.from(Buffer.from(secret.data['secrets-key'], 'base64').toString(), 'base64').length, 32);
    assert.equal(secret.metadata.annotations?.['helm.sh/resource-policy'], 'keep');
    for (const d of ofKind(objects, 'Deployment')) {
      const env = keyEnv(d);
      const wants = ['skyport-api', 'skyport-provisioner'].includes(String(d.metadata?.name));
      assert.equal(Boolean(env), wants, `${d.metadata?.name}`);
      if (env) assert.deepEqual(env.valueFrom?.secretKeyRef, { name: 'skyport-secrets-key', key: 'secrets-key' });
    }
    const job = named(objects, 'Job', 'skyport-migrate-install'); // the trial's install-time Job
    assert.deepEqual(keyEnv(job)?.valueFrom?.secretKeyRef, { name: 'skyport-secrets-key', key: 'secrets-key', optional: true });
  });

  it('with secretsKey.existingSecret the chart uses yours and makes none', () => {
    const objects = renderChart({ namespace: 'sk', valueSets: ['trial'], set: ['secretsKey.existingSecret=mine', 'secretsKey.existingSecretKey=k'] });
    assert.ok(!objects.some((o) => o.kind === 'Secret' && o.metadata?.name === 'skyport-secrets-key'));
    assert.deepEqual(keyEnv(named(objects, 'Deployment', 'skyport-api'))?.valueFrom?.secretKeyRef, { name: 'mine', key: 'k' });
  });
});
