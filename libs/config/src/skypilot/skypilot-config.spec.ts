import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ErrorCode, SkyportError } from '@skyport/contracts';
import { readSkyportConfig } from '../load-config';
import { allowedContexts, resolveKubernetesSettings } from '../kubernetes-settings';
import { configNotesEnabled, ignoredKeysLine } from './ignored-keys';
import { SKYPILOT_REFERENCE_CONFIG } from './skypilot-reference.fixture';

describe("a SkyPilot ~/.sky/config.yaml", () => {
  const { config, ignored } = readSkyportConfig(SKYPILOT_REFERENCE_CONFIG, 'sky-config.yaml');
  const keys = ignored.map((i) => i.key);

  it('loads as it is, every key Skyport does not act on reported once', () => {
    for (const key of [
      'kubernetes.remote_identity',
      'kubernetes.allowed_nodes',
      'kubernetes.high_availability',
      'kubernetes.kueue',
      'kubernetes.dws',
      'kubernetes.post_provision_runcmd',
      'kubernetes.set_pod_resource_limits',
      'kubernetes.context_configs.context-a.ports: nodeport',
      'kubernetes.context_configs.context-a.networking',
      'kubernetes.context_configs.context-a.remote_identity',
      'jobs.controller',
      'jobs.bucket',
      'serve.controller',
      'admin_policy',
      'workspace',
      'aws.remote_identity',
      'aws.vpc_name',
      'gcp.managed_instance_group',
      'docker.run_options',
      'api_server.service_account_token',
      'api_server.requests_retention_hours',
      'rbac.default_role',
    ]) {
      assert.ok(keys.includes(key), `${key} is reported (got ${keys.join(', ')})`);
    }
    assert.equal(new Set(keys).size, keys.length, 'each key once');
    for (const acted of ['kubernetes.allowed_contexts', 'kubernetes.pod_config', 'kubernetes.pricing', 'allowed_clouds', 'api_server.endpoint', 'kubernetes.ports']) {
      assert.ok(!keys.includes(acted), `${acted} is used, not ignored`);
    }
    for (const i of ignored) assert.ok(i.reason.length > 0, `${i.key} says why`);
  });

  it('keeps what Skyport acts on: allowed_contexts in order, pricing under SkyPilot names, per-context settings', () => {
    assert.deepEqual(config.kubernetes?.allowed_contexts, ['context-b', 'context-a']);
    assert.deepEqual(allowedContexts(config, ['context-a', 'context-b']), ['context-b', 'context-a'], 'failover order is the file order');
    const a = resolveKubernetesSettings({ config, context: 'context-a' });
    assert.equal(a.provisionTimeoutSeconds, 600);
    assert.equal(a.ports, 'loadbalancer', 'nodeport is ignored: the global mode applies');
    assert.deepEqual(a.customMetadata.labels, { mylabel: 'myvalue', ctx: 'a' });
    assert.deepEqual(a.pricing, { cpuPerHour: 0.04, memoryGbPerHour: 0.005, accelerators: { A100: 1.2 } });
    assert.equal(a.autoscaler, 'gke');
    const b = resolveKubernetesSettings({ config, context: 'context-b' });
    assert.deepEqual((b.podConfig.spec as Record<string, unknown>).nodeSelector, { pool: 'b' });
    assert.equal((b.podConfig.spec as Record<string, unknown>).runtimeClassName, 'nvidia');
    assert.equal(config.api?.endpoint, 'http://127.0.0.1:46580');
    assert.equal((config.kubernetes as Record<string, unknown>).remote_identity, undefined, 'ignored keys are taken out');
  });

  it('accepts SkyPilot\'s case-insensitive enum values', () => {
    const r = readSkyportConfig('kubernetes:\n  ports: LoadBalancer\n  context_configs:\n    x: {ports: NodePort}\n');
    assert.equal(r.config.kubernetes?.ports, 'loadbalancer');
    assert.deepEqual(r.ignored.map((i) => i.key), ['kubernetes.context_configs.x.ports: nodeport']);
  });

  it('still refuses a key SkyPilot would refuse, naming it and the allowed ones', () => {
    assert.throws(
      () => readSkyportConfig('kubernetes:\n  remote_identiy: sa\n', 'cfg.yaml'),
      (e: unknown) => e instanceof SkyportError && e.code === ErrorCode.InvalidRequest && /kubernetes\.remote_identiy \(line 2\): unknown key 'remote_identiy'; did you mean 'remote_identity'\?/.test(e.userMessage),
    );
    assert.throws(
      () => readSkyportConfig('kubernetes:\n  context_configs:\n    a: {zzz: 1}\n', 'cfg.yaml'),
      (e: unknown) => e instanceof SkyportError && /unknown key 'zzz' \(valid keys: pod_config, .*remote_identity/.test(e.userMessage),
    );
  });

  it('one note line names every ignored key; SKYPORT_CONFIG_NOTES=off hides it', () => {
    const line = ignoredKeysLine('sky-config.yaml', ignored);
    assert.ok(!line.includes('\n'));
    assert.match(line, /^sky-config\.yaml: ignoring \d+ keys Skyport does not act on: .*kubernetes\.remote_identity/);
    assert.equal(configNotesEnabled({}), true);
    assert.equal(configNotesEnabled({ SKYPORT_CONFIG_NOTES: 'off' }), false);
  });
});
