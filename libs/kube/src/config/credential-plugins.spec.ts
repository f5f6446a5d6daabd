import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { KubeConfig } from '@kubernetes/client-node';
import { ErrorCode, SkyportError } from '@skyport/contracts';
import { KubeClientProvider, warnAboutMissingCredentialPlugins } from '../client/kube-client.provider';
import { missingCredentialPlugins } from './credential-plugins';

/** A kubeconfig with a token context and contexts whose users run the given exec plugins. */
function kubeconfig(plugins: Record<string, string>): KubeConfig {
  const kc = new KubeConfig();
  const names = ['token', ...Object.keys(plugins)];
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: 'https://127.0.0.1:6443', skipTLSVerify: false }],
    users: names.map((n) =>
      n === 'token'
        ? { name: 'token-user', token: 't' }
        : { name: `${n}-user`, exec: { apiVersion: 'client.authentication.k8s.io/v1beta1', command: plugins[n], args: ['token'], interactiveMode: 'Never' } },
    ),
    contexts: names.map((n) => ({ name: n, cluster: 'c', user: `${n}-user` })),
    currentContext: 'token',
  });
  return kc;
}

describe('exec credential plugins that are not installed', () => {
  const kc = kubeconfig({ eks: 'skyport-no-such-aws-cli', gke: '/opt/nowhere/gke-gcloud-auth-plugin', local: 'sh' });

  it('are found per context, by PATH lookup or by path; installed ones and token users are fine', () => {
    const missing = missingCredentialPlugins(kc);
    assert.deepEqual(missing.map((m) => [m.context, m.command]), [['eks', 'skyport-no-such-aws-cli'], ['gke', '/opt/nowhere/gke-gcloud-auth-plugin']]);
    assert.match(missing[0]!.message, /^Kubernetes context "eks" authenticates with the exec credential plugin "skyport-no-such-aws-cli" \(user "eks-user"\), which is not installed here/);
    assert.match(missing[0]!.message, /a token or a client certificate/);
    assert.deepEqual(missingCredentialPlugins(kc, ['token', 'local']), [], 'only the named contexts are checked');
    assert.deepEqual(missingCredentialPlugins(kc, ['eks'], { PATH: '' }).length, 1);
    assert.deepEqual(missingCredentialPlugins(kubeconfig({ a: 'sh' }), undefined, { PATH: '/nonexistent' }).map((m) => m.context), ['a'], 'PATH decides, as for spawn');
  });

  it('using such a context is a typed error naming it, not an ENOENT from a request', () => {
    const provider = new KubeClientProvider(kc);
    assert.equal(provider.forContext('token').context.name, 'token');
    assert.equal(provider.forContext('local').context.name, 'local');
    assert.throws(
      () => provider.forContext('eks'),
      (e: unknown) => e instanceof SkyportError && e.code === ErrorCode.KubernetesUnavailable && e.userMessage.startsWith('Kubernetes context "eks" authenticates with the exec credential plugin'),
    );
  });

  it('a service warns once per such context at start', () => {
    const lines: Array<[Record<string, unknown>, string]> = [];
    warnAboutMissingCredentialPlugins(new KubeClientProvider(kc), { warn: (fields, message) => lines.push([fields, message]) });
    assert.deepEqual(lines.map(([f]) => f), [{ context: 'eks', command: 'skyport-no-such-aws-cli' }, { context: 'gke', command: '/opt/nowhere/gke-gcloud-auth-plugin' }]);
    assert.ok(lines.every(([, m]) => !m.includes('\n    at ')), 'no stack trace');
  });
});
