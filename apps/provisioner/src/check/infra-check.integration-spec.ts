import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ProvisionerRpc } from '@skyport/contracts';
import { grpcTlsEnv } from '@skyport/dev-stack';
import { KubeClientProvider } from '@skyport/kube';
import { createTestNamespace, serviceAccountWithAccess, testKubeTarget, testProvider, type ServiceAccountAccess } from '@skyport/kube/testing';
import { callUnary, grpcClientArgs, grpcSecurity, startGrpcServer, stopGrpcServer } from '@skyport/service-kit';
import { provisionerGrpcServer } from '../capacity/capacity.grpc';
import { CapacityService } from '../capacity/capacity.service';
import { InfraCheckService } from './infra-check.service';
import { REQUIRED_PERMISSIONS } from './required-permissions';

const local = testKubeTarget();
const ALL = ['get', 'list', 'watch', 'create', 'delete', 'deletecollection'];

/**
 * `skyport check`'s permission part against the real API server: a ServiceAccount granted everything Skyport
 * needs except `create pods/exec` is told exactly that, by SelfSubjectAccessReview with its own token.
 */
describe('Provisioner.Check with a ServiceAccount missing one verb', { skip: !local && 'needs the local Kubernetes control plane' }, () => {
  let ns: { name: string; drop: () => Promise<void> };
  let access: ServiceAccountAccess;
  let dir: string;
  let kubeconfig: string;

  before(async () => {
    const admin = testProvider(local!).forContext(local!.context);
    ns = await createTestNamespace(admin, 'check-perms');
    access = await serviceAccountWithAccess(admin, ns.name, {
      rules: [
        { apiGroups: [''], resources: ['pods', 'services', 'persistentvolumeclaims'], verbs: ALL },
        { apiGroups: [''], resources: ['secrets'], verbs: [...ALL, 'update'] },
        { apiGroups: [''], resources: ['configmaps'], verbs: ['list', 'delete'] },
        // The one gap: exec is opened (get) but may not be created.
        { apiGroups: [''], resources: ['pods/exec'], verbs: ['get'] },
        { apiGroups: [''], resources: ['events'], verbs: ['get', 'list', 'watch'] },
        { apiGroups: ['networking.k8s.io'], resources: ['ingresses'], verbs: ALL },
      ],
      clusterRules: [{ apiGroups: [''], resources: ['nodes', 'pods'], verbs: ['get', 'list', 'watch'] }],
    });
    // The same kubeconfig with a second context whose API server does not answer.
    dir = mkdtempSync(path.join(tmpdir(), 'skyport-check-'));
    const config = JSON.parse(readFileSync(access.kubeconfig, 'utf8')) as { clusters: unknown[]; contexts: unknown[] };
    config.clusters.push({ name: 'dead', cluster: { server: 'https://127.0.0.1:1' } });
    config.contexts.push({ name: 'dead', context: { cluster: 'dead', user: access.context, namespace: ns.name } });
    kubeconfig = path.join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, JSON.stringify(config), { mode: 0o600 });
  });

  after(async () => {
    await access?.remove();
    await ns?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  function checker(): InfraCheckService {
    return new InfraCheckService({
      kube: KubeClientProvider.fromSource({ paths: [kubeconfig] }, [access.context, 'dead']),
      config: {},
      clouds: ['aws', 'gcp'],
      cloud: { providers: ['aws'], env: { HOME: dir, AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret' } },
    });
  }

  test('names exactly the missing verb, in the namespace launches use, with what fails', async () => {
    const res = await checker().check([access.context]);
    const ctx = res.contexts[0]!;
    assert.equal(ctx.reachable, true, ctx.error);
    assert.equal(ctx.namespace, ns.name);
    assert.equal(ctx.permissions.length, REQUIRED_PERMISSIONS.length);
    const missing = ctx.permissions.filter((p) => !p.allowed);
    assert.deepEqual(
      missing.map((p) => `${p.verb} ${p.resource} in ${p.namespace}`),
      [`create pods/exec in ${ns.name}`],
    );
    assert.match(missing[0]!.neededFor, /exec, ssh and job start will fail/);
    const ingress = ctx.permissions.find((p) => p.resource === 'ingresses.networking.k8s.io' && p.verb === 'create');
    assert.equal(ingress?.allowed, true);
    const nodes = ctx.permissions.find((p) => p.resource === 'nodes');
    assert.equal(nodes?.namespace, '', 'nodes are asked cluster-wide');
  });

  test('a context that does not answer is unreachable with the reason; clouds say enabled and why', async () => {
    const started = Date.now();
    const res = await checker().check([]);
    assert.ok(Date.now() - started < 20_000);
    const dead = res.contexts.find((c) => c.context === 'dead')!;
    assert.equal(dead.reachable, false);
    assert.match(dead.error, /127\.0\.0\.1:1|refused|did not answer|unreachable|cannot reach/i);
    assert.deepEqual(dead.permissions, []);
    assert.deepEqual(
      res.clouds.map((c) => [c.cloud, c.enabled]),
      [
        ['aws', true],
        ['gcp', false],
      ],
    );
    assert.match(res.clouds[0]!.reason, /AWS_ACCESS_KEY_ID/);
    assert.match(res.clouds[1]!.reason, /catalog only/);
  });

  test('over gRPC, as the api asks it', async () => {
    const provider = KubeClientProvider.fromSource({ paths: [kubeconfig] }, [access.context]);
    const capacity = new CapacityService(provider);
    const { server, port } = await startGrpcServer('127.0.0.1:0', [{ definition: ProvisionerRpc.ProvisionerService, implementation: provisionerGrpcServer(capacity, checker()) }], {
      security: grpcSecurity(grpcTlsEnv('provisioner'), 'test'),
    });
    const client = new ProvisionerRpc.ProvisionerClient(`127.0.0.1:${port}`, ...grpcClientArgs(grpcSecurity(grpcTlsEnv('api'), 'test'), 'provisioner'));
    try {
      const res = await callUnary(client.check.bind(client), { contexts: [access.context] }, 20_000);
      assert.deepEqual(
        res.contexts[0]!.permissions.filter((p) => !p.allowed).map((p) => `${p.verb} ${p.resource}`),
        ['create pods/exec'],
      );
    } finally {
      client.close();
      await stopGrpcServer(server);
      await capacity.dispose();
    }
  });
});
