import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { Client } from 'pg';
import { NODE_LABELS, type ManagedJobView } from '@skyport/contracts';
import { startService, type SkyportService } from '@skyport/dev-stack';
import type { V1Service } from '@skyport/kube';
import { testProvider } from '@skyport/kube/testing';
import { E2E_TOKEN, skyport, startE2eStack, type E2eStack } from './e2e-stack';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The statuses a managed job ends in. */
export const ENDED_STATUSES = ['SUCCEEDED', 'FAILED', 'FAILED_NO_RESOURCE', 'CANCELLED'];

/** The managed-jobs suites' control plane and what they ask of it: the api, job states, and the pods on the local cluster. */
export interface ManagedJobsBed {
  stack: E2eStack;
  api: <T>(method: string, path: string, body?: unknown) => Promise<T>;
  submit: (task: string | { tasks: string[]; name?: string }) => Promise<number>;
  job: (id: number) => Promise<ManagedJobView>;
  /** Polls the job until `done` says so (the controller moves it every second). */
  until: (id: number, done: (j: ManagedJobView) => boolean, what: string, ms?: number) => Promise<ManagedJobView>;
  /**
   * `skyport jobs launch -y [args] <file>` through the CLI (exit 0 asserted): the job's id, read from the CLI's
   * `Managed job <id> '<name>' submitted` line, and its stdout. With `waitEnded`, also polls until the job ended.
   */
  launchFile: {
    (path: string, opts: { args?: string[]; waitEnded: number }): Promise<{ id: number; stdout: string; done: ManagedJobView }>;
    (path: string, opts?: { args?: string[] }): Promise<{ id: number; stdout: string }>;
  };
  /** Polls until the job is in one of ENDED_STATUSES. */
  ended: (id: number, ms?: number) => Promise<ManagedJobView>;
  podsOf: (cluster: string) => Promise<string[]>;
  /** The cluster's pods' DNS names as their spec sets them (`<hostname>.<subdomain>`). */
  podHostsOf: (cluster: string) => Promise<string[]>;
  /** A job group's headless Service (named after the group) in the shared namespace, unless it is gone or going. */
  groupService: (group: string) => Promise<V1Service | undefined>;
  deletePodsOf: (cluster: string) => Promise<void>;
  noPodsLeft: (cluster: string) => Promise<void>;
  clusterStatus: (name: string) => Promise<string | undefined>;
  /** SIGKILL all five services at once (a machine crash), then start them again on the same ports. */
  crashAll: () => Promise<void>;
  stop: () => Promise<void>;
}

/**
 * The whole control plane on the local KWOK cluster (or `kube`), with cluster health every 2 s (a deleted pod is
 * noticed quickly) and the managed-jobs controller every second; `env` adds to the services' environment.
 */
