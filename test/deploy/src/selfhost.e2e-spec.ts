import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppsV1Api } from '@kubernetes/client-node';
import { Client } from 'pg';
import { installPackedCli, localClusterInfo, repoRoot, runInstalledCli, SELFHOST, type CliRun, type InstalledCli } from '@skyport/dev-stack';
import { forwardPort, isPodServing, KubeClientProvider, type KubeClients, type PortForwardHandle } from '@skyport/kube';
import { openBrowser, CHROMIUM, type Browser } from '@skyport/e2e/dist/dashboard/browser';
import { waitFor } from '@skyport/e2e/dist/real-nodes/real-stack';
import { BUILD_TIMEOUT_MS, ensureTools, runAsync } from './support/tools';

const SELFHOST_CLI = join(repoRoot(), 'tools', 'dev-stack', 'dist', 'selfhost', 'cli.js');
const NAMESPACE = SELFHOST.namespace;
/** The chart's own PostgreSQL (`--database in-cluster`): its StatefulSet's pod and the chart's database. */
const POSTGRES_POD = 'skyport-postgresql-0';
const DATABASE = 'skyport';
const UP_TIMEOUT_MS = 25 * 60 * 1000;

function skipReason(): string | false {
  if (process.getuid?.() !== 0) return 'needs root: real nodes (kubelet + containerd) and buildah';
  if (!existsSync('/usr/bin/buildah')) return 'no buildah: bash scripts/setup.sh installs it';
  if (!existsSync(CHROMIUM)) return `no ${CHROMIUM}: bash scripts/setup.sh installs it`;
  return false;
}

/** `npm run selfhost -- <args>`: its stdout (the export lines) and the tail of its progress output. */
const selfhost = (args: string[]) => runAsync(process.execPath, [SELFHOST_CLI, ...args]);

function exportsOf(stdout: string): Record<string, string> {
  return Object.fromEntries([...stdout.matchAll(/^export (\w+)=(.*)$/gm)].map((m) => [m[1]!, m[2]!]));
}

/**
 * Skyport as an operator's trial install runs it: `npm run selfhost -- up --database in-cluster` builds the image with
 * buildah, pushes it to the local registry and installs the Helm chart, with its own PostgreSQL and Redis on volumes
 * (the cluster's default StorageClass, local-path), on a local cluster of real nodes (kubelets + containerd); then a
 * user with the globally installed CLI, from a directory of their own, logs in with the printed token and runs a task.
 */
