import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { ErrorCode, SkyportError } from '@skyport/contracts';
import type { SkyportConfig } from './config.types';
import { configPath, loadSkyportConfig, parseSkyportConfig } from './load-config';
import { saveApiSettings } from './save-config';
import { apiSettings, DEFAULT_API_ENDPOINT } from './kubernetes-settings';

const dir = mkdtempSync(path.join(tmpdir(), 'skyport-config-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const FULL = `
api:
  endpoint: http://127.0.0.1:5000
  token: t0k
allowed_clouds: [aws, gcp]
kubernetes:
  allowed_contexts: [ctx-a, "arn:aws:eks:us-east-1:1:cluster/b"]
  ports: ingress
  provision_timeout: 30
  autoscaler: karpenter
  pod_config:
    spec:
      runtimeClassName: nvidia
  custom_metadata:
    labels: {team: ml}
  pricing:
    cpu_per_hour: 0.01
    accelerators: {A100: 1.1}
  context_configs:
    ctx-a:
      provision_timeout: 5
      ports: podip
aws:
  labels: {a: b}
`;

function rejects(text: string, pattern: RegExp): void {
  assert.throws(
    () => parseSkyportConfig(text, 'cfg.yaml'),
    (e: unknown) => e instanceof SkyportError && e.code === ErrorCode.InvalidRequest && pattern.test(e.userMessage),
  );
}

describe('config file', () => {
  it('parses the SkyPilot-shaped sections', () => {
    const config = parseSkyportConfig(FULL);
    assert.equal(config.api?.endpoint, 'http://127.0.0.1:5000');
    assert.deepEqual(config.kubernetes?.allowed_contexts, ['ctx-a', 'arn:aws:eks:us-east-1:1:cluster/b']);
    assert.equal(config.kubernetes?.context_configs?.['ctx-a'].ports, 'podip');
    assert.deepEqual(config.allowed_clouds, ['aws', 'gcp']);
  });
  it("accepts allowed_contexts: all and SkyPilot's api_server.endpoint", () => {
    const config = parseSkyportConfig('kubernetes:\n  allowed_contexts: all\napi_server:\n  endpoint: http://127.0.0.1:9');
    assert.equal(config.kubernetes?.allowed_contexts, 'all');
    assert.equal(config.api?.endpoint, 'http://127.0.0.1:9');
  });
  it('an empty file is an empty config', () => assert.deepEqual(parseSkyportConfig(''), {}));

  const errors: Array<[string, string, RegExp]> = [
    ['syntax error with line', 'kubernetes:\n  ports: [a\n', /line 3, column 1: YAML syntax error/],
    ['unknown key with suggestion', 'kubernetes:\n  allowed_context: [a]', /kubernetes.allowed_context \(line 2\): unknown key 'allowed_context'; did you mean 'allowed_contexts'\?/],
    ['bad ports mode', 'kubernetes:\n  ports: hostport', /kubernetes.ports \(line 2\): expected one of loadbalancer, ingress, podip .*got 'hostport'/],
    ['bad allowed_contexts', 'kubernetes:\n  allowed_contexts: some', /kubernetes.allowed_contexts \(line 2\): expected a list of context names, or 'all'/],
    ['bad per-context key', 'kubernetes:\n  context_configs:\n    c1:\n      provision_timout: 3', /kubernetes.context_configs.c1.provision_timout \(line 4\): unknown key.*did you mean 'provision_timeout'/],
    ['bad endpoint', 'api:\n  endpoint: 127.0.0.1:1', /api.endpoint \(line 2\): expected a URL/],
    ['bad timeout type', 'kubernetes:\n  provision_timeout: soon', /expected seconds \(a whole number\), got 'soon'/],
  ];
  for (const [title, text, pattern] of errors) it(`rejects: ${title}`, () => rejects(text, pattern));
});

describe('config location', () => {
  it('SKYPORT_CONFIG overrides ~/.skyport/config.yaml', () => {
    assert.deepEqual(configPath({ HOME: '/home/u' }), { path: '/home/u/.skyport/config.yaml', explicit: false });
    assert.deepEqual(configPath({ HOME: '/home/u', SKYPORT_CONFIG: '/etc/sky.yaml' }), { path: '/etc/sky.yaml', explicit: true });
  });
  it('reads the file from HOME', () => {
    const home = path.join(dir, 'home');
    mkdirSync(path.join(home, '.skyport'), { recursive: true });
    writeFileSync(path.join(home, '.skyport', 'config.yaml'), 'kubernetes:\n  ports: podip\n');
    const loaded = loadSkyportConfig({ HOME: home });
    assert.equal(loaded.found, true);
    assert.equal(loaded.config.kubernetes?.ports, 'podip');
  });
  it('no file at the default path is an empty config', () => {
    assert.deepEqual(loadSkyportConfig({ HOME: path.join(dir, 'nobody') }).config, {});
  });
  it('a missing SKYPORT_CONFIG file is an error naming it', () => {
    assert.throws(() => loadSkyportConfig({ SKYPORT_CONFIG: path.join(dir, 'missing.yaml') }), /SKYPORT_CONFIG points at .*missing\.yaml, which does not exist/);
  });
  it('an invalid file names itself', () => {
    const file = path.join(dir, 'bad.yaml');
    writeFileSync(file, 'kubernetes:\n  ports: 3\n');
    assert.throws(() => loadSkyportConfig({ SKYPORT_CONFIG: file }), (e: unknown) => e instanceof SkyportError && e.userMessage.includes(`Invalid config file ${file}`));
  });
});

describe('api settings', () => {
  const config = parseSkyportConfig('api:\n  endpoint: http://127.0.0.1:5000/\n  token: from-file');
  const cases: Array<[string, NodeJS.ProcessEnv, SkyportConfig, { endpoint: string; token?: string }]> = [
    ['default', {}, {}, { endpoint: DEFAULT_API_ENDPOINT }],
    ['config file', {}, config, { endpoint: 'http://127.0.0.1:5000', token: 'from-file' }],
    ['env wins', { SKYPORT_API_URL: 'http://127.0.0.1:7', SKYPORT_TOKEN: 'from-env' }, config, { endpoint: 'http://127.0.0.1:7', token: 'from-env' }],
  ];
  for (const [title, env, cfg, expected] of cases) it(title, () => assert.deepEqual(apiSettings(cfg, env), expected));
});

describe('saveApiSettings', () => {
  it('writes api.endpoint and api.token, keeps the rest, owner-only', () => {
    const file = path.join(dir, 'save', 'config.yaml');
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, '# mine\nkubernetes:\n  ports: podip\n');
    saveApiSettings(file, { endpoint: 'http://127.0.0.1:1234', token: 'sk-1' });
    const text = readFileSync(file, 'utf8');
    assert.match(text, /# mine/);
    const config = parseSkyportConfig(text);
    assert.deepEqual(config.api, { endpoint: 'http://127.0.0.1:1234', token: 'sk-1' });
    assert.equal(config.kubernetes?.ports, 'podip');
    assert.equal(statSync(file).mode & 0o777, 0o600);
  });
  it('refuses to write an invalid endpoint', () => {
    assert.throws(() => saveApiSettings(path.join(dir, 'x.yaml'), { endpoint: 'localhost:1' }), /expected a URL/);
  });
});
