import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KUBE_PROVIDER, KubeModule, LazyKubeProvider, kubeProviderFrom } from './kube.module';

const dir = mkdtempSync(join(tmpdir(), 'kube-module-spec-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function writeKubeconfig(path: string, contexts: string[]): void {
  const lines = ['apiVersion: v1', 'kind: Config', `current-context: ${contexts[0]}`, 'clusters:', '- name: c', '  cluster:', '    server: https://127.0.0.1:1'];
  lines.push('users:', '- name: u', '  user:', '    token: t', 'contexts:');
  for (const name of contexts) lines.push(`- name: ${name}`, '  context:', '    cluster: c', '    user: u');
  writeFileSync(path, lines.join('\n') + '\n');
}

const quiet = { warn: () => undefined };

describe('KubeModule: one provider per process', () => {
  it('forRoot is global and exports KUBE_PROVIDER; forRootLazy exports LazyKubeProvider', () => {
    const eager = KubeModule.forRoot({ logger: quiet });
    assert.equal(eager.global, true);
    assert.deepEqual(eager.exports, [KUBE_PROVIDER]);
    const lazy = KubeModule.forRootLazy({ logger: quiet });
    assert.equal(lazy.global, true);
    assert.deepEqual(lazy.exports, [LazyKubeProvider]);
  });

  it('narrows to the allowed contexts it is given, from the kubeconfig (":"-separated paths)', () => {
    const a = join(dir, 'a.yaml');
    const b = join(dir, 'b.yaml');
    writeKubeconfig(a, ['one', 'two']);
    writeKubeconfig(b, ['three']);
    const seen: Array<[string[], string]> = [];
    const provider = kubeProviderFrom({ kubeconfig: `${a}:${b}`, logger: quiet, allowedContexts: (all, current) => (seen.push([all, current]), ['two', 'three']) });
    assert.deepEqual(seen, [[['one', 'two', 'three'], 'one']]);
    assert.deepEqual(provider.contexts(), ['two', 'three']);
    assert.deepEqual(kubeProviderFrom({ kubeconfig: a, logger: quiet }).contexts(), ['one']);
  });

  it('the lazy provider reads the kubeconfig at the first get, retries after a failure, then keeps the one it built', () => {
    const path = join(dir, 'later.yaml');
    const lazy = new LazyKubeProvider({ kubeconfig: path, logger: quiet });
    assert.throws(() => lazy.get(), /later\.yaml/);
    writeKubeconfig(path, ['ctx']);
    const first = lazy.get();
    assert.equal(first.defaultContext(), 'ctx');
    assert.equal(lazy.get(), first);
  });
});
