import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCode, SkyportError } from '@skyport/contracts';
import { loadKubeConfig } from './kube-config.loader';
import { listContexts, resolveContext } from './kube-context';

function kubeconfig(ctxs: Array<{ name: string; namespace?: string }>, current: string): string {
  const lines = ['apiVersion: v1', 'kind: Config', `current-context: ${current}`, 'clusters:'];
  for (const c of ctxs) lines.push(`- name: ${c.name}-cluster`, '  cluster:', `    server: https://127.0.0.1:6443`);
  lines.push('users:');
  for (const c of ctxs) lines.push(`- name: ${c.name}-user`, '  user:', '    token: t');
  lines.push('contexts:');
  for (const c of ctxs) {
    lines.push(`- name: ${c.name}`, '  context:', `    cluster: ${c.name}-cluster`, `    user: ${c.name}-user`);
    if (c.namespace) lines.push(`    namespace: ${c.namespace}`);
  }
  return lines.join('\n') + '\n';
}

const dir = mkdtempSync(join(tmpdir(), 'kube-config-spec-'));
const fileA = join(dir, 'a.yaml');
const fileB = join(dir, 'b.yaml');
writeFileSync(fileA, kubeconfig([{ name: 'a', namespace: 'team-a' }, { name: 'a2' }], 'a'));
writeFileSync(fileB, kubeconfig([{ name: 'b', namespace: 'team-b' }, { name: 'a', namespace: 'shadowed' }], 'b'));

test('explicit path: current context and its namespace', () => {
  const { kc, files } = loadKubeConfig({ paths: [fileA], env: {} });
  assert.deepEqual(files, [fileA]);
  assert.equal(resolveContext(kc).name, 'a');
  assert.equal(resolveContext(kc).namespace, 'team-a');
});

test('a context without a namespace falls back to default', () => {
  const { kc } = loadKubeConfig({ paths: [fileA], env: {} });
  assert.equal(resolveContext(kc, 'a2').namespace, 'default');
});

test('KUBECONFIG with several files merges them; the first file wins on names and current context', () => {
  const { kc, files } = loadKubeConfig({ env: { KUBECONFIG: `${fileA}:${fileB}` } });
  assert.deepEqual(files, [fileA, fileB]);
  assert.deepEqual(listContexts(kc), ['a', 'a2', 'b']);
  assert.equal(resolveContext(kc, 'a').namespace, 'team-a');
  assert.equal(resolveContext(kc, 'b').namespace, 'team-b');
});

test('default file under HOME', () => {
  const home = mkdtempSync(join(tmpdir(), 'kube-home-'));
  const kubeDir = join(home, '.kube');
  mkdirSync(kubeDir);
  writeFileSync(join(kubeDir, 'config'), kubeconfig([{ name: 'home' }], 'home'));
  const { kc } = loadKubeConfig({ env: { HOME: home } });
  assert.equal(resolveContext(kc).name, 'home');
});

test('no kubeconfig anywhere: an error that says what to do', () => {
  const home = mkdtempSync(join(tmpdir(), 'kube-empty-'));
  assert.throws(
    () => loadKubeConfig({ env: { HOME: home } }),
    (e: unknown) => e instanceof SkyportError && e.code === ErrorCode.KubernetesUnavailable && /KUBECONFIG/.test(e.userMessage) && e.userMessage.includes(home),
  );
});

test('an explicit path that does not exist is named', () => {
  assert.throws(
    () => loadKubeConfig({ paths: [join(dir, 'nope.yaml')], env: {} }),
    (e: unknown) => e instanceof SkyportError && e.userMessage.includes('nope.yaml'),
  );
});

test('in-cluster requested outside a pod is refused with the reason', () => {
  assert.throws(() => loadKubeConfig({ inCluster: true, env: {} }), (e: unknown) => e instanceof SkyportError && /service account/.test(e.userMessage));
});

test('unknown context lists the known ones', () => {
  const { kc } = loadKubeConfig({ paths: [fileA], env: {} });
  assert.throws(() => resolveContext(kc, 'zzz'), (e: unknown) => e instanceof SkyportError && /a, a2/.test(e.userMessage));
});