export async function startManagedJobsBed(label: string, options: { env?: Record<string, string>; kube?: { kubeconfig: string; context: string } } = {}): Promise<ManagedJobsBed> {
  const stack = await startE2eStack(label, { SKYPORT_CLUSTER_HEALTH_SECONDS: '2', SKYPORT_MANAGED_JOBS_SECONDS: '1', ...options.env }, options.kube);
  // Job ids name their clusters (sky-jobs-<id>-<n>) in the shared namespace: every suite's fresh database would
  // start at 1, so another suite running beside this one (or a teardown still finishing) could hold the same names.
  const pg = new Client({ connectionString: stack.env.SKYPORT_DATABASE_URL });
  try {
    await pg.connect();
    await pg.query(`ALTER SEQUENCE managed_jobs_id_seq RESTART WITH ${randomInt(1_000, 1_000_000)}`);
  } catch (error) {
    await stack.stop();
    throw error;
  } finally {
    await pg.end().catch(() => undefined);
  }

  async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${stack.apiUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${E2E_TOKEN}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    assert.ok(res.ok, `${method} ${path}: ${res.status} ${text}`);
    return JSON.parse(text) as T;
  }

  const job = (id: number) => api<ManagedJobView>('GET', `/v1/jobs/${id}`);

  async function until(id: number, done: (j: ManagedJobView) => boolean, what: string, ms = 75_000): Promise<ManagedJobView> {
    const t0 = Date.now();
    for (;;) {
      const j = await job(id);
      if (done(j)) return j;
      assert.ok(Date.now() - t0 < ms, `managed job ${id} never ${what}: ${JSON.stringify(j)}`);
      await sleep(300);
    }
  }

  const ended = (id: number, ms?: number) => until(id, (j) => ENDED_STATUSES.includes(j.status), 'ended', ms);

  async function launchFile(path: string, opts: { args?: string[]; waitEnded?: number } = {}): Promise<{ id: number; stdout: string; done?: ManagedJobView }> {
    const launched = await skyport(stack, ['jobs', 'launch', '-y', ...(opts.args ?? []), path]);
    assert.equal(launched.code, 0, `jobs launch ${path}: ${launched.stdout}${launched.stderr}`);
    const id = Number(/Managed job (\d+) '[^']*' submitted/.exec(launched.stdout)?.[1]);
    assert.ok(id > 0, `no job id in: ${launched.stdout}`);
    return { id, stdout: launched.stdout, ...(opts.waitEnded ? { done: await ended(id, opts.waitEnded) } : {}) };
  }

  const clients = () => testProvider(stack.kube).forContext(stack.kube.context);

  async function podsOf(cluster: string): Promise<string[]> {
    const c = clients();
    const pods = await c.core.listNamespacedPod({ namespace: c.context.namespace, labelSelector: `${NODE_LABELS.cluster}=${cluster}` });
    return pods.items.filter((p) => !p.metadata?.deletionTimestamp).map((p) => p.metadata!.name!);
  }

  async function groupService(group: string): Promise<V1Service | undefined> {
    const c = clients();
    const found = await c.core.listNamespacedService({ namespace: c.context.namespace, fieldSelector: `metadata.name=${group}` });
    return found.items.find((svc) => !svc.metadata?.deletionTimestamp);
  }

  return {
    stack,
    api,
    submit: async (task) => (await api<{ id: number }>('POST', '/v1/jobs', typeof task === 'string' ? { task } : task)).id,
    job,
    until,
    launchFile: launchFile as ManagedJobsBed['launchFile'],
    ended,
    podsOf,
    podHostsOf: async (cluster) => {
      const c = clients();
      const pods = await c.core.listNamespacedPod({ namespace: c.context.namespace, labelSelector: `${NODE_LABELS.cluster}=${cluster}` });
      return pods.items.filter((p) => !p.metadata?.deletionTimestamp).map((p) => `${p.spec?.hostname}.${p.spec?.subdomain}`);
    },
    groupService,
    deletePodsOf: async (cluster) => {
      const c = clients();
      for (const pod of await podsOf(cluster)) await c.core.deleteNamespacedPod({ namespace: c.context.namespace, name: pod, gracePeriodSeconds: 0 });
    },
    noPodsLeft: async (cluster) => {
      const t0 = Date.now();
      while ((await podsOf(cluster)).length) {
        assert.ok(Date.now() - t0 < 60_000, `pods of '${cluster}' still there: ${(await podsOf(cluster)).join(', ')}`);
        await sleep(300);
      }
    },
    clusterStatus: async (name) => {
      const res = await fetch(`${stack.apiUrl}/v1/clusters/${name}`, { headers: { authorization: `Bearer ${E2E_TOKEN}` } });
      return res.ok ? ((await res.json()) as { status: string }).status : undefined;
    },
    crashAll: async () => {
      const order: SkyportService[] = ['provisioner', 'optimizer', 'logs', 'autodown', 'api'];
      const killed = order.map((name) => stack.services.get(name)!);
      await Promise.all(killed.map((running) => running.kill()));
      for (const [i, name] of order.entries()) {
        stack.services.set(name, await startService(name, { ...stack.env, SKYPORT_HEALTH_PORT: String(killed[i].healthPort) }, 60_000));
      }
      // Healthy is not yet answering: wait until the api serves a read (its pools reconnected) before the test polls.
      const t0 = Date.now();
      while (!(await fetch(`${stack.apiUrl}/v1/jobs`, { headers: { authorization: `Bearer ${E2E_TOKEN}` } }).then((r) => r.ok, () => false))) {
        assert.ok(Date.now() - t0 < 30_000, 'the restarted api never answered GET /v1/jobs');
        await sleep(300);
      }
    },
    stop: async () => {
      await api('POST', '/v1/jobs/cancel', { all: true }).catch(() => undefined);
      await stack.stop();
    },
  };
}
