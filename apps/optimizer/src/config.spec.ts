import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { enabledClouds, loadOptimizerConfig } from './config';
import { planSettingsFrom, plannerConfig } from './plan/plan-settings';

const dir = mkdtempSync(join(tmpdir(), 'skyport-optimizer-config-'));
const base = { SKYPORT_DATABASE_URL: 'postgres://u:p@127.0.0.1:5432/db', SKYPORT_REDIS_URL: 'redis://127.0.0.1:6379', SKYPORT_GRPC_INSECURE: '1', HOME: dir };

function withConfigFile(yaml: string): Record<string, string> {
  const path = join(dir, `config-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(path, yaml);
  return { ...base, SKYPORT_CONFIG: path };
}

test('lists are parsed once at boot; enabled clouds default to the provisioner’s launchable ones', () => {
  const config = loadOptimizerConfig({ ...base, SKYPORT_ALLOWED_CONTEXTS: 'ctx-a, ctx-b', SKYPORT_CLOUD_PROVIDERS: 'aws' });
  assert.deepEqual(config.SKYPORT_ALLOWED_CONTEXTS, ['ctx-a', 'ctx-b']);
  assert.deepEqual(enabledClouds(config), ['aws']);
  assert.deepEqual(enabledClouds(loadOptimizerConfig({ ...base, SKYPORT_ENABLED_CLOUDS: 'gcp', SKYPORT_CLOUD_PROVIDERS: 'aws' })), ['gcp']);
  assert.equal(config.SKYPORT_OPTIMIZER_GRPC, '127.0.0.1:26581');
  assert.deepEqual(config.skyport, {});
});

test('pricing, autoscaler, allowed contexts and clouds come from the Skyport config file', () => {
  const config = loadOptimizerConfig(
    withConfigFile(
      [
        'allowed_clouds: [aws, gcp]',
        'kubernetes:',
        '  allowed_contexts: [ctx-a, ctx-b]',
        '  pricing: {cpu_per_hour: 0.01, accelerators: {A100: 1.5}}',
        '  context_configs:',
        '    ctx-b:',
        '      autoscaler: gke',
        '      pricing: {accelerators: {A100: 2}}',
      ].join('\n'),
    ),
  );
  const settings = planSettingsFrom(config);
  assert.deepEqual(settings.allowedContexts, ['ctx-a', 'ctx-b']);
  assert.deepEqual(settings.consideredClouds, ['aws', 'gcp']);
  const planner = plannerConfig(settings, ['ctx-a', 'ctx-b']);
  assert.deepEqual(planner.autoscaler, { 'ctx-a': false, 'ctx-b': true });
  assert.deepEqual(planner.kubernetesPricing?.['ctx-a'], { cpu_per_hour: 0.01, memory_gb_per_hour: 0, accelerators: { A100: 1.5 } });
  assert.deepEqual(planner.kubernetesPricing?.['ctx-b']?.accelerators, { A100: 2 });
});

test('a bad variable or config file is named in one line', () => {
  assert.throws(() => loadOptimizerConfig({ ...base, SKYPORT_ENABLED_CLOUDS: 'aws,oracle' }), /SKYPORT_ENABLED_CLOUDS is invalid/);
  assert.throws(() => loadOptimizerConfig({ ...base, SKYPORT_CONFIG: join(dir, 'missing.yaml') }), /skyport-optimizer: configuration error: SKYPORT_CONFIG points at/);
  assert.throws(() => loadOptimizerConfig(withConfigFile('kubernetes:\n  pricing: {cpu_per_hour: cheap}\n')), /skyport-optimizer: configuration error: Invalid config file .*pricing/s);
});
