import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CHART_DIR, named, ofKind, renderChart, valuesFile, type KubeManifest } from './support/chart';
import { testCluster } from './support/cluster';
import { BUILD_TIMEOUT_MS, ensureTools, helm } from './support/tools';

interface Pod {
  containers: Array<{ env?: Array<{ name: string; value?: string }>; volumeMounts?: Array<{ name: string; mountPath: string; readOnly?: boolean }> }>;
  volumes?: Array<{ name: string; secret?: { secretName: string; defaultMode?: number; items?: Array<{ key: string; path: string }> } }>;
}
const podOf = (o: KubeManifest): Pod => (o as unknown as { spec: { template: { spec: Pod } } }).spec.template.spec;
const TOKEN_DIR = '/var/run/secrets/skyport/admin-token';

/** NOTES.txt as `helm install` prints it (client-side dry run: nothing is sent to the cluster). */
function notes(set: string[]): string {
  const { kubeconfig } = testCluster();
  const args = ['install', 'skyport', CHART_DIR, '--dry-run=client', '--namespace', 'sk', '--kubeconfig', kubeconfig, '-f', valuesFile('trial')];
  for (const s of set) args.push('--set', s);
  const r = helm(args);
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.slice(r.stdout.indexOf('NOTES:'));
}

describe('Helm chart: first login (the bootstrap admin token in a Secret)', () => {
  before(() => ensureTools(['helm']), { timeout: BUILD_TIMEOUT_MS });

  it('the chart makes a random skp_ token Secret it keeps, mounted read-only into the api only', () => {
    const objects = renderChart({ namespace: 'sk', valueSets: ['trial'] });
    const secret = named(objects, 'Secret', 'skyport-admin-token') as KubeManifest & { data: Record<string, string>; metadata: { annotations?: Record<string, string> } };
    assert.match(Buffer.from(secret.data.token ?? '', 'base64').toString(), /^skp_[A-Za-z0-9]{40}$/);
    assert.equal(secret.metadata.annotations?.['helm.sh/resource-policy'], 'keep', 'uninstall keeps it');
    const again = named(renderChart({ namespace: 'sk', valueSets: ['trial'] }), 'Secret', 'skyport-admin-token') as typeof secret;
    assert.notEqual(again.data.token, secret.data.token, 'random per install (an upgrade looks the existing one up)');
    for (const d of ofKind(objects, 'Deployment').filter((o) => o.metadata?.labels?.['app.kubernetes.io/component'] !== 'redis')) {
      const pod = podOf(d);
      const c = pod.containers[0]!;
      const env = c.env?.find((e) => e.name === 'SKYPORT_BOOTSTRAP_TOKEN_FILE');
      const mount = c.volumeMounts?.find((m) => m.name === 'admin-token');
      const volume = pod.volumes?.find((v) => v.name === 'admin-token');
      if (d.metadata?.name === 'skyport-api') {
        assert.equal(env?.value, `${TOKEN_DIR}/token`);
        assert.deepEqual(mount, { name: 'admin-token', mountPath: TOKEN_DIR, readOnly: true });
        assert.deepEqual(volume?.secret, { secretName: 'skyport-admin-token', defaultMode: 0o440, items: [{ key: 'token', path: 'token' }] });
        assert.ok(!c.env?.some((e) => e.name === 'SKYPORT_BOOTSTRAP_TOKEN'), 'the token itself is never in the environment');
      } else {
        assert.equal(env, undefined, `${d.metadata?.name} has no business with the admin token`);
        assert.equal(mount, undefined);
        assert.equal(volume, undefined);
      }
    }
  });

  it('with auth.existingSecret the chart uses yours (any key) and makes none', () => {
    const objects = renderChart({ namespace: 'sk', valueSets: ['trial'], set: ['auth.existingSecret=my-admin', 'auth.existingSecretKey=admin\\.token'] });
    assert.ok(!objects.some((o) => o.kind === 'Secret' && o.metadata?.name === 'skyport-admin-token'));
    const volume = podOf(named(objects, 'Deployment', 'skyport-api')).volumes?.find((v) => v.name === 'admin-token');
    assert.deepEqual(volume?.secret?.items, [{ key: 'admin.token', path: 'token' }]);
    assert.equal(volume?.secret?.secretName, 'my-admin');
  });

  it('NOTES.txt says how to read the token and log in with it', () => {
    const made = notes([]);
    const read = "kubectl -n sk get secret skyport-admin-token -o jsonpath='{.data.token}' | base64 -d";
    assert.ok(made.includes(`Read it with\n  ${read}\n`), made);
    assert.ok(made.includes(`skyport api login -e "$SKYPORT_API_URL" --token "$(${read})"`), made);
    assert.ok(made.includes('export SKYPORT_API_URL=http://127.0.0.1:26580'));
    const yours = notes(['auth.existingSecret=my-admin', 'auth.existingSecretKey=admin\\.token']);
    assert.ok(yours.includes("kubectl -n sk get secret my-admin -o jsonpath='{.data.admin\\.token}' | base64 -d"), yours);
  });
});
