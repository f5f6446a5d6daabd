import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { KubeConfig } from '@kubernetes/client-node';
import { KubeClientProvider } from './kube-client.provider';

function twoContexts(): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: 'https://127.0.0.1:1', skipTLSVerify: true }],
    users: [{ name: 'u', token: 't' }],
    contexts: [
      { name: 'allowed', cluster: 'c', user: 'u' },
      { name: 'removed', cluster: 'c', user: 'u' },
    ],
    currentContext: 'allowed',
  });
  return kc;
}

describe('KubeClientProvider allowed contexts', () => {
  it('refuses a context outside kubernetes.allowed_contexts for new work', () => {
    const provider = new KubeClientProvider(twoContexts(), ['allowed']);
    assert.throws(() => provider.forContext('removed'), /not in kubernetes.allowed_contexts/);
    assert.equal(provider.forContext('allowed').context.name, 'allowed');
  });

  it('still reaches it for cleanup, so a cluster living there can be torn down', () => {
    const provider = new KubeClientProvider(twoContexts(), ['allowed']);
    assert.equal(provider.forContext('removed', { forCleanup: true }).context.name, 'removed');
  });
});
