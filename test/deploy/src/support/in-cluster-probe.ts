// Run inside a private mount namespace where /var/run/secrets/kubernetes.io/serviceaccount holds a
// ServiceAccount's token, CA and namespace, with KUBERNETES_SERVICE_HOST/PORT set and no kubeconfig anywhere:
// exactly a Skyport pod's view. Loads the configuration the way the services do (@skyport/kube's
// loadKubeConfig with no paths) and prints what it could and could not do, as one JSON line.
import { KubeClientProvider, kubeCall, listContexts, loadKubeConfig } from '@skyport/kube';

async function attempt(fn: () => Promise<unknown>): Promise<string> {
  try {
    await fn();
    return 'ok';
  } catch (err) {
    return (err as { code?: string }).code ?? String(err);
  }
}

async function main(): Promise<void> {
  const [otherNamespace = 'default'] = process.argv.slice(2);
  const loaded = loadKubeConfig();
  const provider = new KubeClientProvider(loaded.kc);
  const clients = provider.forContext();
  const ns = clients.context.namespace;
  // Every context (the pod's own and a mounted kubeconfig's): can it list pods in its namespace?
  const perContext: Record<string, string> = {};
  for (const name of listContexts(loaded.kc)) {
    perContext[name] = await attempt(async () => {
      const c = provider.forContext(name);
      await kubeCall({ verb: 'list', resource: 'pods', namespace: c.context.namespace, context: name }, () => c.core.listNamespacedPod({ namespace: c.context.namespace }));
    });
  }
  const result = {
    inCluster: loaded.inCluster,
    files: loaded.files,
    current: loaded.kc.getCurrentContext(),
    perContext,
    missingPlugins: provider.missingCredentialPlugins().map((m) => m.context),
    namespace: ns,
    server: loaded.kc.getCurrentCluster()?.server,
    listPods: await attempt(() => kubeCall({ verb: 'list', resource: 'pods', namespace: ns }, () => clients.core.listNamespacedPod({ namespace: ns }))),
    listNodes: await attempt(() => kubeCall({ verb: 'list', resource: 'nodes' }, () => clients.core.listNode())),
    listOtherSecrets: await attempt(() =>
      kubeCall({ verb: 'list', resource: 'secrets', namespace: otherNamespace }, () => clients.core.listNamespacedSecret({ namespace: otherNamespace })),
    ),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((err: unknown) => {
  process.stdout.write(`${JSON.stringify({ error: err instanceof Error ? err.message : String(err) })}\n`);
  process.exitCode = 1;
});