describe('self-hosted Skyport on real nodes, used through the installed CLI', { skip: skipReason() }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'skyport-selfhost-'));
  const home = join(dir, 'home');
  const work = join(dir, 'work');
  const cluster = `sh-${randomBytes(2).toString('hex')}`;
  let cli: InstalledCli;
  let env: Record<string, string> = {};
  let clients: KubeClients;
  let browser: Browser | undefined;
  /** 127.0.0.1 -> the chart's PostgreSQL pod (each connection goes to the pod of that name as it is then). */
  let postgresForward: PortForwardHandle | undefined;

  const skyport = (args: string[], timeoutMs = 60_000): Promise<CliRun> =>
    runInstalledCli(cli, args, { cwd: work, env: { HOME: home, SKYPORT_API_URL: env.SKYPORT_API_URL ?? '' }, timeoutMs });
  const pods = async (selector: string) =>
    (await clients.core.listNamespacedPod({ namespace: NAMESPACE, labelSelector: selector })).items.filter((p) => !p.metadata?.deletionTimestamp);
  /** A query on the chart's database, as the release's own user (password from the chart's Secret). */
  const chartDb = async <R extends object>(sql: string, params: unknown[] = []): Promise<R[]> => {
    const secret = await clients.core.readNamespacedSecret({ name: 'skyport', namespace: NAMESPACE });
    const password = Buffer.from(secret.data?.['postgres-password'] ?? '', 'base64').toString('utf8');
    postgresForward ??= await forwardPort({ clients, namespace: NAMESPACE, pod: POSTGRES_POD, remotePort: 5432 });
    const db = new Client({ host: '127.0.0.1', port: postgresForward.localPort, user: 'skyport', password, database: DATABASE, connectionTimeoutMillis: 10_000 });
    await db.connect();
    try {
      return (await db.query<R>(sql, params)).rows;
    } finally {
      await db.end();
    }
  };
  const leaseHolder = async (): Promise<string | undefined> => {
    const rows = await chartDb<{ application_name: string }>(
      `SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
        WHERE l.locktype = 'advisory' AND l.granted AND a.datname = $1 AND a.application_name LIKE 'skyport-lease:autodown.singletons@%'`,
      [DATABASE],
    );
    return rows[0]?.application_name.split('@')[1];
  };
  /**
   * The autodown pod holding the lease, among the current (not terminating) pods. A replica replaced by a rollout
   * keeps the lease until it exits, so right after `helm upgrade` the holder may be a pod that is going away.
   */
  let leaseSeen = '';
  const currentLeader = async (): Promise<string | undefined> => {
    const holder = await leaseHolder();
    const all = (await clients.core.listNamespacedPod({ namespace: NAMESPACE, labelSelector: 'app.kubernetes.io/instance=skyport,app.kubernetes.io/component=autodown' })).items;
    leaseSeen = `holder ${holder ?? 'none'}; autodown pods ${all.map((p) => `${p.metadata!.name}${p.metadata?.deletionTimestamp ? ' (terminating)' : ''}`).join(', ')}`;
    if (!holder) return undefined;
    // the session names its pod (Postgres keeps 63 bytes of application_name: a prefix of a long pod name)
    return all.filter((p) => !p.metadata?.deletionTimestamp).map((p) => p.metadata!.name!).find((name) => name.startsWith(holder));
  };
  /** A replaced replica may hold the lease until it exits: its grace period (60 s) and the standbys' 5 s retry. */
  const waitForLeader = (what: string, fn: () => Promise<string | undefined>): Promise<string> =>
    waitFor(what, fn, 150_000, 1_000).catch((err: unknown) => {
      throw new Error(`${err instanceof Error ? err.message : String(err)} (last seen: ${leaseSeen})`);
    });

  before(() => ensureTools(['helm']), { timeout: BUILD_TIMEOUT_MS });
  before(
    async () => {
      mkdirSync(home);
      mkdirSync(work);
      writeFileSync(join(work, 'data.txt'), 'from the workdir\n');
      cli = installPackedCli(join(dir, 'cli'));
      const up = await selfhost(['up', '--database', 'in-cluster', '--set', 'autodown.replicas=2']);
      assert.equal(up.code, 0, up.stderr);
      env = exportsOf(up.stdout);
      const local = localClusterInfo(SELFHOST.cluster);
      assert.ok(local, 'selfhost up left its cluster running');
      clients = KubeClientProvider.fromSource({ paths: [local.kubeconfig], env: {} }, [local.context]).forContext(local.context);
    },
    { timeout: UP_TIMEOUT_MS },
  );
  after(
    async () => {
      await browser?.close();
      await postgresForward?.close();
      if (env.SKYPORT_API_URL) await skyport(['down', '-y', cluster], 180_000);
      if (process.env.SKYPORT_KEEP_SELFHOST !== '1') {
        const down = await selfhost(['down']);
        assert.equal(down.code, 0, down.stderr);
      }
      rmSync(dir, { recursive: true, force: true });
    },
    { timeout: 10 * 60 * 1000 },
  );

  it('`up` ends with exactly two lines to eval: the api port-forward and the admin token file', () => {
    assert.deepEqual(Object.keys(env), ['SKYPORT_API_URL', 'SKYPORT_TOKEN_FILE']);
    assert.match(env.SKYPORT_API_URL!, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.match(readFileSync(env.SKYPORT_TOKEN_FILE!, 'utf8'), /^\S{20,}\n$/);
  });

  it("every service runs as pods of the pushed image, non-root, read-only root, with the chart's service accounts", async () => {
    const deployments = (await clients.kc.makeApiClient(AppsV1Api).listNamespacedDeployment({ namespace: NAMESPACE })).items;
    const replicas = Object.fromEntries(deployments.map((d) => [d.metadata!.labels!['app.kubernetes.io/component']!, [d.spec?.replicas, d.status?.availableReplicas]]));
    assert.deepEqual(replicas, { api: [2, 2], optimizer: [1, 1], provisioner: [2, 2], logs: [1, 1], autodown: [2, 2], redis: [1, 1] });
    for (const pod of await pods('app.kubernetes.io/instance=skyport')) {
      const component = pod.metadata!.labels!['app.kubernetes.io/component'];
      const container = pod.spec!.containers[0]!;
      if (component === 'postgresql' || component === 'redis') continue;
      if (component === 'migrate') {
        // the migrations Job talks only to Postgres: no Kubernetes credentials at all
        assert.equal(pod.spec!.automountServiceAccountToken, false);
        continue;
      }
      assert.match(container.image!, /^127\.0\.0\.1:\d+\/skyport\/skyport:[0-9a-f]{12}$/);
      assert.equal(pod.spec!.serviceAccountName, component === 'api' ? 'skyport-api' : 'skyport');
      assert.equal(pod.spec!.securityContext?.runAsUser, 1000);
      assert.equal(container.securityContext?.readOnlyRootFilesystem, true);
      assert.equal(pod.status?.phase, 'Running', `${pod.metadata!.name}`);
    }
  });

  it("the chart's PostgreSQL and Redis keep their data on volumes: both claims Bound by the default StorageClass", async () => {
    const claims = (await clients.core.listNamespacedPersistentVolumeClaim({ namespace: NAMESPACE })).items;
    assert.deepEqual(claims.map((c) => [c.metadata!.name, c.status?.phase, c.spec?.storageClassName]).sort(), [
      ['data-skyport-postgresql-0', 'Bound', 'local-path'],
      ['skyport-redis', 'Bound', 'local-path'],
    ]);
    for (const c of claims) {
      const pv = await clients.core.readPersistentVolume({ name: c.spec!.volumeName! });
      assert.match(pv.spec?.hostPath?.path ?? '', /\/real\/volumes\/pvc-/, `${pv.metadata?.name} is a local-path directory`);
    }
    assert.equal((await pods('app.kubernetes.io/instance=skyport,app.kubernetes.io/component=postgresql'))[0]?.status?.phase, 'Running');
  });

  it('the installed CLI logs in with the printed token file and passes `check`', async () => {
    const login = await skyport(['api', 'login', '-e', env.SKYPORT_API_URL!, '--token-file', env.SKYPORT_TOKEN_FILE!]);
    assert.equal(login.code, 0, login.stderr);
    assert.match(login.stdout, /Logged in to http:\/\/127\.0\.0\.1/);
    const check = await skyport(['check'], 120_000);
    assert.equal(check.code, 0, `${check.stdout}\n${check.stderr}`);
  });

  it('a 2-node task with a workdir: launch, logs, ssh -- hostname, status --endpoints', async () => {
    writeFileSync(
      join(work, 'task.yaml'),
      ['num_nodes: 2', 'workdir: .', 'resources:', '  cpus: 0.2', '  memory: 0.25', '  ports: 8888', 'run: echo "rank=$SKYPILOT_NODE_RANK $(cat data.txt)"', ''].join('\n'),
    );
    const launch = await skyport(['launch', '-y', '-c', cluster, 'task.yaml'], 300_000);
    assert.equal(launch.code, 0, `${launch.stdout}\n${launch.stderr}`);
    assert.match(launch.stdout, /rank=0 from the workdir/);
    assert.match(launch.stdout, /rank=1 from the workdir/);
    const logs = await skyport(['logs', cluster, '1', '--no-follow']);
    assert.equal(logs.code, 0, logs.stderr);
    assert.match(logs.stdout, /rank=1 from the workdir/);
    const ssh = await skyport(['ssh', cluster, '--', 'hostname']);
    assert.equal(ssh.code, 0, ssh.stderr);
    assert.equal(ssh.stdout.trim(), `${cluster}-head`);
    const endpoints = await skyport(['status', cluster, '--endpoints', '-o', 'json']);
    assert.equal(endpoints.code, 0, endpoints.stderr);
    assert.ok((JSON.parse(endpoints.stdout) as Record<string, string>)['8888'], endpoints.stdout);
    // what kubectl shows: the task's pods run on the real nodes beside Skyport's own
    assert.equal((await pods(`skyport.dev/cluster=${cluster}`)).length, 2);
    // and the chart's database holds the cluster's row
    assert.deepEqual(await chartDb('SELECT name, status, num_nodes FROM clusters WHERE name = $1', [cluster]), [{ name: cluster, status: 'UP', num_nodes: 2 }]);
  });

  // Both api pods Ready and the port-forward answering. On this shared 2-core machine every service's /healthz once
  // failed its Postgres/Redis check for tens of seconds while other suites started clusters beside this one (load
  // ≈10; own CI on 193955b): the readiness probes took both api pods out and the forward had no pod to send to.
  // That is the probes doing their job; these tests are about the forward and the dashboard, so they wait it out.
  const apiServing = () =>
    waitFor('both api pods Ready and the api answering through the port-forward', async () => {
      const api = await pods('app.kubernetes.io/instance=skyport,app.kubernetes.io/component=api');
      if (api.filter(isPodServing).length < 2) return undefined;
      return (await fetch(`${env.SKYPORT_API_URL}/healthz`).catch(() => undefined))?.ok ? true : undefined;
    }, 180_000, 2_000);

  it('both api replicas answered requests (the port-forward spreads connections over the ready pods)', async () => {
    await apiServing();
    for (let i = 0; i < 6; i++) assert.equal((await skyport(['status'])).code, 0);
    for (const pod of await pods('app.kubernetes.io/instance=skyport,app.kubernetes.io/component=api')) {
      const pf = await forwardPort({ clients, namespace: NAMESPACE, pod: pod.metadata!.name!, remotePort: 26580 });
      try {
        const metrics = await (await fetch(`http://127.0.0.1:${pf.localPort}/metrics`)).text();
        const served = [...metrics.matchAll(/^skyport_api_request_duration_seconds_count\{[^}]*route="\/v1\/clusters[^"]*"[^}]*\} (\d+)/gm)].reduce((n, m) => n + Number(m[1]), 0);
        assert.ok(served > 0, `${pod.metadata!.name} served no /v1/clusters request`);
      } finally {
        await pf.close();
      }
    }
  });

  it("the dashboard's Clusters page in Chromium, through the deployed api", async () => {
    await apiServing();
    browser = await openBrowser();
    const page = await browser.context.newPage();
    await page.goto(`${env.SKYPORT_API_URL}/ui/`);
    await page.getByLabel('API token').fill(readFileSync(env.SKYPORT_TOKEN_FILE!, 'utf8').trim());
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Clusters', level: 1 }).waitFor();
    await page.getByTestId(`cluster-row-${cluster}`).getByText('UP', { exact: true }).waitFor({ timeout: 30_000 });
  });

  it('`helm upgrade` with a changed value keeps the cluster rows', async () => {
    const up = await selfhost(['up', '--set', 'autodown.replicas=2', '--set', 'logLevel=debug']);
    assert.equal(up.code, 0, up.stderr);
    // The changed values roll every pod, the api's too: once the release is upgraded, its old api pods are still
    // going away (own CI on 61737a5: the CLI's retries, ≈ 25 s, found no pod answering through the forward).
    await apiServing();
    const config = await clients.core.readNamespacedConfigMap({ name: 'skyport-env', namespace: NAMESPACE });
    assert.equal(config.data?.SKYPORT_LOG_LEVEL, 'debug');
    const status = await skyport(['status', '-o', 'json']);
    assert.equal(status.code, 0, status.stderr);
    const row = (JSON.parse(status.stdout) as Array<{ name: string; status: string }>).find((c) => c.name === cluster);
    assert.equal(row?.status, 'UP', status.stdout);
    assert.deepEqual(await chartDb('SELECT name FROM clusters WHERE name = $1', [cluster]), [{ name: cluster }]);
  });

  it('deleting the autodown leader pod moves the lease to the other replica', async () => {
    const leader = await waitForLeader('a current autodown pod to hold the lease', currentLeader);
    await clients.core.deleteNamespacedPod({ name: leader, namespace: NAMESPACE });
    const next = await waitForLeader('another current autodown pod to hold the lease', async () => {
      const now = await currentLeader();
      return now && now !== leader ? now : undefined;
    });
    assert.match(next, /^skyport-autodown-/);
  });

  it('`down` removes the task cluster: no pods are left', async () => {
    await apiServing();
    const down = await skyport(['down', '-y', cluster], 180_000);
    assert.equal(down.code, 0, down.stderr);
    await waitFor('the task pods to go', async () => ((await pods(`skyport.dev/cluster=${cluster}`)).length === 0 ? true : undefined), 120_000);
  });

  // Last, so that no step after it depends on connections the restart cuts.
  it("the chart's PostgreSQL stops cleanly and fast (preStop: SIGINT) and starts again on its volume with its rows", async () => {
    const old = (await clients.core.readNamespacedPod({ name: POSTGRES_POD, namespace: NAMESPACE })).metadata!.uid!;
    const started = Date.now();
    await clients.core.deleteNamespacedPod({ name: POSTGRES_POD, namespace: NAMESPACE });
    const current = () => clients.core.readNamespacedPod({ name: POSTGRES_POD, namespace: NAMESPACE }).catch(() => undefined);
    await waitFor('the old PostgreSQL pod to go', async () => ((await current())?.metadata?.uid !== old ? true : undefined), 60_000, 200);
    // "smart" shutdown (SIGTERM alone) waited out the 30 s grace period for the services' pooled connections
    const stopMs = Date.now() - started;
    assert.ok(stopMs < 25_000, `the old pod took ${stopMs} ms to stop`);
    const fresh = await waitFor('the new PostgreSQL pod to be Ready', async () => {
      const pod = await current();
      return pod && pod.metadata!.uid !== old && isPodServing(pod) ? pod : undefined;
    }, 120_000);
    const log = await clients.core.readNamespacedPodLog({ name: POSTGRES_POD, namespace: NAMESPACE });
    assert.match(String(log), /database system was shut down at/, `a clean shutdown before this start:\n${String(log)}`);
    assert.ok(fresh.status?.containerStatuses?.[0]?.restartCount === 0);
    const users = await waitFor('the admin user row, read after the restart', async () => {
      const rows = await chartDb<{ name: string }>("SELECT name FROM users WHERE name = 'admin'");
      return rows.length ? rows : undefined;
    }, 60_000);
    assert.deepEqual(users, [{ name: 'admin' }]);
  });
});
