#!/usr/bin/env node
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { forwardPort, isPodServing, KubeClientProvider } from '@skyport/kube';
import { TcpRelay } from '../tcp-relay';
import type { KeeperConfig } from './keeper-config';

/**
 * The background half of `npm run selfhost -- up`: what an operator would keep running beside a cluster install.
 *  - a port-forward on 127.0.0.1 to the api: each connection goes to a ready api pod, chosen afresh, so a rolling
 *    update or a deleted pod costs only the connections open on it (kubectl port-forward dies with its pod);
 *  - relays from the pod bridge's address to the local stack's Postgres and Redis (they listen on 127.0.0.1 only,
 *    which a pod cannot reach).
 * Started detached by selfhost.ts with a config file; stopped with SIGTERM by `selfhost down`.
 */
function log(line: string): void {
  process.stderr.write(`${new Date().toISOString()} ${line}\n`);
}

async function main(): Promise<void> {
  const config = JSON.parse(readFileSync(process.argv[2] ?? '', 'utf8')) as KeeperConfig;
  const clients = KubeClientProvider.fromSource({ paths: [config.kubeconfig], env: {} }, [config.context]).forContext(config.context);

  let next = 0;
  const pickApiPod = async (): Promise<string> => {
    const pods = (await clients.core.listNamespacedPod({ namespace: config.namespace, labelSelector: config.api.selector })).items.filter(isPodServing);
    if (pods.length === 0) throw new Error(`no ready api pod in namespace ${config.namespace} (${config.api.selector})`);
    return pods[next++ % pods.length]!.metadata!.name!;
  };
  const forward = await forwardPort({ clients, namespace: config.namespace, pod: pickApiPod, remotePort: config.api.targetPort, localPort: config.api.localPort, onError: (m) => log(`api forward: ${m}`) });
  log(`api: 127.0.0.1:${forward.localPort} -> ${config.namespace} pods ${config.api.selector} port ${config.api.targetPort}`);

  const relays: TcpRelay[] = [];
  for (const r of config.relays) {
    const relay = await new TcpRelay([{ host: r.targetHost, port: r.targetPort }]).open(r.listenPort, r.listenHost);
    relays.push(relay);
    log(`${r.name}: ${relay.address} -> ${r.targetHost}:${r.targetPort}`);
  }
  writeFileSync(config.readyFile, `${JSON.stringify({ pid: process.pid })}\n`);

  const stop = (): void => {
    log('stopping');
    rmSync(config.readyFile, { force: true });
    void Promise.all([forward.close(), ...relays.map((r) => r.cut())]).finally(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((e: unknown) => {
  log(`keeper failed: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
