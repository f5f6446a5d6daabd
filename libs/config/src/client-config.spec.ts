import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { ErrorCode, SkyportError } from '@skyport/contracts';
import { clientKubernetesSettings, launchKubernetesLayer, layerConfig, parseConfigOverrides } from './client-config';
import { parseSkyportConfig } from './load-config';

const dir = mkdtempSync(path.join(tmpdir(), 'skyport-client-config-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const USER = parseSkyportConfig(`
kubernetes:
  allowed_contexts: [a, b]
  ports: ingress
  provision_timeout: 30
  pod_config:
    spec:
      containers: [{name: main, env: [{name: A, value: "1"}]}]
  custom_metadata: {labels: {owner: me}}
`);

describe('client-side config', () => {
  it('sends pod_config, custom_metadata and provision_timeout; names the server-side keys', () => {
    const { travel, serverOnly } = clientKubernetesSettings(USER);
    assert.deepEqual(Object.keys(travel).sort(), ['custom_metadata', 'pod_config', 'provision_timeout']);
    assert.deepEqual(serverOnly.map((s) => s.key), ['kubernetes.allowed_contexts', 'kubernetes.ports']);
    assert.match(serverOnly[0].reason, /server-side only, ignored here/);
  });

  it("a server's file (policy: or context_configs) sends nothing again: its per-context values must keep winning", () => {
    const shared = parseSkyportConfig('kubernetes:\n  provision_timeout: 10\n  context_configs:\n    gpu: {provision_timeout: 600}\n');
    const { travel, serverOnly } = clientKubernetesSettings(shared);
    assert.deepEqual(travel, {});
    assert.deepEqual(serverOnly.map((s) => s.key), ['kubernetes.provision_timeout', 'kubernetes.context_configs']);
  });

  it('--config key=value pairs, comma-separated or repeated, values read as YAML', () => {
    const { config } = parseConfigOverrides(['kubernetes.provision_timeout=600,kubernetes.ports=podip', 'kubernetes.custom_metadata.labels.x=y']);
    assert.deepEqual(config.kubernetes, { provision_timeout: 600, ports: 'podip', custom_metadata: { labels: { x: 'y' } } });
  });

  it('--config FILE is validated like the config file and layered in order', () => {
    const file = path.join(dir, 'over.yaml');
    writeFileSync(file, 'kubernetes:\n  provision_timeout: 5\n  remote_identity: sa\n');
    const { config, ignored } = parseConfigOverrides([file, 'kubernetes.provision_timeout=7']);
    assert.equal(config.kubernetes?.provision_timeout, 7);
    assert.deepEqual(ignored.map((i) => i.key), ['kubernetes.remote_identity']);
    assert.throws(
      () => parseConfigOverrides(['kubernetes.provision_timeout=soon']),
      (e: unknown) => e instanceof SkyportError && e.code === ErrorCode.InvalidRequest && /kubernetes\.provision_timeout: expected seconds/.test(e.userMessage),
    );
    assert.throws(() => parseConfigOverrides([path.join(dir, 'missing.yaml')]), /no such file/);
    assert.throws(() => parseConfigOverrides(['=3']), /expected key\.path=value/);
  });

  it('a launch sends user file < task config < --config, pod_config merged by container name', () => {
    const { config: flags } = parseConfigOverrides(['kubernetes.provision_timeout=90,kubernetes.namespace=team-a,kubernetes.allowed_contexts=[x]']);
    const task = { provision_timeout: 60, pod_config: { spec: { containers: [{ name: 'main', env: [{ name: 'B', value: '2' }] }] } } };
    const out = launchKubernetesLayer(USER, task, flags);
    assert.equal(out.kubernetes?.provision_timeout, 90);
    assert.equal(out.kubernetes?.namespace, 'team-a', 'a task-level key from --config travels; the policy decides');
    assert.deepEqual((out.kubernetes?.pod_config as { spec: { containers: Array<{ env: unknown[] }> } }).spec.containers[0].env, [
      { name: 'A', value: '1' },
      { name: 'B', value: '2' },
    ]);
    assert.deepEqual(out.kubernetes?.custom_metadata, { labels: { owner: 'me' } });
    assert.ok(out.serverOnly.some((s) => s.key === '--config kubernetes.allowed_contexts'));
    assert.equal(launchKubernetesLayer({}, undefined, {}).kubernetes, undefined);
  });

  it('layerConfig merges mappings and replaces lists', () => {
    assert.deepEqual(layerConfig({ a: { b: 1, c: [1] } }, { a: { c: [2], d: 3 } }), { a: { b: 1, c: [2], d: 3 } });
  });
});
